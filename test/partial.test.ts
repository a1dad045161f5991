// Online and out-of-core training. The property that matters: k partial fits over the batches of an
// epoch give bit for bit the parameters of train() with shuffle: false, the same batch size and the
// same optimizer, on every backend; trainStream over a CSV file does the same with bounded memory.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync, statSync } from 'node:fs';
import { backend } from '../src/runtime/index.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  init, Dataset, linear, logistic, softmax, train, partialFit, resetPartialFit, trainStream, evaluateStream,
  csvBatches, csvStats, HyperParameterError, DataError, type BackendName, type Model, type OptimizerOptions,
} from '../src/node.js';
import { PartialFitter } from '../src/training/partial.js';
import { makeRegression, makeClassification, csvChunks, regressionChunks } from '../src/synthetic.js';
import { formatCSV } from '../src/data/csv/format.js';
// Issue 15: train() standardizes by default; these runs compare with references on the given data, so they pass standardize: false.

const BACKENDS: BackendName[] = ['js', 'wasm-scalar', 'wasm-simd'];
const dir = mkdtempSync(join(tmpdir(), 'descent-partial-'));

function rows(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}

function sameBits(a: Float32Array, b: Float32Array, what: string): void {
  assert.is(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) assert.unreachable(`${what}: parameter ${i} differs: ${a[i]} vs ${b[i]}`);
  }
}

interface Case {
  name: string;
  make: () => { ds: Dataset; model: () => Model };
  optimizer: OptimizerOptions;
  batch: number;
  l2?: number;
}

const CASES: Case[] = [
  {
    name: 'softmax · adam · iris · batch 16',
    make: () => {
      const ds = Dataset.builtin('iris');
      ds.standardize(ds.stats());
      return { ds, model: () => softmax({ features: 4, classes: 3 }) };
    },
    optimizer: { name: 'adam', lr: 0.05 }, batch: 16,
  },
  {
    name: 'logistic · sgd nesterov · synthetic · batch 7, l2',
    make: () => {
      const d = makeClassification({ samples: 150, features: 6, seed: 3 });
      return { ds: Dataset.fromArrays(d.x, d.y, { features: 6 }), model: () => logistic({ features: 6 }) };
    },
    optimizer: { name: 'sgd', lr: 0.1, momentum: 0.9, nesterov: true }, batch: 7, l2: 0.01,
  },
  {
    name: 'linear · adamw · synthetic regression · batch 32',
    make: () => {
      const d = makeRegression({ samples: 100, features: 5, noise: 1, seed: 9 });
      return { ds: Dataset.fromArrays(d.x, d.y, { features: 5 }), model: () => linear({ features: 5 }) };
    },
    optimizer: { name: 'adamw', lr: 0.1 }, batch: 32,
  },
  {
    name: 'linear · huber ε 0.5 (the loss parameter reaches the kernel) · rmsprop · batch 10',
    make: () => {
      const d = makeRegression({ samples: 60, features: 4, noise: 5, seed: 2 });
      return { ds: Dataset.fromArrays(d.x, d.y, { features: 4 }), model: () => linear({ features: 4, loss: 'huber', epsilon: 0.5 }) };
    },
    optimizer: { name: 'rmsprop', lr: 0.05 }, batch: 10,
  },
];

