// Sparse (CSR) datasets and their kernels: parity with the dense kernels on the same rows (every linear loss,
// all three backends, sizes around the SIMD width), the lazily scaled L2 of plain SGD ≡ the plain update, and
// training with every optimizer and batching on sparse data ≡ the same run on the densified data.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Dataset, linear, logistic, mlp, softmax, train, type Model, type TrainOptions } from '../src/index.ts';
import { Rng } from '../src/rng.ts';
import { Block, disposeAll } from '../src/runtime/block.ts';
import { Run } from '../src/runtime/run.ts';
import type { SparseDataset } from '../src/data/dataset.ts';
import { BACKENDS, use } from './toolkit-helpers.ts';
import { HyperParameterError } from '../src/errors.ts';

/** Seeded CSR rows: about `density` of the `d` columns stored per row (at least one), values in [−1, 1). */
function randomCsr(rows: number, d: number, density: number, seed: number) {
  const rng = new Rng(seed);
  const indptr = [0], indices: number[] = [], values: number[] = [];
  const dense = new Float32Array(rows * d);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < d; c++) {
      if (rng.next() < density || (c === d - 1 && indices.length === indptr[r])) {
        const v = Math.fround(2 * rng.next() - 1);
        indices.push(c);
        values.push(v);
        dense[r * d + c] = v;
      }
    }
    indptr.push(indices.length);
  }
  return { csr: { indptr, indices, values }, dense };
}

/** Targets a model of this kind takes: values, 0/1 labels or class indices. */
function targets(kind: 'linear' | 'logistic' | 'softmax', rows: number, k: number, seed: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: rows }, (_, i) => (kind === 'linear' ? 2 * rng.next() - 1 : kind === 'logistic' ? i % 2 : i % k));
}

const LOSSES = [
  ['linear', 'squared'], ['linear', 'huber'], ['linear', 'epsilonInsensitive'],
  ['logistic', 'logistic'], ['logistic', 'hinge'], ['logistic', 'squaredHinge'], ['logistic', 'modifiedHuber'],
  ['softmax', 'softmax'],
] as const;

function makeModel(kind: 'linear' | 'logistic' | 'softmax', loss: string, d: number, k: number): Model {
  if (kind === 'softmax') return softmax({ features: d, classes: k });
  const o = { features: d, loss: loss as never, ...(loss === 'huber' || loss === 'epsilonInsensitive' ? { epsilon: 0.05 } : {}) };
  return kind === 'linear' ? linear(o) : logistic(o);
}

/** Loss and gradient of the model at its parameters over a window of rows idx = [order…], through be.lossGrad. */
function lossGradOf(m: Model, ds: Dataset, order: number[], start: number, count: number, l2: number) {
  const be = m.paramsBlock.backend;
  const idx = new Block(be, 'i32', order.length), grad = new Block(be, 'f32', m.size), scratch = new Block(be, 'f32', m.outputs);
  const run = new Run(be, { ...m.runFields(), ...ds.runFields(), grads: grad.ptr, scratch: scratch.ptr, idx: idx.ptr, rows: order.length, l2 });
  try {
    idx.view.set(order);
    const loss = be.lossGrad(run.ptr, start, count);
    return { loss, grad: grad.view.slice() };
  } finally {
    run.dispose();
    disposeAll(idx, grad, scratch);
  }
}

function relClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  assert.ok(worst <= tol, `max relative difference ${worst} > ${tol}`);
  return worst;
}

