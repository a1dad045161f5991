// Online and out-of-core training: a PartialFitter owns an optimizer's state across calls, so a model
// can learn from batches as they arrive (partialFit) or from an async stream of batches that never
// sits in memory at once (trainStream). It drives the same kernel as train() (backend.runBatches over
// a window of an index array) with the rows in arrival order, so k partial fits over the batches of
// one epoch give bit for bit the parameters of one epoch of train() with shuffle: false, the same
// batch size and the same optimizer.
import { DisposedError, HyperParameterError } from '../errors.js';
import { Block, disposeAll } from '../runtime/block.js';
import { Run } from '../runtime/run.js';
import { Rng } from '../rng.js';
import { Optimizer, resolveOptimizer, type OptimizerOptions } from '../optim/index.js';
import { int, num, onlyKeys, show } from '../validate.js';
import { Dataset, F32_MAX } from '../data/dataset.js';
import type { Trainable } from '../models/trainable.js';
import { shuffleBatches } from '../data/shuffle.js';
import type { Batch, BatchSource } from '../data/batch.js';
import { Preprocessing, type PreprocessingStats } from '../models/preprocessing.js';
import { HYPER } from '../backends/abi.generated.js';
import { layoutOf } from './guards.js';
import { createSchedule, type Schedule, type ScheduleOptions } from '../optim/schedules.js';

export type { Batch, BatchSource } from '../data/batch.js';

/** Options of {@link partialFit} (and of the per-model `PartialFitter` behind it). */
export interface PartialFitOptions {
  /** Update rule and hyper-parameters (PyTorch names and defaults). Default `{ name: 'sgd', lr: 0.01 }` (train() defaults to Adam with a cosine schedule over a known run; an online run has no known length). */
  optimizer?: OptimizerOptions;
  /** L2 penalty (l2/2)·‖W‖² on the weights. Default 0. */
  l2?: number;
  /** Rows per gradient step within one call: `'full'` (default: the whole call is one step) or a size ≥ 1. */
  batch?: 'full' | number;
  /** Seed of the dropout masks of a network (its stream carries over from call to call). Default 0. */
  seed?: number;
}

/** What one {@link partialFit} call did. */
export interface PartialFitResult {
  /** Mean over the call's rows of each step's loss before its update (penalty included), as train()'s epoch loss. */
  loss: number;
  /** Rows in the call. */
  rows: number;
  /** Gradient steps taken. */
  steps: number;
  /** True when a loss or a parameter stopped being finite: the parameters and optimizer state were put back as before the call. */
  diverged: boolean;
}

const KEYS = ['optimizer', 'l2', 'batch', 'seed'] as const;

/**
 * Online training of one model: each {@link partialFit} call takes gradient steps on the rows given,
 * and the optimizer's state (momentum, Adam moments, step count) carries over to the next call.
 * Owns backend memory: call {@link dispose} when done (the model itself is not disposed).
 */
export class PartialFitter {
  /** The model being trained (in place). */
  readonly model: Trainable;
  /** Gradient steps taken so far. */
  steps = 0;
  /** @internal The model's layout its optimizer was made for (freeze/unfreeze change it). */ readonly layout: number;
  /** Rows seen so far (all calls). */
  rowsSeen = 0;
  private readonly opt: Optimizer;
  private readonly l2: number;
  private readonly batchSize: number | undefined;
  private idx: Block<'i32'> | undefined;
  private losses: Block<'f64'> | undefined;
  private readonly scratch: Block<'f32'>;
  /** The learning rate of every step (as train()'s schedules), written per step of a call; undefined: {@link lr}. */
  private lrAt: ((step: number) => number) | undefined;
  private sched: Block<'f64'> | undefined;
  /** The run descriptor: the model, optimizer and l2 once; the call's data per call; every tool off. */
  private readonly run: Run;

