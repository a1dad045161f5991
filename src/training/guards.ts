// What keeps a Trainer from running on memory that is gone or shared: the one live stepper per model, the
// disposed-object check before each run of batches, and the backstop that ends a dropped Trainer's threads;
// and what tells it the run diverged.
import { DisposedError, HyperParameterError } from '../errors.js';
import { F32_MAX } from '../data/matrix.js';
import type { Dataset } from '../data/dataset.js';
import type { Trainable } from '../models/trainable.js';
import type { ThreadPool } from '../threads/pool.js';

/** A run that can be asked whether it is under way (stepped, neither finished nor disposed). */
export interface Stepper {
  readonly busy: boolean;
}

/**
 * The run that last stepped each model (weakly: a model keeps no Trainer alive). Two live Trainers stepping
 * one model in turn would each apply optimizer state the other's steps invalidated.
 */
const stepper = new WeakMap<Trainable, WeakRef<Stepper>>();

/** Makes `run` the model's one stepper; throws a HyperParameterError when another busy run stepped it. */
export function claimModel(model: Trainable, run: Stepper): void {
  const other = stepper.get(model)?.deref();
  if (other && other !== run && other.busy) {
    throw new HyperParameterError('model', 'is being trained by another Trainer that has not finished: interleaved steps would corrupt both runs; dispose() the other Trainer first, or train a copy of the model');
  }
  stepper.set(model, new WeakRef(run));
}

/**
 * Throws a DisposedError when the model, a dataset the caller passed in or the Trainer itself was disposed
 * (the kernels would otherwise read freed memory), after ending the run's thread pool: the run cannot go on.
 */
export function checkAlive(model: Trainable, given: readonly Dataset[], trainerDisposed: boolean, pool: ThreadPool | null, layout?: number): void {
  if (layout !== undefined && layoutOf(model) !== layout) {
    throw new HyperParameterError('model', 'its trainable layers changed (freeze/unfreeze) after this Trainer was made: make a new Trainer');
  }
  let what: string | null = null;
  if (trainerDisposed) what = 'the Trainer was disposed';
  else if (model.disposed) what = `the ${model.kind} model was disposed while its Trainer was in use`;
  else if (given.some((d) => d.xBlock.disposed)) what = 'a dataset was disposed while its Trainer was in use (dispose datasets after training)';
  if (what === null) return;
  pool?.dispose();
  throw new DisposedError(what);
}

/**
 * A backstop for Trainers dropped without dispose(): their thread pool (OS threads, kept alive by its sleeping
 * workers and never collected on its own) is ended once the Trainer is collected. dispose() is still the rule;
 * collection may come late or, in a short script, never.
 */
export const droppedPools = new FinalizationRegistry<ThreadPool>((pool) => pool.dispose());

/** A model's parameter layout: a network's freeze/unfreeze changes it (0 for models without one). */
export function layoutOf(model: Trainable): number {
  return (model as { layout?: number }).layout ?? 0;
}

/** True when every value is finite. */
export function allFinite(a: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

/**
 * A loss the run can go on from. The js twins compute in f64 where WASM computes in f32, so a loss
 * past the float32 range is finite on one and Infinity on the other: both call it divergence.
 */
export function usableLoss(v: number): boolean {
  return Math.abs(v) <= F32_MAX;
}
