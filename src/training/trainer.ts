// The Trainer: the run loop around the in-WASM batch loop. TypeScript decides the order of rows (a
// shuffled index array), the batch size, the learning rate of every batch (a schedule, precomputed per
// run into an f64 array) and when control comes back (every epoch, or every chunk of batches for the
// time budget); WASM runs the batches, with clipping, noise, L1 and averaging inside its loop. A
// mini-batch is a window of the index array: no copy, no allocation, no JS↔WASM call per batch.
// Stopping rules, validation, reduce-on-plateau and callbacks run once per epoch, here.
import { Block, disposeAll } from '../runtime/block.js';
import { Run } from '../runtime/run.js';
import { Optimizer } from '../optim/index.js';
import type { Schedule } from '../optim/schedules.js';
import { Rng } from '../rng.js';
import { Dataset } from '../data/dataset.js';
import { HyperParameterError } from '../errors.js';
import { allFinite, checkAlive, claimModel, droppedPools, layoutOf, usableLoss } from './guards.js';
import { show } from '../validate.js';
import type { Trainable } from '../models/trainable.js';
import type { EpochRecord, TrainState } from './state.js';
import { Preprocessing, type SavedPreprocessing } from '../models/preprocessing.js';
import { RUN_ROWS, plan, scalesTarget, type Plan, type StopReason, type TrainOptions, type TrainResult, type TrainerView } from './options.js';
import { checkResume, restoreState, resumedPreprocessing, saveState, type Progress, type RunParts } from './resume.js';
import { lazyScaled, openLazy } from './lazy.js';
import { ThreadPool } from '../threads/pool.js';
import { warnDenseUpdate } from './sparse-path.js';
import { augmentRecord, setAugmentEpoch } from './augment.js';

/**
 * A training run that can be advanced batch by batch, saved and resumed. {@link train} is
 * `new Trainer(model, ds, options).run()` followed by `dispose()`.
 *
 * ```ts
 * const t = new Trainer(model, ds, { optimizer: { name: 'adam' }, batch: 32, epochs: 10 });
 * t.step(10);                          // ten mini-batches
 * const saved = JSON.stringify(t.save());
 * t.dispose();
 * // later, possibly in another process: same model shape, data and options
 * const m2 = Model.fromJSON(JSON.parse(saved).model);
 * const r = train(m2, ds, { optimizer: { name: 'adam' }, batch: 32, epochs: 10, resume: JSON.parse(saved) });
 * ```
 */
export class Trainer implements TrainerView {
  /** The model being trained (its parameters are the current iterate until the run finishes). */
  readonly model: Trainable;
  private readonly plan: Plan;
  private readonly be: Trainable['paramsBlock']['backend'];
  private readonly train: Dataset;
  private readonly val: Dataset | undefined;
  private readonly owned: Dataset[] = [];
  /** The caller's datasets: training after their dispose() is an error, not a read of freed memory. */
  private readonly given: Dataset[];
  private readonly layout: number; // the model's layout (freeze/unfreeze change it)
  private disposed_ = false;
  private readonly opt: Optimizer;
  /** The run descriptor of the training data: model, optimizer, data, tools and loop state. */
  private readonly loop: Run;
  private readonly valRun: Run | undefined; // the validation set's descriptor (no penalty)
  private readonly idx: Block<'i32'>;
  private readonly losses: Block<'f64'>;
  private readonly scratch: Block<'f32'>;
  private readonly sched: Block<'f64'>;
  private readonly avg: Block<'f32'> | undefined;
  private readonly l1buf: Block<'f32'> | undefined;
  private readonly lazy: Block<'f32'> | undefined; // v of sparse plain SGD's lazily scaled weights (lazy.ts)
  private readonly vIdx: Block<'i32'> | undefined;
  /** The augmentation record (abi.json `augment`), whose epoch slot is written before each run of batches. */
  private readonly aug: Block<'f64'> | undefined;
  private readonly batchesPerRun: number; // batches one runBatches call takes at most
  private readonly rng: Rng;
  private readonly schedule: Schedule;
  private readonly t0 = performance.now();
  private readonly progress: Progress = {
    epoch: 0, batch: 0, steps: 0, lossSum: 0, epochLr: 0, tolBest: Infinity, noChange: 0, esBest: Infinity, esWait: 0, bestEpoch: 0,
    bestParams: null, lastParams: new Float32Array(0), lastAvg: null, lastAvgCount: 0, history: [], elapsedBefore: 0 };
  private stoppedBy: StopReason | null = null;
  private divergedAt: number | undefined;
  private finalState: TrainState | undefined;
  private finished = false;
  private iterate: Float32Array | null = null;
  /** The worker threads of `threads` (null: this thread alone). */
  private readonly pool: ThreadPool | null = null;