  constructor(model: Trainable, options: PartialFitOptions = {}) {
    if (options === null || typeof options !== 'object') throw new HyperParameterError('options', `must be an object, got ${show(options)}`);
    onlyKeys('options', options, KEYS);
    const resolved = resolveOptimizer(options.optimizer === undefined ? { name: 'sgd', lr: 0.01 } : options.optimizer);
    this.l2 = num('l2', options.l2, 0, { min: 0 });
    const b = options.batch === undefined ? 'full' : options.batch;
    this.batchSize = b === 'full' ? undefined : int('batch', b, 1, 1);
    const dropSeed = int('seed', options.seed, 0, 0, 0xffffffff);
    if (model === null || typeof model !== 'object' || !(model.paramsBlock instanceof Block)) {
      throw new HyperParameterError('model', `must be a model (linear, logistic, softmax…), got ${show(model)}`);
    }
    if (model.disposed) throw new DisposedError(`the ${model.kind} model was disposed`);
    this.model = model;
    this.opt = new Optimizer(resolved, model.trainableSize, model.paramsBlock, model.size);
    this.layout = layoutOf(model);
    let scratch: Block<'f32'> | undefined;
    try {
      scratch = new Block(model.paramsBlock.backend, 'f32', model.outputs);
      this.run = new Run(model.paramsBlock.backend, { ...model.runFields(), ...this.opt.runFields(), scratch: scratch.ptr, l2: this.l2 });
      this.run.setWords('dropRng', new Rng((dropSeed ^ 0x6d2b79f5) >>> 0).state);
    } catch (e) {
      this.opt.dispose();
      scratch?.dispose();
      throw e;
    }
    this.scratch = scratch;
    // Freed with the model (Model.dispose), not at the next garbage collection.
    (model as { attached?: Set<{ dispose(): void }> }).attached?.add(this);
  }

  /** True once dispose() ran (directly, or through the model's dispose()). */
  get disposed(): boolean {
    return this.run.block.disposed;
  }

  /** The learning rate the next step uses (set it between calls for a schedule). */
  get lr(): number {
    return this.opt.lr;
  }

  set lr(v: number) {
    this.opt.lr = v;
  }

  /** Gives every later step the rate `lrAt(step)` (0-based global step), as train()'s schedules; undefined: {@link lr}. */
  setSchedule(lrAt: ((step: number) => number) | undefined): void {
    if (lrAt !== undefined && typeof lrAt !== 'function') throw new HyperParameterError('schedule', `must be a function of the step, got ${show(lrAt)}`);
    this.lrAt = lrAt;
  }

  /** Grows the index array 0..n-1 and the per-step loss buffer to fit a call (doubling, so growth is rare). */
  private reserve(n: number, nb: number): void {
    const be = this.model.paramsBlock.backend;
    if (!this.idx || this.idx.length < n) {
      const size = Math.max(n, 2 * (this.idx?.length ?? 0));
      this.idx?.dispose();
      this.idx = undefined;
      const idx = new Block(be, 'i32', size);
      const v = idx.view;
      for (let i = 0; i < size; i++) v[i] = i;
      this.idx = idx;
    }
    if (!this.losses || this.losses.length < nb) {
      const size = Math.max(nb, 2 * (this.losses?.length ?? 0));
      this.losses?.dispose();
      this.losses = undefined;
      this.losses = new Block(be, 'f64', size);
    }
    if (this.lrAt && (!this.sched || this.sched.length < 2 * nb)) {
      const size = Math.max(2 * nb, 2 * (this.sched?.length ?? 0));
      this.sched?.dispose();
      this.sched = undefined;
      this.sched = new Block(be, 'f64', size);
    }
  }

