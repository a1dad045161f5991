// The options of train() and Trainer, and their validation into a Plan before anything is allocated:
// every option is checked (a HyperParameterError naming it), defaults are resolved, the batch size and
// the schedule are fixed for the run.
import { HyperParameterError } from '../errors.js';
import { resolveOptimizer, type OptimizerOptions, type ResolvedOptimizer } from '../optim/index.js';
import { createSchedule, type Schedule, type ScheduleOptions } from '../optim/schedules.js';
import { bool, int, num, onlyKeys, show } from '../validate.js';
import type { CheckpointOptions } from './checkpoint-options.js';
import { HYPER, HYPER_SLOTS, L1_MODE } from '../backends/abi.generated.js';
import { Dataset } from '../data/dataset.js';
import type { Trainable } from '../models/trainable.js';
import { Preprocessing, type PreprocessingStats } from '../models/preprocessing.js';
import type { EpochRecord, TrainState } from './state.js';
import { asyncMode } from '../threads/hogwild.js';
import { augmentPlan, type AugmentOptions, type AugmentPlan } from './augment.js';

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

/**
 * What a callback sees of the run: its progress and a way to save it. A {@link Trainer} is one; the
 * interface lives here so that the options do not depend on the class that runs them.
 */
export interface TrainerView {
  /** The model being trained. */
  readonly model: Trainable;
  /** Training history so far, one record per completed epoch. */
  readonly history: readonly EpochRecord[];
  /** Epochs completed. */
  readonly epoch: number;
  /** Gradient steps taken (counting any before a resume). */
  readonly steps: number;
  /** Batches per epoch (1 for full batch). */
  readonly batchesPerEpoch: number;
  /** Why the run stopped, or null while it can go on. */
  readonly stopReason: StopReason | null;
  /** The complete training state, to resume from later. */
  save(): TrainState;
}

/** What `onEpoch` receives besides the record. */
export interface EpochContext {
  /** A snapshot of the training state at the end of this epoch, to resume from later. */
  save(): TrainState;
  /** The trainer itself. */
  trainer: TrainerView;
}

/** Options of {@link train} and {@link Trainer}. */
export interface TrainOptions {
  /**
   * Update rule and hyper-parameters (PyTorch names and defaults). Default `{ name: 'adam', lr: 0.01 }`
   * with a cosine schedule over the run (when `schedule` is not given either): the defaults that reach
   * scikit-learn's figures on every built-in dataset (test/train.defaults.test.ts), as the CLI's. On sparse
   * (CSR) data the default is `{ name: 'sparseAdam', lr: 0.01 }`, which updates only the rows' stored entries.
   */
  optimizer?: OptimizerOptions;
  /** `'full'` (all rows), `'stochastic'` (one row) or a mini-batch size in [1, rows]. Default min(32, rows). */
  batch?: BatchOption;
  /** Number of passes over the data. Default: about 2000 gradient steps (2000 / batches per epoch), within 10..1000 epochs. */
  epochs?: number;
  /** Reshuffle the rows before every epoch (not for full batch). Default true. */
  shuffle?: boolean;
  /** Seed of the shuffling PRNG and of the validation split. Default 0. */
  seed?: number;
  /** L2 penalty (l2/2)·‖W‖² on the weights (not the biases), added to any `penalty`. Default 0. */
  l2?: number;

  /** Learning-rate schedule over the optimizer's lr (see {@link ScheduleOptions}). Default constant; cosine with the default optimizer. */
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

