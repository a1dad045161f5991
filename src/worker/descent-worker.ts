// The Web Worker script of trainInWorker (browsers): `new Worker(url, { type: 'module' })` on this
// file's build (dist/worker/descent-worker.js). It needs no DOM and no fetch: the kernels are embedded.
import { runJob } from './runner.js';
import type { ToWorker } from './protocol.js';

interface WorkerScope {
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  postMessage(msg: unknown, transfer: Transferable[]): void;
  close(): void;
}

const scope = globalThis as unknown as WorkerScope;
scope.onmessage = (e) => {
  scope.onmessage = null; // one job per worker
  void runJob(e.data, (msg, transfer) => scope.postMessage(msg, transfer));
};
