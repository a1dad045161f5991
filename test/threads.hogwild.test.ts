// train({ threads: n, async: true }) (Hogwild!): lock-free plain SGD on sparse rows, every thread on
// its share of each epoch's shuffled rows over the one shared weight vector. The run is NOT deterministic
// (the threads' interleaving decides which of two colliding writes survives), so nothing here asserts bit
// identity of async runs: they must finish, stay finite, let every thread step, and reach the synchronous
// run's accuracy on the spam corpus within a stated margin. Bad combinations are typed errors before anything
// is allocated; one thread, and backends without threads, run the synchronous run itself; a worker that traps
// ends the run with its error; dispose leaves no worker. Runs on the wasm backends (js: its fallback).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import {
  init, Dataset, logistic, linear, softmax, mlp, train, Trainer, HyperParameterError, DescentError, type TrainOptions,
} from '../src/node.js';
import type { SparseDataset } from '../src/data/dataset.js';
import { backend } from '../src/runtime/index.js';
import { liveWorkers } from '../src/threads/pool.js';
import { loadSpamAssassin, shuffledSplit, SPAM_PACKAGE } from '../src/text/node.js';
import { Rng } from '../src/rng.js';
import { exits, poolOf } from './_threads.js';
import { bitEqual } from './_util.js';
import { skipSuite } from './_skip.js';

// A synthetic sparse set: 3000 rows of 20 distinct columns out of 2000, labels from a sparse linear rule.
const N = 3000, D = 2000, NNZ = 20;
const rng = new Rng(11);
const truth = Float64Array.from({ length: D }, (_, j) => (j % 7 === 0 ? rng.next() * 4 - 2 : 0));
const indptr = [0], indices: number[] = [], values: number[] = [], yBin: number[] = [];
for (let r = 0; r < N; r++) {
  const cols = new Set<number>();
  while (cols.size < NNZ) cols.add(Math.floor(rng.next() * D));
  let z = 0;
  for (const c of [...cols].sort((a, b) => a - b)) {
    const v = rng.next();
    indices.push(c);
    values.push(v);
    z += truth[c] * v;
  }
  indptr.push(indices.length);
  yBin.push(z > 0 ? 1 : 0);
}
const csr = { indptr, indices, values };
const sparseSet = () => Dataset.fromSparse(csr, yBin, { features: D });
const SGD: TrainOptions = { optimizer: { name: 'sgd', lr: 0.1 }, batch: 1, l2: 1e-4, epochs: 3, seed: 4 };

const allFinite = (a: ArrayLike<number>) => Array.prototype.every.call(a, Number.isFinite);

for (const name of ['wasm-scalar', 'wasm-simd'] as const) {
  test(`${name}: async on 2 and 3 threads trains (finite loss and weights), every thread steps its share`, async () => {
    await init({ backend: name });
    const ds = sparseSet();
    for (const threads of [2, 3]) {
      const m = logistic({ features: D });
      const t = new Trainer(m, ds, { ...SGD, threads, async: true });
      assert.is(poolOf(t)?.threads, threads, 'every thread asked for runs (rows are shared, not blocks of a batch)');
      assert.ok(poolOf(t)?.async);
      const r = t.run();
      const rows = poolOf(t)!.rowsPerThread();
      t.dispose();
      assert.is(r.epochs, 3);
      assert.ok(r.history.every((h) => Number.isFinite(h.loss)), 'finite epoch losses');
      assert.ok(r.history[2].loss < r.history[0].loss, `the loss falls: ${r.history.map((h) => h.loss)}`);
      assert.ok(allFinite(m.paramsBlock.view), 'finite weights');
      assert.is(rows.length, threads);
      assert.is(rows.reduce((a, b) => a + b, 0), r.steps, 'each step was one thread\'s row');
      assert.is(r.steps, 3 * N);
      for (const [tid, n] of rows.entries()) assert.ok(Math.abs(n - r.steps / threads) <= 3 * 12 * threads, `thread ${tid} stepped ${n} of ${r.steps} rows`);
      const acc = m.evaluate(ds).accuracy!;
      assert.ok(acc > 0.85, `training accuracy ${acc}`);
      m.dispose();
    }
    await exits();
    assert.is(liveWorkers(), 0, 'dispose left no worker');
    ds.dispose();
  });

  test(`${name}: async with threads: 1 is the synchronous run, bit for bit (no pool)`, async () => {
    await init({ backend: name });
    const ds = sparseSet();
    const run = (o: TrainOptions) => {
      const m = logistic({ features: D });
      const t = new Trainer(m, ds, { ...SGD, ...o });
      assert.is(poolOf(t), null);
      t.run();
      t.dispose();
      const p = m.paramsBlock.view.slice();
      m.dispose();
      return p;
    };
    assert.ok(bitEqual(run({ threads: 1, async: true }), run({})));
    ds.dispose();
  });

  test(`${name}: a worker that traps ends an async run with its error; every thread stops, memory is freed`, async () => {
    await init({ backend: name });
    const be = backend();
    const ds = sparseSet();
    const m = linear({ features: D, loss: 'huber' });
    const before = be.liveBytes();
    await exits();
    const t = new Trainer(m, ds, { ...SGD, epochs: 4, threads: 3, async: true });
    t.step(N);
    assert.is(liveWorkers(), 2);
    poolOf(t)!.injectFault(1);
    assert.throws(() => t.step(N), (e: unknown) => e instanceof DescentError && e.code === 'E_THREAD' && /thread 1 of 3 failed: RuntimeError: unreachable/.test(e.message));
    t.dispose();
    assert.ok(be.liveBytes() <= before, 'the pool and the run freed everything');
    await exits();
    assert.is(liveWorkers(), 0, 'no worker left');
    assert.ok(allFinite(m.paramsBlock.view), 'the weights stay finite');
    m.dispose();
    ds.dispose();
  });

  test(`${name}: 30 async train/dispose cycles leave no worker and no memory behind`, async () => {
    await init({ backend: name });
    const be = backend();
    const ds = sparseSet();
    // The workers stay between runs (src/threads/crew.ts): the first run starts them, the others reuse them.
    await exits();
    const base0 = be.liveBytes();
    const warm = logistic({ features: D });
    train(warm, ds, { ...SGD, epochs: 1, threads: 2, async: true });
    warm.dispose();
    const base = be.liveBytes();
    for (let i = 0; i < 30; i++) {
      const m = logistic({ features: D });
      train(m, ds, { ...SGD, epochs: 1, threads: 2, async: true });
      m.dispose();
      assert.ok(be.liveBytes() <= base, `cycle ${i}: live bytes ${be.liveBytes()} > ${base}`);
    }
    await exits();
    assert.is(liveWorkers(), 0);
    assert.ok(be.liveBytes() <= base0, 'disposeThreads() freed the workers\' block');
    ds.dispose();
  });
}

