// The batching strategy and the training toolkit around the update rules. TypeScript decides the order
// of rows (a shuffled index array), the batch size, the learning rate of every batch (a schedule,
// precomputed per run into an f64 array) and when control comes back (every epoch, or every chunk of
// batches for the time budget); WASM runs the batches, with clipping, noise, L1 and averaging inside
// its loop. A mini-batch is a window of the index array: no copy, no allocation, no JS↔WASM call per
// batch. Stopping rules, validation, reduce-on-plateau and callbacks run once per epoch in TypeScript.
import { HyperParameterError } from './errors.js';
import { Block, disposeAll } from './runtime/block.js';
import { Optimizer, resolveOptimizer, type OptimizerOptions, type ResolvedOptimizer } from './optim/index.js';
import { createSchedule, type Schedule, type ScheduleOptions } from './optim/schedules.js';
import { bool, int, num, onlyKeys, show } from './optim/validate.js';
import { CTL, CTL_LEN, HYPER_LEN, L1_MODE } from './backends/codes.js';
import { Rng } from './rng.js';
import { Dataset } from './data/dataset.js';
import type { Model } from './models/model.js';
import { decNum, decSchedule, encNum, encSchedule, type EpochRecord, type TrainState } from './state.js';

export type { EpochRecord, TrainState };

/** How many samples each gradient step sees. */
export type BatchOption = 'full' | 'stochastic' | number;

/** Penalties on the weights (never the biases), with scikit-learn's meaning of α and l1Ratio. */
export type PenaltyName = 'none' | 'l2' | 'l1' | 'elasticnet';

/** Annealed Gaussian gradient noise (Neelakantan et al. 2015): g ← g + N(0, σ_t²), σ_t² = eta/(1 + t)^gamma. */
export interface GradNoiseOptions {
  /** η > 0; the paper tries 0.01, 0.3 and 1. */
  eta: number;
  /** γ ≥ 0, default 0.55. */
  gamma?: number;
  /** Seed of the noise PRNG (independent of the shuffling seed). Default 0. */
  seed?: number;
}

/** What `onEpoch` receives besides the record. */
export interface EpochContext {
  /** A snapshot of the training state at the end of this epoch, to resume from later. */
  save(): TrainState;
  /** The trainer itself. */
  trainer: Trainer;
}

/** Options of {@link train} and {@link Trainer}. */
export interface TrainOptions {
  /** Update rule and hyper-parameters (PyTorch names and defaults). Default `{ name: 'sgd', lr: 0.01 }`. */
  optimizer?: OptimizerOptions;
  /** `'full'` (all rows), `'stochastic'` (one row) or a mini-batch size in [1, rows]. Default min(32, rows). */
  batch?: BatchOption;
  /** Number of passes over the data. Default 100. */
  epochs?: number;
  /** Reshuffle the rows before every epoch (not for full batch). Default true. */
  shuffle?: boolean;
  /** Seed of the shuffling PRNG and of the validation split. Default 0. */
  seed?: number;
  /** L2 penalty (l2/2)·‖W‖² on the weights (not the biases), added to any `penalty`. Default 0. */
  l2?: number;

  /** Learning-rate schedule over the optimizer's lr (see {@link ScheduleOptions}). Default constant. */
  schedule?: ScheduleOptions;

  /**
   * Penalty α·(l1Ratio·‖W‖₁ + (1 − l1Ratio)/2·‖W‖²), scikit-learn's SGD: 'l2' is l1Ratio = 0, 'l1' is
   * l1Ratio = 1. Default 'l2' when `alpha` is given, else 'none'.
   */
  penalty?: PenaltyName;
  /** Penalty strength α ≥ 0. Default 1e-4 (scikit-learn's) when a penalty is named. */
  alpha?: number;
  /** Elastic-net mixing in [0, 1], only with penalty 'elasticnet'. Default 0.15 (scikit-learn's). */
  l1Ratio?: number;
  /**
   * How the L1 part is applied. 'cumulative' (default with SGD without momentum): Tsuruoka et al.'s
   * cumulative penalty after each update, as scikit-learn. 'orthant' (default otherwise): OWL-QN's pseudo-gradient
   * before the update and a projection that keeps each weight in its orthant. Both give exact zeros.
   */
  l1Method?: 'cumulative' | 'orthant';

  /** Clip the gradient to global L2 norm ≤ clipNorm before each update (torch clip_grad_norm_). */
  clipNorm?: number;
  /** Clamp each gradient component to [−clipValue, clipValue] before each update. */
  clipValue?: number;
  /** Add annealed Gaussian noise to each gradient (before clipping). */
  gradNoise?: GradNoiseOptions;
  /**
   * Averaged SGD (Polyak–Ruppert; scikit-learn's `average`): the model's final parameters are the
   * mean of the iterates from step `average` on (true = from the first step). Default off.
   */
  average?: boolean | number;