  /**
   * Takes gradient steps on the given rows, in order: a Dataset (used in place) or `{ x, y }` arrays
   * (copied into backend memory for the call). Labels are checked as train() checks them.
   */
  partialFit(batch: Dataset | Batch): PartialFitResult {
    const model = this.model;
    if (layoutOf(model) !== this.layout) throw new HyperParameterError('model', 'its trainable layers changed (freeze/unfreeze) after this PartialFitter was made: make a new one');
    let ds: Dataset;
    let owned = false;
    if (batch instanceof Dataset) ds = batch;
    else {
      if (batch === null || typeof batch !== 'object' || !('x' in batch) || !('y' in batch)) {
        throw new HyperParameterError('batch', `must be a Dataset or { x, y }, got ${show(batch)}`);
      }
      // On the model's backend, whatever init() chose since the model was made.
      ds = Dataset.fromArraysOn(model.paramsBlock.backend, batch.x, batch.y, { features: model.features });
      owned = true;
    }
    try {
      model.checkTargets(ds);
      // Raw rows in, as predict takes them: the model's own statistics (partialFit never fits any).
      const pre = model.preprocessing;
      if (pre) {
        const t = pre.dataset(ds);
        if (owned) ds.dispose();
        ds = t;
        owned = true;
      }
      const n = ds.rows;
      const bs = Math.min(this.batchSize ?? n, n);
      const nb = Math.ceil(n / bs);
      this.reserve(n, nb);
      const opt = this.opt;
      // Kept to put back if the call diverges, so a bad batch loses nothing (principle 7).
      const before = [model.paramsBlock.view.slice(), opt.stateBlock.view.slice(), opt.hyperBlock.view.slice(), this.run.block.view.slice()];
      let sched = 0;
      if (this.lrAt) {
        // [lr, σ] per step, as the trainer writes them; σ = 0: no gradient noise.
        const sv = this.sched!.view;
        for (let b = 0; b < nb; b++) {
          const lr = this.lrAt(this.steps + b);
          if (!(Number.isFinite(lr) && lr >= 0)) throw new HyperParameterError('schedule', `gave the learning rate ${show(lr)} for step ${this.steps + b}`);
          sv[2 * b] = lr;
          sv[2 * b + 1] = 0;
        }
        sched = this.sched!.ptr;
      }
      this.run.set({ ...ds.runFields(), idx: this.idx!.ptr, rows: n, batchSize: bs, losses: this.losses!.ptr, sched });
      const done = model.paramsBlock.backend.runBatches(this.run.ptr, 0, nb);
      const lv = this.losses!.view;
      let sum = 0;
      for (let b = 0; b < done; b++) sum += lv[b] * Math.min(bs, n - b * bs);
      const loss = done === nb ? sum / n : lv[done];
      const params = model.paramsBlock.view;
      // Past the float32 range counts as divergence on every backend (the js twins compute in f64).
      let finite = done === nb && Math.abs(loss) <= F32_MAX;
      for (let i = 0; finite && i < params.length; i++) finite = Number.isFinite(params[i]);
      if (!finite) {
        params.set(before[0] as Float32Array);
        opt.stateBlock.view.set(before[1] as Float32Array);
        opt.hyperBlock.view.set(before[2] as Float64Array);
        this.run.block.view.set(before[3] as Float64Array);
        return { loss, rows: n, steps: 0, diverged: true };
      }
      this.steps += done;
      this.rowsSeen += n;
      return { loss, rows: n, steps: done, diverged: false };
    } finally {
      if (owned) ds.dispose();
    }
  }

  /** Frees the optimizer state and buffers (not the model); safe to call twice. */
  dispose(): void {
    (this.model as { attached?: Set<unknown> }).attached?.delete(this);
    this.opt.dispose();
    disposeAll(this.idx, this.losses, this.scratch, this.sched);
    this.run.dispose();
  }
}

// partialFit(model, …) keeps one fitter per model, as scikit-learn's partial_fit keeps state on the
// estimator; the options it was made with are kept to refuse a silent change of optimizer.
const fitters = new WeakMap<Trainable, { fitter: PartialFitter; options: string }>();

/**
 * One online update of `model` on a batch, keeping the optimizer state between calls (one
 * `PartialFitter` per model, made on the first call from `options`; later calls reuse it and
 * may omit the options, but must not change them). {@link resetPartialFit} frees that state.
 */