  /** Validates every option, then allocates the run's buffers (restoring `options.resume` if given). */
  constructor(model: Trainable, ds: Dataset, options: TrainOptions = {}) {
    if (model === null || typeof model !== 'object' || !(model.paramsBlock instanceof Block)) {
      throw new HyperParameterError('model', `must be a model (linear, logistic, softmax…), got ${show(model)}`);
    }
    if (!(ds instanceof Dataset)) throw new HyperParameterError('data', `must be a Dataset, got ${show(ds)}`);
    const p = plan(options, model, ds);
    if (p.resume !== undefined) checkResume(p.resume, model, p);
    const resumedPre = p.resume !== undefined ? resumedPreprocessing(p.resume.model as SavedPreprocessing, model, p) : undefined;
    model.checkTargets(ds);
    if (p.validation) model.checkTargets(p.validation);
    this.model = model;
    this.given = p.validation ? [ds, p.validation] : [ds];
    this.layout = layoutOf(model);
    this.plan = p;
    this.schedule = p.schedule;
    const be = (this.be = model.paramsBlock.backend);
    const blocks: (Block | undefined)[] = [];
    const keep = <B extends Block>(b: B): B => {
      blocks.push(b);
      return b;
    };
    let opt: Optimizer | undefined;
    let pre: Preprocessing | null = null;
    try {
      let train = ds, val = p.validation;
      if (p.validationFraction !== undefined) {
        ({ train, test: val } = ds.split({ testFraction: p.validationFraction, seed: p.seed }));
        this.owned.push(train, val);
      }
      // Statistics of the training rows only (never the validation rows), then standardized copies of both.
      // Sparse rows are never standardized by default: centring would fill every one of their 2^18 columns.
      pre = p.standardize === 'off' ? null : p.standardize !== 'fit' ? p.standardize
        : resumedPre !== undefined ? resumedPre : model.preprocessing ?? (train.sparse ? null : Preprocessing.fit(train, { target: scalesTarget(model) }));
      if (pre) {
        this.owned.push((train = pre.dataset(train)));
        if (val) this.owned.push((val = pre.dataset(val)));
      }
      this.train = train;
      this.val = val;
      const n = p.nTrain, k = model.outputs;
      this.batchesPerRun = Math.max(1, Math.min(p.batchesPerEpoch, Math.ceil(RUN_ROWS / p.batchSize)));
      opt = new Optimizer(p.resolved, model.trainableSize, model.paramsBlock, model.size);
      this.opt = opt;
      this.idx = keep(new Block(be, 'i32', n));
      this.losses = keep(new Block(be, 'f64', this.batchesPerRun));
      this.scratch = keep(new Block(be, 'f32', k));
      this.sched = keep(new Block(be, 'f64', 2 * this.batchesPerRun));
      this.avg = p.avgStart > 0 ? keep(new Block(be, 'f32', model.size)) : undefined;
      this.l1buf = p.l1Mode !== 0 ? keep(new Block(be, 'f32', model.nWeights)) : undefined;
      this.vIdx = this.val ? keep(new Block(be, 'i32', this.val.rows)) : undefined;
      this.aug = p.augment ? keep(augmentRecord(be, p.augment, p.seed)) : undefined;
      const run = new Run(be, {
        ...model.runFields(), ...opt.runFields(), ...this.train.runFields(), scratch: this.scratch.ptr,
        idx: this.idx.ptr, rows: n, batchSize: p.batchSize, losses: this.losses.ptr, sched: this.sched.ptr, l2: p.l2,
        clipNorm: p.clipNorm, clipValue: p.clipValue, interceptDecay: p.interceptDecay, l1: p.l1, l1Mode: p.l1Mode, l1buf: this.l1buf?.ptr ?? 0,
        avg: this.avg?.ptr ?? 0, avgStart: p.avgStart, noise: p.noise ? 1 : 0, augment: this.aug?.ptr ?? 0,
      });
      blocks.push(run.block);
      this.loop = run;
      if (this.val) {
        this.valRun = new Run(be, {
          ...model.runFields(), ...opt.runFields(), ...this.val.runFields(), scratch: this.scratch.ptr, idx: this.vIdx!.ptr,
          rows: this.val.rows, training: 0,
        });
        blocks.push(this.valRun.block);
      }
      warnDenseUpdate(p, model, this.train.sparse);
      if (p.threads !== undefined) this.pool = ThreadPool.open(be, run, model, p.batchSize, p.threads, this.train.sparse, p.async);
      this.lazy = lazyScaled(p, model, this.train.sparse, this.pool?.async ?? false) ? keep(openLazy(run, model)) : undefined;
    } catch (e) {
      opt?.dispose();
      disposeAll(...blocks);
      for (const d of this.owned) d.dispose();
      throw e;
    }
    if (this.pool) droppedPools.register(this, this.pool, this);
    model.preprocessing = pre;
    // In the backend: a JS loop over a 100k-row index cost ~0.1 ms per train() call.
    be.iotaI32(this.idx.ptr, p.nTrain);
    if (this.vIdx) be.iotaI32(this.vIdx.ptr, this.vIdx.length);
    this.avg?.view.fill(0) // averaging runs over the trainable prefix; frozen tensors are their own average.set(model.paramsBlock.view.subarray(model.trainableSize), model.trainableSize);
    this.l1buf?.view.fill(0);
    this.rng = new Rng(p.seed);
    if (p.noise) this.loop.setWords('rng', new Rng(p.noise.seed).state);
    // Dropout draws from its own stream, seeded by the run's seed (not the shuffling stream, which it would shift).
    this.loop.setWords('dropRng', new Rng((p.seed ^ 0x6d2b79f5) >>> 0).state);
    this.progress.esBest = p.monitor === 'valMetric' ? -Infinity : Infinity;
    this.progress.lastParams = model.paramsBlock.view.slice();
    if (this.avg) this.progress.lastAvg = this.avg.view.slice();
    if (p.resume) restoreState(this.parts(), this.progress, p.resume);
  }

