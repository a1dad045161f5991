// The caller's side of trainInWorker, independent of the host (Web Worker or worker_threads): validates
// and flattens the data, posts one `start` message (data buffers in the transfer list), turns the
// worker's messages into progress events, an async iterator and a result promise, and implements stop().
import { show } from '../validate.js';
import { F32_MAX, badValue, toFlatMatrix, type Dataset, type Matrix } from '../data/dataset.js';
import { isSparseRows, type SparseRows } from '../data/sparse.js';
import { isSparseDataset, sparseSet } from './sparse-job.js';
import { DataError, DescentError, ShapeError, HyperParameterError } from '../errors.js';
import { checkCloneable, checkFromWorker } from './messages.js';
import { checkWorkerOptions, type TrainInWorkerOptions } from './options.js';
import type { BackendInfo, BackendName } from '../runtime/index.js';
import type { EpochRecord } from '../training/train.js';
import { prepareModel, jobTargets } from './job-model.js';
import {
  reviveError, type BatchEvent, type FromWorker, type Job, type ModelSpec, type ProgressEvent, type ToWorker,
  type WorkerTrainOptions, type WorkerTrainResult,
} from './protocol.js';

export type { BatchEvent, ModelSpec, ProgressEvent, WorkerTrainOptions, WorkerTrainResult, TrainInWorkerOptions };

/** What to train in the worker. */
export interface WorkerJob {
  /**
   * Features (row-major Float32Array with `features`, or one array per row) and targets; or sparse rows: x as CSR
   * `{ indptr, indices, values }` with `features` (the number of columns), or a sparse Dataset (Dataset.fromText /
   * fromSparse), whose CSR arrays are copied out and transferred. Sparse data train linear models.
   */
  data: { x: Matrix | SparseRows; y: ArrayLike<number>; features?: number } | Dataset;
  /** `'linear'`, `'logistic'`, `{ kind: 'softmax', classes }`, or a network: `{ kind: 'mlp', hidden, classes? }` or `{ kind: 'sequential', layers, loss }`. */
  model: ModelSpec;
  /** train() options (no callback: progress comes back as events). */
  train?: WorkerTrainOptions;
  /** Force a backend in the worker (`'wasm-simd'`, `'wasm-scalar'`, `'wasm-relaxed'`, `'js'`); default as init(). */
  backend?: BackendName;
  /** Split data into train/test in the worker, as Dataset.split (`{ every: 5 }`: index % 5 == 0 is test). */
  split?: { every: number } | { testFraction: number; seed?: number };
  /** An explicit test set (instead of split); CSR rows (x as { indptr, indices, values }) or a sparse Dataset when the data are sparse. */
  test?: { x: Matrix | SparseRows; y: ArrayLike<number> } | Dataset;
  /** A validation set for train()'s per-epoch valLoss/valMetric and early stopping (standardized like the test set); sparse as the data. */
  validation?: { x: Matrix | SparseRows; y: ArrayLike<number> } | Dataset;
  /**
   * train()'s `standardize` (also accepted as `train.standardize`, not both): default true, the model fits
   * feature standardization (and a squared-loss regression target's scale) on the training rows and applies
   * it to the test set and the predictions; the result carries it (`model`, `stats`). false: raw data.
   */
  standardize?: boolean;
  /** Return the test-set predictions. Default false. */
  predictions?: boolean;
  /** Starting parameters (weights, then biases); default zeros. */
  params?: ArrayLike<number>;
  /** @internal Tests: pool thread `thread` traps once the run has taken `afterSteps` steps. */
  fault?: { thread: number; afterSteps: number };
}

/** Anything that behaves as a worker: a Web Worker, or the adapter over a worker_threads Worker. */
export interface WorkerHost {
  post(msg: ToWorker, transfer: ArrayBuffer[]): void;
  terminate(): void;
}

/** Builds a host, wiring its messages and failures to the handle. */
export type HostFactory = (onMessage: (m: FromWorker) => void, onFailure: (e: Error) => void) => WorkerHost;

const EVENTS = ['progress', 'batch', 'ready', 'result', 'error'];

