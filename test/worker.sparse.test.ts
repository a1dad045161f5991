// Sparse data through trainInWorker: CSR rows (or a sparse Dataset from Dataset.fromText) cross to the worker as
// transferred typed arrays, and the run equals train() on the main thread bit for bit, on the three backends —
// in Node's worker_threads here, and in a Chromium Web Worker (test/worker.sparse.browser.test.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, Dataset, logistic, softmax, train, DataError, ShapeError } from '../src/index.js';
import type { WorkerJob } from '../src/worker/node.js';
import { prepareJob } from '../src/worker/client.js';
import { Rng } from '../src/rng.ts';
import { bitEqual } from './_util.js';
import { bundledWorker } from './_worker.js';

const trainInWorker = bundledWorker(test, 'worker-sparse');

const WORDS = ['free', 'pills', 'winner', 'offer', 'meeting', 'report', 'lunch', 'project', 'goal', 'team', 'score', 'coach'];
/** Texts whose class (0–2) shows in their words, and their labels. */
export function texts(n: number, seed: number): { texts: string[]; labels: number[] } {
  const rng = new Rng(seed);
  const out: string[] = [], labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = Math.floor(rng.next() * 3);
    out.push(Array.from({ length: 6 }, () => WORDS[(rng.next() < 0.7 ? c * 4 : Math.floor(rng.next() * 3) * 4) + Math.floor(rng.next() * 4)]).join(' '));
    labels.push(c);
  }
  return { texts: out, labels };
}

for (const backend of ['js', 'wasm-scalar', 'wasm-simd'] as const) {
  test(`${backend}: a sparse Dataset (fromText) trains in the worker to the same bits as train() here; split, test set, predictions`, async () => {
    await init({ backend });
    const { texts: t, labels } = texts(300, 1);
    const ds = Dataset.fromText(t, labels, { features: 1024, ngramRange: [1, 2] });
    const opts = { optimizer: { name: 'sgd' as const, lr: 0.5 }, schedule: { name: 'optimal' as const }, penalty: 'l2' as const, alpha: 1e-4, batch: 1, epochs: 4, seed: 3 };
    const h = trainInWorker({ data: ds, model: { kind: 'softmax', classes: 3 }, train: opts, split: { every: 5 }, predictions: true, backend });
    const r = await h.result;
    assert.is(r.backend, backend);
    assert.equal(r.rows, { train: 240, test: 60 });
    const s = ds.split({ every: 5 });
    const m = softmax({ features: 1024, classes: 3 });
    try {
      const direct = train(m, s.train, opts);
      assert.ok(bitEqual(r.params, m.params), 'worker and main-thread parameters are bit-identical');
      assert.equal(r.history.map((h) => h.loss), direct.history.map((h) => h.loss));
      assert.equal(r.test, m.evaluate(s.test));
      assert.equal(Array.from(r.predictions!), Array.from(m.predict((s.test as unknown as { csr: { indptr: Int32Array; indices: Int32Array; values: Float32Array } }).csr)));
      assert.ok(r.test!.accuracy! > 0.8, `test accuracy ${r.test!.accuracy}`);
      assert.is(ds.rows, 300, 'the caller\'s dataset is untouched');
    } finally {
      m.dispose();
      s.train.dispose();
      s.test.dispose();
      ds.dispose();
    }
  });
}

test('CSR arrays as data.x, with a sparse test and validation set: transferred copies, same bits as train()', async () => {
  await init({ backend: 'wasm-simd' });
  const tr = Dataset.fromText(texts(200, 2).texts, texts(200, 2).labels.map((c) => (c === 0 ? 1 : 0)), { features: 512 });
  const va = Dataset.fromText(texts(50, 3).texts, texts(50, 3).labels.map((c) => (c === 0 ? 1 : 0)), { features: 512 });
  const csr = (d: Dataset) => (d as unknown as { csr: { indptr: Int32Array; indices: Int32Array; values: Float32Array } }).csr;
  const c = csr(tr), cv = csr(va);
  const opts = { optimizer: { name: 'adam' as const, lr: 0.05 }, batch: 8, epochs: 5, seed: 1, patience: 100 };
  const r = await trainInWorker({
    data: { x: c, y: tr.y, features: 512 }, model: 'logistic', train: opts,
    validation: { x: cv, y: va.y }, test: va,
  }).result;
  assert.ok(c.values.length > 0 && c.indptr.length === 201, 'the caller\'s CSR arrays are copied, not detached');
  const m = logistic({ features: 512 });
  try {
    const direct = train(m, tr, { ...opts, validation: va });
    assert.ok(bitEqual(r.params, m.params));
    assert.equal(r.history.map((h) => h.valLoss), direct.history.map((h) => h.valLoss));
    assert.equal(r.test, m.evaluate(va));
  } finally {
    m.dispose();
    tr.dispose();
    va.dispose();
  }
});

test('bad sparse jobs: typed errors naming the row and entry, before any worker starts', () => {
  const job = (x: unknown, y: ArrayLike<number> = [0, 1], extra: Partial<WorkerJob> = {}) => () => prepareJob({ data: { x: x as never, y, features: 4 }, model: 'logistic', ...extra }, {});
  assert.throws(job({ indptr: [0, 2, 1], indices: [0, 1], values: [1, 1] }), (e: Error) => e instanceof ShapeError && /indptr\[2\]/.test(e.message));
  assert.throws(job({ indptr: [0, 1, 2], indices: [0, 4], values: [1, 1] }), (e: Error) => e instanceof DataError && /row 1, entry 1: column 4/.test(e.message));
  assert.throws(job({ indptr: [0, 1, 2], indices: [0, 1], values: [1] }), (e: Error) => e instanceof ShapeError && /values has 1/.test(e.message));
  assert.throws(job({ indptr: [0, 1, 2], indices: [0, 1], values: [1, NaN] }), (e: Error) => e instanceof DataError && /row 1, column 1/.test(e.message));
  assert.throws(job({ indptr: [0, 1, 2], indices: [0, 1], values: [1, 1] }, [0]), (e: Error) => e instanceof ShapeError);
  assert.throws(() => prepareJob({ data: { x: { indptr: [0, 1], indices: [0], values: [1] }, y: [1] }, model: 'logistic' }, {}), (e: Error) => e instanceof ShapeError && /features is needed/.test(e.message));
  assert.throws(job({ indptr: [0, 1, 2], indices: [0, 1], values: [1, 1] }, [0, 1], { model: { kind: 'mlp', hidden: [4] } }), (e: Error) => e instanceof ShapeError && /linear models/.test(e.message));
  assert.throws(job({ indptr: [0, 1, 2], indices: [0, 1], values: [1, 1] }, [0, 1], { test: { x: [[1, 2, 3, 4]], y: [1] } }), (e: Error) => e instanceof ShapeError && /test must be sparse/.test(e.message));
  const ok = prepareJob({ data: { x: { indptr: [0, 1, 2], indices: [0, 3], values: [1, 2] }, y: [0, 1], features: 4 }, model: 'logistic' }, {});
  assert.equal(Array.from(ok.job.csr!.indices), [0, 3]);
  assert.is(ok.transfer.length, 4, 'values, targets, indptr and indices are transferred');
});

test.run();
