// What the ONNX emitters of every layer family share: the input an emitter gets and the products on a
// value's last axis (torch.nn.Linear's y = x·Wᵀ + b on [N, features] or [N, positions, features]).
import type { LayerWeights } from '../models/network/network.js';
import type { PlannedLayer } from '../models/layers/layer.js';
import type { OnnxGraph } from './onnx-graph.js';

/** What an emitter gets: the graph, the layer, its input value and (layers with parameters) its weights. */
export interface OnnxLayerInput {
  g: OnnxGraph;
  l: PlannedLayer;
  /** The base of the layer's value names: `l3`, or `l3_1` for layer 1 of the container at 3. */
  id: string;
  x: string;
  w: LayerWeights | null;
  /**
   * Shared across layers: with `packPads`, an embedding with a paddingId moves each row's non-pad tokens to the
   * front and sets `seqLens` (int32 [N] valid steps), so the recurrent layers after it run only those steps.
   */
  state: { seqLens: string | null; packPads: boolean };
  /** Emits a container's layers in order from `x`; returns the last one's output. */
  emit(layers: readonly PlannedLayer[], x: string): string;
}

/** An emitter: adds the layer's nodes and returns its output value. */
export type OnnxEmitter = (c: OnnxLayerInput) => string;

/** The transpose of a row-major rows × cols matrix. */
export function transposed(a: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) out[k * rows + r] = a[r * cols + k];
  return out;
}

/**
 * y = x·Wᵀ + b over the last axis of x, W (units × inputs, PyTorch's layout): Gemm on [N, inputs] (`flat`),
 * otherwise MatMul by the stored Wᵀ (inputs × units) then Add of the bias, which broadcast over the positions.
 */
export function linear(g: OnnxGraph, x: string, weight: ArrayLike<number>, bias: ArrayLike<number> | null, units: number,
  inputs: number, flat: boolean, base: string): string {
  if (flat) {
    const W = g.floats(`${base}_weight`, [units, inputs], weight);
    return g.node('Gemm', bias ? [x, W, g.floats(`${base}_bias`, [units], bias)] : [x, W], base, { transB: 1 });
  }
  const Wt = g.floats(`${base}_weightT`, [inputs, units], transposed(weight, units, inputs));
  if (!bias) return g.node('MatMul', [x, Wt], base);
  return g.node('Add', [g.node('MatMul', [x, Wt], `${base}_product`), g.floats(`${base}_bias`, [units], bias)], base);
}