type Listeners = {
  progress: (e: ProgressEvent) => void;
  batch: (e: BatchEvent) => void;
  ready: (info: BackendInfo) => void;
  result: (r: WorkerTrainResult) => void;
  error: (e: Error) => void;
};

/** A training run in a worker. Iterate it (`for await`) for progress events; await `result`; stop() any time. */
export interface WorkerTraining extends AsyncIterable<ProgressEvent> {
  /** Resolves once the worker has loaded its backend and data (`info.name` is the backend that runs). */
  readonly ready: Promise<BackendInfo>;
  /** Resolves with the result when training ends (epochs, tol, divergence or stop()); rejects with the worker's typed error. */
  readonly result: Promise<WorkerTrainResult>;
  /** Progress events received so far. */
  readonly events: readonly ProgressEvent[];
  /** A copy of the latest parameter snapshot received (null before the first epoch). */
  readonly params: Float32Array | null;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof Listeners>(type: K, fn: Listeners[K]): () => void;
  /**
   * Ends training and resolves with the parameters so far (stopReason `'stopped'`). Where the worker can see
   * a shared stop flag (Node; cross-origin-isolated pages) it stops cleanly after the run of batches under way (about `progressMs`) and also
   * evaluates; otherwise the worker is terminated and the result holds the last parameter snapshot received.
   */
  stop(): Promise<WorkerTrainResult>;
}

function wholeF32(a: Float32Array, transfer: boolean): Float32Array {
  const owns = a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && a.buffer instanceof ArrayBuffer;
  return transfer && owns ? a : a.slice();
}

/** Validates and flattens a job (throws ShapeError / DataError / HyperParameterError before any worker starts). */
export function prepareJob(job: WorkerJob, o: TrainInWorkerOptions): { job: Job; transfer: ArrayBuffer[]; size: number } {
  if (job === null || typeof job !== 'object') throw new HyperParameterError('job', 'must be an object { data, model, train }');
  if (!job.data || typeof job.data !== 'object') throw new ShapeError('job.data must be { x, y, features? }');
  const sparse = sparseSet(job.data, undefined, 'data');
  if (sparse) return prepareSparseJob(job, o, sparse);
  if ((job.data as { sparse?: unknown }).sparse === false) throw new ShapeError('job.data: give a dense dataset\'s arrays as { x, y, features } (a Dataset lives in one thread\'s memory)');
  const data = job.data as { x: Matrix; y: ArrayLike<number>; features?: number };
  const transfer = o.transfer ?? true;
  const m = toFlatMatrix(data.x, data.features, 'data.x');
  if (m.rows === 0) throw new ShapeError('data.x has zero rows; a dataset needs at least one sample');
  const x = wholeF32(m.data, transfer || m.data !== data.x);
  const { model, size, perRow } = prepareModel(job.model, m.features);
  const y = wholeF32(jobTargets(data.y, m.rows, m.features, 'data.y', perRow), transfer || !(data.y instanceof Float32Array));
  const out: Job = {
    x, y, features: m.features,
    model,
    train: { ...(job.train ?? {}) },
    standardize: true,
    predictions: job.predictions ?? false,
    progressMs: o.progressMs ?? 16,
  };
  jobOptions(job, out);
  const buffers = [x.buffer as ArrayBuffer, y.buffer as ArrayBuffer];
  /** A test or validation set flattened like the data, its buffers added to the transfer list. */
  const extraSet = (given: WorkerJob['test'] & object, what: string) => {
    const set = given as { x: Matrix; y: ArrayLike<number> };
    if (isSparseDataset(given) || isSparseRows(set.x)) throw new ShapeError(`${what} is sparse but the data are dense`);
    const t = toFlatMatrix(set.x, m.features, `${what}.x`);
    const sx = wholeF32(t.data, transfer || t.data !== set.x);
    const sy = wholeF32(jobTargets(set.y, t.rows, m.features, `${what}.y`, perRow), transfer || !(set.y instanceof Float32Array));
    buffers.push(sx.buffer as ArrayBuffer, sy.buffer as ArrayBuffer);
    return { x: sx, y: sy };
  };
  if (job.test !== undefined) out.test = extraSet(job.test, 'test');
  if (job.validation !== undefined) out.validation = extraSet(job.validation, 'validation');
  setParams(job, out, size, buffers);
  return { job: out, transfer: buffers, size };
}