  /** Stop when the epoch loss has not improved on the best by at least `tol` for `nIterNoChange` epochs. Off by default. */
  tol?: number;
  /** Epochs without improvement of `tol` before stopping (scikit-learn's n_iter_no_change). Default 1. */
  nIterNoChange?: number;
  /** A validation set, evaluated after every epoch (loss and metric in the history) and watched by early stopping. */
  validation?: Dataset;
  /** Or hold out this fraction of the rows (seeded by `seed`) as the validation set. */
  validationFraction?: number;
  /** Early stopping: stop after this many epochs in a row without improvement of the validation value. Default 5 with a validation set. */
  patience?: number;
  /** Early stopping: the smallest change that counts as an improvement. Default 0. */
  minDelta?: number;
  /** At the end, put back the parameters of the best validation epoch. Default false. */
  restoreBest?: boolean;
  /** What early stopping watches: 'valLoss' (lower is better, default) or 'valMetric' (accuracy or R², higher is better). */
  monitor?: 'valLoss' | 'valMetric';
  /** Wall-time budget in milliseconds, checked between runs of batches (stopReason 'time'). */
  maxMs?: number;
  /** Stop after this many gradient steps in total, counting steps before a resume (stopReason 'steps'). */
  maxSteps?: number;

  /** Called after each epoch; return `false` to stop training (stopReason `'callback'`). */
  onEpoch?: (record: EpochRecord, context: EpochContext) => void | boolean;
  /** Continue a run saved by {@link Trainer.save} (same model shape, data and options). */
  resume?: TrainState;
  /** Put the final training state in `result.state`. Default false. */
  saveState?: boolean;
}

/** Why training stopped. */
export type StopReason = 'epochs' | 'steps' | 'tol' | 'diverged' | 'callback' | 'early-stopping' | 'time';

/** What {@link train} returns. */
export interface TrainResult {
  history: EpochRecord[];
  stopReason: StopReason;
  /** Epochs completed (equal to history.length). */
  epochs: number;
  /** Gradient steps taken (in total, counting any before a resume). */
  steps: number;
  /** Total wall time in milliseconds (summed over resumed sessions). */
  ms: number;
  /** The backend that ran. */
  backend: string;
  /** With stopReason 'diverged': the epoch (1-based) where a loss or a parameter stopped being finite. */
  divergedAt?: number;
  /** With a validation set: the epoch with the best validation value. */
  bestEpoch?: number;
  /** With `saveState`: the training state at the end (before averaged or best parameters are put in the model). */
  state?: TrainState;
}

const KEYS = [
  'optimizer', 'batch', 'epochs', 'shuffle', 'seed', 'l2', 'schedule', 'penalty', 'alpha', 'l1Ratio', 'l1Method',
  'clipNorm', 'clipValue', 'gradNoise', 'average', 'tol', 'nIterNoChange', 'validation', 'validationFraction',
  'patience', 'minDelta', 'restoreBest', 'monitor', 'maxMs', 'maxSteps', 'onEpoch', 'resume', 'saveState',
] as const;

/** Rows a run of batches covers at most, so the time budget is checked often enough. */
const CHUNK_ROWS = 8192;

/** Validated training options. */
interface Plan {
  resolved: ResolvedOptimizer;
  batchSize: number;
  nTrain: number;
  nb: number;
  epochs: number;
  shuffle: boolean;
  seed: number;
  l2: number;
  l1: number;
  l1Mode: number;
  alpha: number | undefined;
  clipNorm: number;
  clipValue: number;
  noise: { eta: number; gamma: number; seed: number } | null;
  avgStart: number;
  tol: number | undefined;
  nIterNoChange: number;
  validation: Dataset | undefined;
  validationFraction: number | undefined;
  patience: number;
  minDelta: number;
  restoreBest: boolean;
  monitor: 'valLoss' | 'valMetric';
  maxMs: number | undefined;
  maxSteps: number | undefined;
  onEpoch: TrainOptions['onEpoch'];
  resume: TrainState | undefined;
  saveState: boolean;
  schedule: Schedule;
}

function positive(path: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  return num(path, v, 0, { gt: 0 });
}

