// What each layer type is in ONNX (inference form): one emitter per layer type, in one table keyed by type.
// Values flow with the rows first ([N, ...shape], N dynamic), NCHW for images as in descent and PyTorch.
// Recurrent layers run ONNX's GRU/LSTM over [steps, N, features] (layout 0: batch-first layout is not run by
// every runtime) with the gates reordered from PyTorch's (GRU r z n → z r h; LSTM i f g o → i o f c) and GRU's
// linear_before_reset = 1, which is PyTorch's (and descent's) cell.
import { ShapeError } from '../errors.js';
import type { PlannedLayer } from '../models/layers/layer.js';
import { convPadding, type Conv2dSpec } from '../models/layers/conv2d.js';
import { walk } from '../models/network/program.js';
import { DATA_TYPE } from './onnx-schema.js';
import type { OnnxGraph } from './onnx-graph.js';
import { linear, type OnnxEmitter, type OnnxLayerInput } from './onnx-emit.js';
import { ONNX_SEQUENCE_LAYERS } from './onnx-sequence.js';

export type { OnnxEmitter, OnnxLayerInput };

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
  const H = s.units, I = l.inShape[1], base = `${c.id}_${s.type}`;
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

const act = (op: string): OnnxEmitter => (c) => c.g.node(op, [c.x], `${c.id}_${c.l.spec.type}`);

/** Every layer type's ONNX nodes. */
export const ONNX_LAYERS: Readonly<Record<string, OnnxEmitter>> = {
  dense: (c) => {
    const units = (c.l.spec as unknown as { units: number }).units, flat = c.l.inShape.length === 1;
    return linear(c.g, c.x, c.w!.weight, c.w!.bias, units, c.l.inShape[c.l.inShape.length - 1], flat, `${c.id}_dense`);
  },
  relu: act('Relu'),
  tanh: act('Tanh'),
  sigmoid: act('Sigmoid'),
  gelu: (c) => geluFormula(c.g, c.x, `${c.id}_gelu`),
  leakyRelu: (c) => c.g.node('LeakyRelu', [c.x], `${c.id}_leakyRelu`, { alpha: { float: (c.l.spec as unknown as { slope?: number }).slope ?? 0.01 } }),
  dropout: (c) => c.x,
  flatten: (c) => c.g.node('Flatten', [c.x], `${c.id}_flatten`, { axis: 1 }),
  reshape: (c) => c.g.node('Reshape', [c.x, c.g.ints(`${c.id}_shape`, [c.l.outShape.length + 1], [-1, ...c.l.outShape])], `${c.id}_reshape`),
  conv2d: (c) => {
    const s = c.l.spec as unknown as { filters: number; kernel: number; stride?: number };
    const base = `${c.id}_conv2d`, k = s.kernel, st = s.stride ?? 1, p = convPadding(s as unknown as Conv2dSpec);
    const W = c.g.floats(`${base}_weight`, [s.filters, c.l.inShape[0], k, k], c.w!.weight);
    const inputs = c.w!.bias ? [c.x, W, c.g.floats(`${base}_bias`, [s.filters], c.w!.bias)] : [c.x, W];
    return c.g.node('Conv', inputs, base, { kernel_shape: [k, k], strides: [st, st], pads: [p, p, p, p] });
  },
  maxPool2d: (c) => {
    const s = c.l.spec as unknown as { size: number; stride?: number };
    return c.g.node('MaxPool', [c.x], `${c.id}_maxPool2d`, { kernel_shape: [s.size, s.size], strides: [s.stride ?? s.size, s.stride ?? s.size] });
  },
  avgPool2d: (c) => {
    const s = c.l.spec as unknown as { size: number; stride?: number };
    return c.g.node('AveragePool', [c.x], `${c.id}_avgPool2d`, { kernel_shape: [s.size, s.size], strides: [s.stride ?? s.size, s.stride ?? s.size] });
  },
  batchNorm: (c) => {
    const C = c.l.inShape[0], base = `${c.id}_batchNorm`, w = c.w!;
    const inputs = [c.x, c.g.floats(`${base}_scale`, [C], w.weight), c.g.floats(`${base}_bias`, [C], w.bias!),
      c.g.floats(`${base}_mean`, [C], w.runningMean!), c.g.floats(`${base}_var`, [C], w.runningVar!)];
    return c.g.node('BatchNormalization', inputs, base, { epsilon: { float: (c.l.spec as unknown as { eps?: number }).eps ?? 1e-5 } });
  },
  embedding: (c) => {
    const s = c.l.spec as unknown as { vocab: number; dim: number; paddingId?: number };
    const base = `${c.id}_embedding`;
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
  residual: (c) => c.g.node('Add', [c.x, c.emit(c.l.children, c.x)], `${c.id}_residual`),
  ...ONNX_SEQUENCE_LAYERS,
};

const isRecurrent = (l: PlannedLayer): boolean => l.spec.type === 'gru' || l.spec.type === 'lstm';

/**
 * Checks that a network's pad handling can be written in ONNX: with an embedding's paddingId in front of a
 * recurrent layer, the steps are packed (pads last), so every sequence output must go into another recurrent
 * layer (which runs the same valid steps) and the network must end on a last state. Descent's recurrent layers
 * skip pad steps wherever they sit after such an embedding; ONNX's run the packed steps only in that leading
 * chain, so a recurrent layer elsewhere is refused by its path. Returns true when the steps are packed.
 */
export function checkPadPacking(layers: readonly PlannedLayer[]): boolean {
  const first = layers[0].spec as { type: string; paddingId?: number };
  if (first.type !== 'embedding' || first.paddingId === undefined) return false;
  let i = 1;
  for (; i < layers.length && isRecurrent(layers[i]); i++) {
    const s = layers[i].spec as { type: string; returnSequences?: boolean };
    if (s.returnSequences && !(layers[i + 1] && isRecurrent(layers[i + 1]))) {
      throw new ShapeError(`toOnnx: layers[${i}] (${s.type}) returns every step of an embedding with paddingId; ONNX runs the valid steps packed first, so only a last state (or another recurrent layer) can follow`);
    }
  }
  const later = walk(layers.slice(i)).find(isRecurrent);
  if (later) {
    throw new ShapeError(`toOnnx: ${later.at} (${later.spec.type}) skips the pad steps of layers[0]'s paddingId; ONNX runs only the recurrent layers right after the embedding on the valid steps (packed first), so a recurrent layer elsewhere cannot be exported`);
  }
  return i > 1;
}
