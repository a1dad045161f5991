// trainInWorker for browsers (the default condition of `descent-ml/worker`): the job runs in a module Web
// Worker, so the page's main thread only receives progress messages.
//
// The worker script is found with `new Worker(new URL('./descent-worker.js', import.meta.url), { type: 'module' })`,
// the form Vite and webpack 5 recognise and bundle on their own. With esbuild (which leaves that URL alone),
// build `descent-ml/worker-script` to `descent-worker.js` beside your bundle, or pass `worker`.
import { BackendError, HyperParameterError } from '../errors.js';
import { show } from '../validate.js';
import { startTraining, type TrainInWorkerOptions, type WorkerJob, type WorkerTraining } from './client.js';

export type { WorkerJob, WorkerTraining, TrainInWorkerOptions, WorkerHost } from './client.js';
export type { BatchEvent, ModelSpec, ProgressEvent, WorkerTrainOptions, WorkerTrainResult, SerializedError } from './protocol.js';

/** Options of the browser trainInWorker. */
export interface BrowserTrainInWorkerOptions extends TrainInWorkerOptions {
  /** The worker script's URL (started as a module worker), or a function returning a started Worker. */
  worker?: URL | string | (() => Worker);
}

function createWorker(spec: BrowserTrainInWorkerOptions['worker']): { worker: Worker; where: string } {
  if (typeof spec === 'function') {
    const w = spec() as unknown;
    if (w === null || typeof w !== 'object' || typeof (w as Worker).postMessage !== 'function' || typeof (w as Worker).terminate !== 'function') {
      throw new HyperParameterError('worker', `the function must return a Worker, returned ${show(w)}`);
    }
    return { worker: w as Worker, where: 'the worker given' };
  }
  if (spec !== undefined && typeof spec !== 'string' && !(typeof URL === 'function' && spec instanceof URL)) {
    throw new HyperParameterError('worker', `must be the worker script's URL (a string or URL) or a function returning a Worker, got ${show(spec)}`);
  }
  if (typeof Worker !== 'function') {
    throw new BackendError('Web Workers are not available here; in Node, descent-ml/worker resolves to the worker_threads build');
  }
  if (spec !== undefined) return { worker: new Worker(spec, { type: 'module' }), where: String(spec) };
  // Only this one `new URL(…)`, inside `new Worker(…)`: bundlers treat any other `new URL('./x', import.meta.url)`
  // as an asset and would emit (or inline as a data: URL) the raw, unbundled script just for an error message.
  const worker = new Worker(new URL('./descent-worker.js', import.meta.url), { type: 'module' });
  return { worker, where: 'descent-worker.js, beside descent-ml/worker' };
}

/**
 * Trains a model in a Web Worker. Returns at once with a handle: iterate it (`for await`) or listen
 * (`on('progress')`) for `{ epoch, loss, lr, ms }` events, await `result` for the parameters and
 * evaluations, call `stop()` to end early and get the parameters so far. Bad data throws here, before any
 * worker starts; bad training options reject `result` with the same typed error train() throws.
 */
export function trainInWorker(job: WorkerJob, options: BrowserTrainInWorkerOptions = {}): WorkerTraining {
  return startTraining((onMessage, onFailure) => {
    const { worker, where } = createWorker(options.worker);
    worker.onmessage = (e) => onMessage(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      onFailure(new BackendError(`the training worker (${where}) failed${e.message ? `: ${e.message}` : ' to load; check that the script is served (and allowed by the page\'s worker-src policy)'}`));
    };
    worker.onmessageerror = () => onFailure(new BackendError('a message from the training worker could not be deserialized'));
    return { post: (m, t) => worker.postMessage(m, t), terminate: () => worker.terminate() };
  }, job, options, ['worker']);
}
