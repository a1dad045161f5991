// What each layer type is in ONNX (inference form): one emitter per layer type, in one table keyed by type.
// Values flow with the rows first ([N, ...shape], N dynamic), NCHW for images as in descent and PyTorch.
// Recurrent layers run ONNX's GRU/LSTM over [steps, N, features] (layout 0: batch-first layout is not run by
// every runtime) with the gates reordered from PyTorch's (GRU r z n → z r h; LSTM i f g o → i o f c) and GRU's
// linear_before_reset = 1, which is PyTorch's (and descent's) cell.
import { ShapeError } from '../errors.js';
import type { LayerWeights, LayerSpec } from '../models/network/network.js';
import type { PlannedLayer } from '../models/layers/layer.js';
import { convPadding, type Conv2dSpec } from '../models/layers/conv2d.js';
import { DATA_TYPE } from './onnx-schema.js';
import type { OnnxGraph } from './onnx-graph.js';

/** What an emitter gets: the graph, the layer, its input value and (layers with parameters) its weights. */
export interface OnnxLayerInput {
  g: OnnxGraph;
  l: PlannedLayer;
  index: number;
  x: string;
  w: LayerWeights | null;
  /**
   * Shared across layers: with `packPads`, an embedding with a paddingId moves each row's non-pad tokens to the
   * front and sets `seqLens` (int32 [N] valid steps), so the recurrent layers after it run only those steps.
   */
  state: { seqLens: string | null; packPads: boolean };
}

/** An emitter: adds the layer's nodes and returns its output value. */
export type OnnxEmitter = (c: OnnxLayerInput) => string;

/** Rows [blocks·H, cols] with blocks taken in `order` (indices of the source blocks). */
function reorderBlocks(a: Float32Array, H: number, cols: number, order: number[]): Float32Array {
  const out = new Float32Array(a.length);
  order.forEach((src, dst) => out.set(a.subarray(src * H * cols, (src + 1) * H * cols), dst * H * cols));
  return out;
}

const GELU_C = Math.sqrt(2 / Math.PI), GELU_A = 0.044715;

/** gelu with the tanh approximation, written as x·σ(2u), u = √(2/π)(x + 0.044715x³), for opsets without Gelu's. */
function geluFormula(g: OnnxGraph, x: string, base: string): string {
  if (g.opset >= 20) return g.node('Gelu', [x], base, { approximate: 'tanh' });
  const x3 = g.node('Mul', [g.node('Mul', [x, x], `${base}_x2`), x], `${base}_x3`);
  const inner = g.node('Add', [x, g.node('Mul', [x3, g.scalar(`${base}_a`, GELU_A)], `${base}_ax3`)], `${base}_inner`);
  const s = g.node('Sigmoid', [g.node('Mul', [inner, g.scalar(`${base}_2c`, 2 * GELU_C)], `${base}_2u`)], `${base}_sigma`);
  return g.node('Mul', [x, s], base);
}