/** Validates every option (throwing a HyperParameterError naming it) before anything is allocated. */
function plan(options: TrainOptions, model: Model, ds: Dataset): Plan {
  if (options === null || typeof options !== 'object') throw new HyperParameterError('options', `must be an object, got ${show(options)}`);
  onlyKeys('options', options, KEYS);
  // Only an absent optimizer takes the default: `optimizer: null` is a mistake to report.
  const resolved = resolveOptimizer(options.optimizer === undefined ? { name: 'sgd', lr: 0.01 } : options.optimizer);

  // Validation data first: a held-out fraction changes the number of training rows.
  const validation = options.validation;
  if (validation !== undefined && !(validation instanceof Dataset)) {
    throw new HyperParameterError('validation', `must be a Dataset, got ${show(validation)}`);
  }
  let validationFraction: number | undefined;
  let nTrain = ds.rows;
  if (options.validationFraction !== undefined) {
    if (validation !== undefined) throw new HyperParameterError('validationFraction', 'give either validation or validationFraction, not both');
    validationFraction = num('validationFraction', options.validationFraction, 0, { gt: 0, lt: 1 });
    const nVal = Math.round(validationFraction * ds.rows);
    if (nVal < 1 || nVal >= ds.rows) {
      throw new HyperParameterError('validationFraction', `${validationFraction} of ${ds.rows} rows leaves ${nVal} validation and ${ds.rows - nVal} training rows; both need at least one`);
    }
    nTrain = ds.rows - nVal;
  }
  const hasValidation = validation !== undefined || validationFraction !== undefined;

  const b = options.batch ?? Math.min(32, nTrain);
  let batchSize: number;
  if (b === 'full') batchSize = nTrain;
  else if (b === 'stochastic') batchSize = 1;
  else if (typeof b === 'number' && Number.isInteger(b) && b >= 1 && b <= nTrain) batchSize = b;
  else {
    throw new HyperParameterError('batch', `must be 'full', 'stochastic' or an integer in [1, ${nTrain}] (the number of training rows), got ${show(b)}`);
  }
  const nb = Math.ceil(nTrain / batchSize);
  const epochs = int('epochs', options.epochs, 100, 1);
  if (options.onEpoch !== undefined && typeof options.onEpoch !== 'function') {
    throw new HyperParameterError('onEpoch', `must be a function, got ${show(options.onEpoch)}`);
  }

  // Penalties: scikit-learn's α·(l1Ratio·‖W‖₁ + (1 − l1Ratio)/2·‖W‖²) plus the plain `l2`.
  const l2Plain = num('l2', options.l2, 0, { min: 0 });
  const penalty = options.penalty ?? (options.alpha !== undefined ? 'l2' : 'none');
  if (!['none', 'l2', 'l1', 'elasticnet'].includes(penalty)) {
    throw new HyperParameterError('penalty', `must be 'none', 'l2', 'l1' or 'elasticnet', got ${show(penalty)}`);
  }
  if (penalty === 'none' && options.alpha !== undefined) throw new HyperParameterError('alpha', "has no effect with penalty 'none'");
  const alpha = penalty === 'none' ? undefined : num('alpha', options.alpha, 1e-4, { min: 0 });
  if (options.l1Ratio !== undefined && penalty !== 'elasticnet') {
    throw new HyperParameterError('l1Ratio', `only applies to penalty 'elasticnet' (penalty is '${penalty}')`);
  }
  const l1Ratio = penalty === 'l1' ? 1 : penalty === 'elasticnet' ? num('l1Ratio', options.l1Ratio, 0.15, { min: 0, max: 1 }) : 0;
  const a = alpha ?? 0;
  const l1 = a * l1Ratio;
  const l2 = l2Plain + a * (1 - l1Ratio);
  // The cumulative penalty is scikit-learn's method for plain SGD. Under momentum or an adaptive rule the
  // steps are amplified or rescaled while u grows by lr·λ only, so the effective L1 strength would be
  // off (by 1 − μ for momentum): those rules default to the orthant-wise method.
  const plainSgd = resolved.spec.name === 'sgd' && resolved.hyper[2] === 0;
  const method = options.l1Method ?? (plainSgd ? 'cumulative' : 'orthant');
  if (method !== 'cumulative' && method !== 'orthant') {
    throw new HyperParameterError('l1Method', `must be 'cumulative' or 'orthant', got ${show(method)}`);
  }
  if (options.l1Method !== undefined && l1Ratio === 0) {
    throw new HyperParameterError('l1Method', `only applies with an L1 part (penalty 'l1' or 'elasticnet'), penalty is '${penalty}'`);
  }
  const l1Mode = l1 > 0 ? L1_MODE[method] : 0;

  // Gradient tools.
  const clipNorm = positive('clipNorm', options.clipNorm) ?? 0;
  const clipValue = positive('clipValue', options.clipValue) ?? 0;
  let noise: Plan['noise'] = null;
  if (options.gradNoise !== undefined) {
    const g = options.gradNoise;
    if (g === null || typeof g !== 'object') throw new HyperParameterError('gradNoise', `must be an object { eta, gamma?, seed? }, got ${show(g)}`);
    onlyKeys('gradNoise', g, ['eta', 'gamma', 'seed']);
    if (g.eta === undefined) throw new HyperParameterError('gradNoise.eta', 'is required (the noise variance at step 0)');
    noise = {
      eta: num('gradNoise.eta', g.eta, 0, { gt: 0 }),
      gamma: num('gradNoise.gamma', g.gamma, 0.55, { min: 0 }),
      seed: int('gradNoise.seed', g.seed, 0, 0, 0xffffffff),
    };
  }
  let avgStart = 0;
  if (options.average !== undefined) {
    if (typeof options.average === 'boolean') avgStart = options.average ? 1 : 0;
    else avgStart = int('average', options.average, 0, 0);
  }

  // Stopping rules.
  const tol = options.tol === undefined ? undefined : num('tol', options.tol, 0, { min: 0 });
  const nIterNoChange = int('nIterNoChange', options.nIterNoChange, 1, 1);
  for (const key of ['patience', 'minDelta', 'restoreBest', 'monitor'] as const) {
    if (options[key] !== undefined && !hasValidation) {
      throw new HyperParameterError(key, 'early stopping needs a validation set (validation or validationFraction)');
    }
  }
  const patience = int('patience', options.patience, 5, 0);
  const minDelta = num('minDelta', options.minDelta, 0, { min: 0 });
  const restoreBest = bool('restoreBest', options.restoreBest, false);
  const monitor = options.monitor ?? 'valLoss';
  if (monitor !== 'valLoss' && monitor !== 'valMetric') {
    throw new HyperParameterError('monitor', `must be 'valLoss' or 'valMetric', got ${show(monitor)}`);
  }
  const maxMs = positive('maxMs', options.maxMs);
  const maxSteps = options.maxSteps === undefined ? undefined : int('maxSteps', options.maxSteps, 1, 1);
  // Schedules span the planned run (epochs × batches); maxSteps and maxMs are budgets that may cut it
  // short without reshaping it, so a run stopped by a budget and resumed follows the same schedule.
  const runSteps = epochs * nb;

  const schedule = createSchedule(options.schedule, {
    baseLr: resolved.hyper[0], stepsPerEpoch: nb, runSteps, alpha, hasValidation,
  });

  const saveState = bool('saveState', options.saveState, false);
  const resume = options.resume;
  if (resume !== undefined) checkResume(resume, model, nTrain, batchSize, resolved, schedule, avgStart > 0, l1Mode !== 0);
  return {
    resolved, batchSize, nTrain, nb, epochs, shuffle: bool('shuffle', options.shuffle, true),
    seed: int('seed', options.seed, 0, 0, 0xffffffff), l2, l1, l1Mode, alpha, clipNorm, clipValue, noise, avgStart,
    tol, nIterNoChange, validation, validationFraction, patience, minDelta, restoreBest, monitor, maxMs, maxSteps,
    onEpoch: options.onEpoch, resume, saveState, schedule,
  };
}

