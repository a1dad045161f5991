// The Node thread host: pool workers on worker_threads. The worker's script is source text run with
// `new Worker(code, { eval: true })`, so no file has to be found next to the package's modules (tsx, dist
// and bundlers alike). It instantiates the shared module over the shared memory and enters the kernels'
// worker loop (assembly/threads.ts poolWork), which returns only when the pool quits. Around the loop it
// counts itself in the pool's `ready` word; an error (instantiation, a trap) is posted on the worker's port
// and flagged in `error`, and `done` is bumped so that thread 0, which may be waiting for this worker's
// blocks, wakes up and ends the run. Imported for its side effect by the Node entry (src/node.ts).
import { Worker, MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { poolWorkerRun } from './worker-source.js';
import { setThreadHost } from '../backends/thread-host.js';
import { registerSharedTwins } from '../backends/wasm.js';
import { simdThreadsWasm, scalarThreadsWasm, relaxedThreadsWasm } from '../backends/binaries-threads.generated.js';

const SOURCE = `'use strict';
const { workerData: w } = require('node:worker_threads');
${poolWorkerRun({
  w: 'w', pool: 'w.pool', tid: 'w.tid',
  report: "try { w.port.postMessage({ message: String((err && err.message) || err), name: String((err && err.name) || 'Error') }); } catch {}",
  finish: 'w.port.close();',
})}
`;

let live = 0;

// The binaries' shared-memory twins live in this entry only: browser bundles stay at the two plain binaries.
registerSharedTwins({ simd: simdThreadsWasm, scalar: scalarThreadsWasm, relaxed: relaxedThreadsWasm });

setThreadHost({
  spawn(module, memory, pool, tid) {
    const { port1, port2 } = new MessageChannel();
    const w = new Worker(SOURCE, { eval: true, workerData: { module, memory, pool, tid, port: port2 }, transferList: [port2] });
    live++;
    w.on('exit', () => live--);
    w.unref();
    return {
      terminate() {
        void w.terminate();
        port1.close();
      },
      failure() {
        const m = receiveMessageOnPort(port1)?.message as { name: string; message: string } | undefined;
        return m ? `${m.name}: ${m.message}` : undefined;
      },
    };
  },
  cores: () => availableParallelism(),
  live: () => live,
});