for (const b of BACKENDS) {
  test(`[${b}] sparse lossGrad ≡ dense lossGrad on the same rows: every linear loss, d around the SIMD width`, async () => {
    await use(b);
    for (const d of [1, 3, 4, 5, 16, 17, 65]) {
      const rows = 23, k = 3;
      const { csr, dense } = randomCsr(rows, d, 0.3, d);
      for (const [kind, loss] of LOSSES) {
        const y = targets(kind, rows, k, d + 1);
        const sp = Dataset.fromSparse(csr, y, { features: d });
        const dn = Dataset.fromArrays(dense, y, { features: d });
        const m = makeModel(kind, loss, d, k);
        const rng = new Rng(99);
        m.setParams(Array.from({ length: m.size }, () => 0.5 * (2 * rng.next() - 1)));
        const order = Array.from({ length: rows }, (_, i) => (i * 7) % rows);
        // A window in the middle of a permuted index array, one of a single row, and all the rows.
        for (const [start, count] of [[3, 11], [5, 1], [0, rows]]) {
          const s = lossGradOf(m, sp, order, start, count, 0.01);
          const t = lossGradOf(m, dn, order, start, count, 0.01);
          assert.ok(Math.abs(s.loss - t.loss) <= 1e-5 * Math.max(1, Math.abs(t.loss)), `${loss} d=${d}: loss ${s.loss} vs ${t.loss}`);
          relClose(s.grad, t.grad, 1e-5);
        }
        const es = m.evaluate(sp), ed = m.evaluate(dn);
        assert.ok(Math.abs(es.loss - ed.loss) <= 1e-5 * Math.max(1, Math.abs(ed.loss)), `${loss} d=${d}: evaluate`);
        assert.equal(es.accuracy ?? es.r2, ed.accuracy ?? ed.r2);
        assert.equal(Array.from(m.predict(sp.csr as never)), Array.from(m.predict(dense)), `${loss} d=${d}: predict`);
        m.dispose();
        sp.dispose();
        dn.dispose();
      }
    }
  });

  test(`[${b}] training on sparse rows ≡ on the densified rows: lazy-L2 SGD, every batching, other optimizers and tools`, async () => {
    await use(b);
    const rows = 60, d = 37, k = 3;
    const { csr, dense } = randomCsr(rows, d, 0.15, 5);
    const cases: [string, TrainOptions][] = [
      ['plain SGD, one row per batch, L2 (lazy scale)', { optimizer: { name: 'sgd', lr: 0.1 }, batch: 1, l2: 0.01 }],
      ['plain SGD, batch 7, penalty l2 α 1e-3', { optimizer: { name: 'sgd', lr: 0.2 }, batch: 7, penalty: 'l2', alpha: 1e-3 }],
      ['plain SGD, full batch, no penalty', { optimizer: { name: 'sgd', lr: 0.5 }, batch: 'full' }],
      ['plain SGD, optimal schedule (scikit-learn)', { optimizer: { name: 'sgd', lr: 1 }, batch: 1, penalty: 'l2', alpha: 1e-3, schedule: { name: 'optimal' } }],
      ['plain SGD, scale underflow (lr·l2 = 0.5 per step: rescaled below 1e-9)', { optimizer: { name: 'sgd', lr: 0.5 }, batch: 1, l2: 1 }],
      ['plain SGD, lr·l2 > 1 (the step flips w: applied to v)', { optimizer: { name: 'sgd', lr: 1.5 }, batch: 4, l2: 1 }],
      ['SGD with momentum (dense update)', { optimizer: { name: 'sgd', lr: 0.1, momentum: 0.9 }, batch: 5, l2: 0.01 }],
      ['adam (dense update)', { optimizer: { name: 'adam', lr: 0.01 }, batch: 8, l2: 0.01 }],
      ['adagrad, clipNorm (dense update)', { optimizer: { name: 'adagrad', lr: 0.1 }, batch: 'stochastic', clipNorm: 0.5 }],
      ['SGD, averaged (dense update)', { optimizer: { name: 'sgd', lr: 0.1 }, batch: 3, average: true }],
      ['SGD, L1 cumulative (dense update)', { optimizer: { name: 'sgd', lr: 0.1 }, batch: 3, penalty: 'l1', alpha: 1e-3 }],
    ];
    for (const [kind, loss] of [['logistic', 'logistic'], ['linear', 'squared'], ['softmax', 'softmax'], ['logistic', 'hinge']] as const) {
      const y = targets(kind, rows, k, 3);
      const sp = Dataset.fromSparse(csr, y, { features: d });
      const dn = Dataset.fromArrays(dense, y, { features: d });
      for (const [name, o] of cases) {
        // The optimal schedule's first steps (lr = 1/(α·t0)) make a regression diverge; where a diverging run
        // notices it depends on rounding, so that case is for the classifiers.
        if (kind === 'linear' && name.includes('optimal')) continue;
        const ms = makeModel(kind, loss, d, k), md = makeModel(kind, loss, d, k);
        // standardize: false: the dense twin would otherwise be standardized (sparse rows never are).
        const opts: TrainOptions = { epochs: 6, seed: 4, standardize: false, ...o };
        const rs = train(ms, sp, opts), rd = train(md, dn, opts);
        assert.is(rs.stopReason, rd.stopReason, `${loss}, ${name}`);
        assert.is(rs.steps, rd.steps, `${loss}, ${name}: steps (${rs.stopReason})`);
        // float32 tolerance: the lazy path rounds w = scale·v differently from the dense one, step after step.
        const tol = name.includes('underflow') || name.includes('flips') ? 1e-4 : 2e-5;
        relClose(rs.history.map((h) => h.loss), rd.history.map((h) => h.loss), tol);
        relClose(ms.params, md.params, tol);
        ms.dispose();
        md.dispose();
      }
      sp.dispose();
      dn.dispose();
    }
  });

  test(`[${b}] a sparse dataset splits, subsets, validates and evaluates as its dense twin`, async () => {
    await use(b);
    const rows = 40, d = 300;
    const { csr, dense } = randomCsr(rows, d, 0.02, 8);
    const y = targets('logistic', rows, 2, 1);
    const sp = Dataset.fromSparse(csr, y, { features: d }) as SparseDataset;
    const dn = Dataset.fromArrays(dense, y, { features: d });
    assert.ok(sp.sparse && !dn.sparse);
    assert.is(sp.nnz, csr.indices.length);
    const a = sp.split({ testFraction: 0.25, seed: 3 }), c = dn.split({ testFraction: 0.25, seed: 3 });
    assert.ok(a.train.sparse);
    assert.equal(Array.from(a.test.y), Array.from(c.test.y));
    const m1 = logistic({ features: d }), m2 = logistic({ features: d });
    const opts: TrainOptions = { optimizer: { name: 'sgd', lr: 0.5 }, batch: 4, epochs: 5, l2: 1e-3, validation: a.test, standardize: false };
    const r1 = train(m1, a.train, opts);
    const r2 = train(m2, c.train, { ...opts, validation: c.test });
    relClose(r1.history.map((h) => h.valLoss ?? NaN), r2.history.map((h) => h.valLoss ?? NaN), 2e-5);
    assert.equal(r1.history.map((h) => h.valMetric), r2.history.map((h) => h.valMetric));
    // validationFraction splits the sparse data itself.
    const r3 = train(logistic({ features: d }), sp, { ...opts, validation: undefined, validationFraction: 0.2 });
    assert.ok(r3.history.every((h) => Number.isFinite(h.valLoss)));
    assert.throws(() => sp.x, /sparse/);
    assert.throws(() => sp.stats(), /sparse/);
    for (const x of [a.train, a.test, c.train, c.test, sp, dn]) x.dispose();
    m1.dispose();
    m2.dispose();
  });
}

