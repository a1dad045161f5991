// The page of test/relaxed.browser.test.ts: the wasm-relaxed backend on the main thread and in a worker, against
// wasm-simd, on seeded synthetic rows (no fetch).
import { init, backendInfo, Dataset, mlp, train } from '../../src/index.js';
import { trainInWorker, type WorkerJob } from '../../src/worker/index.js';

let s = 11;
const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const ROWS = 600, FEATURES = 24;
const x = Float32Array.from({ length: ROWS * FEATURES }, rnd);
const y = Float32Array.from({ length: ROWS }, (_, r) => (x[r * FEATURES] + x[r * FEATURES + 1] > 1 ? 1 : 0) + (x[r * FEATURES + 2] > 0.5 ? 2 : 0));
// SGD with momentum: a product's different rounding stays rounding-sized (Adam's normalized step would magnify it).
const TRAIN = { optimizer: { name: 'sgd' as const, lr: 0.05, momentum: 0.9 }, batch: 64, epochs: 3, seed: 1 };
const MODEL = { kind: 'mlp' as const, hidden: [32], classes: 4, seed: 1 };

/** The largest difference between two parameter vectors, relative to the largest of the first. */
function worst(a: Float32Array, b: Float32Array): number {
  const scale = Math.max(...a.map(Math.abs));
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i] - b[i]) / scale);
  return w;
}

/** The MLP trained on the page with `backend`: its parameters and backendInfo's name. */
async function onPage(backend: 'wasm-simd' | 'wasm-relaxed') {
  await init({ backend });
  const ds = Dataset.fromArrays(x, y, { features: FEATURES });
  const m = mlp({ features: FEATURES, hidden: MODEL.hidden, classes: MODEL.classes, seed: MODEL.seed });
  train(m, ds, TRAIN);
  const out = { params: m.params, name: backendInfo().name };
  m.dispose();
  ds.dispose();
  return out;
}

async function relaxed() {
  const page = [await onPage('wasm-simd'), await onPage('wasm-relaxed')];
  const job = (backend: 'wasm-simd' | 'wasm-relaxed'): WorkerJob => ({ data: { x, y, features: FEATURES }, model: MODEL, train: TRAIN, backend, standardize: true });
  const w = [await trainInWorker(job('wasm-simd'), { transfer: false }).result, await trainInWorker(job('wasm-relaxed'), { transfer: false }).result];
  return {
    pageBackends: page.map((p) => p.name), pageWorst: worst(page[0].params, page[1].params), pageDiffer: page[0].params.some((v, i) => v !== page[1].params[i]),
    workerBackends: w.map((r) => r.backend), workerWorst: worst(w[0].params, w[1].params), size: w[1].params.length,
  };
}

(window as unknown as { __relaxed: unknown }).__relaxed = relaxed;
