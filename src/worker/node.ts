// trainInWorker for Node (the `node` condition of `descent-ml/worker`): the same API and the same runner as
// in browsers, on a worker_threads Worker.
import { Worker } from 'node:worker_threads';
import { startTraining, type TrainInWorkerOptions, type WorkerJob, type WorkerTraining } from './client.js';

export type { WorkerJob, WorkerTraining, TrainInWorkerOptions, WorkerHost } from './client.js';
export type { BatchEvent, ModelSpec, ProgressEvent, WorkerTrainOptions, WorkerTrainResult, SerializedError } from './protocol.js';

/** Options of the Node trainInWorker. */
export interface NodeTrainInWorkerOptions extends TrainInWorkerOptions {
  /** The worker script (a file URL or path), or a function returning a started worker_threads Worker. */
  worker?: URL | string | (() => Worker);
}

function createWorker(spec: NodeTrainInWorkerOptions['worker']): Worker {
  if (typeof spec === 'function') return spec();
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
  }, job, options);
}