function recurrent(c: OnnxLayerInput): string {
  const { g, l, x, w } = c;
  const s = l.spec as unknown as { type: 'gru' | 'lstm'; units: number; returnSequences?: boolean };
  const H = s.units, I = l.inShape[1], base = `l${c.index}_${s.type}`;
  // PyTorch's gate blocks → ONNX's: GRU [r, z, n] → [z, r, h]; LSTM [i, f, g, o] → [i, o, f, c].
  const order = s.type === 'gru' ? [1, 0, 2] : [0, 3, 1, 2];
  const G = order.length * H;
  const W = g.floats(`${base}_W`, [1, G, I], reorderBlocks(w!.weight, H, I, order));
  const R = g.floats(`${base}_R`, [1, G, H], reorderBlocks(w!.weightHh!, H, H, order));
  const bias = new Float32Array(2 * G);
  bias.set(reorderBlocks(w!.bias!, H, 1, order), 0);
  bias.set(reorderBlocks(w!.biasHh!, H, 1, order), G);
  const B = g.floats(`${base}_B`, [1, 2 * G], bias);
  const steps = g.node('Transpose', [x], `${base}_steps`, { perm: [1, 0, 2] });
  const inputs = [steps, W, R, B, c.state.seqLens ?? ''];
  const attrs: Record<string, number> = s.type === 'gru' ? { hidden_size: H, linear_before_reset: 1 } : { hidden_size: H };
  const [Y, Yh] = g.nodeN(s.type === 'gru' ? 'GRU' : 'LSTM', inputs, attrs, base, s.type === 'gru' ? 2 : 3);
  if (!s.returnSequences) return g.node('Squeeze', [Yh, g.ints(`${base}_axis0`, [1], [0])], `${base}_last`);
  const seq = g.node('Squeeze', [Y, g.ints(`${base}_axis1`, [1], [1])], `${base}_seq`);
  return g.node('Transpose', [seq], `${base}_out`, { perm: [1, 0, 2] });
}

/**
 * The token ids of each row with the pads moved behind the other tokens (order kept), and the count of
 * non-pad tokens: recurrent layers skip pad steps in descent, which ONNX's GRU/LSTM do through sequence_lens.
 */
function packPads(g: OnnxGraph, tokens: string, pad: number, T: number, base: string): { tokens: string; lens: string } {
  const isPad = g.node('Cast', [g.node('Equal', [tokens, g.ints(`${base}_pad`, [], [pad])], `${base}_is_pad`)], `${base}_pads`, { to: DATA_TYPE.FLOAT });
  const key = g.node('Add', [g.node('Mul', [isPad, g.scalar(`${base}_T`, T)], `${base}_pad_key`), g.floats(`${base}_steps`, [T], Array.from({ length: T }, (_, t) => t))], `${base}_key`);
  const [, order] = g.nodeN('TopK', [key, g.ints(`${base}_k`, [1], [T])], { axis: 1, largest: 0, sorted: 1 }, `${base}_order`, 2);
  const packed = g.node('GatherElements', [tokens, order], `${base}_packed`, { axis: 1 });
  const count = g.node('ReduceSum', [isPad, g.ints(`${base}_axes`, [1], [1])], `${base}_npad`, { keepdims: 0 });
  const lens = g.node('Cast', [g.node('Sub', [g.scalar(`${base}_Tf`, T), count], `${base}_lens_f`)], `${base}_lens`, { to: DATA_TYPE.INT32 });
  return { tokens: packed, lens };
}

const act = (op: string): OnnxEmitter => (c) => c.g.node(op, [c.x], `l${c.index}_${c.l.spec.type}`);

