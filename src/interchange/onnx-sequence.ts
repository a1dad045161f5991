// The ONNX emitters of the transformer layers, on [N, T, d] values: layer normalization, the learned
// positional table, and multi-head self-attention written out in standard operators (MatMul, Add, Reshape,
// Transpose, Softmax) rather than com.microsoft's contrib Attention, so any ONNX runtime runs it.
import type { LayerNormSpec } from '../models/layers/layerNorm.js';
import type { AttentionSpec } from '../models/layers/attention.js';
import { linear, type OnnxEmitter } from './onnx-emit.js';
import type { OnnxGraph } from './onnx-graph.js';

/**
 * y = γ·(x − mean)/√(var + eps) + β over the last axis (biased variance, as torch.nn.LayerNorm): ONNX's
 * LayerNormalization from opset 17, where it appeared; before, the same function in ReduceMean, Sub, Mul,
 * Add, Sqrt and Div (ReduceMean's axes still an attribute there).
 */
function layerNorm(g: OnnxGraph, x: string, gamma: Float32Array, beta: Float32Array, eps: number, base: string): string {
  const D = gamma.length;
  const scale = g.floats(`${base}_weight`, [D], gamma), shift = g.floats(`${base}_bias`, [D], beta);
  if (g.opset >= 17) return g.node('LayerNormalization', [x, scale, shift], base, { axis: -1, epsilon: { float: eps } });
  const mean = g.node('ReduceMean', [x], `${base}_mean`, { axes: [-1], keepdims: 1 });
  const centred = g.node('Sub', [x, mean], `${base}_centred`);
  const variance = g.node('ReduceMean', [g.node('Mul', [centred, centred], `${base}_sq`)], `${base}_var`, { axes: [-1], keepdims: 1 });
  const std = g.node('Sqrt', [g.node('Add', [variance, g.scalar(`${base}_eps`, eps)], `${base}_var_eps`)], `${base}_std`);
  const xhat = g.node('Div', [centred, std], `${base}_xhat`);
  return g.node('Add', [g.node('Mul', [xhat, scale], `${base}_scaled`), shift], base);
}

/**
 * The additive causal mask [T, T]: 0 where key j ≤ query t, −∞ above the diagonal, so the softmax gives the
 * future keys exactly 0 (exp(−∞) = 0) as descent's softmax over the first t + 1 keys does. The diagonal is
 * never masked, so no row is all −∞.
 */
function causalMask(T: number): Float32Array {
  const m = new Float32Array(T * T);
  for (let t = 0; t < T; t++) m.fill(-Infinity, t * T + t + 1, (t + 1) * T);
  return m;
}

/** Every transformer layer's ONNX nodes (merged into ONNX_LAYERS). */
export const ONNX_SEQUENCE_LAYERS: Readonly<Record<string, OnnxEmitter>> = {
  layerNorm: (c) => layerNorm(c.g, c.x, c.w!.weight, c.w!.bias!, (c.l.spec as unknown as LayerNormSpec).eps ?? 1e-5, `${c.id}_layerNorm`),

  positionalEmbedding: (c) => {
    const base = `${c.id}_positionalEmbedding`;
    return c.g.node('Add', [c.x, c.g.floats(`${base}_weight`, [...c.l.inShape], c.w!.weight)], base);
  },

  /**
   * torch.nn.MultiheadAttention(d, heads, batch_first=True) as attn(x, x, x): q, k and v are x times the q, k
   * and v rows of in_proj_weight (plus in_proj_bias), split into heads [N, heads, T, dk]; the scores Q·Kᵀ scaled
   * by 1/√dk (plus the causal mask) go through Softmax on the keys; the heads' P·V side by side go through
   * out_proj.
   */
  attention: (c) => {
    const { g, w } = c, [T, d] = c.l.inShape, spec = c.l.spec as unknown as AttentionSpec;
    const H = spec.heads, dk = d / H, base = `${c.id}_attention`;
    const heads = (k: number, name: string, perm: number[]): string => {
      const v = linear(g, c.x, w!.weight.subarray(k * d * d, (k + 1) * d * d), w!.bias!.subarray(k * d, (k + 1) * d), d, d, false, `${base}_${name}`);
      const split = g.node('Reshape', [v, g.ints(`${base}_${name}_shape`, [4], [-1, T, H, dk])], `${base}_${name}_split`);
      return g.node('Transpose', [split], `${base}_${name}_heads`, { perm });
    };
    const q = heads(0, 'q', [0, 2, 1, 3]), kT = heads(1, 'k', [0, 2, 3, 1]), v = heads(2, 'v', [0, 2, 1, 3]);
    let scores = g.node('Mul', [g.node('MatMul', [q, kT], `${base}_qk`), g.scalar(`${base}_scale`, 1 / Math.sqrt(dk))], `${base}_scores`);
    if (spec.causal) scores = g.node('Add', [scores, g.floats(`${base}_mask`, [T, T], causalMask(T))], `${base}_masked`);
    const p = g.node('Softmax', [scores], `${base}_probs`, { axis: -1 });
    const ctx = g.node('Transpose', [g.node('MatMul', [p, v], `${base}_ctx`)], `${base}_ctx_t`, { perm: [0, 2, 1, 3] });
    const cat = g.node('Reshape', [ctx, g.ints(`${base}_cat_shape`, [3], [-1, T, d])], `${base}_cat`);
    return linear(g, cat, w!.outWeight!, w!.outBias!, d, d, false, `${base}_out`);
  },
};