  /** Threads this run computes its batches on: 1 without `threads`, where they fell back, or clamped to one block. */
  get threadsUsed(): number {
    return this.pool?.threads ?? 1;
  }

  /** Training history so far, one record per completed epoch. */
  get history(): EpochRecord[] {
    return this.progress.history;
  }

  /** Epochs completed. */
  get epoch(): number {
    return this.progress.epoch;
  }

  /** Gradient steps taken (counting any before a resume). */
  get steps(): number {
    return this.progress.steps;
  }

  /** Why the run stopped, or null while it can go on. */
  get stopReason(): StopReason | null {
    return this.stoppedBy;
  }

  /** True once a stopping rule fired. */
  get done(): boolean {
    return this.stoppedBy !== null;
  }

  /** Batches per epoch (1 for full batch). */
  get batchesPerEpoch(): number {
    return this.plan.batchesPerEpoch;
  }

  /** Batches done in the epoch under way (0 at an epoch boundary). */
  get batchInEpoch(): number {
    return this.progress.batch;
  }

  /**
   * Within-epoch progress: the mean loss of the batches done so far in this epoch (what the epoch's
   * record will report once it completes), the rows they covered, and the learning rate of the last step.
   * Null at an epoch boundary.
   */
  get partialEpoch(): { loss: number; rows: number; lr: number } | null {
    if (this.progress.batch === 0) return null;
    const rows = Math.min(this.progress.batch * this.plan.batchSize, this.plan.nTrain);
    return { loss: this.progress.lossSum / rows, rows, lr: this.schedule.lr(this.progress.steps - 1) };
  }

  private elapsed(): number {
    return this.progress.elapsedBefore + (performance.now() - this.t0);
  }

