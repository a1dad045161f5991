// SparseAdam and Adagrad on sparse (CSR) rows, the lazy path (assembly/sparse-adaptive.ts and its js twin) that
// updates only the batch's stored entries and the biases:
// - trajectories against torch.optim.SparseAdam / Adagrad fed the gradient's nonzero entries as a sparse tensor
//   (test/fixtures/torch-sparse-adam.json, made by scripts/fixtures/sparse-adam.py), on every backend, 1e-5;
// - the lazy path ≡ the dense-update path (the same rule over the whole gradient, forced by a clipValue that
//   never clips) bit for bit on each backend, and wasm-scalar ≡ wasm-simd bit for bit;
// - the js twin against the kernels within 1e-5 over 90 steps;
// - train()'s default on sparse data is SparseAdam (lr 0.01, cosine), and the one-time warning of a dense-update
//   run on more than 2^16 sparse features.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { init, Dataset, logistic, softmax, train, Trainer, type BackendName, type OptimizerOptions, type TrainOptions } from '../src/index.js';
import { Rng } from '../src/rng.js';
import { resetDenseUpdateWarning } from '../src/training/sparse-path.js';

interface Case {
  name: string;
  optimizer: 'SparseAdam' | 'Adagrad';
  hyper: { lr?: number; betas?: [number, number]; eps?: number; lr_decay?: number; initial_accumulator_value?: number };
  kind: 'logistic' | 'softmax';
  features: number;
  classes: number;
  batch: number;
  epochs: number;
  csr: { indptr: number[]; indices: number[]; values: number[] };
  y: number[];
  p0: number[];
  expected: number[][];
}

const ref = JSON.parse(readFileSync(new URL('./fixtures/torch-sparse-adam.json', import.meta.url), 'utf8')) as { source: string; cases: Case[] };
const BACKENDS: BackendName[] = ['js', 'wasm-scalar', 'wasm-simd'];

function optionsOf(c: Case): OptimizerOptions {
  const h = c.hyper;
  if (c.optimizer === 'SparseAdam') return { name: 'sparseAdam', lr: h.lr, betas: h.betas, eps: h.eps };
  return { name: 'adagrad', lr: h.lr, lrDecay: h.lr_decay, initialAccumulatorValue: h.initial_accumulator_value };
}

function csrOf(c: Case) {
  return { indptr: Int32Array.from(c.csr.indptr), indices: Int32Array.from(c.csr.indices), values: Float32Array.from(c.csr.values) };
}

const modelOf = (kind: string, features: number, classes: number) => (kind === 'logistic' ? logistic({ features }) : softmax({ features, classes }));

for (const c of ref.cases) {
  test(`PyTorch ${c.name}: trajectory within 1e-5 on every backend`, async () => {
    // The fixture must move: a step that changes nothing could not tell a wrong rule from a right one.
    assert.ok(Math.abs(c.expected.at(-1)![0] - c.p0[0]) > 1e-3 || Math.abs(c.expected.at(-1)!.at(-1)! - c.p0.at(-1)!) > 1e-3);
    for (const be of BACKENDS) {
      await init({ backend: be });
      const ds = Dataset.fromSparse(csrOf(c), c.y, { features: c.features });
      const m = modelOf(c.kind, c.features, c.classes);
      m.setParams(c.p0);
      const tr = new Trainer(m, ds, { optimizer: optionsOf(c), batch: c.batch, epochs: c.epochs, shuffle: false });
      try {
        for (let s = 0; s < c.expected.length; s++) {
          assert.is(tr.step(1), 1);
          const got = m.params, want = c.expected[s];
          for (let i = 0; i < want.length; i++) {
            assert.ok(Math.abs(got[i] - want[i]) <= 1e-5 * Math.max(1, Math.abs(want[i])), `${be} step ${s + 1} p[${i}]: ${got[i]} vs PyTorch ${want[i]}`);
          }
        }
        assert.ok(tr.done, 'the run has exactly the fixture\'s steps');
      } finally {
        tr.dispose();
        m.dispose();
        ds.dispose();
      }
    }
  });
}

