// The script of a pool worker, as source text: Node runs it with `new Worker(code, { eval: true })`, so no
// file has to be found next to the package's modules (tsx, dist and bundlers alike). It instantiates the
// shared module over the shared memory and enters the kernels' worker loop (assembly/threads.ts poolWork),
// which returns only when the pool quits. Around the loop it counts itself in the pool's `ready` word; an
// error (instantiation, a trap) is posted on the worker's port and flagged in `error`, and `done` is
// bumped so that thread 0, which may be waiting for this worker's blocks, wakes up and ends the run.
import { POOL } from '../backends/abi.generated.js';

/** The worker's source; workerData = { module, memory, pool (byte address), tid, port }. */
export function poolWorkerSource(): string {
  const word = (slot: number) => `(w.pool >> 2) + ${2 * slot}`;
  return `'use strict';
const { workerData: w } = require('node:worker_threads');
const view = () => new Int32Array(w.memory.buffer);
let counted = false;
try {
  const instance = new WebAssembly.Instance(w.module, { env: { memory: w.memory, abort(_m, _f, line, col) {
    throw new Error('kernel aborted at ' + line + ':' + col);
  } } });
  Atomics.add(view(), ${word(POOL.ready)}, 1);
  counted = true;
  Atomics.notify(view(), ${word(POOL.ready)});
  instance.exports.poolWork(w.pool, w.tid);
} catch (e) {
  try { w.port.postMessage({ message: String((e && e.message) || e), name: String((e && e.name) || 'Error') }); } catch {}
  const a = view();
  Atomics.store(a, ${word(POOL.error)}, w.tid + 1);
  Atomics.add(a, ${word(POOL.done)}, 1);
  Atomics.notify(a, ${word(POOL.done)});
  Atomics.notify(a, ${word(POOL.ready)});
} finally {
  if (counted) Atomics.sub(view(), ${word(POOL.ready)}, 1);
  Atomics.notify(view(), ${word(POOL.ready)});
  w.port.close();
}
`;
}