for (const b of BACKENDS) {
  test(`[${b}] interceptDecay damps the bias steps of sparse plain SGD (scikit-learn's SPARSE_INTERCEPT_DECAY)`, async () => {
    await use(b);
    // One row, one step from zero: z = 0, e = σ(0) − 1 = −0.5, so w = −lr·e·x and b = −lr·0.01·e.
    const one = Dataset.fromSparse({ indptr: [0, 2], indices: [1, 3], values: [0.5, -2] }, [1], { features: 5 });
    const m = logistic({ features: 5 });
    train(m, one, { optimizer: { name: 'sgd', lr: 0.5 }, batch: 1, epochs: 1, shuffle: false, interceptDecay: 0.01 });
    assert.equal(Array.from(m.params), [0, 0.125, 0, -0.5, 0, Math.fround(0.0025)]);
    m.dispose();
    // Unset and 1 are the same run, bit for bit; 0.01 another one.
    const { csr } = randomCsr(40, 23, 0.2, 9);
    const sp = Dataset.fromSparse(csr, targets('logistic', 40, 1, 2), { features: 23 });
    const o: TrainOptions = { optimizer: { name: 'sgd', lr: 1 }, batch: 1, epochs: 4, seed: 3, penalty: 'l2', alpha: 1e-3, schedule: { name: 'optimal' } };
    const run = (extra: TrainOptions) => {
      const mm = logistic({ features: 23 });
      train(mm, sp, { ...o, ...extra });
      const p = Array.from(mm.params);
      mm.dispose();
      return p;
    };
    const unset = run({});
    assert.equal(run({ interceptDecay: 1 }), unset);
    assert.not.equal(run({ interceptDecay: 0.01 }), unset);
    sp.dispose();
    one.dispose();
  });
}

test('interceptDecay: (0, 1], sparse data, plain SGD and not async, or a typed error before training', async () => {
  await use('wasm-simd');
  const sp = Dataset.fromSparse({ indptr: [0, 1, 2], indices: [0, 1], values: [1, 1] }, [0, 1], { features: 3 });
  const dn = Dataset.fromArrays([[1, 0, 0], [0, 1, 0]], [0, 1]);
  const m = logistic({ features: 3 });
  const before = Array.from(m.params);
  for (const [ds, o, re] of [
    [sp, { interceptDecay: 0 }, /interceptDecay.*> 0/],
    [sp, { interceptDecay: 1.5 }, /interceptDecay.*≤ 1/],
    [sp, { interceptDecay: Number.NaN }, /interceptDecay.*finite/],
    [dn, { interceptDecay: 0.01 }, /interceptDecay.*sparse/],
    [sp, { interceptDecay: 0.01, optimizer: { name: 'adam' } }, /interceptDecay.*plain SGD/],
  ] as [Dataset, TrainOptions, RegExp][]) {
    assert.throws(() => train(m, ds, { optimizer: { name: 'sgd', lr: 0.1 }, ...o }), (e: unknown) => e instanceof HyperParameterError && re.test((e as Error).message), String(re));
  }
  assert.equal(Array.from(m.params), before, 'nothing trained');
  m.dispose();
  sp.dispose();
  dn.dispose();
});

