// minimize(fg, x0): any objective written in JS, with every optimizer of the registry and every schedule.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { minimize, optimizerNames, DataError, HyperParameterError, ShapeError, type ScheduleOptions } from '../src/index.ts';
import { BACKENDS, use } from './toolkit-helpers.ts';

/** The chained Rosenbrock function (scipy.optimize.rosen), minimum 0 at x = (1, …, 1). */
function rosen(x: Float32Array, g: Float32Array): number {
  let f = 0;
  for (let i = 0; i < x.length - 1; i++) {
    const a = x[i + 1] - x[i] * x[i], b = 1 - x[i];
    f += 100 * a * a + b * b;
    g[i] += -400 * x[i] * a - 2 * b;
    g[i + 1] += 200 * a;
  }
  return f;
}

/** f(x) = Σ (i + 1)(x_i − i)²/2: convex, minimum at x_i = i. */
function quad(x: Float32Array, g: Float32Array): number {
  let f = 0;
  for (let i = 0; i < x.length; i++) {
    const e = x[i] - i;
    f += 0.5 * (i + 1) * e * e;
    g[i] = (i + 1) * e;
  }
  return f;
}

const maxErr = (x: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - 1));
  return m;
};

for (const b of BACKENDS) {
  for (const dim of [2, 100]) {
    test(`[${b}] Adam brings Rosenbrock (dim ${dim}) within 1e-3 of its minimum`, async () => {
      await use(b);
      const x0 = Array.from({ length: dim }, (_, i) => (i % 2 === 0 ? -1.2 : 1));
      const r = minimize(rosen, x0, { optimizer: { name: 'adam', lr: 0.01 }, maxSteps: 20000, schedule: { name: 'cosine' }, historyEvery: 100 });
      assert.is(r.stopReason, 'steps');
      assert.is(r.steps, 20000);
      assert.ok(maxErr(r.x) < 1e-3, `max |x_i − 1| = ${maxErr(r.x)}`);
      assert.ok(r.loss < 1e-6, `f = ${r.loss}`);
      assert.is(r.history.length, 200);
      assert.ok(r.history[0].loss > r.history[r.history.length - 1].loss);
    });
  }

  test(`[${b}] every registered optimizer and every schedule decrease a convex objective`, async () => {
    await use(b);
    const x0 = new Array(6).fill(3);
    const f0 = quad(Float32Array.from(x0), new Float32Array(6));
    for (const name of optimizerNames) {
      const r = minimize(quad, x0, { optimizer: { name } as never, maxSteps: 300 });
      assert.ok(r.loss < f0, `${name}: ${r.loss} < ${f0}`);
    }
    const schedules: ScheduleOptions[] = [
      { name: 'constant', warmup: { steps: 20 } }, { name: 'step', stepSize: 100, gamma: 0.5 },
      { name: 'multiStep', milestones: [100, 200] }, { name: 'exponential', gamma: 0.995 }, { name: 'invScaling' },
      { name: 'optimal', alpha: 1 }, { name: 'cosine', t0: 50, tMult: 2 }, { name: 'oneCycle' }, { name: 'plateau', patience: 5 },
    ];
    for (const s of schedules) {
      const r = minimize(quad, x0, { optimizer: { name: 'sgd', lr: 0.05 }, schedule: s, maxSteps: 300 });
      assert.ok(r.loss < 1e-2 * f0, `${s.name}: ${r.loss}`);
      assert.is(r.history.length, 300);
    }
  });

  test(`[${b}] stopping: gtol, tol, callback, divergence keeps the last finite point; clipping and noise`, async () => {
    await use(b);
    const x0 = [5, -3, 2];
    const g = minimize(quad, x0, { optimizer: { name: 'sgd', lr: 0.3 }, maxSteps: 10000, gtol: 1e-4 });
    assert.is(g.stopReason, 'gtol');
    assert.ok(g.steps < 10000 && Math.abs(g.x[2] - 2) < 1e-4);
    const t = minimize(quad, x0, { optimizer: { name: 'sgd', lr: 0.3 }, maxSteps: 10000, tol: 1e-12, nIterNoChange: 3 });
    assert.is(t.stopReason, 'tol');
    const c = minimize(quad, x0, { maxSteps: 100, onStep: (s) => s.step < 7 });
    assert.is(c.stopReason, 'callback');
    assert.is(c.steps, 7);
    const d = minimize(quad, x0, { optimizer: { name: 'sgd', lr: 5 }, maxSteps: 1000 });
    assert.is(d.stopReason, 'diverged');
    assert.ok(Array.from(d.x).every(Number.isFinite) && Number.isFinite(d.loss));
    let maxStep = 0;
    let prev = Float64Array.from(x0);
    // With clipNorm 1 and lr 0.1 every step moves x by at most 0.1.
    const xs: number[][] = [];
    minimize((x, gr) => { xs.push(Array.from(x)); return quad(x, gr); }, x0, { optimizer: { name: 'sgd', lr: 0.1 }, maxSteps: 30, clipNorm: 1 });
    for (const x of xs) {
      maxStep = Math.max(maxStep, Math.hypot(...x.map((v, i) => v - prev[i])));
      prev = Float64Array.from(x);
    }
    assert.ok(maxStep <= 0.1 * (1 + 1e-5), `largest step ${maxStep}`);
    const n1 = minimize(quad, x0, { maxSteps: 50, gradNoise: { eta: 0.1, seed: 3 } });
    const n2 = minimize(quad, x0, { maxSteps: 50, gradNoise: { eta: 0.1, seed: 3 } });
    assert.equal(Array.from(n1.x), Array.from(n2.x), 'seeded noise is reproducible');
  });
}

test('bad input is refused before anything runs', async () => {
  await use('js');
  assert.throws(() => minimize(quad, []), (e: unknown) => e instanceof ShapeError);
  // x0 follows the data rule: a DataError naming the position (it was a ShapeError before hardening).
  assert.throws(() => minimize(quad, [1, NaN]), (e: unknown) => e instanceof DataError && (e as DataError).column === 1);
  assert.throws(() => minimize(null as never, [1]), (e: unknown) => e instanceof HyperParameterError);
  const bad: [object, string][] = [
    [{ maxSteps: 0 }, 'maxSteps'], [{ clipNorm: 0 }, 'clipNorm'], [{ clipValue: -1 }, 'clipValue'],
    [{ gtol: -1 }, 'gtol'], [{ schedule: { name: 'nope' } }, 'schedule.name'], [{ optimizer: { name: 'adam', lr: -1 } }, 'optimizer.lr'],
    [{ schedule: { name: 'cosine', warmup: { steps: 100 } }, maxSteps: 100 }, 'schedule.warmup.steps'],
    [{ gradNoise: { eta: 0 } }, 'gradNoise.eta'], [{ historyEvery: 0 }, 'historyEvery'], [{ maxSteeps: 3 }, 'options.maxSteeps'],
  ];
  for (const [o, param] of bad) {
    try {
      minimize(quad, [1, 2], o as never);
      assert.unreachable(`${param} accepted`);
    } catch (e) {
      assert.instance(e, HyperParameterError);
      assert.is((e as HyperParameterError).param, param);
    }
  }
});

test.run();
