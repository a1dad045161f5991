// The batching strategy: TypeScript decides the order of rows (a shuffled index array), the batch size
// and when control comes back (once per epoch); WASM runs the batches. A mini-batch is a window of the
// index array: no copy, no allocation, no JS↔WASM call per batch.
import { HyperParameterError } from './errors.js';
import { Block, disposeAll } from './runtime/block.js';
import { Optimizer, resolveOptimizer, type OptimizerOptions } from './optim/index.js';
import { bool, int, num, onlyKeys, show } from './optim/validate.js';
import { Rng } from './rng.js';
import type { Dataset } from './data/dataset.js';
import type { Model } from './models/model.js';

/** How many samples each gradient step sees. */
export type BatchOption = 'full' | 'stochastic' | number;

/** One epoch of training, as recorded in {@link TrainResult.history}. */
export interface EpochRecord {
  /** 1-based epoch number. */
  epoch: number;
  /** Mean over the epoch's batches of each batch's loss (before its update), weighted by batch size, penalty included. */
  loss: number;
  /** Milliseconds since training started, at the end of this epoch. */
  ms: number;
  /** Learning rate used during the epoch. */
  lr: number;
}

/** Options of {@link train}. */
export interface TrainOptions {
  /** Update rule and hyper-parameters (PyTorch names and defaults). Default `{ name: 'sgd', lr: 0.01 }`. */
  optimizer?: OptimizerOptions;
  /** `'full'` (all rows), `'stochastic'` (one row) or a mini-batch size in [1, rows]. Default min(32, rows). */
  batch?: BatchOption;
  /** Number of passes over the data. Default 100. */
  epochs?: number;
  /** Reshuffle the rows before every epoch (not for full batch). Default true. */
  shuffle?: boolean;
  /** Seed of the shuffling PRNG. Default 0. */
  seed?: number;
  /** L2 penalty (l2/2)·‖W‖² on the weights (not the biases). Default 0. */
  l2?: number;
  /** Stop when the epoch loss has not improved on the best by at least `tol` for `nIterNoChange` epochs. Off by default. */
  tol?: number;
  /** Epochs without improvement of `tol` before stopping (scikit-learn's n_iter_no_change). Default 1. */
  nIterNoChange?: number;
  /** Called after each epoch; return `false` to stop training (stopReason `'callback'`). */
  onEpoch?: (record: EpochRecord) => void | boolean;
}

/** Why training stopped. */
export type StopReason = 'epochs' | 'tol' | 'diverged' | 'callback';

/** What {@link train} returns. */
export interface TrainResult {
  history: EpochRecord[];
  stopReason: StopReason;
  /** Epochs completed (equal to history.length). */
  epochs: number;
  /** Gradient steps taken. */
  steps: number;
  /** Total wall time in milliseconds. */
  ms: number;
  /** The backend that ran. */
  backend: string;
  /** With stopReason 'diverged': the epoch (1-based) where a loss or a parameter stopped being finite. */
  divergedAt?: number;
}

const KEYS = ['optimizer', 'batch', 'epochs', 'shuffle', 'seed', 'l2', 'tol', 'nIterNoChange', 'onEpoch'] as const;

/** Validated training options. */
interface Plan {
  batchSize: number;
  epochs: number;
  shuffle: boolean;
  seed: number;
  l2: number;
  tol: number | undefined;
  nIterNoChange: number;
  onEpoch: TrainOptions['onEpoch'];
}

function plan(options: TrainOptions, rows: number): Plan {
  if (options === null || typeof options !== 'object') throw new HyperParameterError('options', `must be an object, got ${show(options)}`);
  onlyKeys('options', options, KEYS);
  const b = options.batch ?? Math.min(32, rows);
  let batchSize: number;
  if (b === 'full') batchSize = rows;
  else if (b === 'stochastic') batchSize = 1;
  else if (typeof b === 'number' && Number.isInteger(b) && b >= 1 && b <= rows) batchSize = b;
  else {
    throw new HyperParameterError('batch', `must be 'full', 'stochastic' or an integer in [1, ${rows}] (the number of rows), got ${show(b)}`);
  }
  if (options.onEpoch !== undefined && typeof options.onEpoch !== 'function') {
    throw new HyperParameterError('onEpoch', `must be a function, got ${show(options.onEpoch)}`);
  }
  return {
    batchSize,
    epochs: int('epochs', options.epochs, 100, 1),
    shuffle: bool('shuffle', options.shuffle, true),
    seed: int('seed', options.seed, 0, 0, 0xffffffff),
    l2: num('l2', options.l2, 0, { min: 0 }),
    tol: options.tol === undefined ? undefined : num('tol', options.tol, 0, { min: 0 }),
    nIterNoChange: int('nIterNoChange', options.nIterNoChange, 1, 1),
    onEpoch: options.onEpoch,
  };
}