/** Seeded CSR rows: 1..nnz distinct columns of d per row, some repeated columns across rows, values ±[0.1, 1]. */
function rows(n: number, d: number, nnz: number, k: number, seed: number) {
  const rng = new Rng(seed);
  const indptr = new Int32Array(n + 1), indices: number[] = [], values: number[] = [];
  const y = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    const cols = new Set<number>();
    const want = 1 + Math.floor(rng.next() * nnz);
    while (cols.size < want) cols.add(rng.next() < 0.3 ? Math.floor(rng.next() * 8) : Math.floor(rng.next() * d));
    for (const col of [...cols].sort((a, b) => a - b)) {
      indices.push(col);
      values.push((rng.next() < 0.5 ? -1 : 1) * (0.1 + 0.9 * rng.next()));
    }
    indptr[r + 1] = indices.length;
    y[r] = Math.floor(rng.next() * k);
  }
  return { csr: { indptr, indices: Int32Array.from(indices), values: Float32Array.from(values) }, y };
}

const RULES: OptimizerOptions[] = [
  { name: 'sparseAdam', lr: 0.05 },
  { name: 'sparseAdam', lr: 0.02, betas: [0.8, 0.95], eps: 1e-4 },
  { name: 'adagrad', lr: 0.2, lrDecay: 0.01, initialAccumulatorValue: 0.1 },
];

