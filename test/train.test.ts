// train(): convergence to known solutions on real datasets, reproducibility, stopping and divergence.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, Dataset, linear, logistic, softmax, train, type BatchOption } from '../src/index.js';
import { loadBuiltin, type BuiltinName } from '../src/data/builtin.js';
import { BACKENDS, bitEqual } from './_util.js';
// Issue 15: train() standardizes by default; runs compared with closed forms on the data as given pass standardize: false.

/** The split of data/README.md: index % 5 == 0 is test; standardize with train statistics. */
function load(name: BuiltinName) {
  const t = loadBuiltin(name);
  const all = Dataset.fromArrays(t.x, t.y, { features: t.features });
  const s = all.split({ every: 5 });
  all.dispose();
  const st = s.train.stats();
  s.train.standardize(st);
  s.test.standardize(st);
  return s;
}

/** Ordinary least squares with intercept, in f64, by the normal equations (Gauss–Jordan with pivoting). */
function leastSquares(x: Float32Array, y: Float32Array, d: number): Float64Array {
  const n = y.length, m = d + 1;
  const A = Array.from({ length: m }, () => new Float64Array(m + 1));
  for (let r = 0; r < n; r++) {
    const row = [...x.subarray(r * d, r * d + d), 1];
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) A[i][j] += row[i] * row[j];
      A[i][m] += row[i] * y[r];
    }
  }
  for (let c = 0; c < m; c++) {
    let piv = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(A[r][c]) > Math.abs(A[piv][c])) piv = r;
    [A[c], A[piv]] = [A[piv], A[c]];
    for (let r = 0; r < m; r++) {
      if (r === c) continue;
      const f = A[r][c] / A[c][c];
      for (let j = c; j <= m; j++) A[r][j] -= f * A[c][j];
    }
  }
  return Float64Array.from(A, (row, i) => row[m] / A[i][i]);
}

function r2(x: Float32Array, y: Float32Array, d: number, w: ArrayLike<number>): number {
  let mean = 0;
  for (const v of y) mean += v / y.length;
  let res = 0, tot = 0;
  for (let r = 0; r < y.length; r++) {
    let p = w[d];
    for (let j = 0; j < d; j++) p += w[j] * x[r * d + j];
    res += (y[r] - p) ** 2;
    tot += (y[r] - mean) ** 2;
  }
  return 1 - res / tot;
}

function variance(y: Float32Array): number {
  let mean = 0, v = 0;
  for (const t of y) mean += t / y.length;
  for (const t of y) v += (t - mean) ** 2 / y.length;
  return v;
}

