// Freezing and unfreezing layers of a built network: the specs with `trainable` set at a path, and the move of
// every tensor from one parameter layout to another (frozen tensors live after the trainable ones).
import { ShapeError } from '../../errors.js';
import type { LayerSpec } from '../layers/index.js';
import type { PlannedLayer } from '../layers/layer.js';
import { compileNetwork, type Compiled } from './program.js';
import { validateSequential, type SequentialOptions } from './sequential-options.js';

/** A copy of `specs` whose layer at `path` has `trainable` set (true removes the key: trainable is the default). */
export function withTrainable(specs: readonly LayerSpec[], path: readonly number[], trainable: boolean, what: string): LayerSpec[] {
  const copy = (list: readonly LayerSpec[], depth: number): LayerSpec[] => list.map((s, i) => {
    if (i !== path[depth]) return s;
    const c = { ...s } as LayerSpec & { layers?: LayerSpec[]; trainable?: boolean };
    if (depth === path.length - 1) {
      if (trainable) delete c.trainable;
      else c.trainable = false;
    } else {
      if (!Array.isArray(c.layers)) throw new ShapeError(`${what}: the layer at depth ${depth} of the path is a ${s.type} layer, which holds no layers`);
      c.layers = copy(c.layers, depth + 1);
    }
    return c as LayerSpec;
  });
  return copy(specs, 0);
}

/** Copies every tensor of `from` (a planned tree) at its offset in `src` to the same tensor of `to` in `dst`. */
export function moveTensors(from: readonly PlannedLayer[], to: readonly PlannedLayer[], src: Float32Array, dst: Float32Array): void {
  from.forEach((a, i) => {
    const b = to[i];
    a.tensors.forEach((t, j) => dst.set(src.subarray(t.offset, t.offset + t.size), b.tensors[j].offset));
    moveTensors(a.children, b.children, src, dst);
  });
}

/**
 * A network's program and parameters under new specs that differ only in `trainable`: the tensors of
 * `oldLayers` (at their offsets in `params`) moved to their places in the new layout.
 */
export function relayout(options: SequentialOptions, oldLayers: readonly PlannedLayer[], params: Float32Array): {
  compiled: Compiled; params: Float32Array; specs: readonly LayerSpec[]; nTrainable: number;
} {
  const { layers, nParams, nWeights, nTrainable, nStats } = validateSequential(options);
  const compiled = compileNetwork(layers, options.loss, nParams, nWeights, nStats);
  const p = new Float32Array(nParams);
  moveTensors(oldLayers, layers, params, p);
  return { compiled, params: p, specs: Object.freeze(layers.map((l) => Object.freeze({ ...l.spec }) as LayerSpec)), nTrainable };
}
