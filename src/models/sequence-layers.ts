// Sequence layers of sequential networks — embedding, gru, lstm — their validation and shapes
// (planSequenceLayer) and their records in a network program (sequenceRecord). A sequence row holds T
// token ids (as f32 values) for an embedding, or T steps of features ([T, features] rows, step-major) for a
// recurrent layer without one. Parameters follow PyTorch (torch.nn.Embedding, torch.nn.GRU, torch.nn.LSTM):
// weight_ih (G·units × inputs) then weight_hh (G·units × units) in the weight span, bias_ih then bias_hh in
// the bias span, gates r, z, n (GRU, G = 3) and i, f, g, o (LSTM, G = 4).
//
// Padding: an embedding's `paddingId` marks padded steps. The recurrent layers after it skip those steps —
// the hidden (and cell) state carries over unchanged and no gradient flows through the gates there — and
// the pad's embedding row gets no gradient (torch's padding_idx). Pad on the LEFT: with h₀ = 0 the state
// stays 0 through the leading pads, so the last state is exactly that of the unpadded sequence.
import { DataError, HyperParameterError, ShapeError } from '../errors.js';
import { LAYER, LAYER_SLOT } from '../backends/abi.generated.js';
import { gemmPackFloats } from '../backends/js/gemm.js';
import { show } from '../validate.js';

/** The sequence layer specs. */
export type SequenceLayerSpec =
  | { type: 'embedding'; vocab: number; dim: number; paddingId?: number }
  | { type: 'gru' | 'lstm'; units: number; returnSequences?: boolean; inputs?: number };

/** Keys each sequence layer accepts. */
export const SEQUENCE_KEYS: Record<string, readonly string[]> = {
  embedding: ['type', 'vocab', 'dim', 'paddingId'],
  gru: ['type', 'units', 'returnSequences', 'inputs'],
  lstm: ['type', 'units', 'returnSequences', 'inputs'],
};

/** What planning a sequence layer gives: its output shape and its parameter counts. */
export interface SequencePlan {
  outShape: number[];
  /** Values in the weight span (embedding table; weight_ih then weight_hh) and in the bias span (bias_ih then bias_hh). */
  weights: number;
  biases: number;
}

/** The default gradient clipping (global L2 norm) of networks with gru/lstm layers, as in char-rnn. */
export const RECURRENT_CLIP_NORM = 5;

/** Gates per unit: GRU 3 (r, z, n), LSTM 4 (i, f, g, o). */
export const gatesOf = (type: 'gru' | 'lstm'): number => (type === 'gru' ? 3 : 4);

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

function positiveInt(path: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new HyperParameterError(path, `must be a positive integer, got ${show(v)}`);
  return v;
}

/** Validates a sequence layer spec (layer index `index`) against its input shape. */
export function planSequenceLayer(at: string, index: number, spec: SequenceLayerSpec, inShape: number[]): SequencePlan {
  if (spec.type === 'embedding') {
    const vocab = positiveInt(`${at}.vocab`, spec.vocab);
    const dim = positiveInt(`${at}.dim`, spec.dim);
    if (index !== 0) throw new ShapeError(`${at} (embedding) must be the first layer: it reads the row's token ids`);
    if (inShape.length !== 1) throw new ShapeError(`${at} (embedding) takes a row of token ids, inputShape [steps], got ${shapeText(inShape)}`);
    if (spec.paddingId !== undefined && !(Number.isInteger(spec.paddingId) && spec.paddingId >= 0 && spec.paddingId < vocab)) {
      throw new HyperParameterError(`${at}.paddingId`, `must be an integer in [0, ${vocab - 1}] (a token id), got ${show(spec.paddingId)}`);
    }
    return { outShape: [inShape[0], dim], weights: vocab * dim, biases: 0 };
  }
  const units = positiveInt(`${at}.units`, spec.units);
  if (inShape.length !== 2) {
    throw new ShapeError(`${at} (${spec.type}) needs a sequence input [steps, features], got shape ${shapeText(inShape)}; put an embedding or { type: 'reshape', shape: [steps, features] } before it`);
  }
  const [T, I] = inShape;
  if (spec.inputs !== undefined && spec.inputs !== I) {
    throw new ShapeError(`${at}.inputs is ${show(spec.inputs)} but the layer receives ${I} features per step (input ${shapeText(inShape)})`);
  }
  if (spec.returnSequences !== undefined && typeof spec.returnSequences !== 'boolean') {
    throw new HyperParameterError(`${at}.returnSequences`, `must be a boolean, got ${show(spec.returnSequences)}`);
  }
  const G = gatesOf(spec.type) * units;
  return { outShape: spec.returnSequences ? [T, units] : [units], weights: G * I + G * units, biases: 2 * G };
}