/** Every layer type's ONNX nodes. */
export const ONNX_LAYERS: Readonly<Record<string, OnnxEmitter>> = {
  dense: (c) => {
    const units = c.l.outShape[0], base = `l${c.index}_dense`;
    const W = c.g.floats(`${base}_weight`, [units, c.l.inShape[0]], c.w!.weight);
    const inputs = c.w!.bias ? [c.x, W, c.g.floats(`${base}_bias`, [units], c.w!.bias)] : [c.x, W];
    return c.g.node('Gemm', inputs, base, { transB: 1 });
  },
  relu: act('Relu'),
  tanh: act('Tanh'),
  sigmoid: act('Sigmoid'),
  gelu: (c) => geluFormula(c.g, c.x, `l${c.index}_gelu`),
  leakyRelu: (c) => c.g.node('LeakyRelu', [c.x], `l${c.index}_leakyRelu`, { alpha: { float: (c.l.spec as unknown as { slope?: number }).slope ?? 0.01 } }),
  dropout: (c) => c.x,
  flatten: (c) => c.g.node('Flatten', [c.x], `l${c.index}_flatten`, { axis: 1 }),
  reshape: (c) => c.g.node('Reshape', [c.x, c.g.ints(`l${c.index}_shape`, [c.l.outShape.length + 1], [-1, ...c.l.outShape])], `l${c.index}_reshape`),
  conv2d: (c) => {
    const s = c.l.spec as unknown as { filters: number; kernel: number; stride?: number };
    const base = `l${c.index}_conv2d`, k = s.kernel, st = s.stride ?? 1, p = convPadding(s as unknown as Conv2dSpec);
    const W = c.g.floats(`${base}_weight`, [s.filters, c.l.inShape[0], k, k], c.w!.weight);
    const inputs = c.w!.bias ? [c.x, W, c.g.floats(`${base}_bias`, [s.filters], c.w!.bias)] : [c.x, W];
    return c.g.node('Conv', inputs, base, { kernel_shape: [k, k], strides: [st, st], pads: [p, p, p, p] });
  },
  maxPool2d: (c) => {
    const s = c.l.spec as unknown as { size: number; stride?: number };
    return c.g.node('MaxPool', [c.x], `l${c.index}_maxPool2d`, { kernel_shape: [s.size, s.size], strides: [s.stride ?? s.size, s.stride ?? s.size] });
  },
  avgPool2d: (c) => {
    const s = c.l.spec as unknown as { size: number; stride?: number };
    return c.g.node('AveragePool', [c.x], `l${c.index}_avgPool2d`, { kernel_shape: [s.size, s.size], strides: [s.stride ?? s.size, s.stride ?? s.size] });
  },
  batchNorm: (c) => {
    const C = c.l.inShape[0], base = `l${c.index}_batchNorm`, w = c.w!;
    const inputs = [c.x, c.g.floats(`${base}_scale`, [C], w.weight), c.g.floats(`${base}_bias`, [C], w.bias!),
      c.g.floats(`${base}_mean`, [C], w.runningMean!), c.g.floats(`${base}_var`, [C], w.runningVar!)];
    return c.g.node('BatchNormalization', inputs, base, { epsilon: { float: (c.l.spec as unknown as { eps?: number }).eps ?? 1e-5 } });
  },
  embedding: (c) => {
    const s = c.l.spec as unknown as { vocab: number; dim: number; paddingId?: number };
    const base = `l${c.index}_embedding`;
    let tokens = c.x;
    if (s.paddingId !== undefined && c.state.packPads) {
      const packed = packPads(c.g, c.x, s.paddingId, c.l.inShape[0], base);
      tokens = packed.tokens;
      c.state.seqLens = packed.lens;
    }
    return c.g.node('Gather', [c.g.floats(`${base}_weight`, [s.vocab, s.dim], c.w!.weight), tokens], base, { axis: 0 });
  },
  gru: recurrent,
  lstm: recurrent,
};

/**
 * Checks that a network's pad handling can be written in ONNX: with an embedding's paddingId in front of a
 * recurrent layer, the steps are packed (pads last), so every sequence output must go into another recurrent
 * layer (which runs the same valid steps) and the network must end on a last state.
 */
export function checkPadPacking(layers: readonly PlannedLayer[]): boolean {
  const first = layers[0].spec as { type: string; paddingId?: number };
  if (first.type !== 'embedding' || first.paddingId === undefined || !(layers[1] && (layers[1].spec.type === 'gru' || layers[1].spec.type === 'lstm'))) return false;
  for (let i = 1; i < layers.length; i++) {
    const s = layers[i].spec as { type: string; returnSequences?: boolean };
    if (s.type !== 'gru' && s.type !== 'lstm') break;
    if (s.returnSequences && !(layers[i + 1] && (layers[i + 1].spec.type === 'gru' || layers[i + 1].spec.type === 'lstm'))) {
      throw new ShapeError(`toOnnx: layers[${i}] (${s.type}) returns every step of an embedding with paddingId; ONNX runs the valid steps packed first, so only a last state (or another recurrent layer) can follow`);
    }
  }
  return true;
}
