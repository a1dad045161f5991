// trainInWorker on Node's worker_threads: the same runner as the browser's Web Worker. Progress events, the
// async iterator, the result, typed errors across the thread boundary, transferred buffers, stop(), and
// bit-identical parameters against train() in-process.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, Dataset, softmax, train, Model, DataError, HyperParameterError, ShapeError, BackendError, type ModelJSON } from '../src/index.js';
import { loadBuiltin } from '../src/data/builtin.js';
import { trainInWorker as trainInWorkerDefault, type BatchEvent, type ProgressEvent } from '../src/worker/node.js';
import { bitEqual } from './_util.js';
import { bundledWorker } from './_worker.js';

// Most tests run the worker script bundled once (test/_worker.ts); the first uses the default (tsx) path.
const trainInWorker = bundledWorker(test, 'worker-test');

const iris = loadBuiltin('iris');
const data = () => ({ x: iris.x.slice(), y: iris.y.slice(), features: iris.features });

test('progress events, the async iterator and the result agree; the result equals train() in-process', async () => {
  const opts = { optimizer: { name: 'adam' as const, lr: 0.05 }, batch: 16, epochs: 30, seed: 5 };
  const seen: ProgressEvent[] = [];
  const h = trainInWorkerDefault({ data: data(), model: { kind: 'softmax', classes: 3 }, train: opts, split: { every: 5 }, standardize: true, predictions: true },
    { progressMs: 0, onProgress: (e) => seen.push(e) });
  const info = await h.ready;
  assert.is(info.name, 'wasm-simd');
  const iterated: ProgressEvent[] = [];
  for await (const e of h) iterated.push(e);
  const r = await h.result;
  assert.is(r.stopReason, 'epochs');
  assert.is(r.epochs, 30);
  assert.equal(iterated.map((e) => e.epoch), Array.from({ length: 30 }, (_, i) => i + 1));
  assert.equal(seen, iterated);
  assert.equal(r.history, iterated);
  for (const e of iterated) assert.ok(Number.isFinite(e.loss) && e.lr === 0.05 && e.ms >= 0);
  assert.equal(r.rows, { train: 120, test: 30 });
  assert.ok(r.test!.accuracy! >= 0.9, `test accuracy ${r.test!.accuracy}`);
  assert.is(r.predictions!.length, 30);
  assert.is(r.stats!.mean.length, 4);
  // A second iterator replays from the start.
  let again = 0;
  for await (const _ of h) again++;
  assert.is(again, 30);

  await init({ backend: 'wasm-simd' });
  const all = Dataset.fromArrays(iris.x, iris.y, { features: 4 });
  const s = all.split({ every: 5 });
  const m = softmax({ features: 4, classes: 3 });
  const direct = train(m, s.train, opts); // standardize: true in both, train()'s default
  assert.ok(bitEqual(r.params, m.params), 'worker and in-process parameters are bit-identical');
  // The result carries the model with its preprocessing: raw rows in, the worker's predictions out.
  assert.equal(Array.from(r.stats!.mean), Array.from(m.preprocessing!.mean));
  const back = Model.fromJSON(r.model as ModelJSON);
  assert.equal(Array.from(back.predict(s.test.x)), Array.from(r.predictions!));
  assert.equal(Array.from(m.predict(s.test.x)), Array.from(r.predictions!));
  back.dispose();
  assert.equal(r.history.map((e) => e.loss), direct.history.map((e) => e.loss));
  for (const d of [m, s.train, s.test, all]) d.dispose();
});

test('batch events report progress inside long epochs; they do not change the result', async () => {
  // Stochastic epochs of 120 rows on a 4,096-row run would all end inside one run; 12,000 rows of iris
  // repeated make each epoch several runs long, so batch events come between epoch events.
  const reps = 100;
  const x = new Float32Array(iris.x.length * reps), y = new Float32Array(iris.y.length * reps);
  for (let i = 0; i < reps; i++) {
    x.set(iris.x, i * iris.x.length);
    y.set(iris.y, i * iris.y.length);
  }
  const opts = { optimizer: { name: 'sgd' as const, lr: 0.001 }, batch: 'stochastic' as const, epochs: 2, shuffle: true, seed: 3 };
  const batches: BatchEvent[] = [];
  const h = trainInWorker({ data: { x: x.slice(), y: y.slice(), features: 4 }, model: { kind: 'softmax', classes: 3 }, train: opts },
    { progressMs: 0, onBatch: (e) => batches.push(e) });
  const r = await h.result;
  assert.ok(batches.length >= 4, `${batches.length} batch events`);
  for (const e of batches) {
    assert.ok(e.epoch >= 1 && e.epoch <= 2 && e.batches === 15000 && e.batch > 0 && e.batch < e.batches, JSON.stringify(e));
    assert.ok(Number.isFinite(e.loss) && e.lr === 0.001 && e.steps === (e.epoch - 1) * 15000 + e.batch, JSON.stringify(e));
  }
  for (let i = 1; i < batches.length; i++) assert.ok(batches[i].steps > batches[i - 1].steps, 'steps increase');
  await init({ backend: 'wasm-simd' });
  const ds = Dataset.fromArrays(x, y, { features: 4 });
  const m = softmax({ features: 4, classes: 3 });
  train(m, ds, opts);
  assert.ok(bitEqual(r.params, m.params), 'batch events do not change the parameters');
  m.dispose();
  ds.dispose();
});

