// The margin and robust losses: kernel loss and gradient against an f64 reference and its finite
// differences, the same numbers on every backend, and models trained with them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { linear, logistic, train, Model, Dataset } from '../src/index.ts';
import { Rng } from '../src/rng.ts';
import { backend } from '../src/runtime/index.ts';
import { Block, disposeAll } from '../src/runtime/block.ts';
import { LOSS, type LossName } from '../src/backends/abi.generated.ts';
import { Run } from '../src/runtime/run.ts';
import { BACKENDS, builtin, use } from './toolkit-helpers.ts';
// Issue 15: train() standardizes by default; these runs compare with references on the given data, so they pass standardize: false.

type Extra = 'hinge' | 'squaredHinge' | 'modifiedHuber' | 'huber' | 'epsilonInsensitive';
const EXTRA: Extra[] = ['hinge', 'squaredHinge', 'modifiedHuber', 'huber', 'epsilonInsensitive'];
const classifier = (l: Extra) => l === 'hinge' || l === 'squaredHinge' || l === 'modifiedHuber';
const EPS = 0.3;

/** Per-row loss in f64 (scikit-learn's definitions), z the decision value, y the label (0/1 or target). */
function rowLoss(l: Extra, z: number, y: number): number {
  const s = 2 * y - 1, m = s * z, r = z - y;
  switch (l) {
    case 'hinge': return Math.max(0, 1 - m);
    case 'squaredHinge': return Math.max(0, 1 - m) ** 2;
    case 'modifiedHuber': return m >= 1 ? 0 : m >= -1 ? (1 - m) ** 2 : -4 * m;
    case 'huber': return Math.abs(r) <= EPS ? 0.5 * r * r : EPS * Math.abs(r) - 0.5 * EPS * EPS;
    case 'epsilonInsensitive': return Math.max(0, Math.abs(r) - EPS);
  }
}

/** Distance of a row from the loss's kinks, where finite differences are not meaningful. */
function kinkDistance(l: Extra, z: number, y: number): number {
  const m = (2 * y - 1) * z, r = z - y;
  switch (l) {
    case 'hinge': case 'squaredHinge': return Math.abs(m - 1);
    case 'modifiedHuber': return Math.min(Math.abs(m - 1), Math.abs(m + 1));
    case 'huber': case 'epsilonInsensitive': return Math.abs(Math.abs(r) - EPS);
  }
}

interface Problem { x: Float32Array; y: Float32Array; w: Float32Array; rows: number[]; n: number; d: number }

/** Random data and parameters; keeps the rows at least 0.05 away from a kink. */
function problem(l: Extra, seed: number): Problem {
  const rng = new Rng(seed);
  const n = 60, d = 7;
  const x = new Float32Array(n * d), y = new Float32Array(n), w = new Float32Array(d + 1);
  for (let i = 0; i < n * d; i++) x[i] = rng.normal();
  for (let j = 0; j <= d; j++) w[j] = 0.6 * rng.normal();
  for (let i = 0; i < n; i++) y[i] = classifier(l) ? (rng.next() < 0.5 ? 0 : 1) : 2 * rng.normal();
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (kinkDistance(l, decision(w, x, i, d), y[i]) > 0.05) rows.push(i);
  return { x, y, w, rows, n, d };
}

function decision(w: ArrayLike<number>, x: Float32Array, i: number, d: number): number {
  let z = w[d];
  for (let j = 0; j < d; j++) z += w[j] * x[i * d + j];
  return z;
}

/** Mean loss over the chosen rows plus (l2/2)‖W‖², in f64. */
function refLoss(l: Extra, p: Problem, w: ArrayLike<number>, l2: number): number {
  let s = 0;
  for (const i of p.rows) s += rowLoss(l, decision(w, p.x, i, p.d), p.y[i]);
  let pen = 0;
  for (let j = 0; j < p.d; j++) pen += w[j] * w[j];
  return s / p.rows.length + 0.5 * l2 * pen;
}

/** The kernel's loss and gradient on the current backend, through the lossGrad dispatch. */
function kernel(l: Extra, p: Problem, l2: number): { loss: number; grad: Float32Array } {
  const be = backend();
  const blocks = [new Block(be, 'f32', p.n * p.d), new Block(be, 'f32', p.n), new Block(be, 'i32', p.rows.length),
    new Block(be, 'f32', p.d + 1), new Block(be, 'f32', p.d + 1), new Block(be, 'f32', 1)] as const;
  try {
    const [X, Y, I, W, G, S] = blocks;
    X.view.set(p.x);
    Y.view.set(p.y);
    I.view.set(p.rows);
    W.view.set(p.w);
    const desc = new Run(be, {
      loss: LOSS[l as LossName], grads: G.ptr, params: W.ptr, X: X.ptr, y: Y.ptr, idx: I.ptr, features: p.d, outputs: 1,
      l2, scratch: S.ptr, lossParam: EPS,
    });
    const loss = be.lossGrad(desc.ptr, 0, p.rows.length);
    desc.dispose();
    return { loss, grad: G.view.slice() };
  } finally {
    disposeAll(...blocks);
  }
}

