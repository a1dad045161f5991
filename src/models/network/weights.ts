// A layer's tensors as the public API sees them (getWeights / setWeights): PyTorch's layouts, by the names
// each layer module declares, checked before anything is written.
import { DataError, ShapeError } from '../../errors.js';
import { F32_MAX, badValue } from '../../data/dataset.js';
import { show } from '../../validate.js';
import type { PlannedLayer } from '../layers/layer.js';

/**
 * A layer's tensors in PyTorch's layout, row-major, by the names its module declares: dense and conv2d
 * `weight` and `bias` (null with bias: false); batchNorm `weight` γ, `bias` β and the statistics `runningMean`
 * and `runningVar`; embedding `weight` (bias null); gru/lstm `weight` (weight_ih), `weightHh`, `bias`
 * (bias_ih), `biasHh`.
 */
export interface LayerWeights {
  weight: Float32Array;
  bias: Float32Array | null;
  [tensor: string]: Float32Array | null;
}

/** What setWeights takes: every tensor of the layer (its statistics optional), as arrays of numbers. */
export type LayerWeightsInput = { [tensor: string]: ArrayLike<number> | null | undefined };

/** A copy of layer l's tensors from the parameters `p` and the statistics `stats`. */
export function readWeights(l: PlannedLayer, p: Float32Array, stats: Float32Array | null): LayerWeights {
  const out: LayerWeights = { weight: new Float32Array(0), bias: null };
  for (const t of l.tensors) out[t.name] = p.slice(t.offset, t.offset + t.size);
  if (stats) for (const s of l.stats) out[s.name] = stats.slice(s.offset, s.offset + s.size);
  return out;
}

const dims = (shape: readonly number[]): string => shape.join(' × ');

/**
 * Checks then writes layer l's tensors from `w`: every parameter tensor required, statistics optional; each
 * value read once (an array whose values change between reads cannot slip a bad one in). `where` names the
 * call in messages (`setWeights([3, 0])`).
 */
export function writeWeights(l: PlannedLayer, where: string, w: LayerWeightsInput, p: Float32Array, stats: Float32Array | null): void {
  if (w === null || typeof w !== 'object') throw new ShapeError(`${where}: expected { ${l.tensors.map((t) => t.name).join(', ')} }, got ${show(w)}`);
  const staged: [Float32Array, Float32Array, number][] = [];
  const stage = (name: string, a: ArrayLike<number> | null | undefined, n: number, shape: string, into: Float32Array, at: number): void => {
    if (!a || typeof a !== 'object' || typeof a.length !== 'number' || a.length !== n) {
      throw new ShapeError(`${where}: ${name} must hold ${n} values (${l.at}.${name} is ${shape}), got ${a?.length ?? show(a)}`);
    }
    const copy = new Float32Array(n);
    for (let j = 0; j < n; j++) {
      // The data rule: numbers only, finite, float32-representable.
      const v = a[j] as unknown;
      if (typeof v !== 'number' || !(Math.abs(v) <= F32_MAX)) throw new DataError(`${where}: ${name}[${j}] is ${badValue(v)}`, { column: j });
      copy[j] = v;
    }
    staged.push([copy, into, at]);
  };
  for (const t of l.tensors) stage(t.name, w[t.name], t.size, dims(t.shape), p, t.offset);
  if (!l.tensors.some((t) => t.name === 'bias') && w.bias != null) throw new ShapeError(`${where}: ${l.at} has no bias (bias: false), got one`);
  if (stats) {
    for (const s of l.stats) {
      if (w[s.name] === undefined) continue;
      stage(s.name, w[s.name], s.size, String(s.size), stats, s.offset);
      if (s.name === 'runningVar' && staged.at(-1)![0].some((v) => v < 0)) throw new DataError(`${where}: runningVar holds a negative variance`);
    }
  }
  const known = new Set([...l.tensors.map((t) => t.name), ...l.stats.map((s) => s.name), 'bias']);
  for (const k of Object.keys(w)) if (!known.has(k)) throw new ShapeError(`${where}: ${l.at} has no tensor ${show(k)}; its tensors are ${[...known].join(', ')}`);
  for (const [copy, into, at] of staged) into.set(copy, at);
}