for (const name of BACKENDS) {
  test(`${name}: linear regression on diabetes reaches the least-squares solution`, async () => {
    await init({ backend: name });
    const { train: tr, test: te } = load('diabetes');
    const ols = leastSquares(tr.x, tr.y, tr.features);
    const olsR2 = r2(te.x, te.y, te.features, ols);
    assert.ok(Math.abs(olsR2 - 0.519) < 0.005, `closed form R² ${olsR2} should be scikit-learn's 0.519`);
    const m = linear({ features: tr.features });
    const res = train(m, tr, { standardize: false, optimizer: { name: 'sgd', lr: 0.1 }, batch: 'full', epochs: 3000 });
    const got = m.evaluate(te).r2!;
    assert.ok(Math.abs(got - olsR2) <= 0.01, `R² ${got} vs least squares ${olsR2}`);
    // s1 and s2 are nearly collinear, so individual weights converge slowly along that valley; the
    // objective does not: the training loss must be the least-squares minimum to 0.1%.
    const olsLoss = (1 - r2(tr.x, tr.y, tr.features, ols)) * variance(tr.y) / 2;
    const loss = m.evaluate(tr).loss;
    assert.ok(loss >= olsLoss * (1 - 1e-6) && loss <= olsLoss * 1.001, `training loss ${loss} vs least squares ${olsLoss}`);
    assert.is(res.stopReason, 'epochs');
    m.dispose(); tr.dispose(); te.dispose();
  });

  test(`${name}: logistic on breast-cancer and softmax on digits beat SGDClassifier`, async () => {
    await init({ backend: name });
    const bc = load('breast-cancer');
    const digits = load('digits');
    for (const batch of ['full', 'stochastic', 32] as BatchOption[]) {
      const m = logistic({ features: 30 });
      train(m, bc.train, { optimizer: { name: 'adam', lr: 0.01 }, batch, epochs: batch === 'full' ? 300 : 30, seed: 1 });
      const acc = m.evaluate(bc.test).accuracy!;
      assert.ok(acc >= 0.9298, `breast-cancer ${batch}: accuracy ${acc} < 0.9298`);
      m.dispose();
      const s = softmax({ features: 64, classes: 10 });
      train(s, digits.train, { optimizer: { name: 'adam', lr: 0.01 }, batch, epochs: batch === 'full' ? 300 : 20, seed: 1 });
      const accD = s.evaluate(digits.test).accuracy!;
      assert.ok(accD >= 0.9417, `digits ${batch}: accuracy ${accD} < 0.9417`);
      s.dispose();
    }
    for (const s of [bc, digits]) { s.train.dispose(); s.test.dispose(); }
  });

  test(`${name}: same seed gives bit-identical parameters, another seed does not`, async () => {
    await init({ backend: name });
    const { train: tr, test: te } = load('wine');
    const fit = (seed: number, batch: BatchOption) => {
      const m = softmax({ features: tr.features, classes: 3 });
      train(m, tr, { optimizer: { name: 'adam', lr: 0.05 }, batch, epochs: 5, seed });
      const p = m.params;
      m.dispose();
      return p;
    };
    for (const batch of ['stochastic', 8] as BatchOption[]) {
      assert.ok(bitEqual(fit(1, batch), fit(1, batch)), `${batch}: seed 1 twice differs`);
      assert.not.ok(bitEqual(fit(1, batch), fit(2, batch)), `${batch}: seeds 1 and 2 agree`);
    }
    tr.dispose(); te.dispose();
  });

  test(`${name}: tol stops when the epoch loss stops improving`, async () => {
    await init({ backend: name });
    const { train: tr, test: te } = load('iris');
    const m = softmax({ features: 4, classes: 3 });
    const r = train(m, tr, { optimizer: { name: 'sgd', lr: 0.1 }, batch: 'full', epochs: 100000, tol: 1e-4 });
    assert.is(r.stopReason, 'tol');
    const h = r.history;
    assert.ok(h.length < 100000 && h.length > 2);
    assert.ok(h[h.length - 2].loss - h[h.length - 1].loss < 1e-4, 'last improvement below tol');
    for (let i = 1; i < h.length - 1; i++) assert.ok(h[i - 1].loss - h[i].loss >= 1e-4, `epoch ${i + 1} should not have stopped`);
    m.dispose(); tr.dispose(); te.dispose();
  });

  test(`${name}: a diverging run stops with 'diverged' and keeps the last finite parameters`, async () => {
    await init({ backend: name });
    const t = loadBuiltin('diabetes'); // unscaled features and target make lr 1e6 blow up at once
    const ds = Dataset.fromArrays(t.x, t.y, { features: t.features });
    for (const opt of [{ name: 'sgd', lr: 1e6 }, { name: 'sgd', lr: 1e-4 }, { name: 'adam', lr: 1e6 }] as const) {
      const m = linear({ features: t.features });
      const r = train(m, ds, { optimizer: opt, batch: 16, epochs: 50, seed: 3 });
      const p = m.params;
      assert.ok(p.every(Number.isFinite), `${opt.name} lr ${opt.lr}: parameters must stay finite`);
      if (r.stopReason !== 'diverged') {
        assert.ok(r.history.every((h) => Number.isFinite(h.loss)));
        m.dispose();
        continue;
      }
      assert.is(r.history.length, r.divergedAt! - 1);
      // The parameters are exactly those after the last finite epoch.
      const again = linear({ features: t.features });
      if (r.divergedAt! > 1) train(again, ds, { optimizer: opt, batch: 16, epochs: r.divergedAt! - 1, seed: 3 });
      assert.ok(bitEqual(p, again.params), `${opt.name}: not the last finite epoch's parameters`);
      m.dispose(); again.dispose();
    }
    const m = linear({ features: t.features });
    assert.is(train(m, ds, { optimizer: { name: 'sgd', lr: 1e6 }, batch: 16, epochs: 50 }).stopReason, 'diverged');
    m.dispose(); ds.dispose();
  });

  test(`${name}: history, steps and the onEpoch callback`, async () => {
    await init({ backend: name });
    const { train: tr, test: te } = load('iris');
    const m = softmax({ features: 4, classes: 3 });
    const seen: number[] = [];
    const r = train(m, tr, { optimizer: { name: 'adam', lr: 0.01 }, batch: 25, epochs: 10, onEpoch: (h) => { seen.push(h.epoch); return h.epoch < 4; } });
    assert.equal(seen, [1, 2, 3, 4]);
    assert.is(r.stopReason, 'callback');
    assert.is(r.steps, 4 * Math.ceil(tr.rows / 25));
    assert.ok(r.history.every((h, i) => h.epoch === i + 1 && h.ms >= 0 && h.lr === 0.01 && h.loss > 0));
    m.dispose(); tr.dispose(); te.dispose();
  });
}

test.run();
