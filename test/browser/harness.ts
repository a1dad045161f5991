// The page the browser tests drive besides the demo: descent's default entry and its worker API on
// `window.harness`, loaded the way an app bundled with esbuild would load them.
import { init, backendInfo, Dataset, softmax, train, BackendError, DescentError } from '../../src/index.js';
import { parseNumericCSV } from '../../src/data/csv/numeric.js';
import { trainInWorker, type WorkerJob } from '../../src/worker/index.js';

async function sha256(a: Float32Array): Promise<string> {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function table(name: string) {
  const res = await fetch(`/data/${name}.csv`);
  return parseNumericCSV(await res.text(), `${name}.csv`);
}

/** Runs a job (data named by a built-in dataset) in a Web Worker; returns hashes and a summary. */
async function workerRun(name: string, job: Omit<WorkerJob, 'data'>) {
  const t = await table(name);
  const h = trainInWorker({ ...job, data: { x: t.x, y: t.y, features: t.features } });
  let events = 0;
  for await (const _ of h) events++;
  const r = await h.result;
  return { hash: await sha256(r.params), backend: r.backend, epochs: r.epochs, events, test: r.test, stopReason: r.stopReason };
}

/** Starts a long run, stops it after `after` progress events; reports what stop() returned. */
async function stopRun(name: string, job: Omit<WorkerJob, 'data'>, after: number) {
  const t = await table(name);
  const h = trainInWorker({ ...job, data: { x: t.x, y: t.y, features: t.features } });
  const t0 = performance.now();
  for await (const e of h) if (e.epoch >= after) break;
  const r = await h.stop();
  const finite = r.params.every((v) => Number.isFinite(v));
  const nonzero = r.params.some((v) => v !== 0);
  return { stopReason: r.stopReason, epochs: r.epochs, finite, nonzero, size: r.params.length, ms: performance.now() - t0, again: (await h.stop()).epochs };
}

/** init() on the main thread; returns the backend info or the error's class, code and message. */
async function tryInit(backend?: 'js' | 'wasm-simd' | 'wasm-scalar') {
  try {
    const info = await init(backend ? { backend } : {});
    return { ok: true, name: info.name, simd: info.simdSupported, current: backendInfo().name };
  } catch (e) {
    return { ok: false, name: (e as Error).name, isBackendError: e instanceof BackendError, isDescentError: e instanceof DescentError, code: (e as DescentError).code, message: (e as Error).message };
  }
}

/** A small training on the main thread with whatever backend is current. */
async function trainHere(name: string) {
  const t = await table(name);
  const all = Dataset.fromArrays(t.x, t.y, { features: t.features });
  const s = all.split({ every: 5 });
  const st = s.train.stats();
  s.train.standardize(st);
  s.test.standardize(st);
  const m = softmax({ features: t.features, classes: 3 });
  const r = train(m, s.train, { standardize: false, optimizer: { name: 'adam', lr: 0.05 }, epochs: 50, batch: 16, seed: 1 }); // standardized above
  const acc = m.evaluate(s.test).accuracy;
  const out = { backend: r.backend, accuracy: acc, hash: await sha256(m.params) };
  for (const d of [m, s.train, s.test, all]) d.dispose();
  return out;
}

/** A worker script that cannot be loaded: the handle must reject, not hang. */
async function missingWorker() {
  const h = trainInWorker({ data: { x: [[0, 1], [1, 0]], y: [0, 1] }, model: 'logistic' }, { worker: '/no-such-worker.js' });
  return h.result.then(() => 'resolved', (e: Error) => `${e.name}: ${e.message}`);
}

(window as unknown as { harness: unknown }).harness = { tryInit, trainHere, workerRun, stopRun, missingWorker, sha256 };
document.body.dataset.ready = '1';