/** Parameters after `epochs` of the rule on seeded rows: lazily, or through the dense-update loop (clipValue 1e30 never clips). */
async function run(be: BackendName, optimizer: OptimizerOptions, kind: 'logistic' | 'softmax', batch: number, dense: boolean): Promise<Float32Array> {
  await init({ backend: be });
  const k = kind === 'logistic' ? 2 : 3, d = 301;
  const data = rows(90, d, 9, k, 7);
  const ds = Dataset.fromSparse(data.csr, data.y, { features: d });
  const m = modelOf(kind, d, k);
  // Seeded non-zero starting weights: at zero, a softmax batch of one row per class has a bias gradient of
  // Σ(1/3 − y) = 0 up to rounding, exactly 0 in one precision and ±1e-8 in another, and SparseAdam's first step
  // is ±lr for any nonzero gradient: the f64 twin would step where the f32 kernels skip.
  const rng = new Rng(17);
  m.setParams(Array.from({ length: m.size }, () => 0.2 * rng.next() - 0.1));
  try {
    const o: TrainOptions = { optimizer: structuredClone(optimizer), batch, epochs: 3, seed: 3 };
    train(m, ds, dense ? { ...o, clipValue: 1e30 } : o);
    return m.params;
  } finally {
    m.dispose();
    ds.dispose();
  }
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

for (const rule of RULES) {
  for (const kind of ['logistic', 'softmax'] as const) {
    for (const batch of [1, 3]) {
      const title = `${JSON.stringify(rule)} ${kind} batch ${batch}`;
      test(`${title}: lazy ≡ dense update per backend, scalar ≡ SIMD bit for bit, js within 1e-5`, async () => {
        const simd = await run('wasm-simd', rule, kind, batch, false);
        assert.equal(bits(simd), bits(await run('wasm-simd', rule, kind, batch, true)), 'wasm-simd: lazy ≡ dense');
        const scalar = await run('wasm-scalar', rule, kind, batch, false);
        assert.equal(bits(scalar), bits(simd), 'wasm-scalar ≡ wasm-simd');
        assert.equal(bits(scalar), bits(await run('wasm-scalar', rule, kind, batch, true)), 'wasm-scalar: lazy ≡ dense');
        const js = await run('js', rule, kind, batch, false);
        assert.equal(bits(js), bits(await run('js', rule, kind, batch, true)), 'js: lazy ≡ dense');
        let moved = 0;
        for (let i = 0; i < js.length; i++) {
          assert.ok(Math.abs(js[i] - simd[i]) <= 1e-5 * Math.max(1, Math.abs(simd[i])), `js p[${i}] ${js[i]} vs wasm ${simd[i]}`);
          if (simd[i] !== 0) moved++;
        }
        assert.ok(moved > js.length / 2, 'most parameters moved');
      });
    }
  }
}

test('untouched coordinates keep their value, moments and all (the dense step skips zero gradients)', async () => {
  for (const be of BACKENDS) {
    await init({ backend: be });
    const d = 50;
    // Rows use columns 0..19 only: columns 20..49 must stay at their start, however many steps run.
    const data = rows(40, 20, 5, 2, 11);
    const ds = Dataset.fromSparse(data.csr, data.y, { features: d });
    const m = logistic({ features: d });
    const p0 = Array.from({ length: d + 1 }, (_, i) => 0.01 * (i % 7) - 0.03);
    m.setParams(p0);
    train(m, ds, { optimizer: { name: 'sparseAdam', lr: 0.1 }, batch: 3, epochs: 2 });
    const p = m.params;
    for (let i = 20; i < d; i++) assert.is(p[i], Math.fround(p0[i]), `${be} column ${i}`);
    assert.ok(p.slice(0, 20).some((x, i) => x !== Math.fround(p0[i])), `${be}: the rows' columns moved`);
    m.dispose();
    ds.dispose();
  }
});

test("train()'s default on sparse data is sparseAdam (lr 0.01, cosine schedule)", async () => {
  for (const be of ['js', 'wasm-simd'] as const) {
    await init({ backend: be });
    const data = rows(60, 200, 6, 2, 5);
    const ds = Dataset.fromSparse(data.csr, data.y, { features: 200 });
    const a = logistic({ features: 200 }), b = logistic({ features: 200 }), c = logistic({ features: 200 });
    train(a, ds, { batch: 1, epochs: 2 });
    train(b, ds, { optimizer: { name: 'sparseAdam', lr: 0.01 }, schedule: { name: 'cosine' }, batch: 1, epochs: 2 });
    train(c, ds, { optimizer: { name: 'adam', lr: 0.01 }, schedule: { name: 'cosine' }, batch: 1, epochs: 2 });
    assert.equal(bits(a.params), bits(b.params), `${be}: default ≡ sparseAdam`);
    assert.not.equal(bits(a.params), bits(c.params), `${be}: default ≠ Adam`);
    for (const m of [a, b, c]) m.dispose();
    ds.dispose();
  }
});

test('a dense-update run on > 2^16 sparse features warns once, naming the cost and sparseAdam; lazy runs do not', async () => {
  await init({ backend: 'wasm-simd' });
  const warn = console.warn;
  const said: string[] = [];
  console.warn = (...a: unknown[]) => {
    said.push(a.map(String).join(' '));
  };
  try {
    resetDenseUpdateWarning();
    const data = rows(6, 2 ** 17, 4, 2, 9);
    const big = Dataset.fromSparse(data.csr, data.y, { features: 2 ** 17 });
    const small = Dataset.fromSparse(rows(6, 2 ** 16, 4, 2, 9).csr, data.y, { features: 2 ** 16 });
    const fit = (ds: Dataset, o: TrainOptions) => {
      const m = logistic({ features: ds.features });
      train(m, ds, { batch: 1, epochs: 1, ...o });
      m.dispose();
    };
    fit(big, {});
    fit(big, { optimizer: { name: 'sparseAdam' } });
    fit(big, { optimizer: { name: 'adagrad' } });
    fit(big, { optimizer: { name: 'sgd', lr: 0.1 }, l2: 1e-4 });
    fit(small, { optimizer: { name: 'adam' } });
    assert.equal(said, [], 'lazy runs and 2^16 features stay quiet');
    fit(big, { optimizer: { name: 'adam' } });
    assert.is(said.length, 1);
    assert.match(said[0], /'adam' on sparse data updates all 131,073 parameters at every step/);
    assert.match(said[0], /sparseAdam/);
    fit(big, { optimizer: { name: 'rmsprop' } });
    fit(big, { optimizer: { name: 'sgd', lr: 0.1, momentum: 0.9 } });
    fit(big, { optimizer: { name: 'sparseAdam' }, l2: 1e-3 });
    assert.is(said.length, 1, 'once per process');
    resetDenseUpdateWarning();
    fit(big, { optimizer: { name: 'sparseAdam' }, l2: 1e-3 });
    assert.is(said.length, 2);
    assert.match(said[1], /'sparseAdam' with an L2 term/);
    resetDenseUpdateWarning();
    fit(big, { optimizer: { name: 'sgd', lr: 0.1, momentum: 0.9 } });
    assert.match(said[2], /'sgd' with momentum on sparse data updates all/);
    big.dispose();
    small.dispose();
  } finally {
    console.warn = warn;
    resetDenseUpdateWarning();
  }
});

test.run();