/** The job's training options, checked: plain data only (they cross by structured clone). */
function jobOptions(job: WorkerJob, out: Job): void {
  if ('onEpoch' in out.train) {
    throw new HyperParameterError('train.onEpoch', 'callbacks cannot cross into a worker; listen to progress events instead');
  }
  if (job.standardize !== undefined && out.train.standardize !== undefined) {
    throw new HyperParameterError('standardize', 'give it once: the job\'s standardize or train.standardize');
  }
  if (job.standardize !== undefined) out.train.standardize = job.standardize;
  out.standardize = out.train.standardize !== false;
  if ('validation' in out.train) {
    throw new HyperParameterError('train.validation', 'a Dataset lives in one thread\'s memory; give its arrays as the job\'s validation: { x, y }, or use train.validationFraction');
  }
  // Everything else crosses by structured clone: a function or a class instance inside the options would
  // fail there as an untyped DataCloneError, or arrive stripped of its prototype.
  checkCloneable('train', out.train);
  if (job.split !== undefined) checkCloneable('split', job.split);
  if (job.backend !== undefined) out.backend = job.backend;
  if (job.split !== undefined) out.split = job.split;
  if (job.fault !== undefined) out.fault = { thread: job.fault.thread, afterSteps: job.fault.afterSteps };
}

/** A job on sparse data: CSR arrays checked here and transferred; the worker rebuilds them with Dataset.fromSparse. */
function prepareSparseJob(job: WorkerJob, o: TrainInWorkerOptions, s: NonNullable<ReturnType<typeof sparseSet>>): { job: Job; transfer: ArrayBuffer[]; size: number } {
  if (s.rows === 0) throw new ShapeError('data has zero rows; a dataset needs at least one sample');
  const { model, size } = prepareModel(job.model, s.features);
  if (model.kind === 'sequential') throw new ShapeError('sparse data train linear models (linear, logistic, softmax); a network takes dense rows');
  const out: Job = {
    x: s.x, y: s.y, features: s.features, model, train: { ...(job.train ?? {}) }, standardize: true,
    predictions: job.predictions ?? false, progressMs: o.progressMs ?? 16, csr: s.csr,
  };
  jobOptions(job, out);
  // Sparse rows are never standardized (centring would fill every column): the worker trains on them as they are.
  out.standardize = false;
  const buffers = [s.x.buffer, s.y.buffer, s.csr.indptr.buffer, s.csr.indices.buffer] as ArrayBuffer[];
  for (const what of ['test', 'validation'] as const) {
    const given = job[what];
    if (given === undefined) continue;
    const t = sparseSet(given, s.features, what);
    if (!t) throw new ShapeError(`${what} must be sparse like the data: { x: { indptr, indices, values }, y } or a sparse Dataset`);
    if (t.features !== s.features) throw new ShapeError(`${what} has ${t.features} columns but the data ${s.features}`);
    if (t.rows === 0) throw new ShapeError(`${what} has zero rows`);
    out[what] = { x: t.x, y: t.y };
    out[what === 'test' ? 'testCsr' : 'validationCsr'] = t.csr;
    buffers.push(t.x.buffer as ArrayBuffer, t.y.buffer as ArrayBuffer, t.csr.indptr.buffer as ArrayBuffer, t.csr.indices.buffer as ArrayBuffer);
  }
  setParams(job, out, size, buffers);
  return { job: out, transfer: buffers, size };
}

/** The job's starting parameters, checked and added to the transfer list. */
function setParams(job: WorkerJob, out: Job, size: number, buffers: ArrayBuffer[]): void {
  if (job.params !== undefined) {
    if (job.params === null || typeof job.params !== 'object' || job.params.length !== size) {
      throw new ShapeError(`params: expected ${size} values, got ${show(job.params)}`);
    }
    out.initialParams = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      const v = job.params[i] as unknown;
      if (typeof v !== 'number' || !(Math.abs(v) <= F32_MAX)) throw new DataError(`params: value ${i} is ${badValue(v)}`, { column: i });
      out.initialParams[i] = v;
    }
    buffers.push(out.initialParams.buffer as ArrayBuffer);
  }
}