function checkResume(s: TrainState, model: Model, rows: number, batchSize: number, r: ResolvedOptimizer,
  schedule: Schedule, averaging: boolean, l1: boolean): void {
  if (s === null || typeof s !== 'object' || s.format !== 'descent-train-state') {
    throw new HyperParameterError('resume', 'is not a descent training state (format must be "descent-train-state")');
  }
  if (s.version !== 1) throw new HyperParameterError('resume', `unsupported state version ${show(s.version)}`);
  const c = s.config;
  if (c === null || typeof c !== 'object' || s.model === null || typeof s.model !== 'object') {
    throw new HyperParameterError('resume', 'the state is incomplete (no config or model)');
  }
  const want: [string, unknown, unknown][] = [
    ['rows', c.rows, rows], ['batchSize', c.batchSize, batchSize], ['nParams', c.nParams, model.size],
    ['optimizer', c.optimizer, r.spec.name], ['schedule', c.schedule, schedule.name],
    ['averaging', c.averaging, averaging], ['l1', c.l1, l1],
  ];
  for (const [what, saved, now] of want) {
    if (saved !== now) throw new HyperParameterError('resume', `the state was saved with ${what} = ${show(saved)}, this run has ${show(now)}`);
  }
  if (s.model.kind !== model.kind || s.model.loss !== model.loss) {
    throw new HyperParameterError('resume', `the state was saved for a ${s.model.kind}/${s.model.loss} model, this one is ${model.kind}/${model.loss}`);
  }
  // Every array is checked here, before allocation, so that restoring cannot fail half-way.
  const n = model.size, nW = model.outputs * model.features;
  const lengths: [string, unknown, number | null][] = [
    ['model.params', s.model.params, n], ['optimizer.hyper', s.optimizer?.hyper, HYPER_LEN],
    ['optimizer.state', s.optimizer?.state, Math.max(1, r.stateVectors * n)], ['ctl', s.ctl, CTL_LEN],
    ['avg', s.avg, averaging ? n : null], ['l1', s.l1, l1 ? nW : null], ['perm', s.perm, rows], ['rng', s.rng, 4],
    ['last.params', s.last?.params, n], ['last.avg', s.last?.avg, averaging ? n : null],
    ['stopping.bestParams', s.stopping?.bestParams, s.stopping?.bestParams == null ? null : n],
  ];
  for (const [what, a, len] of lengths) {
    const ok = len === null ? a === null || a === undefined : Array.isArray(a) && a.length === len && a.every((v) => typeof v === 'number');
    if (!ok) throw new HyperParameterError('resume', `the saved ${what} does not fit this run (expected ${len === null ? 'none' : `${len} numbers`})`);
  }
  const perm = s.perm as number[];
  const seen = new Uint8Array(rows);
  for (const i of perm) {
    if (!Number.isInteger(i) || i < 0 || i >= rows || seen[i]) throw new HyperParameterError('resume', 'the saved row order is not a permutation of the rows');
    seen[i] = 1;
  }
  for (const key of ['epoch', 'batch', 'steps', 'lossSum', 'epochLr', 'elapsedMs'] as const) {
    if (typeof s[key] !== 'number' || !Number.isFinite(s[key])) throw new HyperParameterError('resume', `the saved ${key} is not a finite number`);
  }
  if (!Array.isArray(s.history) || !s.schedule || !s.stopping) throw new HyperParameterError('resume', 'the state is incomplete');
}

