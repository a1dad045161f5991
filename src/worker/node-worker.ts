// The worker_threads script of trainInWorker (Node): the same runner as the Web Worker script.
import { parentPort } from 'node:worker_threads';
import { runJob } from './runner.js';
import type { ToWorker } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('descent: node-worker.js must run in a worker_threads Worker');
port.once('message', (msg: ToWorker) => {
  void runJob(msg, (m, transfer) => port.postMessage(m, transfer));
});
