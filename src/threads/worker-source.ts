// The part of a pool worker's script that both thread hosts share (node-host.ts: worker_threads, browser-host.ts:
// Web Workers), as source text: the hosts only differ in how a worker gets its module, memory, pool and id, and in
// how it reports a failure. The protocol around assembly/threads.ts poolWork: instantiate the module over the
// shared memory, count itself in the pool's `ready` word while inside poolWork (dispose() waits for it to reach
// 0), and on a failure flag `error` with its id and bump `done` so thread 0, which may be waiting for it, wakes.
import { POOL } from '../backends/abi.generated.js';

/** What a host's script has in scope when the shared part runs (JavaScript expressions, as text). */
export interface WorkerScope {
  /** The object holding `module` and `memory`. */
  w: string;
  /** The pool's control block (a byte address). */
  pool: string;
  /** The thread id (≥ 1). */
  tid: string;
  /** Statements that report `err` (the caught error) to the host. */
  report: string;
  /** Statements run last, whatever happened (closing the worker's port or the worker itself). */
  finish: string;
}

/** Source text of a pool worker's run: instantiate, count in `ready`, poolWork until quit; flag a failure. */
export function poolWorkerRun(s: WorkerScope): string {
  const word = (slot: number) => `(${s.pool} >> 2) + ${2 * slot}`;
  return `const view = () => new Int32Array(${s.w}.memory.buffer);
let counted = false;
try {
  const instance = new WebAssembly.Instance(${s.w}.module, { env: { memory: ${s.w}.memory, abort(_m, _f, line, col) {
    throw new Error('kernel aborted at ' + line + ':' + col);
  } } });
  Atomics.add(view(), ${word(POOL.ready)}, 1);
  counted = true;
  Atomics.notify(view(), ${word(POOL.ready)});
  instance.exports.poolWork(${s.pool}, ${s.tid});
} catch (err) {
  ${s.report}
  const a = view();
  Atomics.store(a, ${word(POOL.error)}, ${s.tid} + 1);
  Atomics.add(a, ${word(POOL.done)}, 1);
  Atomics.notify(a, ${word(POOL.done)});
  Atomics.notify(a, ${word(POOL.ready)});
} finally {
  if (counted) Atomics.sub(view(), ${word(POOL.ready)}, 1);
  Atomics.notify(view(), ${word(POOL.ready)});
  ${s.finish}
}`;
}