test('data buffers are transferred, not copied: the caller\'s Float32Arrays are detached (transfer: false keeps them)', async () => {
  const x = iris.x.slice(), y = iris.y.slice();
  const h = trainInWorker({ data: { x, y, features: 4 }, model: { kind: 'softmax', classes: 3 }, train: { epochs: 2 } });
  assert.is(x.byteLength, 0, 'x was moved into the worker');
  assert.is(y.byteLength, 0, 'y was moved into the worker');
  await h.result;
  const x2 = iris.x.slice(), y2 = iris.y.slice();
  const h2 = trainInWorker({ data: { x: x2, y: y2, features: 4 }, model: { kind: 'softmax', classes: 3 }, train: { epochs: 2 } }, { transfer: false });
  assert.is(x2.length, 600);
  assert.is(y2.length, 150);
  await h2.result;
  // A view into a larger buffer is copied, never detaching the rest of the caller's buffer.
  const big = new Float32Array(1000);
  big.set(iris.x, 0);
  const view = big.subarray(0, 600);
  await trainInWorker({ data: { x: view, y: Array.from(iris.y), features: 4 }, model: { kind: 'softmax', classes: 3 }, train: { epochs: 1 } }).result;
  assert.is(big.length, 1000);
});

test('stop() ends at an epoch boundary or between runs of batches (shared flag) and returns the parameters so far, evaluated', async () => {
  const h = trainInWorker({ data: data(), model: { kind: 'softmax', classes: 3 }, train: { optimizer: { name: 'sgd', lr: 0.01 }, batch: 'stochastic', epochs: 1_000_000 }, split: { every: 5 }, standardize: true });
  for await (const e of h) if (e.epoch >= 5) break;
  const r = await h.stop();
  assert.is(r.stopReason, 'stopped');
  assert.ok(r.epochs >= 5 && r.epochs < 1_000_000, `${r.epochs} epochs`);
  assert.is(r.history.length, r.epochs);
  // The flag is also read between runs of batches (a long epoch on threads must not run on): the last epoch
  // may be cut, so the steps are those of the whole epochs plus at most one partial epoch's.
  assert.ok(r.steps >= r.epochs * 120 && r.steps < (r.epochs + 1) * 120, `${r.steps} steps in ${r.epochs} whole epochs`);
  assert.ok(r.train !== undefined && r.test !== undefined, 'a clean stop still evaluates');
  assert.ok(r.params.some((v) => v !== 0) && r.params.every(Number.isFinite));
  assert.is((await h.stop()).epochs, r.epochs, 'stop() is idempotent');
  assert.is((await h.result).epochs, r.epochs);
});

test('stop() before the first epoch returns the starting parameters', async () => {
  const start = Array.from({ length: 15 }, (_, i) => i / 10);
  const h = trainInWorker({ data: data(), model: { kind: 'softmax', classes: 3 }, params: start, train: { epochs: 1000 } });
  const r = await h.stop();
  assert.is(r.stopReason, 'stopped');
  assert.ok(r.epochs <= 1);
  if (r.epochs === 0) assert.equal(Array.from(r.params), Array.from(Float32Array.from(start)));
});

