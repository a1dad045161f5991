// trainInWorker for Node (the `node` condition of `descent-ml/worker`): the same API and the same runner as
// in browsers, on a worker_threads Worker.
import { Worker } from 'node:worker_threads';
import { isAbsolute } from 'node:path';
import { HyperParameterError } from '../errors.js';
import { show } from '../validate.js';
import { startTraining, type TrainInWorkerOptions, type WorkerJob, type WorkerTraining } from './client.js';

export type { WorkerJob, WorkerTraining, TrainInWorkerOptions, WorkerHost } from './client.js';
export type { BatchEvent, ModelSpec, ProgressEvent, WorkerTrainOptions, WorkerTrainResult, SerializedError } from './protocol.js';

/** Options of the Node trainInWorker. */
export interface NodeTrainInWorkerOptions extends TrainInWorkerOptions {
  /** The worker script (a file URL or path), or a function returning a started worker_threads Worker. */
  worker?: URL | string | (() => Worker);
}

/** Throws a HyperParameterError unless `spec` is a worker option Node can start: a file URL, an absolute path or a function. */
function checkWorkerSpec(spec: unknown): void {
  if (spec === undefined || typeof spec === 'function') return;
  if (spec instanceof URL) {
    if (spec.protocol !== 'file:' && spec.protocol !== 'data:') throw new HyperParameterError('worker', `must be a file: URL in Node, got ${spec.protocol} (${String(spec).slice(0, 80)})`);
    return;
  }
  if (typeof spec === 'string') {
    if (!isAbsolute(spec) && !spec.startsWith('file:')) throw new HyperParameterError('worker', `must be an absolute path or a file: URL (resolve a relative one first, e.g. new URL('./worker.js', import.meta.url)), got ${JSON.stringify(spec.slice(0, 120))}`);
    return;
  }
  throw new HyperParameterError('worker', `must be a file URL, an absolute path or a function returning a Worker, got ${show(spec)}`);
}

function createWorker(spec: NodeTrainInWorkerOptions['worker']): Worker {
  if (typeof spec === 'function') {
    const w = spec() as unknown;
    if (!(w instanceof Worker)) throw new HyperParameterError('worker', `the function must return a worker_threads Worker, returned ${show(w)}`);
    return w;
  }
  if (spec !== undefined) return new Worker(spec);
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./node-worker.js', self));
  // descent running from its TypeScript sources (its own tests, under tsx): load the worker through tsx too.
  const entry = new URL('./node-worker.ts', self).href;
  return new Worker(`import('tsx/esm/api').then((api) => api.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(self)}))`, { eval: true });
}

/**
 * Trains a model in a worker_threads Worker: the API of the browser build (see descent-ml/worker), with
 * the same progress events, result and stop(). Same seed, data and options give the same bits as train().
 */
export function trainInWorker(job: WorkerJob, options: NodeTrainInWorkerOptions = {}): WorkerTraining {
  checkWorkerSpec((options as { worker?: unknown } | null)?.worker);
  return startTraining((onMessage, onFailure) => {
    const worker = createWorker(options.worker);
    worker.on('message', onMessage);
    worker.on('error', (e) => onFailure(e instanceof Error ? e : new Error(String(e))));
    worker.on('messageerror', (e) => onFailure(e instanceof Error ? e : new Error(String(e))));
    worker.on('exit', (code) => onFailure(new Error(`descent: the training worker exited (code ${code}) before sending a result`)));
    return {
      post: (m, t) => worker.postMessage(m, t),
      terminate: () => void worker.terminate(),
    };
  }, job, options, ['worker']);
}
