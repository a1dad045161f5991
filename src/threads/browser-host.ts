// The browser thread host: pool workers are Web Workers started from a Blob of the source below (no file
// to find next to a bundle, under esbuild, Vite or webpack alike; a Blob worker inherits the page's
// cross-origin isolation). Imported for its side effect by the training worker's script
// (src/worker/descent-worker.ts) only: the page's bundle keeps the two plain binaries, and a page's main
// thread may not block on Atomics.wait anyway, so in a browser threads run inside trainInWorker.
//
// A Web Worker started by a thread that then blocks may never start (its script is loaded through the
// creating thread's event loop: Emscripten's PTHREAD_POOL_SIZE problem). So workers are prepared before the
// synchronous train() runs — prepareThreads(n) starts them and awaits their first message — and spawn()
// hands an idle one its pool by postMessage, which a running worker receives whatever its creator does.
// The pool protocol around poolWork is the Node host's (src/threads/node-host.ts): count in `ready`, flag
// `error` and bump `done` on a failure. postMessage cannot be read synchronously, so a failing worker
// writes its message into a small SharedArrayBuffer of its own, which failure() decodes.
import { POOL } from '../backends/abi.generated.js';
import { setThreadHost, type PoolWorker } from '../backends/thread-host.js';
import { registerSharedTwins } from '../backends/wasm.js';
import { simdThreadsWasm, scalarThreadsWasm } from '../backends/binaries-threads.generated.js';
import { DescentError } from '../errors.js';

/** UTF-16 code units of a failure message a worker can leave (longer ones are cut). */
const MESSAGE_UNITS = 1024;
/** How long prepareThreads waits for a worker's first message. */
const PREPARE_MS = 30000;

const word = (slot: number) => `(w.pool >> 2) + ${2 * slot}`;
const SOURCE = `'use strict';
self.onmessage = (e) => {
  self.onmessage = null;
  const w = e.data;
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
  } catch (err) {
    const text = String((err && err.name) || 'Error') + ': ' + String((err && err.message) || err);
    const out = new Uint16Array(w.failure, 4), n = Math.min(text.length, out.length);
    for (let i = 0; i < n; i++) out[i] = text.charCodeAt(i);
    Atomics.store(new Int32Array(w.failure, 0, 1), 0, n);
    const a = view();
    Atomics.store(a, ${word(POOL.error)}, w.tid + 1);
    Atomics.add(a, ${word(POOL.done)}, 1);
    Atomics.notify(a, ${word(POOL.done)});
    Atomics.notify(a, ${word(POOL.ready)});
  } finally {
    if (counted) Atomics.sub(view(), ${word(POOL.ready)}, 1);
    Atomics.notify(view(), ${word(POOL.ready)});
    self.close();
  }
};
self.postMessage('idle');
`;

let url: string | null = null;
const idle: Worker[] = [];
let live = 0;

function start(): Promise<Worker> {
  url ??= URL.createObjectURL(new Blob([SOURCE], { type: 'text/javascript' }));
  const w = new Worker(url);
  live++;
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => {
      end(w);
      fail(new DescentError('E_THREAD', `threads: a pool worker did not start within ${PREPARE_MS} ms`));
    }, PREPARE_MS);
    w.onmessage = () => {
      clearTimeout(timer);
      w.onmessage = null;
      w.onerror = null;
      ok(w);
    };
    w.onerror = (e) => {
      e.preventDefault();
      clearTimeout(timer);
      end(w);
      fail(new DescentError('E_THREAD', `threads: a pool worker failed to load${e.message ? `: ${e.message}` : ' (is blob: allowed by the worker-src policy?)'}`));
    };
  });
}

function end(w: Worker): void {
  w.terminate();
  live--;
}

/**
 * Starts Web Workers until `n` are idle, awaiting each one's first message, so that a synchronous
 * train({ threads: n + 1 }) in this worker can hand them its pool. trainInWorker's worker calls it.
 */
export async function prepareThreads(n: number): Promise<void> {
  const want = Math.max(0, n - idle.length);
  const started = await Promise.allSettled(Array.from({ length: want }, start));
  for (const s of started) if (s.status === 'fulfilled') idle.push(s.value);
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Ends the prepared workers no pool took. */
export function releaseThreads(): void {
  for (const w of idle.splice(0)) end(w);
}

registerSharedTwins({ simd: simdThreadsWasm, scalar: scalarThreadsWasm });

setThreadHost({
  spawn(module, memory, pool, tid) {
    const w = idle.pop();
    if (!w) {
      throw new DescentError('E_THREAD', 'threads: no prepared pool worker (in a browser, threads run inside trainInWorker, which prepares them before train() blocks)');
    }
    const failure = new SharedArrayBuffer(4 + 2 * MESSAGE_UNITS);
    w.postMessage({ module, memory, pool, tid, failure });
    let ended = false;
    return {
      terminate() {
        if (ended) return;
        ended = true;
        end(w);
      },
      failure() {
        const n = Atomics.load(new Int32Array(failure, 0, 1), 0);
        return n > 0 ? String.fromCharCode(...new Uint16Array(failure, 4, n)) : undefined;
      },
    };
  },
  cores: () => (typeof navigator === 'object' && navigator.hardwareConcurrency) || 1,
  live: () => live,
  prepare: prepareThreads,
  release: releaseThreads,
});