test('typed errors: bad data throws before a worker starts; bad options reject with the worker\'s typed error', async () => {
  assert.throws(() => trainInWorker({ data: { x: [[1, 2], [3]], y: [0, 1] }, model: 'logistic' }), (e: Error) => e instanceof ShapeError && /row 1 has 1 values/.test(e.message));
  assert.throws(() => trainInWorker({ data: { x: [[1, NaN]], y: [0] }, model: 'logistic' }), (e: Error) => e instanceof DataError && (e as DataError).row === 0);
  assert.throws(() => trainInWorker({ data: { x: [[1, 2]], y: [0, 1] }, model: 'logistic' }), (e: Error) => e instanceof ShapeError && /y has 2 values but x has 1 rows/.test(e.message));
  assert.throws(() => trainInWorker({ data: data(), model: { kind: 'softmax' } }), /classes must be an integer/);
  assert.throws(() => trainInWorker({ data: data(), model: 'tree' as never }), (e: Error) => e instanceof HyperParameterError);
  assert.throws(() => trainInWorker({ data: data(), model: 'linear', train: { onEpoch: () => {} } as never }), /callbacks cannot cross/);

  const lr = trainInWorker({ data: data(), model: { kind: 'softmax', classes: 3 }, train: { optimizer: { name: 'adam', lr: -1 } } });
  const e1 = await lr.result.then(() => null, (e) => e);
  assert.instance(e1, HyperParameterError);
  assert.is(e1.param, 'optimizer.lr');
  assert.is(e1.message, 'optimizer.lr: must be ≥ 0, got -1');
  assert.is(e1.code, 'E_HYPER');
  let iterErr: unknown = null;
  try {
    for await (const _ of lr) { /* none */ }
  } catch (e) {
    iterErr = e;
  }
  assert.is(iterErr, e1, 'the iterator throws the same error');

  const labels = trainInWorker({ data: data(), model: 'logistic' });
  const e2 = await labels.result.then(() => null, (e) => e);
  assert.instance(e2, DataError);
  assert.match(e2.message, /label at row 100 is 2; a logistic model needs 0 or 1/);
  assert.is(e2.row, 100);

  const backend = trainInWorker({ data: data(), model: 'linear', backend: 'cuda' as never });
  const e3 = await backend.result.then(() => null, (e) => e);
  assert.instance(e3, HyperParameterError);
  assert.is(e3.param, 'backend');

  const missing = trainInWorker({ data: data(), model: 'linear' }, { worker: new URL('./no-such-worker.js', import.meta.url) });
  const e4 = await missing.result.then(() => null, (e) => e);
  assert.ok(e4 instanceof Error && !(e4 instanceof BackendError) && /no-such-worker|Cannot find/.test(e4.message), String(e4));
});

test('a diverging run reports it, with the last finite parameters', async () => {
  const r = await trainInWorker({ data: data(), model: 'linear', train: { optimizer: { name: 'sgd', lr: 10 }, batch: 'full', epochs: 200 } }).result;
  assert.is(r.stopReason, 'diverged');
  assert.ok(r.divergedAt! >= 1);
  assert.ok(r.params.every(Number.isFinite));
});

test('a validation set crosses as arrays (valLoss in the history, early stopping); saveState returns the state', async () => {
  const t = loadBuiltin('breast-cancer');
  const rows = t.rows, d = t.features;
  const pick = (keep: (r: number) => boolean) => {
    const idx = Array.from({ length: rows }, (_, r) => r).filter(keep);
    return { x: Float32Array.from(idx.flatMap((r) => Array.from(t.x.subarray(r * d, r * d + d)))), y: Float32Array.from(idx.map((r) => t.y[r])) };
  };
  const tr = pick((r) => r % 5 !== 0 && r % 7 !== 0), val = pick((r) => r % 7 === 0 && r % 5 !== 0);
  const r = await trainInWorker({
    data: { ...tr, features: d }, validation: val, model: 'logistic', standardize: true,
    train: { optimizer: { name: 'adam', lr: 0.05 }, epochs: 200, patience: 3, saveState: true, seed: 2 },
  }).result;
  assert.ok(r.history.every((e) => typeof e.valLoss === 'number' && typeof e.valMetric === 'number'), 'valLoss/valMetric recorded');
  assert.is(r.stopReason, 'early-stopping');
  assert.is(r.state?.format, 'descent-train-state');
  assert.throws(() => trainInWorker({ data: data(), model: 'linear', train: { validation: {} } as never }), /give its arrays as the job's validation/);
});

test('backend choice crosses into the worker: js and wasm-scalar', async () => {
  for (const backend of ['js', 'wasm-scalar'] as const) {
    const h = trainInWorker({ data: data(), model: { kind: 'softmax', classes: 3 }, backend, train: { epochs: 3 } });
    assert.is((await h.ready).name, backend);
    assert.is((await h.result).backend, backend);
  }
});

test.run();