export function partialFit(model: Trainable, batch: Dataset | Batch, options?: PartialFitOptions): PartialFitResult {
  let entry = fitters.get(model);
  let key: string;
  try {
    key = JSON.stringify(options ?? {});
  } catch {
    throw new HyperParameterError('options', 'must be plain data (numbers, strings, booleans, objects)');
  }
  if (entry && options !== undefined && key !== entry.options) {
    throw new HyperParameterError('options', 'differ from the first partialFit call on this model; call resetPartialFit(model) to start over with new options');
  }
  // A disposed fitter (freed with its model) or one made before freeze/unfreeze: start afresh.
  if (entry && (entry.fitter.disposed || entry.fitter.layout !== layoutOf(model))) {
    if (!entry.fitter.disposed) entry.fitter.dispose();
    fitters.delete(model);
    entry = undefined;
  }
  if (!entry) {
    entry = { fitter: new PartialFitter(model, options), options: key };
    fitters.set(model, entry);
  }
  return entry.fitter.partialFit(batch);
}

/** Frees the optimizer state that {@link partialFit} keeps for `model`; the next call starts afresh. */
export function resetPartialFit(model: Trainable): void {
  fitters.get(model)?.fitter.dispose();
  fitters.delete(model);
}

/** One epoch of {@link trainStream}, as recorded in its history. */
export interface StreamEpochRecord {
  /** 1-based epoch number. */
  epoch: number;
  /** Mean over the epoch's rows of each step's loss before its update (as train()). */
  loss: number;
  /** Milliseconds since training started, at the end of this epoch. */
  ms: number;
  /** Learning rate at the end of the epoch. */
  lr: number;
  /** Rows seen since training started. */
  samples: number;
}

/** Progress after one batch of {@link trainStream}. */
export interface StreamBatchInfo {
  epoch: number;
  /** 0-based batch index within the epoch. */
  batch: number;
  rows: number;
  loss: number;
  /** Rows seen since training started. */
  samples: number;
}

/** Options of {@link trainStream}. */
export interface TrainStreamOptions extends PartialFitOptions {
  /** Passes over the source. Default 1; more than 1 needs a source factory (a function). */
  epochs?: number;
  /** After each epoch; return false to stop. */
  onEpoch?: (record: StreamEpochRecord) => void | boolean;
  /** After each batch; return false to stop. */
  onBatch?: (info: StreamBatchInfo) => void | boolean;
  /**
   * Shuffles the rows through a seeded buffer of this many rows (see {@link shuffleBatches}), with a
   * new permutation each epoch; memory grows by shuffleBuffer × features floats. Default off: rows in
   * arrival order. Use it when the source is not in random order (e.g. sorted by label).
   */
  shuffleBuffer?: number;
  /** Seed of the shuffle buffer (u32). Default 0. */
  seed?: number;
  /**
   * Statistics to standardize the streamed rows with, e.g. from a first pass over the file
   * (`csvStats`), put in the model (`model.preprocessing`) before training; `false` clears the model's.
   * Default: the model's own preprocessing, if any (a stream never fits statistics: it sees one batch at a time).
   */
  standardize?: false | PreprocessingStats;
  /**
   * A learning-rate schedule over the optimizer's lr, as train()'s (e.g. `{ name: 'cosine' }`), spanning
   * `epochs × stepsPerEpoch` steps. Default: none (the constant lr, as partialFit).
   */
  schedule?: ScheduleOptions;
  /** Gradient steps in one epoch (e.g. ⌈rows / batch⌉ from `csvStats`): the schedule's epoch. Needed with `schedule`. */
  stepsPerEpoch?: number;
}

/** What {@link trainStream} returns. */
export interface TrainStreamResult {
  history: StreamEpochRecord[];
  stopReason: 'epochs' | 'diverged' | 'callback';
  epochs: number;
  steps: number;
  samples: number;
  ms: number;
  backend: string;
}

/**
 * Trains `model` from a stream of batches (out of core): each batch is copied into backend memory,
 * used, and freed, so memory stays bounded by one batch whatever the data's size. `source` is an
 * (async) iterable of batches, or a function returning a fresh one per epoch (needed for epochs > 1),
 * e.g. `() => csvBatches('big.csv', { batch: 1024 })`. Batches are used in arrival order unless
 * `shuffleBuffer` is set, which shuffles the rows through a seeded buffer of that many rows each epoch
 * (needed when the file is not in random order, e.g. sorted by label).
 */