function allFinite(a: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

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
export class Trainer {
  /** The model being trained (its parameters are the current iterate until the run finishes). */
  readonly model: Model;
  /** Training history so far, one record per completed epoch. */
  readonly history: EpochRecord[] = [];
  private readonly p: Plan;
  private readonly be: Model['paramsBlock']['backend'];
  private readonly train: Dataset;
  private readonly val: Dataset | undefined;
  private readonly owned: Dataset[] = [];
  private readonly opt: Optimizer;
  private readonly idx: Block<'i32'>;
  private readonly losses: Block<'f64'>;
  private readonly scratch: Block<'f32'>;
  private readonly ctl: Block<'f64'>;
  private readonly sched: Block<'f64'>;
  private readonly avg: Block<'f32'> | undefined;
  private readonly l1buf: Block<'f32'> | undefined;
  private readonly vIdx: Block<'i32'> | undefined;
  private readonly chunk: number;
  private readonly rng: Rng;
  private readonly schedule: Schedule;
  private readonly t0 = performance.now();
  private elapsedBefore = 0;

  private epochsDone = 0;
  private batchPos = 0;
  private stepsDone = 0;
  private lossSum = 0;
  private epochLr = 0;
  private tolBest = Infinity;
  private noChange = 0;
  private esBest: number;
  private esWait = 0;
  private bestEpoch = 0;
  private bestParams: Float32Array | null = null;
  private readonly lastParams: Float32Array;
  private lastAvg: Float32Array | null = null;
  private lastAvgCount = 0;
  private stop_: StopReason | null = null;
  private divergedAt: number | undefined;
  private finalState: TrainState | undefined;
  private finished = false;
  private iterate: Float32Array | null = null;

  /** Validates every option, then allocates the run's buffers (restoring `options.resume` if given). */
  constructor(model: Model, ds: Dataset, options: TrainOptions = {}) {
    const p = plan(options, model, ds);
    model.checkTargets(ds);
    if (p.validation) model.checkTargets(p.validation);
    this.model = model;
    this.p = p;
    this.schedule = p.schedule;
    this.esBest = p.monitor === 'valMetric' ? -Infinity : Infinity;
    const be = (this.be = model.paramsBlock.backend);
    const blocks: (Block | undefined)[] = [];
    const keep = <B extends Block>(b: B): B => {
      blocks.push(b);
      return b;
    };
    let opt: Optimizer | undefined;
    try {
      if (p.validationFraction !== undefined) {
        const { train, test } = ds.split({ testFraction: p.validationFraction, seed: p.seed });
        this.owned.push(train, test);
        this.train = train;
        this.val = test;
      } else {
        this.train = ds;
        this.val = p.validation;
      }
      const n = p.nTrain, k = model.outputs;
      this.chunk = Math.max(1, Math.min(p.nb, Math.ceil(CHUNK_ROWS / p.batchSize)));
      opt = new Optimizer(p.resolved, model.size, model.paramsBlock);
      this.opt = opt;
      this.idx = keep(new Block(be, 'i32', n));
      this.losses = keep(new Block(be, 'f64', this.chunk));
      this.scratch = keep(new Block(be, 'f32', k));
      this.ctl = keep(new Block(be, 'f64', CTL_LEN));
      this.sched = keep(new Block(be, 'f64', 2 * this.chunk));
      this.avg = p.avgStart > 0 ? keep(new Block(be, 'f32', model.size)) : undefined;
      this.l1buf = p.l1Mode !== 0 ? keep(new Block(be, 'f32', k * model.features)) : undefined;
      this.vIdx = this.val ? keep(new Block(be, 'i32', this.val.rows)) : undefined;
    } catch (e) {
      opt?.dispose();
      disposeAll(...blocks);
      for (const d of this.owned) d.dispose();
      throw e;
    }
    // In the backend: a JS loop over a 100k-row index cost ~0.1 ms per train() call.
    be.iotaI32(this.idx.ptr, p.nTrain);
    if (this.vIdx) be.iotaI32(this.vIdx.ptr, this.vIdx.length);
    this.avg?.view.fill(0);
    this.l1buf?.view.fill(0);
    this.rng = new Rng(p.seed);
    const c = this.ctl.view;
    c.fill(0);
    c[CTL.lossParam] = model.epsilon;
    c[CTL.clipNorm] = p.clipNorm;
    c[CTL.clipValue] = p.clipValue;
    c[CTL.l1] = p.l1;
    c[CTL.l1Mode] = p.l1Mode;
    c[CTL.avgStart] = p.avgStart;
    c[CTL.noise] = p.noise ? 1 : 0;
    if (p.noise) c.set(new Rng(p.noise.seed).state, CTL.rng);
    this.lastParams = model.paramsBlock.view.slice();
    if (this.avg) this.lastAvg = this.avg.view.slice();
    if (p.resume) this.restore(p.resume);
  }

  /** Epochs completed. */
  get epoch(): number {
    return this.epochsDone;
  }

  /** Gradient steps taken (counting any before a resume). */
  get steps(): number {
    return this.stepsDone;
  }

  /** Why the run stopped, or null while it can go on. */
  get stopReason(): StopReason | null {
    return this.stop_;
  }

  /** True once a stopping rule fired. */
  get done(): boolean {
    return this.stop_ !== null;
  }

  /** Batches per epoch (1 for full batch). */
  get batchesPerEpoch(): number {
    return this.p.nb;
  }

  /** Batches done in the epoch under way (0 at an epoch boundary). */
  get batchInEpoch(): number {
    return this.batchPos;
  }

  /**
   * Within-epoch progress: the mean loss of the batches done so far in this epoch (what the epoch's
   * record will report once it completes), the rows they covered, and the learning rate of the last step.
   * Null at an epoch boundary.
   */
  get partialEpoch(): { loss: number; rows: number; lr: number } | null {
    if (this.batchPos === 0) return null;
    const rows = Math.min(this.batchPos * this.p.batchSize, this.p.nTrain);
    return { loss: this.lossSum / rows, rows, lr: this.schedule.lr(this.stepsDone - 1) };
  }

  private elapsed(): number {
    return this.elapsedBefore + (performance.now() - this.t0);
  }

  /**
   * Runs up to `maxBatches` gradient steps (default: until a stopping rule fires), crossing epoch
   * boundaries as needed; epoch-end work (history, validation, stopping rules, plateau, onEpoch) runs
   * whenever an epoch completes. Returns the number of steps taken.
   */
  step(maxBatches = Infinity): number {
    const p = this.p, be = this.be, model = this.model;
    const nb = p.nb, n = p.nTrain, bs = p.batchSize;
    let ran = 0;
    while (this.stop_ === null && ran < maxBatches) {
      if (this.epochsDone >= p.epochs) {
        this.setStop('epochs');
        break;
      }
      if (p.maxSteps !== undefined && this.stepsDone >= p.maxSteps) {
        this.setStop('steps');
        break;
      }
      if (this.batchPos === 0) this.beginEpoch();
      let nRun = Math.min(nb - this.batchPos, this.chunk, maxBatches - ran);
      if (p.maxSteps !== undefined) nRun = Math.min(nRun, p.maxSteps - this.stepsDone);
      const sv = this.sched.view;
      const noise = p.noise;
      for (let b = 0; b < nRun; b++) {
        const s = this.stepsDone + b;
        sv[2 * b] = this.schedule.lr(s);
        sv[2 * b + 1] = noise ? Math.sqrt(noise.eta / Math.pow(1 + s, noise.gamma)) : 0;
      }
      const start = this.batchPos * bs;
      const done = be.runBatches(model.lossCode, this.opt.code, model.paramsBlock.ptr, this.opt.gradsBlock.ptr,
        this.opt.stateBlock.ptr, model.size, this.opt.hyperBlock.ptr, this.train.xBlock.ptr, this.train.yBlock.ptr,
        this.idx.ptr, model.features, model.outputs, p.l2, this.scratch.ptr, start, n, bs, nRun, this.losses.ptr,
        this.ctl.ptr, this.sched.ptr, this.avg?.ptr ?? 0, this.l1buf?.ptr ?? 0);
      const lv = this.losses.view;
      for (let b = 0; b < done; b++) this.lossSum += lv[b] * Math.min(bs, n - start - b * bs);
      ran += done;
      this.stepsDone += done;
      this.batchPos += done;
      if (done < nRun) {
        this.diverge();
        break;
      }
      if (this.batchPos === nb) this.endEpoch();
      if (this.stop_ === null && p.maxMs !== undefined && this.elapsed() >= p.maxMs) this.setStop('time');
    }
    if (this.stop_ !== null) this.finish();
    return ran;
  }

  /** Trains until a stopping rule fires and returns the result. */
  run(): TrainResult {
    this.step(Infinity);
    return this.result();
  }

  /** The result so far (stopReason is `'steps'` while the run could still go on). */
  result(): TrainResult {
    const r: TrainResult = {
      history: this.history, stopReason: this.stop_ ?? 'steps', epochs: this.history.length, steps: this.stepsDone,
      ms: this.elapsed(), backend: this.be.name,
    };
    if (this.divergedAt !== undefined) r.divergedAt = this.divergedAt;
    if (this.val && this.bestEpoch > 0) r.bestEpoch = this.bestEpoch;
    if (this.finalState) r.state = this.finalState;
    return r;
  }

  private beginEpoch(): void {
    const p = this.p;
    if (p.shuffle && p.batchSize < p.nTrain) this.rng.shuffle(this.idx.view, p.nTrain);
    this.lossSum = 0;
    this.epochLr = this.schedule.lr(this.stepsDone);
  }

  private endEpoch(): void {
    const p = this.p;
    const epoch = this.epochsDone + 1;
    const loss = this.lossSum / p.nTrain;
    const params = this.model.paramsBlock.view;
    if (!Number.isFinite(loss) || !allFinite(params) || (this.avg && !allFinite(this.avg.view))) {
      this.diverge();
      return;
    }
    this.lastParams.set(params);
    if (this.avg) {
      this.lastAvg!.set(this.avg.view);
      this.lastAvgCount = this.ctl.view[CTL.avgCount];
    }
    const rec: EpochRecord = {
      epoch, loss, ms: this.elapsed(), lr: this.epochLr, lrLast: this.schedule.lr(this.stepsDone - 1), steps: this.stepsDone,
    };
    let esStop = false;
    if (this.val) {
      const { loss: vl, metric } = this.evaluateValidation();
      rec.valLoss = vl;
      rec.valMetric = metric;
      const v = p.monitor === 'valLoss' ? vl : metric;
      const better = p.monitor === 'valLoss' ? v < this.esBest - p.minDelta : v > this.esBest + p.minDelta;
      if (better) {
        this.esBest = v;
        this.esWait = 0;
        this.bestEpoch = epoch;
        if (p.restoreBest) this.bestParams = this.outputParams().slice();
      } else {
        this.esWait++;
        esStop = this.esWait >= Math.max(1, p.patience);
      }
    }
    let tolStop = false;
    if (p.tol !== undefined) {
      if (loss > this.tolBest - p.tol) this.noChange++;
      else this.noChange = 0;
      if (loss < this.tolBest) this.tolBest = loss;
      tolStop = this.noChange >= p.nIterNoChange;
    }
    this.schedule.epochEnd({ loss, valLoss: rec.valLoss, valMetric: rec.valMetric });
    this.history.push(rec);
    this.epochsDone = epoch;
    this.batchPos = 0;
    // Everything the next epoch depends on is updated before the callback, so a snapshot taken there
    // resumes exactly where an uninterrupted run goes on.
    const stopCb = p.onEpoch ? p.onEpoch(rec, { save: () => this.save(), trainer: this }) === false : false;
    if (stopCb) this.setStop('callback');
    else if (esStop) this.setStop('early-stopping');
    else if (tolStop) this.setStop('tol');
    else if (p.maxMs !== undefined && this.elapsed() >= p.maxMs) this.setStop('time');
    else if (epoch >= p.epochs) this.setStop('epochs');
    else if (p.maxSteps !== undefined && this.stepsDone >= p.maxSteps) this.setStop('steps');
  }

  /** A loss or a parameter stopped being finite: fall back to the last finite epoch. */
  private diverge(): void {
    this.model.paramsBlock.view.set(this.lastParams);
    if (this.avg) {
      this.avg.view.set(this.lastAvg!);
      this.ctl.view[CTL.avgCount] = this.lastAvgCount;
    }
    this.divergedAt = this.epochsDone + 1;
    this.setStop('diverged');
  }

  private setStop(r: StopReason): void {
    if (this.stop_ === null) this.stop_ = r;
  }

  /** The parameters the model ends with: the average once averaging has begun, else the iterate. */
  private outputParams(): Float32Array {
    if (this.avg && this.ctl.view[CTL.avgCount] > 0) return this.avg.view;
    return this.model.paramsBlock.view;
  }

  /** Puts the final parameters in the model: best epoch (restoreBest), else the average, else the iterate. */
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.p.saveState) this.finalState = this.save();
    this.iterate = this.model.paramsBlock.view.slice();
    const out = this.bestParams ?? (this.avg && this.ctl.view[CTL.avgCount] > 0 ? this.avg.view.slice() : null);
    if (out) this.model.paramsBlock.view.set(out);
  }

  /** Validation loss (no penalty) and metric (accuracy or R²) of the output parameters. */
  private evaluateValidation(): { loss: number; metric: number } {
    const m = this.model, v = this.val!, be = this.be;
    const useAvg = this.avg && this.ctl.view[CTL.avgCount] > 0;
    const ptr = useAvg ? this.avg!.ptr : m.paramsBlock.ptr;
    const loss = be.lossGrad(m.lossCode, this.opt.gradsBlock.ptr, ptr, v.xBlock.ptr, v.yBlock.ptr, this.vIdx!.ptr,
      0, v.rows, m.features, m.outputs, 0, this.scratch.ptr, m.epsilon);
    return { loss, metric: score(m, this.outputParams(), v.xBlock.view, v.yBlock.view, v.rows) };
  }

  /**
   * The complete training state, as plain JSON-safe data: model (current iterate), optimizer moments
   * and hyper block (with the step count), control block (L1, averaging, noise PRNG), schedule state,
   * row order, shuffling PRNG, epoch and batch position, stopping-rule counters and history.
   */
  save(): TrainState {
    const p = this.p, m = this.model;
    const modelJson = m.toJSON();
    if (this.iterate) modelJson.params = Array.from(this.iterate);
    return {
      format: 'descent-train-state',
      version: 1,
      backend: this.be.name,
      sha256: this.be.sha256,
      config: {
        rows: p.nTrain, batchSize: p.batchSize, nParams: m.size, optimizer: p.resolved.spec.name,
        schedule: this.schedule.name, averaging: p.avgStart > 0, l1: p.l1Mode !== 0,
      },
      model: modelJson,
      optimizer: { hyper: Array.from(this.opt.hyperBlock.view), state: Array.from(this.opt.stateBlock.view) },
      ctl: Array.from(this.ctl.view),
      avg: this.avg ? Array.from(this.avg.view) : null,
      l1: this.l1buf ? Array.from(this.l1buf.view) : null,
      perm: Array.from(this.idx.view),
      rng: Array.from(this.rng.state),
      epoch: this.epochsDone,
      batch: this.batchPos,
      steps: this.stepsDone,
      lossSum: this.lossSum,
      epochLr: this.epochLr,
      schedule: encSchedule(this.schedule.state()),
      stopping: {
        tolBest: encNum(this.tolBest), noChange: this.noChange, esBest: encNum(this.esBest), esWait: this.esWait,
        bestEpoch: this.bestEpoch, bestParams: this.bestParams ? Array.from(this.bestParams) : null,
      },
      last: { params: Array.from(this.lastParams), avg: this.lastAvg ? Array.from(this.lastAvg) : null, avgCount: this.lastAvgCount },
      history: this.history.map((r) => ({ ...r })),
      elapsedMs: this.elapsed(),
    };
  }

  private restore(s: TrainState): void {
    const m = this.model;
    m.paramsBlock.view.set(s.model.params);
    this.opt.hyperBlock.view.set(s.optimizer.hyper);
    this.opt.stateBlock.view.set(s.optimizer.state);
    // Options come from this run; only the state slots of the control block are restored.
    const c = this.ctl.view;
    for (const slot of [CTL.l1U, CTL.avgCount, CTL.step, CTL.rng, CTL.rng + 1, CTL.rng + 2, CTL.rng + 3]) c[slot] = s.ctl[slot];
    if (this.avg && s.avg) this.avg.view.set(s.avg);
    if (this.l1buf && s.l1) this.l1buf.view.set(s.l1);
    this.idx.view.set(s.perm);
    this.rng.state.set(s.rng);
    this.epochsDone = s.epoch;
    this.batchPos = s.batch;
    this.stepsDone = s.steps;
    this.lossSum = s.lossSum;
    this.epochLr = s.epochLr;
    this.schedule.restore(decSchedule(s.schedule));
    this.tolBest = decNum(s.stopping.tolBest);
    this.noChange = s.stopping.noChange;
    this.esBest = decNum(s.stopping.esBest);
    this.esWait = s.stopping.esWait;
    this.bestEpoch = s.stopping.bestEpoch;
    this.bestParams = s.stopping.bestParams ? Float32Array.from(s.stopping.bestParams) : null;
    this.lastParams.set(s.last.params);
    if (this.lastAvg && s.last.avg) this.lastAvg.set(s.last.avg);
    this.lastAvgCount = s.last.avgCount;
    for (const r of s.history) this.history.push({ ...r });
    this.elapsedBefore = s.elapsedMs;
  }

  /** Frees the run's buffers (not the model, nor datasets the caller passed in); safe to call twice. */
  dispose(): void {
    this.opt.dispose();
    disposeAll(this.idx, this.losses, this.scratch, this.ctl, this.sched, this.avg, this.l1buf, this.vIdx);
    for (const d of this.owned) d.dispose();
    this.owned.length = 0;
  }
}

