// The Web Worker script of trainInWorker (browsers): `new Worker(url, { type: 'module' })` on this
// file's build (dist/worker/descent-worker.js). It needs no DOM and no fetch: the kernels are embedded.
// It registers the Web Worker thread host (and the binaries' shared-memory twins), so train: { threads }
// runs its pool here; the page's own bundle carries neither.
import '../threads/browser-host.js';
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
