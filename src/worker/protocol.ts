// The messages between a training handle (main thread) and its worker. One worker runs one job: the
// handle posts `start` once, the worker answers `ready` (backend chosen), then `progress` (finished epochs)
// and `batch` (within an epoch) messages, then
// exactly one `result` or `error`. Typed arrays travel as transferred ArrayBuffers, never cloned.
import {
  BackendError, DataError, DescentError, DisposedError, HyperParameterError, ShapeError,
} from '../errors.js';
import type { BackendInfo, BackendName } from '../runtime/index.js';
import type { EpochRecord, StopReason, TrainOptions } from '../training/train.js';
import type { TrainState } from '../training/state.js';
import type { Evaluation, ModelKind } from '../models/linear/model.js';
import type { SequentialOptions } from '../models/network/network.js';
import type { MlpOptions } from '../models/network/mlp.js';
import type { TrainableJSON } from '../models/trainable.js';

/**
 * A model to build in the worker: a linear kind (plus `classes` for softmax), or a network: sequential's
 * options (`inputShape` defaults to [features]) or mlp's (`features` comes from the data).
 */
export type ModelSpec =
  | ModelKind | { kind: ModelKind; classes?: number }
  | ({ kind: 'sequential' } & Omit<SequentialOptions, 'inputShape'> & { inputShape?: number[] })
  | ({ kind: 'mlp' } & Omit<MlpOptions, 'features'>);

/** The model as a job carries it: a linear kind, or a network's validated sequential options. */
export type JobModel = { kind: ModelKind; classes?: number } | { kind: 'sequential'; options: SequentialOptions };

/**
 * Training options that can cross a thread boundary: train()'s, less the callback (progress comes back as
 * events) and the `validation` Dataset (it lives in one thread's memory: give arrays as the job's `validation`).
 */
export type WorkerTrainOptions = Omit<TrainOptions, 'onEpoch' | 'validation'>;

/** One job as the worker receives it: data already flattened to f32. */
export interface Job {
  x: Float32Array;
  y: Float32Array;
  features: number;
  model: JobModel;
  train: WorkerTrainOptions;
  backend?: BackendName;
  split?: { every: number } | { testFraction: number; seed?: number };
  test?: { x: Float32Array; y: Float32Array };
  validation?: { x: Float32Array; y: Float32Array };
  standardize: boolean;
  predictions: boolean;
  initialParams?: Float32Array;
  progressMs: number;
  /** Sparse data: x holds the CSR values, these the row starts and columns (checked on the caller's side). */
  csr?: JobCsr;
  /** The test set's CSR structure when the data are sparse (its `x` holds the values). */
  testCsr?: JobCsr;
  /** The validation set's CSR structure when the data are sparse. */
  validationCsr?: JobCsr;
  /** @internal Tests: pool thread `thread` traps once the run has taken `afterSteps` steps. */
  fault?: { thread: number; afterSteps: number };
}

/** The structure of CSR rows crossing to the worker (the values travel as the set's `x`), transferred. */
export interface JobCsr {
  indptr: Int32Array;
  indices: Int32Array;
}

/** One progress event: an epoch finished (train()'s epoch record). */
export type ProgressEvent = EpochRecord;

/**
 * Within-epoch progress: sent between runs of batches (at most one per `progressMs`), so long epochs
 * (full batch on big data, stochastic passes) still move a progress bar.
 */
export interface BatchEvent {
  /** The epoch under way (1-based). */
  epoch: number;
  /** Batches done in this epoch, of `batches`. */
  batch: number;
  batches: number;
  /** Gradient steps since the start of training. */
  steps: number;
  /** Mean training loss of this epoch's batches so far. */
  loss: number;
  /** Learning rate of the last step. */
  lr: number;
  /** Milliseconds since training started. */
  ms: number;
}