test('fromSparse: inconsistent CSR arrays are typed errors naming the row and entry, before any allocation', async () => {
  await use('wasm-simd');
  const ok = { indptr: [0, 2, 3], indices: [0, 4, 1], values: [1, 2, 3] };
  const bad: [string, unknown, unknown, RegExp][] = [
    ['indptr not starting at 0', { ...ok, indptr: [1, 2, 3] }, [0, 1], /indptr\[0\] is 1/],
    ['indptr not monotone', { ...ok, indptr: [0, 3, 2, 3] }, [0, 1, 0], /indptr\[2\] is 2/],
    ['last indptr ≠ nnz', { ...ok, indptr: [0, 2, 4] }, [0, 1], /must be the number of entries, 3/],
    ['lengths disagree', { ...ok, values: [1, 2] }, [0, 1], /indices has 3 entries but values has 2/],
    ['index out of range', { ...ok, indices: [0, 5, 1] }, [0, 1], /row 0, entry 1: column 5 is not an integer in \[0, 5\)/],
    ['negative index', { ...ok, indices: [0, 4, -1] }, [0, 1], /row 1, entry 2: column -1/],
    ['duplicate or unsorted', { ...ok, indices: [4, 0, 1] }, [0, 1], /row 0, entry 1: column 0 comes after column 4/],
    ['non-finite value', { ...ok, values: [1, NaN, 3] }, [0, 1], /row 0, column 4 \(entry 1\) is NaN/],
    ['string value', { ...ok, values: [1, '2', 3] }, [0, 1], /not a number/],
    ['labels count', ok, [0, 1, 1], /3 values but x has 2 rows/],
    ['label not finite', ok, [0, Infinity], /row 1/],
  ];
  const probe = logistic({ features: 1 });
  const be = probe.paramsBlock.backend;
  probe.dispose();
  for (const [name, csr, y, re] of bad) {
    const live = be.liveBytes();
    assert.throws(() => Dataset.fromSparse(csr as never, y as number[], { features: 5 }), re, name);
    assert.is(be.liveBytes(), live, `${name}: nothing allocated`);
  }
  assert.throws(() => Dataset.fromSparse(ok, [0, 1], {} as never), /features/);
  const ds = Dataset.fromSparse(ok, [0, 1], { features: 5 });
  assert.is(ds.rows, 2);
  // A network takes dense rows only.
  const net = mlp({ features: 5, hidden: [3], classes: 2 } as never);
  assert.throws(() => train(net, ds, { epochs: 1 }), /sparse/);
  net.dispose();
  ds.dispose();
});

test('fromText: empty, non-string texts and mismatched labels are typed errors naming the row', async () => {
  await use('js');
  assert.throws(() => Dataset.fromText(['a b', ''], [0, 1]), /row 1 is empty/);
  assert.throws(() => Dataset.fromText(['a b', '   '], [0, 1]), /row 1 is empty/);
  assert.throws(() => Dataset.fromText(['a b', 7 as never], [0, 1]), /row 1 is 7, not a string/);
  assert.throws(() => Dataset.fromText('text' as never, [0]), /array of strings/);
  assert.throws(() => Dataset.fromText([], []), /empty/);
  assert.throws(() => Dataset.fromText(['a b', 'c d'], [0]), /labels has 1 values for 2 texts/);
  assert.throws(() => Dataset.fromText(['a b', 'c d'], ['spam', 3] as never), /row 1/);
  assert.throws(() => Dataset.fromText(['a b', 'c d'], ['spam', 'eggs'], { classes: ['ham', 'spam'] }), /row 1 is "eggs"/);
  assert.throws(() => Dataset.fromText(['a b', 'c d'], [0, NaN]), /row 1/);
  assert.throws(() => Dataset.fromText(['a b', 'c d'], [0, 1], { features: 1000 }), /power of two/);
  const ds = Dataset.fromText(['Cheap pills now', 'Meeting at noon', 'cheap cheap offer'], ['spam', 'ham', 'spam'], { features: 1024 }) as SparseDataset;
  assert.equal(ds.classes, ['ham', 'spam']);
  assert.equal(Array.from(ds.y), [1, 0, 1]);
  assert.is(ds.features, 1024);
  const direct = ds.vectorizer!.transform(['Cheap pills now', 'Meeting at noon', 'cheap cheap offer']);
  assert.equal(Array.from(ds.csr.indices), Array.from(direct.indices));
  const m = logistic({ features: 1024 });
  train(m, ds, { optimizer: { name: 'sgd', lr: 1 }, epochs: 30, batch: 1 });
  assert.equal(Array.from(m.predict(ds.vectorizer!.transform(['cheap offer', 'noon meeting']))), [1, 0]);
  m.dispose();
  ds.dispose();
});

test.run();
