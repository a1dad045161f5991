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

/**
 * The longest sequence a network takes: inputShape [T] (embedding) or [T, features] (gru/lstm) with T at most
 * 1024 steps. Why: a recurrent layer keeps every step of a 128-row chunk for backpropagation through time, about
 * 128·T·11·units floats (states, gates, input products); at T = 1024 that is 740 MB for 128 units and 2.9 GB for
 * 512, against the 4 GiB a 32-bit WebAssembly memory can ever hold (the shared memory of threads included).
 * Longer texts are cut into windows of at most this many steps (charWindows).
 */
export const MAX_SEQUENCE_STEPS = 1024;

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
    if (inShape[0] > MAX_SEQUENCE_STEPS) throw new ShapeError(`${at} (embedding): sequences of ${inShape[0]} steps exceed the limit of ${MAX_SEQUENCE_STEPS} (MAX_SEQUENCE_STEPS); cut them into windows`);
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
  if (T > MAX_SEQUENCE_STEPS) throw new ShapeError(`${at} (${spec.type}): sequences of ${T} steps exceed the limit of ${MAX_SEQUENCE_STEPS} (MAX_SEQUENCE_STEPS); cut them into windows`);
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

/**
 * Token-id sequences of different lengths as rows × `length` values for a network with an embedding: each
 * sequence LEFT-padded with `paddingId` (padded steps are skipped, so the last state is the unpadded one's).
 * `length` defaults to the longest sequence. Every sequence is checked before anything is allocated: a DataError
 * names the row when it is not an array of integer ids in [0, vocab) (when `vocab` is given), or longer than
 * `length` or than {@link MAX_SEQUENCE_STEPS}.
 */
export function padSequences(sequences: readonly ArrayLike<number>[], options: { length?: number; paddingId?: number; vocab?: number } = {}): { x: Float32Array; rows: number; length: number } {
  if (!Array.isArray(sequences) || sequences.length === 0) throw new DataError(`sequences must be a non-empty array of token-id arrays, got ${show(sequences)}`);
  const pad = options.paddingId ?? 0;
  if (!Number.isInteger(pad) || pad < 0) throw new HyperParameterError('paddingId', `must be a non-negative integer, got ${show(pad)}`);
  if (options.vocab !== undefined) positiveInt('vocab', options.vocab);
  let longest = 0;
  sequences.forEach((s, row) => {
    if (s === null || typeof s !== 'object' || typeof (s as ArrayLike<number>).length !== 'number' || typeof s === 'string') {
      throw new DataError(`sequences[${row}] must be an array of token ids, got ${show(s)}`, { row });
    }
    if (s.length > MAX_SEQUENCE_STEPS) throw new DataError(`sequences[${row}] has ${s.length} tokens, over the limit of ${MAX_SEQUENCE_STEPS} steps (MAX_SEQUENCE_STEPS); cut it into windows`, { row });
    for (let t = 0; t < s.length; t++) {
      const v = s[t];
      if (!(Number.isInteger(v) && v >= 0 && (options.vocab === undefined || v < options.vocab))) {
        throw new DataError(`sequences[${row}], position ${t}: token id ${show(v)} is not an integer in [0, ${options.vocab === undefined ? '∞' : options.vocab - 1}]`, { row, column: t });
      }
    }
    longest = Math.max(longest, s.length);
  });
  const length = options.length ?? Math.max(1, longest);
  if (!Number.isInteger(length) || length < 1 || length > MAX_SEQUENCE_STEPS) {
    throw new HyperParameterError('length', `must be an integer in [1, ${MAX_SEQUENCE_STEPS}] (MAX_SEQUENCE_STEPS), got ${show(length)}`);
  }
  sequences.forEach((s, row) => {
    if (s.length > length) throw new DataError(`sequences[${row}] has ${s.length} tokens, more than length ${length}`, { row });
  });
  const x = new Float32Array(sequences.length * length).fill(pad);
  sequences.forEach((s, row) => {
    for (let t = 0; t < s.length; t++) x[row * length + length - s.length + t] = s[t];
  });
  return { x, rows: sequences.length, length };
}