/** What a worker run hands back. */
export interface WorkerTrainResult {
  /** Final parameters (weights, then biases), as `Model.params`. */
  params: Float32Array;
  /** Every epoch record, as train()'s history. */
  history: EpochRecord[];
  /** train()'s stop reason, or `'stopped'` when stop() ended the run. */
  stopReason: StopReason | 'stopped';
  epochs: number;
  steps: number;
  /** Wall time of train() in the worker, in milliseconds. */
  ms: number;
  /** The backend that ran, as backendInfo().name in the worker. */
  backend: BackendName;
  divergedAt?: number;
  /**
   * The threads of `train.threads`: how many the run asked for and used, and why fewer (one-block batches,
   * or the fallback to one thread: no cross-origin isolation, dropout, …), or null.
   */
  threads?: { requested: number; used: number; reason: string | null };
  /** Rows in the training and test sets. */
  rows: { train: number; test: number };
  /** Evaluation of the final parameters on the training set (absent when stop() had to terminate the worker). */
  train?: Evaluation;
  /** Evaluation on the test set, when the job had one (split or test). */
  test?: Evaluation;
  /** Predictions on the test set, with `predictions: true`. */
  predictions?: Float32Array;
  /** The training set's feature statistics, when standardized (the model applies them to new data itself). */
  stats?: { mean: Float64Array; std: Float64Array };
  /** The trained model as JSON, with its preprocessing: `Model.fromJSON` / `Network.fromJSON` give it back. */
  model?: TrainableJSON;
  /**
   * A network's batch-norm running statistics after training (mean then variance per batchNorm layer, the
   * `stats` of its toJSON), for inference: `Network.fromJSON({ ...net.toJSON(), params, stats: Array.from(runningStats) })`.
   * Absent without batch norm, and when stop() had to terminate the worker.
   */
  runningStats?: Float32Array;
  /** The training state, with `train.saveState: true` (resume it with `train.resume`). */
  state?: TrainState;
}

/** A DescentError (or any Error) flattened for postMessage. */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  param?: string;
  row?: number;
  column?: number;
  line?: number;
}

/** The one message a handle sends: the job, and the shared stop flag where the page may share memory. */
export type ToWorker = { type: 'start'; job: Job; control?: SharedArrayBuffer };

/** What a worker sends back, in this order: ready, progress/batch (any number), then result or error. */
export type FromWorker =
  | { type: 'ready'; info: BackendInfo; rows: { train: number; test: number } }
  | { type: 'progress'; records: EpochRecord[]; params: Float32Array }
  | { type: 'batch'; event: BatchEvent }
  | { type: 'result'; result: WorkerTrainResult }
  | { type: 'error'; error: SerializedError };

/** Flattens an error for postMessage, keeping the fields of descent's typed errors. */
export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) {
    const out: SerializedError = { name: e.name, message: e.message };
    const d = e as Partial<DescentError & HyperParameterError & DataError>;
    if (typeof d.code === 'string') out.code = d.code;
    if (typeof d.param === 'string') out.param = d.param;
    if (typeof d.row === 'number') out.row = d.row;
    if (typeof d.column === 'number') out.column = d.column;
    if (typeof d.line === 'number') out.line = d.line;
    return out;
  }
  return { name: 'Error', message: String(e) };
}

/**
 * Rebuilds the typed error a worker threw, so `instanceof HyperParameterError` works on the caller's side. The
 * type travels as its `code`, never as the class's name: a minified bundle may have renamed the classes.
 */
export function reviveError(s: SerializedError): Error {
  let e: Error;
  switch (s.code) {
    case 'E_SHAPE': e = new ShapeError(s.message); break;
    case 'E_DATA': e = new DataError(s.message, { row: s.row, column: s.column, line: s.line }); break;
    case 'E_BACKEND': e = new BackendError(s.message); break;
    case 'E_DISPOSED': e = new DisposedError(s.message); break;
    case 'E_HYPER': {
      e = new HyperParameterError(s.param ?? '', '');
      // The constructor prefixes the param; keep the worker's exact message.
      Object.defineProperty(e, 'message', { value: s.message, writable: true, configurable: true });
      break;
    }
    default: {
      if (typeof s.code === 'string' && /^E_[A-Z_]{1,30}$/.test(s.code)) {
        e = new DescentError(s.code, s.message);
        break;
      }
      // Anything else the worker hit (a RangeError, a TypeError) is still a DescentError on this side,
      // naming the original error: callers catch one type.
      e = new DescentError('E_WORKER', `${String(s.name).slice(0, 60)} in the training worker: ${String(s.message).slice(0, 300)}`);
    }
  }
  return e;
}
