// The browser thread host: pool workers are Web Workers started from a Blob of the source below (no file
// to find next to a bundle, under esbuild, Vite or webpack alike; a Blob worker inherits the page's
// cross-origin isolation). Imported for its side effect by the training worker's script
// (src/worker/descent-worker.ts) only: the page's bundle keeps the two plain binaries, and a page's main
// thread may not block on Atomics.wait anyway, so in a browser threads run inside trainInWorker.
//
// A Web Worker started by a thread that then blocks may never start (its script is loaded through the
// creating thread's event loop: Emscripten's PTHREAD_POOL_SIZE problem), and Chromium does not even deliver
// a postMessage sent by a worker that then blocks in Atomics.wait. So workers are prepared before the
// synchronous train() runs — prepareThreads starts them, hands each the module, the memory and a mailbox
// (a small SharedArrayBuffer) and awaits their answer — and then sleep on their mailbox; spawn() writes a
// pool and a thread id into one and wakes it: no message crosses while thread 0 blocks.
// The pool protocol around poolWork is shared with the Node host (worker-source.ts): count in `ready`, flag
// `error` and bump `done` on a failure. A failing worker writes its message into its mailbox, which
// failure() decodes (a message could not be read synchronously).
import { poolWorkerRun } from './worker-source.js';
import { setThreadHost } from '../backends/thread-host.js';
import { registerSharedTwins } from '../backends/wasm.js';
import { simdThreadsWasm, scalarThreadsWasm } from '../backends/binaries-threads.generated.js';
import { DescentError } from '../errors.js';

/** UTF-16 code units of a failure message a worker can leave (longer ones are cut). */
const MESSAGE_UNITS = 1024;
/** How long prepareThreads waits for a worker's first message. */
const PREPARE_MS = 30000;

/** Mailbox Int32 words: state (0 idle, 1 pool given, 2 quit), pool, thread id, message length; then the message. */
const MAIL = { state: 0, pool: 1, tid: 2, length: 3, text: 16 } as const;

const SOURCE = `'use strict';
self.onmessage = (e) => {
  self.onmessage = null;
  const w = e.data, mail = new Int32Array(w.mailbox, 0, 4);
  self.postMessage('idle');
  while (Atomics.load(mail, 0) === 0) Atomics.wait(mail, 0, 0);
  if (Atomics.load(mail, 0) !== 1) { self.close(); return; }
  const pool = mail[1], tid = mail[2];
  ${poolWorkerRun({
    w: 'w', pool: 'pool', tid: 'tid',
    report: `const text = String((err && err.name) || 'Error') + ': ' + String((err && err.message) || err);
  const out = new Uint16Array(w.mailbox, ${MAIL.text}), n = Math.min(text.length, out.length);
  for (let i = 0; i < n; i++) out[i] = text.charCodeAt(i);
  Atomics.store(mail, 3, n);`,
    finish: 'self.close();',
  })}
};
`;

/** A prepared worker: the Worker, its mailbox and the memory it was given. */
interface Prepared {
  worker: Worker;
  mail: Int32Array;
  memory: WebAssembly.Memory;
}

let url: string | null = null;
const idle: Prepared[] = [];
let live = 0;

function start(module: WebAssembly.Module, memory: WebAssembly.Memory): Promise<Prepared> {
  url ??= URL.createObjectURL(new Blob([SOURCE], { type: 'text/javascript' }));
  const worker = new Worker(url);
  live++;
  const mailbox = new SharedArrayBuffer(MAIL.text + 2 * MESSAGE_UNITS);
  const p: Prepared = { worker, mail: new Int32Array(mailbox, 0, 4), memory };
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => {
      end(p);
      fail(new DescentError('E_THREAD', `threads: a pool worker did not start within ${PREPARE_MS} ms`));
    }, PREPARE_MS);
    worker.onmessage = () => {
      clearTimeout(timer);
      worker.onmessage = null;
      worker.onerror = null;
      ok(p);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      clearTimeout(timer);
      end(p);
      fail(new DescentError('E_THREAD', `threads: a pool worker failed to load${e.message ? `: ${e.message}` : ' (is blob: allowed by the worker-src policy?)'}`));
    };
    worker.postMessage({ module, memory, mailbox });
  });
}

/** Wakes an idle worker to leave, and ends it. */
function end(p: Prepared): void {
  Atomics.store(p.mail, MAIL.state, 2);
  Atomics.notify(p.mail, MAIL.state);
  p.worker.terminate();
  live--;
}

/**
 * Starts Web Workers until `n` are idle over `module` and `memory`, awaiting each one's answer, so that a
 * synchronous train({ threads: n + 1 }) in this worker can hand them its pool. trainInWorker's worker calls it.
 */
export async function prepareThreads(module: WebAssembly.Module, memory: WebAssembly.Memory, n: number): Promise<void> {
  const want = Math.max(0, n - idle.length);
  const started = await Promise.allSettled(Array.from({ length: want }, () => start(module, memory)));
  for (const s of started) if (s.status === 'fulfilled') idle.push(s.value);
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Ends the prepared workers no pool took. */
export function releaseThreads(): void {
  for (const p of idle.splice(0)) end(p);
}

registerSharedTwins({ simd: simdThreadsWasm, scalar: scalarThreadsWasm });

setThreadHost({
  spawn(_module, memory, pool, tid) {
    const i = idle.findIndex((p) => p.memory === memory);
    if (i < 0) {
      throw new DescentError('E_THREAD', 'threads: no prepared pool worker (in a browser, threads run inside trainInWorker, which prepares them before train() blocks)');
    }
    const p = idle.splice(i, 1)[0];
    p.mail[MAIL.pool] = pool;
    p.mail[MAIL.tid] = tid;
    Atomics.store(p.mail, MAIL.state, 1);
    Atomics.notify(p.mail, MAIL.state);
    let ended = false;
    return {
      terminate() {
        if (ended) return;
        ended = true;
        p.worker.terminate();
        live--;
      },
      failure() {
        const n = Atomics.load(p.mail, MAIL.length);
        return n > 0 ? String.fromCharCode(...new Uint16Array(p.mail.buffer, MAIL.text, n)) : undefined;
      },
    };
  },
  cores: () => (typeof navigator === 'object' && navigator.hardwareConcurrency) || 1,
  live: () => live,
  prepare: prepareThreads,
  release: releaseThreads,
});
