// The page test/browser.threads.test.ts drives: trainInWorker with train: { threads } (the pool runs inside the
// training worker), served cross-origin isolated and not; and train({ threads }) on the page's main thread,
// which must fall back to one thread with the reason. Exposed on `window.threadsHarness`.
import { init, backendInfo, Dataset, logistic, train, DescentError } from '../../src/index.js';
import { trainInWorker } from '../../src/worker/index.js';
import { threadJobs } from './thread-jobs.js';

async function sha256(a: Float32Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(a.buffer, a.byteOffset, a.byteLength)));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Every shared job at each thread count, in the training worker: parameter hashes and the threads used. */
async function determinism(counts: number[]) {
  const out: { job: string; threads: number; hash: string; used: number; reason: string | null; workerThreads: unknown }[] = [];
  for (const j of threadJobs()) {
    for (const threads of counts) {
      const h = trainInWorker({ data: { x: j.x, y: j.y, features: j.features }, model: j.model, train: { ...j.train, threads } }, { transfer: false });
      const info = await h.ready;
      const r = await h.result;
      out.push({ job: j.name, threads, hash: await sha256(r.params), used: r.threads!.used, reason: r.threads!.reason, workerThreads: info.threads });
    }
  }
  return out;
}

/** A long run on 2 threads, stopped a few ms after its first epoch: stop() → result latency. */
async function stopLatency(delayMs: number) {
  const j = threadJobs().find((t) => t.name.startsWith('MLP mini-batch'))!;
  const h = trainInWorker({ data: { x: j.x, y: j.y, features: j.features }, model: j.model, train: { ...j.train, epochs: 10_000, threads: 2 } }, { stopTimeoutMs: 5000 });
  await Promise.race([new Promise<void>((ok) => h.on('progress', () => ok())), h.result]);
  await new Promise((ok) => setTimeout(ok, delayMs));
  const t0 = performance.now();
  const r = await h.stop();
  return { ms: performance.now() - t0, stopReason: r.stopReason, used: r.threads?.used ?? null, evaluated: r.train !== undefined };
}

/** A pool thread traps mid-run: the error trainInWorker rejects with. */
async function fault() {
  const j = threadJobs().find((t) => t.name.startsWith('MLP mini-batch'))!;
  const h = trainInWorker({ data: { x: j.x, y: j.y, features: j.features }, model: j.model, train: { ...j.train, epochs: 100, threads: 3 }, fault: { thread: 2, afterSteps: 3 } });
  return h.result.then(() => 'resolved', (e: unknown) => `${(e as DescentError).name} ${(e as DescentError).code}: ${(e as Error).message}`);
}

/** train({ threads: 2 }) on this page's main thread: it must run on one thread, warn once and say why. */
async function mainThread() {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...a: unknown[]) => warnings.push(a.map(String).join(' '));
  try {
    await init();
    const j = threadJobs()[0];
    const ds = Dataset.fromArrays(j.x, j.y, { features: j.features });
    const m = logistic({ features: j.features });
    train(m, ds, { ...j.train, epochs: 1, threads: 2 });
    train(m, ds, { ...j.train, epochs: 1, threads: 2 });
    m.dispose();
    ds.dispose();
    return { threads: backendInfo().threads, warnings, isolated: globalThis.crossOriginIsolated, cores: navigator.hardwareConcurrency };
  } finally {
    console.warn = warn;
  }
}

/**
 * For bench/threads-browser.bench.ts: one epoch of an MLP 784-128-10 at batch 256 over `rows` random rows, in
 * the training worker, threads 1 and 2 alternating `rounds` times; the worker's train() milliseconds.
 */
/**
 * Per round, one trainInWorker job of 3 epochs on 1 and on 2 threads; returns each job's third epoch in ms
 * (a fresh worker's first epoch also pays the module's compilation tiers and the pool's start).
 */
async function speed(rows: number, rounds: number, batch = 256) {
  let s = 7;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const x = Float32Array.from({ length: rows * 784 }, rnd), y = Float32Array.from({ length: rows }, () => Math.floor(rnd() * 10));
  const ms: Record<string, number[]> = { 1: [], 2: [] };
  for (let r = 0; r < rounds; r++) {
    for (const threads of [1, 2]) {
      const h = trainInWorker({ data: { x, y, features: 784 }, model: { kind: 'mlp', hidden: [128], classes: 10, seed: 1 },
        train: { optimizer: { name: 'adam', lr: 1e-3 }, batch, epochs: 3, seed: 1, standardize: false, threads } }, { transfer: false });
      const res = await h.result;
      if (res.threads!.used !== threads) throw new Error(`asked ${threads} threads, used ${res.threads!.used}: ${res.threads!.reason}`);
      ms[threads].push(res.history[2].ms - res.history[1].ms);
    }
  }
  return ms;
}

(window as unknown as { threadsHarness: unknown }).threadsHarness = { determinism, stopLatency, fault, mainThread, speed };
document.body.dataset.ready = '1';