  /**
   * Runs up to `maxBatches` gradient steps (default: until a stopping rule fires), crossing epoch
   * boundaries as needed; epoch-end work (history, validation, stopping rules, plateau, onEpoch) runs
   * whenever an epoch completes. Returns the number of steps taken.
   */
  step(maxBatches = Infinity): number {
    // A fraction of a batch does not exist: 0.5 would otherwise hand the kernel a fractional count.
    if (maxBatches !== Infinity && !(Number.isInteger(maxBatches) && maxBatches >= 0)) {
      throw new HyperParameterError('maxBatches', `must be an integer ≥ 0 or Infinity, got ${show(maxBatches)}`);
    }
    checkAlive(this.model, this.given, this.disposed_, this.pool, this.layout);
    claimModel(this.model, this);
    const p = this.plan, be = this.be, model = this.model;
    const nb = p.batchesPerEpoch, n = p.nTrain, bs = p.batchSize;
    let ran = 0;
    while (this.stoppedBy === null && ran < maxBatches) {
      // onEpoch may have disposed the model, a dataset or this Trainer.
      if (ran > 0) checkAlive(this.model, this.given, this.disposed_, this.pool);
      if (this.progress.epoch >= p.epochs) {
        this.setStop('epochs');
        break;
      }
      if (p.maxSteps !== undefined && this.progress.steps >= p.maxSteps) {
        this.setStop('steps');
        break;
      }
      if (this.progress.batch === 0) this.beginEpoch();
      let nRun = Math.min(nb - this.progress.batch, this.batchesPerRun, maxBatches - ran);
      if (p.maxSteps !== undefined) nRun = Math.min(nRun, p.maxSteps - this.progress.steps);
      const sv = this.sched.view;
      const noise = p.noise;
      for (let b = 0; b < nRun; b++) {
        const s = this.progress.steps + b;
        sv[2 * b] = this.schedule.lr(s);
        sv[2 * b + 1] = noise ? Math.sqrt(noise.eta / Math.pow(1 + s, noise.gamma)) : 0;
      }
      const start = this.progress.batch * bs;
      if (this.aug) setAugmentEpoch(this.aug, this.progress.epoch);
      // Async threads (Hogwild!) run the round on every thread; otherwise the batch loop (a pool, if any, inside it).
      const done = this.pool?.async ? this.pool.hogwildBatches(start, nRun) : be.runBatches(this.loop.ptr, start, nRun);
      this.pool?.check();
      const lv = this.losses.view;
      for (let b = 0; b < done; b++) this.progress.lossSum += lv[b] * Math.min(bs, n - start - b * bs);
      ran += done;
      this.progress.steps += done;
      this.progress.batch += done;
      if (done < nRun) {
        this.diverge();
        break;
      }
      if (this.progress.batch === nb) this.endEpoch();
      if (this.stoppedBy === null && p.maxMs !== undefined && this.elapsed() >= p.maxMs) this.setStop('time');
    }
    if (this.stoppedBy !== null) this.finish();
    return ran;
  }

  /** @internal True while this Trainer has a run under way (stepped, not finished, not disposed). */
  get busy(): boolean {
    return !this.finished && !this.disposed_;
  }

  /** Trains until a stopping rule fires and returns the result. */
  run(): TrainResult {
    this.step(Infinity);
    return this.result();
  }

  /** The result so far (stopReason is `'steps'` while the run could still go on). */
  result(): TrainResult {
    const r: TrainResult = {
      history: this.progress.history, stopReason: this.stoppedBy ?? 'steps', epochs: this.progress.history.length, steps: this.progress.steps,
      ms: this.elapsed(), backend: this.be.name,
    };
    if (this.divergedAt !== undefined) r.divergedAt = this.divergedAt;
    if (this.val && this.progress.bestEpoch > 0) r.bestEpoch = this.progress.bestEpoch;
    if (this.finalState) r.state = this.finalState;
    return r;
  }

  private beginEpoch(): void {
    const p = this.plan;
    if (p.shuffle && p.batchSize < p.nTrain) this.rng.shuffle(this.idx.view, p.nTrain);
    this.progress.lossSum = 0;
    this.progress.epochLr = this.schedule.lr(this.progress.steps);
  }

  private endEpoch(): void {
    const p = this.plan;
    const epoch = this.progress.epoch + 1;
    const loss = this.progress.lossSum / p.nTrain;
    const params = this.model.paramsBlock.view;
    if (!usableLoss(loss) || !allFinite(params) || (this.avg && !allFinite(this.avg.view))) {
      this.diverge();
      return;
    }
    this.progress.lastParams.set(params);
    if (this.avg) {
      this.progress.lastAvg!.set(this.avg.view);
      this.progress.lastAvgCount = this.loop.get('avgCount');
    }
    const rec: EpochRecord = {
      epoch, loss, ms: this.elapsed(), lr: this.progress.epochLr, lrLast: this.schedule.lr(this.progress.steps - 1), steps: this.progress.steps,
    };
    let esStop = false;
    if (this.val) {
      const { loss: vl, metric } = this.evaluateValidation();
      rec.valLoss = vl;
      rec.valMetric = metric;
      const v = p.monitor === 'valLoss' ? vl : metric;
      const better = p.monitor === 'valLoss' ? v < this.progress.esBest - p.minDelta : v > this.progress.esBest + p.minDelta;
      if (better) {
        this.progress.esBest = v;
        this.progress.esWait = 0;
        this.progress.bestEpoch = epoch;
        if (p.restoreBest) this.progress.bestParams = this.outputParams().slice();
      } else {
        this.progress.esWait++;
        esStop = this.progress.esWait >= Math.max(1, p.patience);
      }
    }
    let tolStop = false;
    if (p.tol !== undefined) {
      if (loss > this.progress.tolBest - p.tol) this.progress.noChange++;
      else this.progress.noChange = 0;
      if (loss < this.progress.tolBest) this.progress.tolBest = loss;
      tolStop = this.progress.noChange >= p.nIterNoChange;
    }
    this.schedule.epochEnd({ loss, valLoss: rec.valLoss, valMetric: rec.valMetric });
    this.progress.history.push(rec);
    this.progress.epoch = epoch;
    this.progress.batch = 0;
    // Everything the next epoch depends on is updated before the callback, so a snapshot taken there
    // resumes exactly where an uninterrupted run goes on.
    const stopCb = p.onEpoch ? p.onEpoch(rec, { save: () => this.save(), trainer: this }) === false : false;
    if (stopCb) this.setStop('callback');
    else if (esStop) this.setStop('early-stopping');
    else if (tolStop) this.setStop('tol');
    else if (p.maxMs !== undefined && this.elapsed() >= p.maxMs) this.setStop('time');
    else if (epoch >= p.epochs) this.setStop('epochs');
    else if (p.maxSteps !== undefined && this.progress.steps >= p.maxSteps) this.setStop('steps');
  }

