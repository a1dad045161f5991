// Penalties with scikit-learn's alpha / l1Ratio, exact zeros from the L1 treatments, and averaged SGD.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { linear, train, Trainer, type Model, type TrainOptions } from '../src/index.ts';
import { BACKENDS, bitEqual, maxDiff, sparseRegression, use } from './toolkit-helpers.ts';
// Issue 15: train() standardizes by default; these runs compare with references on the given data, so they pass standardize: false.

/** Gradient of the mean squared-error data loss ½(w·x + b − y)² in f64 at the model's parameters. */
function dataGrad(m: Model, x: Float32Array, y: Float32Array, d: number): Float64Array {
  const w = m.params, n = y.length, g = new Float64Array(d + 1);
  for (let i = 0; i < n; i++) {
    let e = w[d] - y[i];
    for (let j = 0; j < d; j++) e += w[j] * x[i * d + j];
    for (let j = 0; j < d; j++) g[j] += e * x[i * d + j] / n;
    g[d] += e / n;
  }
  return g;
}

for (const b of BACKENDS) {
  test(`[${b}] L1 (cumulative penalty, plain SGD): exact zeros and the lasso optimality conditions`, async () => {
    await use(b);
    const { ds, x, y, d } = sparseRegression();
    const alpha = 0.05;
    const m = linear({ features: d });
    // Full batch with a constant lr: SGD + the cumulative penalty is then a proximal-gradient method and
    // converges to the lasso solution itself, which the KKT conditions below characterise.
    const r = train(m, ds, { standardize: false, optimizer: { name: 'sgd', lr: 0.2 }, batch: 'full', epochs: 300, penalty: 'l1', alpha });
    assert.is(r.stopReason, 'epochs');
    const w = m.params;
    for (const j of [1, 2, 4, 5, 6, 7, 8, 9]) assert.is(w[j], 0, `weight ${j} is exactly zero`);
    assert.ok(Math.abs(w[0] - 2.95) < 0.03 && Math.abs(w[3] + 1.95) < 0.03, `kept weights ${w[0]}, ${w[3]}`);
    const g = dataGrad(m, x, y, d);
    for (let j = 0; j < d; j++) {
      if (w[j] !== 0) assert.ok(Math.abs(g[j] + alpha * Math.sign(w[j])) < 1e-3, `stationary in weight ${j}: ${g[j]}`);
      else assert.ok(Math.abs(g[j]) <= alpha * 1.001, `subgradient condition at zero weight ${j}: |${g[j]}| ≤ α`);
    }
    assert.ok(Math.abs(g[d]) < 1e-3, 'the bias is not penalised');
    m.dispose();
    ds.dispose();
  });

  test(`[${b}] elastic net (orthant-wise with Adam, cumulative with mini-batch SGD): zeros below 1e-6, others kept`, async () => {
    await use(b);
    const { ds, x, y, d } = sparseRegression();
    const alpha = 0.05, l1Ratio = 0.8;
    const runs: [string, TrainOptions][] = [
      ['adam, full batch', { optimizer: { name: 'adam', lr: 0.02 }, batch: 'full', epochs: 1500, schedule: { name: 'cosine' } }],
      ['sgd + momentum, mini-batches', { optimizer: { name: 'sgd', lr: 0.02, momentum: 0.9 }, batch: 20, epochs: 60, schedule: { name: 'exponential', gamma: 0.9 } }],
      ['sgd, stochastic', { optimizer: { name: 'sgd', lr: 0.01 }, batch: 'stochastic', epochs: 20, schedule: { name: 'invScaling', powerT: 0.25 } }],
    ];
    for (const [what, o] of runs) {
      const m = linear({ features: d });
      train(m, ds, { standardize: false, ...o, penalty: 'elasticnet', alpha, l1Ratio, seed: 1 });
      const w = m.params;
      for (const j of [1, 2, 4, 5, 6, 7, 8, 9]) assert.ok(Math.abs(w[j]) < 1e-6, `${what}: weight ${j} = ${w[j]}`);
      // Elastic-net solution for nearly orthonormal features: w = (β − αρ·sign β) / (1 + α(1 − ρ)).
      const w0 = (3 - alpha * l1Ratio) / (1 + alpha * (1 - l1Ratio)), w3 = (-2 + alpha * l1Ratio) / (1 + alpha * (1 - l1Ratio));
      assert.ok(Math.abs(w[0] - w0) < 0.06 && Math.abs(w[3] - w3) < 0.06, `${what}: kept weights ${w[0]}, ${w[3]} vs ≈ ${w0}, ${w3}`);
      if (what.startsWith('adam')) {
        const g = dataGrad(m, x, y, d);
        for (const j of [0, 3]) {
          const r = g[j] + alpha * (1 - l1Ratio) * w[j] + alpha * l1Ratio * Math.sign(w[j]);
          assert.ok(Math.abs(r) < 2e-3, `${what}: stationary in weight ${j} (${r})`);
        }
      }
      m.dispose();
    }
    ds.dispose();
  });

  test(`[${b}] penalty 'l2' with alpha is the plain l2 option, bit for bit`, async () => {
    await use(b);
    const { ds, d } = sparseRegression(100);
    const a = linear({ features: d }), c = linear({ features: d });
    const o: TrainOptions = { optimizer: { name: 'sgd', lr: 0.05 }, batch: 10, epochs: 5, seed: 4 };
    train(a, ds, { ...o, l2: 0.01 });
    train(c, ds, { ...o, penalty: 'l2', alpha: 0.01 });
    assert.ok(bitEqual(a.params, c.params));
    a.dispose();
    c.dispose();
    ds.dispose();
  });

  test(`[${b}] averaged SGD equals a naive average of the iterates (shuffled mini-batches, average from step 7)`, async () => {
    await use(b);
    const { ds, d } = sparseRegression(120);
    const opts: TrainOptions = { optimizer: { name: 'sgd', lr: 0.05 }, batch: 16, epochs: 4, seed: 9, average: 7 };
    // The naive loop: one step at a time, reading the iterate after each, averaging in f64. Once the run
    // ends the model holds the average, and save() still gives the last iterate.
    const naive = new Float64Array(d + 1);
    let count = 0;
    const m1 = linear({ features: d });
    const t = new Trainer(m1, ds, opts);
    while (!t.done && t.step(1) === 1) {
      if (t.steps < 7) continue;
      const w = t.done ? Float32Array.from(t.save().model.params) : m1.params;
      count++;
      for (let i = 0; i <= d; i++) naive[i] += (w[i] - naive[i]) / count;
    }
    t.dispose();
    const m2 = linear({ features: d });
    const r = train(m2, ds, opts);
    assert.is(count, r.steps - 7 + 1, 'iterates averaged: steps 7 … last');
    assert.ok(maxDiff(m2.params, naive) < 1e-5, `average differs by ${maxDiff(m2.params, naive)}`);
    assert.ok(bitEqual(m1.params, m2.params), 'stepping one batch at a time ends with the same average');
    m1.dispose();
    m2.dispose();
    ds.dispose();
  });

  test(`[${b}] averaged SGD matches an independent f64 SGD + averaging loop (full batch)`, async () => {
    await use(b);
    const { ds, x, y, d } = sparseRegression(80);
    const n = y.length, lr = 0.1, steps = 40;
    const m = linear({ features: d });
    train(m, ds, { standardize: false, optimizer: { name: 'sgd', lr }, batch: 'full', epochs: steps, average: true });
    const w = new Float64Array(d + 1), avg = new Float64Array(d + 1);
    for (let t = 1; t <= steps; t++) {
      const g = new Float64Array(d + 1);
      for (let i = 0; i < n; i++) {
        let e = w[d] - y[i];
        for (let j = 0; j < d; j++) e += w[j] * x[i * d + j];
        for (let j = 0; j < d; j++) g[j] += e * x[i * d + j] / n;
        g[d] += e / n;
      }
      for (let j = 0; j <= d; j++) w[j] -= lr * g[j];
      for (let j = 0; j <= d; j++) avg[j] += (w[j] - avg[j]) / t;
    }
    assert.ok(maxDiff(m.params, avg) < 1e-4, `differs by ${maxDiff(m.params, avg)}`);
    assert.ok(maxDiff(m.params, w) > 1e-2, 'the average is not the last iterate');
    m.dispose();
    ds.dispose();
  });
}

test.run();