/** Starts a job on a host made by `factory`; `hostKeys` are the host's own options (checked by the host). */
export function startTraining(factory: HostFactory, input: WorkerJob, options: TrainInWorkerOptions = {}, hostKeys: readonly string[] = []): WorkerTraining {
  checkWorkerOptions(options, hostKeys);
  const { job, transfer, size } = prepareJob(input, options);
  const initial = job.initialParams ? job.initialParams.slice() : new Float32Array(size);
  const listeners: { [K in keyof Listeners]: Set<Listeners[K]> } = {
    progress: new Set(), batch: new Set(), ready: new Set(), result: new Set(), error: new Set(),
  };
  if (options.onProgress) listeners.progress.add(options.onProgress);
  if (options.onBatch) listeners.batch.add(options.onBatch);
  const events: ProgressEvent[] = [];
  const wakers = new Set<() => void>();
  let snapshot: Float32Array | null = null;
  let rows = { train: 0, test: 0 };
  let backendName: BackendName = job.backend ?? 'wasm-simd';
  let settled: { ok: true; value: WorkerTrainResult } | { ok: false; error: Error } | null = null;
  let host: WorkerHost | null = null;
  let resolveReady!: (i: BackendInfo) => void, rejectReady!: (e: Error) => void;
  let resolveResult!: (r: WorkerTrainResult) => void, rejectResult!: (e: Error) => void;
  const ready = new Promise<BackendInfo>((res, rej) => { resolveReady = res; rejectReady = rej; });
  const result = new Promise<WorkerTrainResult>((res, rej) => { resolveResult = res; rejectResult = rej; });
  // Callers may use only events or only the iterator: an unobserved rejection must not crash the process.
  ready.catch(() => undefined);
  result.catch(() => undefined);

  /**
   * Calls the listeners of `type`. A listener runs inside the host's message handler: an exception there
   * would be uncaught and end the process, so the first one thrown ends the job instead (returned).
   */
  const emit = <K extends keyof Listeners>(type: K, arg: Parameters<Listeners[K]>[0]): DescentError | null => {
    for (const fn of listeners[type]) {
      try {
        (fn as (a: typeof arg) => void)(arg);
      } catch (e) {
        const err = new DescentError('E_LISTENER', `a '${type}' listener threw: ${String((e as Error)?.message ?? e).slice(0, 300)}`);
        (err as { cause?: unknown }).cause = e;
        return err;
      }
    }
    return null;
  };
  /** Emits an event; a listener that throws ends the job with that error. */
  const emitOrFail = <K extends keyof Listeners>(type: K, arg: Parameters<Listeners[K]>[0]) => {
    const err = emit(type, arg);
    if (err) finish({ ok: false, error: err });
  };
  const wake = () => {
    for (const w of wakers) w();
    wakers.clear();
  };
  const finish = (s: NonNullable<typeof settled>) => {
    if (settled) return;
    settled = s;
    host?.terminate();
    host = null;
    // The result listeners run before the promise settles, so one that throws rejects the job instead.
    const failed = s.ok ? emit('result', s.value) : null;
    if (failed) settled = s = { ok: false, error: failed };
    if (s.ok) {
      // Only a run stopped before the worker got going reaches here with `ready` pending.
      rejectReady(new DescentError('E_STOPPED', 'descent: training was stopped before the worker was ready'));
      resolveResult(s.value);
    } else {
      rejectReady(s.error);
      rejectResult(s.error);
      // The job has failed already: an error listener that throws too has nothing left to end.
      emit('error', s.error);
    }
    wake();
  };

  const onMessage = (raw: unknown) => {
    if (settled) return;
    // The peer is another thread's code: a malformed message ends the run with a typed error instead of
    // throwing in the host's message handler (an uncaught exception) or resolving with garbage.
    const bad = checkFromWorker(raw, size);
    if (bad !== null) {
      finish({ ok: false, error: new DescentError('E_WORKER', `the training worker sent a malformed message: ${bad}`) });
      return;
    }
    const m = raw as FromWorker;
    switch (m.type) {
      case 'ready':
        backendName = m.info.name;
        rows = m.rows;
        resolveReady(m.info);
        emitOrFail('ready', m.info);
        break;
      case 'progress':
        snapshot = m.params;
        for (const rec of m.records) {
          events.push(rec);
          emitOrFail('progress', rec);
          if (settled) break;
        }
        wake();
        break;
      case 'batch':
        emitOrFail('batch', m.event);
        break;
      case 'result':
        finish({ ok: true, value: m.result });
        break;
      case 'error':
        finish({ ok: false, error: reviveError(m.error) });
        break;
    }
  };
  const onFailure = (e: unknown) => finish({
    ok: false,
    error: e instanceof DescentError ? e : new DescentError('E_WORKER', `the training worker failed: ${String((e as Error)?.message ?? e).slice(0, 300)}`),
  });

  // A shared flag lets the worker notice stop() between epochs; browsers allow it only when cross-origin isolated.
  let control: SharedArrayBuffer | undefined;
  const g = globalThis as { crossOriginIsolated?: boolean };
  if (typeof SharedArrayBuffer === 'function' && g.crossOriginIsolated !== false) {
    try {
      control = new SharedArrayBuffer(4);
    } catch {
      control = undefined;
    }
  }
  host = factory(onMessage, onFailure);
  try {
    host.post(control ? { type: 'start', job, control } : { type: 'start', job }, transfer);
  } catch (e) {
    host.terminate();
    host = null;
    if (e instanceof DescentError) throw e;
    throw new HyperParameterError('job', `cannot be sent to the worker: ${String((e as Error)?.message ?? e).slice(0, 200)}`);
  }

  /** The result of a run ended by terminating the worker: what the caller has seen so far. */
  const terminated = (): WorkerTrainResult => {
    const history: EpochRecord[] = events.slice();
    const last = history[history.length - 1];
    return {
      params: snapshot ? snapshot.slice() : initial.slice(),
      history,
      stopReason: 'stopped',
      epochs: history.length,
      steps: last?.steps ?? 0,
      ms: last?.ms ?? 0,
      backend: backendName,
      rows,
    };
  };

  let stopping: Promise<WorkerTrainResult> | null = null;
  const handle: WorkerTraining = {
    ready,
    result,
    get events() {
      return events;
    },
    get params() {
      return snapshot ? snapshot.slice() : null;
    },
    on(type, fn) {
      if (!EVENTS.includes(type)) throw new HyperParameterError('type', `must be one of ${EVENTS.join(', ')}, got ${show(type)}`);
      if (typeof fn !== 'function') throw new HyperParameterError('listener', `must be a function, got ${show(fn)}`);
      const set = listeners[type] as Set<typeof fn>;
      set.add(fn);
      return () => set.delete(fn);
    },
    stop() {
      if (settled) return settled.ok ? Promise.resolve(settled.value) : Promise.reject(settled.error);
      if (stopping) return stopping;
      if (control) {
        Atomics.store(new Int32Array(control), 0, 1);
        const timeout = options.stopTimeoutMs ?? 1000;
        stopping = new Promise<WorkerTrainResult>((res, rej) => {
          const timer = setTimeout(() => finish({ ok: true, value: terminated() }), timeout);
          result.then((r) => { clearTimeout(timer); res(r); }, (e) => { clearTimeout(timer); rej(e); });
        });
      } else {
        finish({ ok: true, value: terminated() });
        stopping = result;
      }
      return stopping;
    },
    [Symbol.asyncIterator](): AsyncIterator<ProgressEvent> {
      let i = 0;
      let closed = false;
      return {
        next: async (): Promise<IteratorResult<ProgressEvent>> => {
          for (;;) {
            if (closed) return { value: undefined, done: true };
            if (i < events.length) return { value: events[i++], done: false };
            if (settled) {
              if (!settled.ok) throw settled.error;
              return { value: undefined, done: true };
            }
            await new Promise<void>((r) => wakers.add(r));
          }
        },
        return: async (): Promise<IteratorResult<ProgressEvent>> => {
          closed = true;
          return { value: undefined, done: true };
        },
      };
    },
  };
  return handle;
}