  /** A loss or a parameter stopped being finite: fall back to the last finite epoch. */
  private diverge(): void {
    this.model.paramsBlock.view.set(this.progress.lastParams);
    this.loop.set({ lazyScale: 0 }); // v is stale: the parameters were written here
    if (this.avg) {
      this.avg.view.set(this.progress.lastAvg!);
      this.loop.set({ avgCount: this.progress.lastAvgCount });
    }
    this.divergedAt = this.progress.epoch + 1;
    this.setStop('diverged');
  }

  private setStop(r: StopReason): void {
    if (this.stoppedBy === null) this.stoppedBy = r;
  }

  /** The parameters the model ends with: the average once averaging has begun, else the iterate. */
  private outputParams(): Float32Array {
    if (this.avg && this.loop.get('avgCount') > 0) return this.avg.view;
    return this.model.paramsBlock.view;
  }

  /** Puts the final parameters in the model: best epoch (restoreBest), else the average, else the iterate. */
  private finish(): void {
    if (this.finished) return;
    if (this.model.disposed) checkAlive(this.model, this.given, this.disposed_, this.pool);
    this.finished = true;
    if (this.plan.saveState) this.finalState = this.save();
    this.iterate = this.model.paramsBlock.view.slice();
    const out = this.progress.bestParams ?? (this.avg && this.loop.get('avgCount') > 0 ? this.avg.view.slice() : null);
    if (out) this.model.paramsBlock.view.set(out);
  }

  /** Validation loss (no penalty) and metric (accuracy or R²) of the output parameters. */
  private evaluateValidation(): { loss: number; metric: number } {
    const useAvg = this.avg && this.loop.get('avgCount') > 0;
    const params = useAvg ? this.avg!.ptr : this.model.paramsBlock.ptr;
    this.valRun!.set({ params });
    // A network's loss needs only its forward pass (lossGrad would also run backward, into the run's gradient).
    const run = this.valRun!;
    const loss = run.get('net') !== 0 ? this.be.forward(run.ptr, 0, this.val!.rows) : this.be.lossGrad(run.ptr, 0, this.val!.rows);
    return { loss, metric: this.model.metricOf(this.val!, params) };
  }

  /** What save and resume read and write besides the counters. */
  private parts(): RunParts {
    return {
      p: this.plan, model: this.model, opt: this.opt, run: this.loop, idx: this.idx, avg: this.avg, l1buf: this.l1buf,
      lazy: this.lazy, rng: this.rng, schedule: this.schedule,
    };
  }

  /** The complete training state, as plain JSON-safe data (see {@link TrainState}), to resume from later. */
  save(): TrainState {
    return saveState(this.parts(), this.progress, this.iterate, this.elapsed());
  }

  /** Frees the run's buffers (not the model, nor datasets the caller passed in); safe to call twice. */
  dispose(): void {
    this.disposed_ = true;
    if (this.pool) droppedPools.unregister(this);
    this.pool?.dispose();
    this.opt.dispose();
    disposeAll(this.idx, this.losses, this.scratch, this.sched, this.avg, this.l1buf, this.vIdx, this.lazy, this.aug);
    this.loop.dispose();
    this.valRun?.dispose();
    for (const d of this.owned) d.dispose();
    this.owned.length = 0;
  }
}