for (const be of BACKENDS) {
  for (const c of CASES) {
    test(`${be}: k partial fits over one epoch's batches = one epoch of train(shuffle: false) — ${c.name}`, async () => {
      await init({ backend: be });
      const { ds, model } = c.make();
      const viaTrain = model(), viaPartial = model(), viaOneCall = model(), viaStream = model();
      const opts = { optimizer: c.optimizer, l2: c.l2 };
      const epochs = 2;
      const r = train(viaTrain, ds, { standardize: false, ...opts, batch: c.batch, epochs, shuffle: false });
      // One call per batch.
      const f = new PartialFitter(viaPartial, opts);
      const losses: number[] = [];
      for (let e = 0; e < epochs; e++) {
        let sum = 0;
        for (let s = 0; s < ds.rows; s += c.batch) {
          const sub = ds.subset(rows(s, Math.min(ds.rows, s + c.batch)));
          const out = f.partialFit(sub);
          assert.is(out.steps, 1);
          assert.not.ok(out.diverged);
          sum += out.loss * out.rows;
          sub.dispose();
        }
        losses.push(sum / ds.rows);
        if (e === 0) sameBits(viaPartial.params, (() => {
          const m = model();
          train(m, ds, { standardize: false, ...opts, batch: c.batch, epochs: 1, shuffle: false });
          const p = m.params;
          m.dispose();
          return p;
        })(), 'after one epoch');
      }
      sameBits(viaPartial.params, viaTrain.params, 'per-batch calls, two epochs');
      assert.equal(losses, r.history.map((h) => h.loss), 'epoch losses match train()');
      assert.is(f.steps, r.steps);
      f.dispose();
      // One call per epoch with { batch }: the same steps.
      const g = new PartialFitter(viaOneCall, { ...opts, batch: c.batch });
      for (let e = 0; e < epochs; e++) g.partialFit(ds);
      g.dispose();
      sameBits(viaOneCall.params, viaTrain.params, 'one call per epoch');
      // trainStream over array batches (copied into backend memory per batch).
      const x = ds.x, y = ds.y, d = ds.features;
      const batches = function* () {
        for (let s = 0; s < ds.rows; s += c.batch) {
          const e = Math.min(ds.rows, s + c.batch);
          yield { x: x.subarray(s * d, e * d), y: y.subarray(s, e) };
        }
      };
      const rs = await trainStream(viaStream, batches, { ...opts, epochs });
      sameBits(viaStream.params, viaTrain.params, 'trainStream');
      assert.equal(rs.history.map((h) => h.loss), r.history.map((h) => h.loss));
      assert.is(rs.samples, epochs * ds.rows);
      for (const m of [viaTrain, viaPartial, viaOneCall, viaStream]) m.dispose();
      ds.dispose();
    });
  }
}

test('optimizer state carries over between calls (Adam moments, step count)', async () => {
  await init({ backend: 'wasm-simd' });
  const d = makeRegression({ samples: 64, features: 4, seed: 1 });
  const ds = Dataset.fromArrays(d.x, d.y, { features: 4 });
  const kept = linear({ features: 4 }), fresh = linear({ features: 4 });
  const f = new PartialFitter(kept, { optimizer: { name: 'adam', lr: 0.1 } });
  f.partialFit(ds);
  f.partialFit(ds);
  for (let i = 0; i < 2; i++) {
    const g = new PartialFitter(fresh, { optimizer: { name: 'adam', lr: 0.1 } });
    g.partialFit(ds);
    g.dispose();
  }
  // With the state kept, Adam's second step is bias-corrected for t = 2; restarting makes it a first step again.
  assert.not.equal(Array.from(kept.params), Array.from(fresh.params));
  assert.is(f.steps, 2);
  assert.is(f.rowsSeen, 128);
  f.dispose();
  kept.dispose();
  fresh.dispose();
  ds.dispose();
});

test('partialFit(model, …) keeps one fitter per model; changing options needs resetPartialFit', async () => {
  await init({ backend: 'wasm-simd' });
  const d = makeClassification({ samples: 40, features: 3, informative: 2, redundant: 0, seed: 2 });
  const a = logistic({ features: 3 }), b = logistic({ features: 3 });
  const opt = { optimizer: { name: 'adam', lr: 0.05 } as const };
  const batch = { x: d.x, y: d.y };
  partialFit(a, batch, opt);
  partialFit(a, batch); // options may be omitted after the first call
  const f = new PartialFitter(b, opt);
  f.partialFit(batch);
  f.partialFit(batch);
  f.dispose();
  assert.equal(a.params, b.params);
  try {
    partialFit(a, batch, { optimizer: { name: 'sgd', lr: 0.05 } });
    assert.unreachable('different options must be refused');
  } catch (e) {
    assert.instance(e, HyperParameterError);
    assert.match((e as Error).message, /resetPartialFit/);
  }
  resetPartialFit(a);
  partialFit(a, batch, { optimizer: { name: 'sgd', lr: 0.05 } });
  a.dispose();
  b.dispose();
});