/** Accuracy (classifiers) or R² (regression) of parameters `w` on rows of X, computed in f64. */
function score(m: Model, w: Float32Array, X: Float32Array, y: Float32Array, rows: number): number {
  const d = m.features, k = m.outputs, nW = k * d;
  if (m.kind === 'linear') {
    let mean = 0;
    for (let r = 0; r < rows; r++) mean += y[r];
    mean /= rows;
    let ssRes = 0, ssTot = 0;
    for (let r = 0; r < rows; r++) {
      let z = w[d];
      for (let j = 0; j < d; j++) z += w[j] * X[r * d + j];
      ssRes += (y[r] - z) ** 2;
      ssTot += (y[r] - mean) ** 2;
    }
    return ssTot > 0 ? 1 - ssRes / ssTot : 0;
  }
  let correct = 0;
  for (let r = 0; r < rows; r++) {
    let best = 0, bestZ = -Infinity;
    for (let c = 0; c < k; c++) {
      let z = w[nW + c];
      for (let j = 0; j < d; j++) z += w[c * d + j] * X[r * d + j];
      if (z > bestZ) {
        bestZ = z;
        best = c;
      }
    }
    const pred = k === 1 ? (bestZ > 0 ? 1 : 0) : best;
    if (pred === y[r]) correct++;
  }
  return correct / rows;
}

/**
 * Trains `model` on `ds` by gradient descent with the chosen batching, in place. All options and the
 * labels are validated before any memory is allocated. A run whose loss or parameters stop being
 * finite ends with stopReason `'diverged'` and the parameters of the last finite epoch. See
 * {@link TrainOptions} for schedules, penalties, gradient tools, stopping rules and resuming, and
 * {@link Trainer} to advance a run step by step.
 */
export function train(model: Model, ds: Dataset, options: TrainOptions = {}): TrainResult {
  const t = new Trainer(model, ds, options);
  try {
    return t.run();
  } finally {
    t.dispose();
  }
}