test('async: bad values and combinations are typed errors naming the option, before anything is allocated', async () => {
  await init({ backend: 'wasm-simd' });
  const sp = sparseSet();
  const dense = Dataset.fromArrays(new Float32Array(40 * 4).fill(0.5), new Float32Array(40), { features: 4 });
  const lin = logistic({ features: D });
  const small = logistic({ features: 4 });
  const soft = softmax({ features: D, classes: 3 });
  const net = mlp({ features: D, hidden: [4], seed: 1 });
  const before = backend().liveBytes();
  const cases: [string, () => unknown, string][] = [
    ['a non-boolean', () => train(lin, sp, { ...SGD, threads: 2, async: 1 as unknown as boolean }), 'async'],
    ['without threads', () => train(lin, sp, { ...SGD, async: true }), 'threads'],
    ['dense data', () => train(small, dense, { ...SGD, threads: 2, async: true }), 'data'],
    ['a network', () => train(net, sp, { ...SGD, threads: 2, async: true }), 'model'],
    ['softmax', () => train(soft, sp, { ...SGD, threads: 2, async: true }), 'model'],
    ['adam', () => train(lin, sp, { ...SGD, optimizer: { name: 'adam' }, threads: 2, async: true }), 'optimizer'],
    ['the default optimizer (adam)', () => train(lin, sp, { threads: 2, async: true }), 'optimizer'],
    ['momentum', () => train(lin, sp, { ...SGD, optimizer: { name: 'sgd', momentum: 0.9 }, threads: 2, async: true }), 'optimizer.momentum'],
    ['batch 32', () => train(lin, sp, { ...SGD, batch: 32, threads: 2, async: true }), 'batch'],
    ['clipNorm', () => train(lin, sp, { ...SGD, clipNorm: 1, threads: 2, async: true }), 'clipNorm'],
    ['L1', () => train(lin, sp, { ...SGD, l2: undefined, penalty: 'l1', alpha: 1e-4, threads: 2, async: true }), 'penalty'],
    ['averaging', () => train(lin, sp, { ...SGD, average: true, threads: 2, async: true }), 'average'],
  ];
  for (const [what, f, param] of cases) {
    assert.throws(f, (e: unknown) => e instanceof HyperParameterError && e.param === param, `${what}: HyperParameterError on '${param}'`);
  }
  assert.is(backend().liveBytes(), before, 'nothing allocated');
  // async: false is the option's default: a plain run.
  train(lin, sp, { ...SGD, epochs: 1, async: false });
  // batch defaults to 1 under async (Hogwild! steps one row at a time).
  const r = train(lin, sp, { optimizer: { name: 'sgd', lr: 0.1 }, epochs: 1, threads: 2, async: true });
  assert.is(r.steps, N);
  for (const x of [lin, small, soft, net, sp, dense]) x.dispose();
});