export async function trainStream(model: Trainable, source: BatchSource | (() => BatchSource), options: TrainStreamOptions = {}): Promise<TrainStreamResult> {
  if (options === null || typeof options !== 'object') throw new HyperParameterError('options', `must be an object, got ${show(options)}`);
  const { epochs: e, onEpoch, onBatch, shuffleBuffer: sb, seed: s, standardize, schedule: sched, stepsPerEpoch: spe, ...fitOptions } = options;
  const epochs = int('epochs', e, 1, 1);
  const shuffleBuffer = sb === undefined ? undefined : int('shuffleBuffer', sb, 1, 1);
  const seed = int('seed', s, 0, 0, 0xffffffff);
  if (epochs > 1 && typeof source !== 'function') {
    throw new HyperParameterError('epochs', `${epochs} epochs need a source factory, () => batches, to read the data again`);
  }
  for (const [k, f] of [['onEpoch', onEpoch], ['onBatch', onBatch]] as const) {
    if (f !== undefined && typeof f !== 'function') throw new HyperParameterError(k, `must be a function, got ${show(f)}`);
  }
  const pre = standardize === undefined || standardize === false ? null : new Preprocessing(standardize, model.features);
  if (pre?.scalesTarget && model.task !== 'regression') throw new HyperParameterError('standardize.yMean', 'only a regression model scales its target');
  let schedule: Schedule | undefined;
  if (sched !== undefined) {
    if (spe === undefined) throw new HyperParameterError('stepsPerEpoch', 'is needed with a schedule: the gradient steps in one epoch, e.g. Math.ceil(rows / batch)');
    const perEpoch = int('stepsPerEpoch', spe, 1, 1);
    const lr0 = resolveOptimizer(fitOptions.optimizer === undefined ? { name: 'sgd', lr: 0.01 } : fitOptions.optimizer).hyper[HYPER.lr];
    schedule = createSchedule(sched, { baseLr: lr0, stepsPerEpoch: perEpoch, runSteps: epochs * perEpoch });
  } else if (spe !== undefined) int('stepsPerEpoch', spe, 1, 1);
  const fitter = new PartialFitter(model, fitOptions);
  if (schedule) fitter.setSchedule((step) => schedule!.lr(step));
  if (standardize !== undefined) model.preprocessing = pre;
  // Shuffled chunks hold whole mini-batches (about 1024 rows), so every step but an epoch's last is full.
  const bs = fitOptions.batch;
  const chunk = typeof bs === 'number' ? bs * Math.max(1, Math.ceil(1024 / bs)) : undefined;
  const history: StreamEpochRecord[] = [];
  let stopReason: TrainStreamResult['stopReason'] = 'epochs';
  const t0 = performance.now();
  try {
    outer: for (let epoch = 1; epoch <= epochs; epoch++) {
      const given = typeof source === 'function' ? source() : source;
      const batches = shuffleBuffer === undefined ? given
        : shuffleBatches(given, { buffer: shuffleBuffer, seed, epoch: epoch - 1, batch: chunk, features: model.features });
      let sum = 0, rows = 0, b = 0;
      for await (const batch of batches) {
        const r = fitter.partialFit(batch);
        if (r.diverged) {
          stopReason = 'diverged';
          break outer;
        }
        sum += r.loss * r.rows;
        rows += r.rows;
        if (onBatch && onBatch({ epoch, batch: b, rows: r.rows, loss: r.loss, samples: fitter.rowsSeen }) === false) {
          stopReason = 'callback';
          break outer;
        }
        b++;
      }
      const rec: StreamEpochRecord = { epoch, loss: rows ? sum / rows : NaN, ms: performance.now() - t0, lr: fitter.lr, samples: fitter.rowsSeen };
      history.push(rec);
      schedule?.epochEnd({ loss: rec.loss });
      if (onEpoch && onEpoch(rec) === false) {
        stopReason = 'callback';
        break;
      }
    }
  } finally {
    fitter.dispose();
  }
  return {
    history, stopReason, epochs: history.length, steps: fitter.steps, samples: fitter.rowsSeen,
    ms: performance.now() - t0, backend: model.paramsBlock.backend.name,
  };
}