  /**
   * Clip the gradient to global L2 norm ≤ clipNorm before each update (torch clip_grad_norm_). Default off,
   * except for networks with gru/lstm layers: 5 (their model's `defaultClipNorm`); null turns that off.
   */
  clipNorm?: number | null;
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
  /** train(): save the run's state every epoch or every so many steps, to a folder (Node) or a callback (CheckpointOptions). */
  checkpoint?: CheckpointOptions;
  /** train() in Node: append one JSON line per epoch to this file (epoch, loss, valLoss, valMetric, lr, ms, steps). */
  logFile?: string;
  /**
   * The preprocessing the model learns with and carries (`model.preprocessing`, applied by predict and
   * evaluate to raw rows, saved in model files). Default true: the model's own statistics when it already
   * carries some (a second train() call, a resumed run), else fitted on the training rows (after any
   * `validationFraction` split): per-feature mean and std (a constant feature is only centred) and, for a
   * regression model with the squared loss, the target's mean and std (predictions are mapped back).
   * `false`: raw data, and the model's preprocessing is cleared. `{ mean, std, yMean?, yStd? }`: these statistics.
   * Training runs on a standardized copy of the data (the caller's Dataset is not changed). Networks that read
   * token ids (an embedding first) are never standardized: unset means false for them, anything else is an error.
   */
  standardize?: boolean | PreprocessingStats;
  /**
   * Worker threads that compute each batch's gradient over the backend's shared memory (Node, wasm
   * backends; see README, Threads). Batches are cut into blocks of a fixed size summed in block order, so
   * every thread count gives the same parameters, bit for bit. Clamped to the blocks of one batch; where
   * threads cannot run (js backend, no shared memory, dropout, batch norm, sequence layers, sparse data) it falls back to 1 with a
   * one-time warning, and backendInfo().threads says why. Default: none (one thread, no blocks).
   */
  threads?: number;
  /**
   * With `threads` ≥ 2: asynchronous, lock-free SGD (Hogwild!) for sparse text models — each thread runs
   * plain SGD, one row per step, on its share of every epoch's shuffled rows, reading and writing the one
   * shared weight vector without locks. Faster per epoch, and NOT deterministic: the result depends on how
   * the threads interleave. Needs sparse data, a one-output linear model, plain `sgd` and `batch: 1` (the
   * default with async); L2 shrinkage is applied at each round's end (see docs/threads.md, Asynchronous
   * mode). Anything else is a HyperParameterError; `threads: 1` is the synchronous run. Default false.
   */
  async?: boolean;
  /**
   * Sparse data with plain SGD (the lazily scaled path): the bias steps are multiplied by this factor, in
   * (0, 1]. scikit-learn damps them by 0.01 on sparse input (SPARSE_INTERCEPT_DECAY), since the bias sees
   * every row while each hashed column sees few; give 0.01 to replay its SGDClassifier. Default 1.
   */
  interceptDecay?: number;
  /** Networks on image rows: shift each row by a random (dx, dy) per epoch, zero filled (see {@link AugmentOptions}). */
  augment?: AugmentOptions;
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

export const KEYS = [
  'optimizer', 'batch', 'epochs', 'shuffle', 'seed', 'l2', 'schedule', 'penalty', 'alpha', 'l1Ratio', 'l1Method',
  'clipNorm', 'clipValue', 'gradNoise', 'average', 'tol', 'nIterNoChange', 'validation', 'validationFraction',
  'patience', 'minDelta', 'restoreBest', 'monitor', 'maxMs', 'maxSteps', 'onEpoch', 'resume', 'saveState',
  'standardize', 'threads', 'async', 'interceptDecay', 'checkpoint', 'logFile', 'augment',
] as const;

/** Rows a run of batches (one runBatches call) covers at most, so the time budget is checked often enough. */
export const RUN_ROWS = 8192;

/** Validated training options. */
export interface Plan {
  resolved: ResolvedOptimizer;
  batchSize: number;
  nTrain: number;
  /** Batches per epoch. */
  batchesPerEpoch: number;
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
  /** 'fit': the model's statistics or fitted ones; 'off': raw data; or given statistics. */
  standardize: 'fit' | 'off' | Preprocessing;
  /** Threads asked for (undefined: none). */
  threads: number | undefined;
  /** Asynchronous (Hogwild!) threads: validated by src/threads/hogwild.ts asyncMode. */
  async: boolean;
  /** The bias steps' factor on the sparse plain-SGD path (1 unless given). */
  interceptDecay: number;
  augment: AugmentPlan | null;
}

/** Validates `interceptDecay`: in (0, 1], and only where it acts (sparse data, plain SGD, not async). */
function interceptDecayOf(v: number | undefined, ds: Dataset, plainSgd: boolean, async: boolean): number {
  if (v === undefined) return 1;
  const d = num('interceptDecay', v, 1, { gt: 0, max: 1 });
  if (!ds.sparse) throw new HyperParameterError('interceptDecay', 'damps the bias steps on sparse (CSR) data only; dense rows have no lazily scaled path');
  if (!plainSgd) throw new HyperParameterError('interceptDecay', "acts on plain SGD ('sgd' without momentum), the lazily scaled sparse path");
  if (async) throw new HyperParameterError('interceptDecay', 'async mode steps the bias undamped');
  return d;
}

/** Whether train() scales a model's target: regression with the squared loss (ε of Huber is in the target's units). */
export function scalesTarget(model: Trainable): boolean {
  return model.task === 'regression' && model.loss === 'squared';
}

function standardizePlan(v: TrainOptions['standardize'], model: Trainable): Plan['standardize'] {
  // Token ids (an embedding's inputs) are categories: standardizing them would make them non-integer.
  if (model.tokenIds) {
    if (v === undefined || v === false) return 'off';
    throw new HyperParameterError('standardize', 'the network reads token ids (its first layer is an embedding), which are not standardized: leave standardize unset or false');
  }
  if (v === undefined || v === true) return 'fit';
  if (v === false) return 'off';
  if (v === null || typeof v !== 'object') throw new HyperParameterError('standardize', `must be true, false or { mean, std, yMean?, yStd? }, got ${show(v)}`);
  const pre = new Preprocessing(v, model.features);
  if (pre.scalesTarget && model.task !== 'regression') {
    throw new HyperParameterError('standardize.yMean', `only a regression model scales its target (this is a ${model.kind} model, loss '${model.loss}')`);
  }
  return pre;
}

/** train()'s optimizer when none is given (with a cosine schedule when no schedule is given either). */
export const DEFAULT_OPTIMIZER = { name: 'adam', lr: 0.01 } as const;
/**
 * train()'s optimizer on sparse (CSR) data when none is given: SparseAdam updates only the rows' stored entries,
 * where Adam would update every weight at every step (src/training/sparse-path.ts).
 */
export const DEFAULT_SPARSE_OPTIMIZER = { name: 'sparseAdam', lr: 0.01 } as const;

/**
 * train()'s default number of epochs: about 2000 gradient steps, within 10..1000 epochs. A fixed epoch
 * count is too few steps on small sets (iris: 4 batches per epoch) and needlessly many on large ones.
 */
export function defaultEpochs(rows: number, batchSize: number): number {
  const perEpoch = Math.max(1, Math.ceil(rows / Math.max(1, batchSize)));
  return Math.min(1000, Math.max(10, Math.round(2000 / perEpoch)));
}

function positive(path: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  return num(path, v, 0, { gt: 0 });
}

/** Validates every option (throwing a HyperParameterError naming it) before anything is allocated. */
export function plan(options: TrainOptions, model: Trainable, ds: Dataset): Plan {
  if (options === null || typeof options !== 'object') throw new HyperParameterError('options', `must be an object, got ${show(options)}`);
  onlyKeys('options', options, KEYS);
  // Only an absent optimizer takes the default: `optimizer: null` is a mistake to report.
  const defaultOptimizer = options.optimizer === undefined;
  const resolved = resolveOptimizer(defaultOptimizer ? (ds.sparse ? DEFAULT_SPARSE_OPTIMIZER : DEFAULT_OPTIMIZER) : options.optimizer!);

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

  // undefined means the default; null is a mistake, not a request for the default.
  // Hogwild! steps one row at a time: async's default batch.
  const b = options.batch === undefined ? (options.async === true ? 1 : Math.min(32, nTrain)) : options.batch;
  let batchSize: number;
  if (b === 'full') batchSize = nTrain;
  else if (b === 'stochastic') batchSize = 1;
  else if (typeof b === 'number' && Number.isInteger(b) && b >= 1 && b <= nTrain) batchSize = b;
  else {
    throw new HyperParameterError('batch', `must be 'full', 'stochastic' or an integer in [1, ${nTrain}] (the number of training rows), got ${show(b)}`);
  }
  const nb = Math.ceil(nTrain / batchSize);
  const epochs = int('epochs', options.epochs, defaultEpochs(nTrain, batchSize), 1);
  if (options.onEpoch !== undefined && typeof options.onEpoch !== 'function') {
    throw new HyperParameterError('onEpoch', `must be a function, got ${show(options.onEpoch)}`);
  }

  // Penalties: scikit-learn's α·(l1Ratio·‖W‖₁ + (1 − l1Ratio)/2·‖W‖²) plus the plain `l2`.
  const l2Plain = num('l2', options.l2, 0, { min: 0 });
  const penalty = options.penalty !== undefined ? options.penalty : (options.alpha !== undefined ? 'l2' : 'none');
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
  const plainSgd = resolved.spec.name === 'sgd' && resolved.hyper[HYPER_SLOTS.sgd.momentum] === 0;
  const method = options.l1Method !== undefined ? options.l1Method : (plainSgd ? 'cumulative' : 'orthant');
  if (method !== 'cumulative' && method !== 'orthant') {
    throw new HyperParameterError('l1Method', `must be 'cumulative' or 'orthant', got ${show(method)}`);
  }
  if (options.l1Method !== undefined && l1Ratio === 0) {
    throw new HyperParameterError('l1Method', `only applies with an L1 part (penalty 'l1' or 'elasticnet'), penalty is '${penalty}'`);
  }
  const l1Mode = l1 > 0 ? L1_MODE[method] : 0;

  // Gradient tools.
  const clipNorm = options.clipNorm === null ? 0 : positive('clipNorm', options.clipNorm) ?? model.defaultClipNorm ?? 0;
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
  const monitor = options.monitor === undefined ? 'valLoss' : options.monitor;
  if (monitor !== 'valLoss' && monitor !== 'valMetric') {
    throw new HyperParameterError('monitor', `must be 'valLoss' or 'valMetric', got ${show(monitor)}`);
  }
  const maxMs = positive('maxMs', options.maxMs);
  const maxSteps = options.maxSteps === undefined ? undefined : int('maxSteps', options.maxSteps, 1, 1);
  // Schedules span the planned run (epochs × batches); maxSteps and maxMs are budgets that may cut it
  // short without reshaping it, so a run stopped by a budget and resumed follows the same schedule.
  const runSteps = epochs * nb;

  const schedule = createSchedule(options.schedule === undefined && defaultOptimizer ? { name: 'cosine' } : options.schedule, {
    baseLr: resolved.hyper[HYPER.lr], stepsPerEpoch: nb, runSteps, alpha, hasValidation,
  });

  const saveState = bool('saveState', options.saveState, false);
  const standardize = standardizePlan(options.standardize, model);
  const resume = options.resume;
  const threads = options.threads === undefined ? undefined : int('threads', options.threads, 1, 1, 256);
  const async = asyncMode({
    async: options.async, threads, sparse: ds.sparse, optimizer: resolved.spec.name, hyper: resolved.hyper, batchSize,
    clipNorm, clipValue, l1, avgStart, noise: noise !== null,
  }, model);
  return {
    resolved, batchSize, nTrain, batchesPerEpoch: nb, epochs, shuffle: bool('shuffle', options.shuffle, true),
    seed: int('seed', options.seed, 0, 0, 0xffffffff), l2, l1, l1Mode, alpha, clipNorm, clipValue, noise, avgStart,
    tol, nIterNoChange, validation, validationFraction, patience, minDelta, restoreBest, monitor, maxMs, maxSteps,
    onEpoch: options.onEpoch, resume, saveState, schedule, standardize,
    threads, async, interceptDecay: interceptDecayOf(options.interceptDecay, ds, plainSgd, async), augment: augmentPlan(options.augment, model, ds),
  };
}

