// Sparse plain SGD with L2 keeps its weights lazily scaled, w = scale·v (assembly/sparse.ts sparseSgdBatches;
// scikit-learn's SGDClassifier): an L2 step multiplies the scale only, so a batch costs O(nnz). If every call of
// runBatches multiplied v out at its end, the same batches grouped into calls differently (train() in one piece,
// Trainer.step() batch by batch, the worker's progress runs, a resumed state) would round differently. So the
// Trainer gives such a run a `lazyV` block: v, its scale and ‖v‖² live in the run and carry on from call to call,
// and the kernel writes w = scale·v into the model's parameters at the end of every call — whoever reads the
// parameters between calls (validation, early stopping, onEpoch, save, the worker's events) reads w. Whoever
// writes the parameters (a divergence falling back, a resume) marks v stale (lazyScale 0), and the next call
// reloads it from them. A saved state carries v, scale and ‖v‖², so that a resumed run goes on to the bit.
import { HYPER_SLOTS } from '../backends/abi.generated.js';
import { F32_MAX } from '../data/dataset.js';
import { HyperParameterError } from '../errors.js';
import { Block } from '../runtime/block.js';
import type { Run } from '../runtime/run.js';
import type { TrainState } from './state.js';
import type { Trainable } from '../models/trainable.js';
import { show } from '../validate.js';
import type { Plan } from './options.js';

/**
 * True when the run takes the kernel's lazily scaled path with an L2 term (the condition of assembly/train.ts
 * sparseLazy: sparse data, a linear model, plain SGD with none of the loop's tools) and synchronously (async
 * threads keep their own scale per round: assembly/hogwild.ts). Without L2 the scale stays 1 and v is w.
 */
export function lazyScaled(p: Plan, model: Trainable, sparse: boolean, async: boolean): boolean {
  const h = p.resolved.hyper, sgd = HYPER_SLOTS.sgd;
  return sparse && !async && p.l2 > 0 && !model.runFields().net && p.resolved.spec.name === 'sgd' &&
    h[sgd.momentum] === 0 && h[sgd.weightDecay] === 0 && !(p.clipNorm > 0) && !(p.clipValue > 0) && p.l1Mode === 0 &&
    !(p.avgStart > 0) && p.noise === null;
}

/** Allocates the run's v (model.size f32), stale until the first call loads it from the parameters, and names it in the run. */
export function openLazy(run: Run, model: Trainable): Block<'f32'> {
  const v = new Block(model.paramsBlock.backend, 'f32', model.size);
  run.set({ lazyV: v.ptr, lazyScale: 0, lazySq: 0 });
  return v;
}

/** The saved form of the lazy weights: null when there are none or v is stale (the parameters are then the whole story). */
export function saveLazy(run: Run, v: Block<'f32'> | undefined): TrainState['lazy'] {
  if (!v || run.get('lazyScale') === 0) return null;
  return { v: Array.from(v.view), scale: run.get('lazyScale'), sq: run.get('lazySq') };
}

/**
 * Restores saved lazy weights into the run, or marks v stale (reloaded from the restored parameters) when the state
 * has none. A state with lazy weights resumed into a run without them (other options) keeps the parameters, which are w.
 */
export function restoreLazy(run: Run, v: Block<'f32'> | undefined, saved: TrainState['lazy']): void {
  if (!v) return;
  if (!saved) {
    run.set({ lazyScale: 0 });
    return;
  }
  v.view.set(saved.v);
  run.set({ lazyScale: saved.scale, lazySq: saved.sq });
}

/** Checks a state's lazy weights (absent or null, or v of `n` float32 values, a scale in (0, ∞), ‖v‖² ≥ 0), before any allocation. */
export function checkLazy(saved: unknown, n: number): void {
  if (saved === undefined || saved === null) return;
  const fail = (field: string, why: string): never => {
    throw new HyperParameterError('resume', `the saved ${field} ${why}`);
  };
  if (typeof saved !== 'object') fail('lazy', `weights must be an object or null, got ${show(saved)}`);
  const { v, scale, sq } = saved as { v?: unknown; scale?: unknown; sq?: unknown };
  if (!Array.isArray(v) || v.length !== n) fail('lazy.v', `does not fit this run (expected ${n} numbers)`);
  (v as unknown[]).forEach((x, i) => {
    if (typeof x !== 'number' || !(Math.abs(x) <= F32_MAX)) fail(`lazy.v[${i}]`, `must be a finite float32 number, got ${show(x)}`);
  });
  if (typeof scale !== 'number' || !Number.isFinite(scale) || !(scale > 0)) fail('lazy.scale', `must be a finite number > 0, got ${show(scale)}`);
  if (typeof sq !== 'number' || !Number.isFinite(sq) || sq < 0) fail('lazy.sq', `must be a finite number ≥ 0, got ${show(sq)}`);
}