for (const b of BACKENDS) {
  for (const l of EXTRA) {
    test(`[${b}] ${l}: loss equals the f64 reference and the gradient its central differences`, async () => {
      await use(b);
      const l2 = 0.03;
      for (const seed of [1, 2, 3]) {
        const p = problem(l, seed);
        assert.ok(p.rows.length > 40, 'enough rows away from the kinks');
        const { loss, grad } = kernel(l, p, l2);
        const ref = refLoss(l, p, p.w, l2);
        assert.ok(Math.abs(loss - ref) <= 1e-5 * Math.max(1, Math.abs(ref)), `loss ${loss} vs ${ref}`);
        const h = 1e-6;
        for (let j = 0; j <= p.d; j++) {
          const wp = Float64Array.from(p.w), wm = Float64Array.from(p.w);
          wp[j] += h;
          wm[j] -= h;
          const fd = (refLoss(l, p, wp, l2) - refLoss(l, p, wm, l2)) / (2 * h);
          assert.ok(Math.abs(grad[j] - fd) <= 1e-4 * Math.max(1, Math.abs(fd)), `∂/∂w${j}: kernel ${grad[j]}, finite difference ${fd}`);
        }
      }
    });
  }
}

for (const l of EXTRA) {
  test(`${l}: js, wasm-scalar and wasm-simd agree`, async () => {
    const out: { loss: number; grad: Float32Array }[] = [];
    for (const b of BACKENDS) {
      await use(b);
      out.push(kernel(l, problem(l, 11), 0.01));
    }
    for (const o of out.slice(1)) {
      assert.ok(Math.abs(o.loss - out[0].loss) <= 1e-6 * Math.max(1, Math.abs(out[0].loss)), `loss ${o.loss} vs ${out[0].loss}`);
      for (let j = 0; j < o.grad.length; j++) {
        assert.ok(Math.abs(o.grad[j] - out[0].grad[j]) <= 1e-5 * Math.max(1, Math.abs(out[0].grad[j])), `grad ${j}`);
      }
    }
  });
}

for (const b of BACKENDS) {
  test(`[${b}] classifiers with hinge, squared hinge and modified Huber losses learn breast-cancer`, async () => {
    await use(b);
    const ds = builtin('breast-cancer');
    const { train: tr, test: te } = ds.split({ every: 5 });
    for (const loss of ['hinge', 'squaredHinge', 'modifiedHuber'] as const) {
      const m = logistic({ features: 30, loss });
      assert.is(m.loss, loss);
      train(m, tr, { standardize: false, optimizer: { name: 'sgd', lr: 0.01 }, batch: 8, epochs: 20, penalty: 'l2', alpha: 1e-3 });
      const acc = m.evaluate(te).accuracy!;
      assert.ok(acc > 0.93, `${loss}: test accuracy ${acc}`);
      if (loss === 'modifiedHuber') {
        const pr = m.predictProba(te.x);
        assert.ok(pr.every((v) => v >= 0 && v <= 1), 'probabilities in [0, 1]');
      } else {
        assert.throws(() => m.predictProba(te.x), /no probabilities/);
      }
      m.dispose();
    }
    for (const d of [ds, tr, te]) d.dispose();
  });

  test(`[${b}] Huber and epsilon-insensitive regression: robust to outliers, ε reaches the kernel`, async () => {
    await use(b);
    const rng = new Rng(5);
    const n = 200;
    const x = Array.from({ length: n }, () => [rng.normal()]);
    const y = x.map(([u], i) => 2 * u + 1 + (i % 20 === 0 ? 50 : 0.05 * rng.normal())); // 5 % gross outliers
    const ds = Dataset.fromArrays(x, y);
    const fit = (m: Model) => {
      train(m, ds, { standardize: false, optimizer: { name: 'adam', lr: 0.05 }, batch: 10, epochs: 60, schedule: { name: 'cosine' } });
      return m.params;
    };
    const sq = fit(linear({ features: 1 }));
    const hu = fit(linear({ features: 1, loss: 'huber', epsilon: 0.5 }));
    const ei = fit(linear({ features: 1, loss: 'epsilonInsensitive', epsilon: 0.05 }));
    assert.ok(Math.abs(sq[1] - 1) > 2, `squared loss is pulled by the outliers (bias ${sq[1]})`);
    assert.ok(Math.abs(hu[0] - 2) < 0.05 && Math.abs(hu[1] - 1) < 0.05, `huber ${hu[0]}, ${hu[1]}`);
    assert.ok(Math.abs(ei[0] - 2) < 0.05 && Math.abs(ei[1] - 1) < 0.05, `epsilon-insensitive ${ei[0]}, ${ei[1]}`);
    const m = linear({ features: 1, loss: 'huber', epsilon: 0.5 });
    const back = Model.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    assert.is(back.loss, 'huber');
    assert.is(back.epsilon, 0.5);
    m.dispose();
    back.dispose();
    ds.dispose();
  });
}

test.run();