test('js backend: async falls back to the synchronous single-thread run (the threads warning), same result', async () => {
  await init({ backend: 'js' });
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (s: string) => warnings.push(s);
  const ds = sparseSet();
  try {
    const run = (o: TrainOptions) => {
      const m = logistic({ features: D });
      train(m, ds, { ...SGD, epochs: 1, ...o });
      const p = m.paramsBlock.view.slice();
      m.dispose();
      return p;
    };
    assert.ok(bitEqual(run({ threads: 2, async: true }), run({})));
  } finally {
    console.warn = warn;
    ds.dispose();
  }
  // async's own one-time warning (a plain `threads` run's, tested in threads.test.ts, stays separate).
  assert.equal(warnings, ['descent: threads fall back to 1: the js backend runs on one thread (async: true runs the synchronous single-thread run)']);
});

let spamInstalled = true;
try {
  createRequire(import.meta.url).resolve(SPAM_PACKAGE);
} catch {
  spamInstalled = false;
}

if (!spamInstalled) {
  skipSuite(test, 'hogwild on spam', `${SPAM_PACKAGE} is not installed (npm ci installs the devDependencies)`);
} else {
  // scikit-learn's SGDClassifier settings, as test/sparse.spam.test.ts: the synchronous run's figures there are
  // 0.9645–0.9678 over seeds 0–4. Async must reach ≥ 0.95 on every seed and its mean within MARGIN of the
  // synchronous mean (the spread between shuffling seeds is ~0.003; lost updates and the L2 timing add some).
  const MARGIN = 0.006;
  test('spam: async on 2 threads reaches the synchronous accuracy (within 0.006 on the mean of 3 seeds, each ≥ 0.95)', async () => {
    await init({ backend: 'wasm-simd' });
    const spam = loadSpamAssassin();
    const { train: tr, test: te } = shuffledSplit(spam.texts.length, { seed: 13 });
    const ds = Dataset.fromText(Array.from(tr, (i) => spam.texts[i]), Array.from(tr, (i) => spam.labels[i])) as SparseDataset;
    const xt = ds.vectorizer!.transform(Array.from(te, (i) => spam.texts[i]));
    const yt = Array.from(te, (i) => spam.labels[i]);
    const O: TrainOptions = {
      optimizer: { name: 'sgd', lr: 1 }, schedule: { name: 'optimal' }, penalty: 'l2', alpha: 1e-4, batch: 1,
      epochs: 1000, tol: 1e-3, nIterNoChange: 5,
    };
    const fit = (o: TrainOptions) => {
      const m = logistic({ features: ds.features });
      const t = new Trainer(m, ds, { ...O, ...o });
      const r = t.run();
      const rows = poolOf(t)?.rowsPerThread() ?? [];
      t.dispose();
      assert.ok(r.history.every((h) => Number.isFinite(h.loss)), 'finite losses');
      assert.ok(allFinite(m.paramsBlock.view), 'finite weights');
      const p = m.predict(xt);
      m.dispose();
      let ok = 0;
      for (let i = 0; i < yt.length; i++) ok += p[i] === yt[i] ? 1 : 0;
      return { acc: ok / yt.length, epochs: r.epochs, steps: r.steps, stop: r.stopReason, rows };
    };
    const seeds = [0, 1, 2];
    const sync = seeds.map((seed) => fit({ seed }));
    const hog = seeds.map((seed) => fit({ seed, threads: 2, async: true }));
    const mean = (a: { acc: number }[]) => a.reduce((s, x) => s + x.acc, 0) / a.length;
    const show = (a: { acc: number; epochs: number }[]) => a.map((x) => `${x.acc.toFixed(4)} (${x.epochs} epochs)`).join(' ');
    console.log(`  spam, seeds 0–2: synchronous ${show(sync)}, mean ${mean(sync).toFixed(4)}; async 2 threads ${show(hog)}, mean ${mean(hog).toFixed(4)}`);
    for (const h of hog) {
      assert.ok(h.acc >= 0.95, `async accuracy ${h.acc} ≥ 0.95`);
      assert.is(h.stop, 'tol', 'async stops by tol/nIterNoChange, decided at the epoch barrier');
      assert.is(h.rows.length, 2);
      assert.is(h.rows[0] + h.rows[1], h.steps);
      for (const n of h.rows) assert.ok(n >= 0.45 * h.steps, `each thread stepped its share: ${h.rows}`);
    }
    assert.ok(mean(hog) >= mean(sync) - MARGIN, `async mean ${mean(hog)} within ${MARGIN} of the synchronous ${mean(sync)}`);
    ds.dispose();
  });
}

test.run();
