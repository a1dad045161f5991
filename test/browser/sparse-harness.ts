// The page side of test/worker.sparse.browser.test.ts: a sparse dataset (Dataset.fromText) trained in a Web
// Worker (CSR arrays transferred) and by train() on the page, on the backend asked for; the page reports both.
import { init, Dataset, softmax, train } from '../../src/index.js';
import { trainInWorker } from '../../src/worker/index.js';

const WORDS = ['free', 'pills', 'winner', 'offer', 'meeting', 'report', 'lunch', 'project', 'goal', 'team', 'score', 'coach'];

(window as unknown as { __sparse: unknown }).__sparse = async (backend: 'js' | 'wasm-scalar' | 'wasm-simd') => {
  await init({ backend });
  let s = 7;
  const next = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const texts: string[] = [], labels: number[] = [];
  for (let i = 0; i < 240; i++) {
    const c = Math.floor(next() * 3);
    texts.push(Array.from({ length: 6 }, () => WORDS[(next() < 0.7 ? c * 4 : Math.floor(next() * 3) * 4) + Math.floor(next() * 4)]).join(' '));
    labels.push(c);
  }
  const ds = Dataset.fromText(texts, labels, { features: 2048, ngramRange: [1, 2] });
  const opts = { optimizer: { name: 'sgd' as const, lr: 0.5 }, schedule: { name: 'optimal' as const }, penalty: 'l2' as const, alpha: 1e-4, batch: 1, epochs: 3, seed: 2 };
  const r = await trainInWorker({ data: ds, model: { kind: 'softmax', classes: 3 }, train: opts, backend }, { worker: './descent-worker.js' }).result;
  const m = softmax({ features: 2048, classes: 3 });
  const direct = train(m, ds, opts);
  const p = m.params;
  let same = p.length === r.params.length;
  for (let i = 0; i < p.length && same; i++) same = Object.is(p[i], r.params[i]);
  const out = { same, backend: r.backend, worker: r.history.map((h) => h.loss), direct: direct.history.map((h) => h.loss), accuracy: r.train!.accuracy! };
  m.dispose();
  ds.dispose();
  return out;
};