test('a diverging call puts parameters and optimizer state back; bad batches are typed errors', async () => {
  await init({ backend: 'wasm-simd' });
  const d = makeRegression({ samples: 32, features: 3, bias: 1e4, seed: 6 });
  const model = linear({ features: 3 });
  const f = new PartialFitter(model, { optimizer: { name: 'sgd', lr: 10 } });
  let out;
  let before = model.params;
  for (let i = 0; i < 50; i++) {
    before = model.params;
    out = f.partialFit({ x: d.x, y: d.y });
    if (out.diverged) break;
  }
  assert.ok(out!.diverged, 'lr 10 on targets near 1e4 diverges');
  assert.equal(model.params, before, 'parameters as before the diverging call');
  assert.ok(model.params.every(Number.isFinite));
  try {
    f.partialFit({ x: [[1, 2]], y: [0] });
    assert.unreachable();
  } catch (e) {
    assert.ok(e instanceof Error && /3|features/.test(e.message), (e as Error).message);
  }
  const cls = softmax({ features: 3, classes: 2 });
  const g = new PartialFitter(cls);
  try {
    g.partialFit({ x: [[1, 2, 3]], y: [5] });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, DataError);
  }
  g.dispose();
  f.dispose();
  model.dispose();
  cls.dispose();
  try {
    await trainStream(linear({ features: 1 }), [{ x: [[1]], y: [1] }], { epochs: 2 });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, HyperParameterError);
    assert.match((e as Error).message, /source factory/);
  }
});

test('trainStream over a CSV file (csvBatches) equals train(shuffle: false) on the same rows', async () => {
  await init({ backend: 'wasm-simd' });
  const d = makeClassification({ samples: 500, features: 5, classes: 3, informative: 3, seed: 8 });
  const path = join(dir, 'cls.csv');
  writeFileSync(path, formatCSV(d.x, d.y, 5));
  const stats = await csvStats(path);
  assert.is(stats.rows, 500);
  const ds = Dataset.fromCSV(path);
  const exact = ds.stats();
  assert.equal(stats.mean, exact.mean, 'streamed statistics are the in-memory ones, bit for bit');
  assert.equal(stats.std, exact.std);
  ds.standardize(stats);
  const a = softmax({ features: 5, classes: 3 }), b = softmax({ features: 5, classes: 3 });
  const optimizer = { name: 'adam', lr: 0.02 } as const;
  const r = train(a, ds, { standardize: false, optimizer, batch: 64, epochs: 3, shuffle: false });
  const rs = await trainStream(b, () => csvBatches(path, { batch: 64, standardize: stats }), { optimizer, epochs: 3 });
  sameBits(b.params, a.params, 'stream vs train');
  assert.equal(rs.history.map((h) => h.loss), r.history.map((h) => h.loss));
  assert.is(rs.stopReason, 'epochs');
  const whole = a.evaluate(ds);
  const streamed = await evaluateStream(b, csvBatches(path, { batch: 37, standardize: stats }));
  assert.is(streamed.rows, 500);
  assert.is(streamed.accuracy, whole.accuracy);
  assert.ok(Math.abs(streamed.loss - whole.loss) < 1e-12 * whole.loss, `loss ${streamed.loss} vs ${whole.loss}`);
  a.dispose();
  b.dispose();
  ds.dispose();
});

test('streaming keeps backend memory bounded by a batch, not the file', async () => {
  await init({ backend: 'wasm-simd' });
  const path = join(dir, 'big.csv');
  const o = { samples: 20_000, features: 16, informative: 8, noise: 1, seed: 3 };
  writeFileSync(path, [...csvChunks(regressionChunks(o, 5000))].join(''));
  const size = statSync(path).size;
  const model = linear({ features: 16 });
  // Live allocations, not the memory's size: other suites in this process may have grown the memory already.
  const be = backend();
  const before = be.liveBytes();
  let peak = 0;
  const rs = await trainStream(model, () => csvBatches(path, { batch: 256 }), {
    optimizer: { name: 'sgd', lr: 0.001 },
    onBatch: () => { peak = Math.max(peak, be.liveBytes() - before); },
  });
  assert.is(rs.samples, o.samples);
  assert.ok(rs.history[0].loss < 1e5 && Number.isFinite(rs.history[0].loss));
  // The data as float32 would be 20,000 × 17 × 4 = 1.4 MB; at most a batch (256 × 17 × 4 = 17 KB) and the
  // fitter's buffers may be live at once. (No lower bound: blocks other suites dropped may be collected and
  // freed while this streams, so live − before can even be negative; the bound that matters is the upper one.)
  assert.ok(peak < 64 * 1024, `${peak} bytes live in backend memory while streaming a ${size}-byte file`);
  assert.ok(be.liveBytes() <= before, 'everything freed afterwards (blocks other tests dropped may be collected meanwhile)');
  model.dispose();
});

test.run();