function allFinite(a: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

/**
 * Trains `model` on `ds` by gradient descent with the chosen batching, in place. All options and the
 * labels are validated before any memory is allocated. A run whose loss or parameters stop being
 * finite ends with stopReason `'diverged'` and the parameters of the last finite epoch.
 */
export function train(model: Model, ds: Dataset, options: TrainOptions = {}): TrainResult {
  const p = plan(options, ds.rows);
  // Only an absent optimizer takes the default: `optimizer: null` is a mistake to report, not a request for SGD.
  const resolved = resolveOptimizer(options.optimizer === undefined ? { name: 'sgd', lr: 0.01 } : options.optimizer);
  model.checkTargets(ds);

  const be = model.paramsBlock.backend;
  const n = ds.rows, d = ds.features, k = model.outputs;
  const nb = Math.ceil(n / p.batchSize);
  let opt: Optimizer | undefined;
  let idx: Block<'i32'> | undefined, losses: Block<'f64'> | undefined, scratch: Block<'f32'> | undefined;
  const history: EpochRecord[] = [];
  let stopReason: StopReason = 'epochs';
  let divergedAt: number | undefined;
  let steps = 0;
  const t0 = performance.now();
  try {
    opt = new Optimizer(resolved, model.size, model.paramsBlock);
    idx = new Block(be, 'i32', n);
    losses = new Block(be, 'f64', nb);
    scratch = new Block(be, 'f32', k);
    const iv = idx.view;
    for (let i = 0; i < n; i++) iv[i] = i;
    const rng = new Rng(p.seed);
    const last = model.paramsBlock.view.slice();
    let best = Infinity;
    let noChange = 0;
    for (let epoch = 1; epoch <= p.epochs; epoch++) {
      if (p.shuffle && p.batchSize < n) rng.shuffle(idx.view, n);
      const lr = opt.lr;
      const done = be.runBatches(model.lossCode, opt.code, model.paramsBlock.ptr, opt.gradsBlock.ptr, opt.stateBlock.ptr,
        model.size, opt.hyperBlock.ptr, ds.xBlock.ptr, ds.yBlock.ptr, idx.ptr, d, k, p.l2, scratch.ptr,
        0, n, p.batchSize, nb, losses.ptr);
      steps += done;
      const lv = losses.view;
      let sum = 0;
      for (let b = 0; b < done; b++) sum += lv[b] * Math.min(p.batchSize, n - b * p.batchSize);
      const loss = sum / n;
      const params = model.paramsBlock.view;
      if (done < nb || !Number.isFinite(loss) || !allFinite(params)) {
        params.set(last);
        stopReason = 'diverged';
        divergedAt = epoch;
        break;
      }
      last.set(params);
      const rec: EpochRecord = { epoch, loss, ms: performance.now() - t0, lr };
      history.push(rec);
      if (p.onEpoch && p.onEpoch(rec) === false) {
        stopReason = 'callback';
        break;
      }
      if (p.tol !== undefined) {
        if (loss > best - p.tol) noChange++;
        else noChange = 0;
        if (loss < best) best = loss;
        if (noChange >= p.nIterNoChange) {
          stopReason = 'tol';
          break;
        }
      }
    }
  } finally {
    opt?.dispose();
    disposeAll(idx, losses, scratch);
  }
  const result: TrainResult = { history, stopReason, epochs: history.length, steps, ms: performance.now() - t0, backend: be.name };
  if (divergedAt !== undefined) result.divergedAt = divergedAt;
  return result;
}
