// The worker_threads script of trainInWorker (Node): the same runner as the Web Worker script, with the
// Node thread host, so that train: { threads } runs its pool inside this worker.
import { parentPort } from 'node:worker_threads';
import '../threads/node-host.js';
import { runJob } from './runner.js';
import type { ToWorker } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('descent: node-worker.js must run in a worker_threads Worker');
port.once('message', (msg: ToWorker) => {
  void runJob(msg, (m, transfer) => port.postMessage(m, transfer));
});
