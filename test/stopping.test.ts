// Stopping rules: early stopping on a validation set (patience, minDelta, restoreBest), tol with
// nIterNoChange (scikit-learn), the wall-time and step budgets, divergence and the callback.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { linear, softmax, train, Dataset, type EpochRecord } from '../src/index.ts';
import { BACKENDS, bitEqual, builtin, use } from './toolkit-helpers.ts';
// Issue 15: train() standardizes by default; runs that test the kernels on the values as given (or standardize by hand) pass standardize: false.

/** Training data y = 2x and validation data y = x/2: from w = 0 the validation loss falls, then rises. */
function drifting(): { tr: Dataset; va: Dataset } {
  const x = Array.from({ length: 20 }, (_, i) => [(i - 10) / 5]);
  return {
    tr: Dataset.fromArrays(x, x.map(([u]) => 2 * u)),
    va: Dataset.fromArrays(x, x.map(([u]) => 0.5 * u)),
  };
}

/** Replays early stopping on a history: the epoch at which `patience` non-improving epochs accumulate. */
function expectedStop(h: EpochRecord[], patience: number, minDelta: number, key: 'valLoss' | 'valMetric'): { stop: number; best: number } {
  let best = key === 'valLoss' ? Infinity : -Infinity, bestEpoch = 0, wait = 0;
  for (const r of h) {
    const v = r[key]!;
    if (key === 'valLoss' ? v < best - minDelta : v > best + minDelta) {
      best = v;
      bestEpoch = r.epoch;
      wait = 0;
    } else if (++wait >= Math.max(1, patience)) return { stop: r.epoch, best: bestEpoch };
  }
  return { stop: -1, best: bestEpoch };
}