/** Where a sequence layer's parameters are (planned by layers.ts). */
export interface SequenceLayout {
  spec: SequenceLayerSpec;
  inShape: number[];
  outShape: number[];
  w: number;
  b: number;
}

/**
 * Fills a sequence layer's program record `r` (x, dx, inSize, outSize already set); `take` reserves
 * workspace floats; `mask` is the step mask buffer of the embedding before it (−1 = none). Returns the
 * `pack` floats the layer needs and the step mask the layers after it read.
 */
export function sequenceRecord(r: number[], l: SequenceLayout, chunk: number, take: (n: number) => number, mask: number): { pack: number; mask: number } {
  const spec = l.spec;
  const T = l.inShape[0];
  const outSize = l.outShape.reduce((a, b) => a * b, 1);
  r[LAYER_SLOT.steps] = T;
  r[LAYER_SLOT.w] = l.w;
  if (spec.type === 'embedding') {
    r[LAYER_SLOT.kind] = LAYER.embedding;
    r[LAYER_SLOT.stepInputs] = spec.vocab;
    r[LAYER_SLOT.units] = spec.dim;
    r[LAYER_SLOT.padId] = spec.paddingId ?? -1;
    r[LAYER_SLOT.stepMask] = spec.paddingId === undefined ? -1 : take(chunk * T);
    r[LAYER_SLOT.y] = take(chunk * outSize);
    r[LAYER_SLOT.dy] = take(chunk * outSize);
    return { pack: 0, mask: r[LAYER_SLOT.stepMask] };
  }
  const I = l.inShape[1], U = spec.units, G = gatesOf(spec.type) * U;
  r[LAYER_SLOT.kind] = spec.type === 'gru' ? LAYER.gru : LAYER.lstm;
  r[LAYER_SLOT.stepInputs] = I;
  r[LAYER_SLOT.units] = U;
  r[LAYER_SLOT.returnSeq] = spec.returnSequences ? 1 : 0;
  r[LAYER_SLOT.stepMask] = mask;
  r[LAYER_SLOT.wHh] = l.w + G * I;
  r[LAYER_SLOT.b] = l.b;
  r[LAYER_SLOT.bHh] = l.b + G;
  r[LAYER_SLOT.hs] = take(chunk * T * U);
  r[LAYER_SLOT.y] = spec.returnSequences ? r[LAYER_SLOT.hs] : take(chunk * U);
  r[LAYER_SLOT.dy] = take(chunk * outSize);
  r[LAYER_SLOT.gates] = take(chunk * T * (spec.type === 'gru' ? 4 : 6) * U);
  r[LAYER_SLOT.xg] = take(chunk * T * G);
  r[LAYER_SLOT.hg] = take(chunk * G);
  r[LAYER_SLOT.carry] = take(chunk * 2 * U);
  const pack = Math.max(gemmPackFloats(chunk * T, G, I), gemmPackFloats(chunk, G, U), gemmPackFloats(G, U, chunk),
    gemmPackFloats(chunk, U, G), gemmPackFloats(G, I, chunk * T), gemmPackFloats(chunk * T, I, G));
  return { pack, mask };
}

/**
 * Checks the token ids of rows × T values (X, row-major) for a network whose first layer is `first`:
 * integers in [0, vocab). A DataError names the row and the position, before anything runs.
 */
export function checkTokenIds(first: { type: string; vocab?: number }, X: Float32Array, T: number): void {
  if (first.type !== 'embedding') return;
  const vocab = first.vocab!;
  for (let i = 0; i < X.length; i++) {
    const v = X[i];
    if (!(Number.isInteger(v) && v >= 0 && v < vocab)) {
      const row = Math.floor(i / T), pos = i % T;
      throw new DataError(`row ${row}, position ${pos}: token id ${v} is not an integer in [0, ${vocab - 1}] (embedding vocab ${vocab})`, { row, column: pos });
    }
  }
}