for (const b of BACKENDS) {
  test(`[${b}] early stopping stops at the epoch the rule defines; restoreBest returns the best epoch's parameters`, async () => {
    await use(b);
    const { tr, va } = drifting();
    for (const [patience, minDelta] of [[3, 0], [1, 0], [5, 1e-3]]) {
      const m = linear({ features: 1 });
      const snapshots: Float32Array[] = [];
      const r = train(m, tr, {
        optimizer: { name: 'sgd', lr: 0.02 }, batch: 'full', epochs: 500, validation: va, patience, minDelta,
        restoreBest: true, onEpoch: () => { snapshots.push(m.params); },
      });
      assert.is(r.stopReason, 'early-stopping');
      for (const h of r.history) assert.type(h.valLoss, 'number');
      const want = expectedStop(r.history, patience, minDelta, 'valLoss');
      assert.is(r.history.length, want.stop, `patience ${patience}, minDelta ${minDelta}`);
      assert.is(r.bestEpoch, want.best);
      assert.is(r.history.length, want.best + Math.max(1, patience), 'the run ends `patience` epochs after the best');
      assert.ok(bitEqual(m.params, snapshots[want.best - 1]), 'the model holds the best epoch parameters');
      assert.not.ok(bitEqual(m.params, snapshots[snapshots.length - 1]), 'not the last ones');
      m.dispose();
    }
    tr.dispose();
    va.dispose();
  });

  test(`[${b}] without restoreBest the last parameters stay; monitor valMetric; validationFraction`, async () => {
    await use(b);
    const { tr, va } = drifting();
    const m = linear({ features: 1 });
    let last: Float32Array | undefined;
    const r = train(m, tr, { optimizer: { name: 'sgd', lr: 0.02 }, batch: 'full', epochs: 500, validation: va, patience: 2, onEpoch: () => { last = m.params; } });
    assert.is(r.stopReason, 'early-stopping');
    assert.ok(bitEqual(m.params, last!));
    m.dispose();
    tr.dispose();
    va.dispose();

    const ds = builtin('iris');
    const s = softmax({ features: 4, classes: 3 });
    const r2 = train(s, ds, { optimizer: { name: 'adam', lr: 0.05 }, batch: 16, epochs: 200, validationFraction: 0.2, seed: 3, monitor: 'valMetric', patience: 4 });
    for (const h of r2.history) assert.ok(h.valMetric! >= 0 && h.valMetric! <= 1, 'accuracy in [0, 1]');
    const want = expectedStop(r2.history, 4, 0, 'valMetric');
    assert.is(r2.stopReason, 'early-stopping');
    assert.is(r2.history.length, want.stop);
    assert.is(r2.history[r2.history.length - 1].steps, r2.history.length * Math.ceil(120 / 16), '120 training rows after holding out 30');
    s.dispose();
    ds.dispose();
  });

  test(`[${b}] tol with nIterNoChange stops where scikit-learn's rule does`, async () => {
    await use(b);
    const x = Array.from({ length: 64 }, (_, i) => [Math.sin(i), Math.cos(2 * i)]);
    const ds = Dataset.fromArrays(x, x.map(([u, v], i) => u + v + 0.5 * Math.sin(5 * i)));
    for (const [tol, nIter] of [[1e-3, 1], [1e-4, 3], [1e-5, 5]]) {
      const m = linear({ features: 2 });
      const r = train(m, ds, { optimizer: { name: 'sgd', lr: 0.1 }, batch: 'full', epochs: 1000, tol, nIterNoChange: nIter });
      assert.is(r.stopReason, 'tol');
      let best = Infinity, count = 0, stop = -1;
      for (const h of r.history) {
        count = h.loss > best - tol ? count + 1 : 0;
        best = Math.min(best, h.loss);
        if (count >= nIter) {
          stop = h.epoch;
          break;
        }
      }
      assert.is(r.history.length, stop, `tol ${tol}, nIterNoChange ${nIter}`);
      m.dispose();
    }
    ds.dispose();
  });

  test(`[${b}] time budget, step budget, divergence and the callback`, async () => {
    await use(b);
    const ds = builtin('digits');
    const m = softmax({ features: 64, classes: 10 });
    const t0 = performance.now();
    const r = train(m, ds, { optimizer: { name: 'sgd', lr: 0.01 }, batch: 'stochastic', epochs: 100000, maxMs: 40 });
    const wall = performance.now() - t0;
    assert.is(r.stopReason, 'time');
    assert.ok(r.ms >= 40, `stopped after ${r.ms} ms`);
    // Checked between runs of at most 8192 rows: the overshoot is one such run, far below this bound.
    assert.ok(wall < 40 + 3000, `the budget is honoured (${wall} ms)`);
    assert.ok(r.steps > 0 && r.history.every((h) => Number.isFinite(h.loss)));

    const m2 = softmax({ features: 64, classes: 10 });
    const r2 = train(m2, ds, { optimizer: { name: 'sgd', lr: 0.01 }, batch: 100, epochs: 50, maxSteps: 37 });
    assert.is(r2.stopReason, 'steps');
    assert.is(r2.steps, 37);
    assert.is(r2.history.length, 2, 'two full epochs of 18 batches, the third cut short');

    // Least squares with a step far above 2/L: the loss grows geometrically until it overflows.
    const { tr, va } = drifting();
    const m3 = linear({ features: 1 });
    let lastGood: Float32Array | undefined;
    const r3 = train(m3, tr, { standardize: false, optimizer: { name: 'sgd', lr: 50 }, batch: 'full', epochs: 1000, onEpoch: () => { lastGood = m3.params; } });
    assert.is(r3.stopReason, 'diverged');
    assert.is(r3.divergedAt, r3.history.length + 1);
    assert.ok(m3.params.every(Number.isFinite), 'the last finite parameters are kept');
    assert.ok(bitEqual(m3.params, lastGood!), 'those of the last finite epoch');
    tr.dispose();
    va.dispose();

    const m4 = softmax({ features: 64, classes: 10 });
    const r4 = train(m4, ds, { epochs: 10, onEpoch: (h) => h.epoch < 3 });
    assert.is(r4.stopReason, 'callback');
    assert.is(r4.history.length, 3);
    for (const mm of [m, m2, m3, m4]) mm.dispose();
    ds.dispose();
  });
}

test.run();
