// Save and resume: a run saved at step k (0, 1, 10), serialised to JSON and resumed for 10 more steps
// ends with parameters bit-identical to a run that never stopped, for several update rules and
// schedules, with shuffled mini-batches; plus model save/load and the checks on a mismatched state.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  softmax, logistic, train, Trainer, Model, HyperParameterError, type TrainOptions, type TrainState,
} from '../src/index.ts';
import { loadModel } from '../src/models/linear/model.ts';
import { backend } from '../src/runtime/index.ts';
import { BACKENDS, bitEqual, builtin, use } from './toolkit-helpers.ts';

const OPTIMIZERS = [
  { name: 'sgd', lr: 0.05, momentum: 0.9, nesterov: true },
  { name: 'adam', lr: 0.01, amsgrad: true },
  { name: 'adamw', lr: 0.01 },
] as const;

const SCHEDULES: TrainOptions['schedule'][] = [
  { name: 'cosine', every: 'batch', warmup: { steps: 5 } },
  { name: 'oneCycle' },
  { name: 'plateau', patience: 0, factor: 0.5 }, // has state that changes at the epoch boundary crossed
];

/** Trains k steps, saves through JSON, resumes for `more` steps; returns the resumed model's parameters. */
function savedAndResumed(ds: ReturnType<typeof builtin>, opts: TrainOptions, k: number, more: number): { params: Float32Array; state: TrainState } {
  const m1 = softmax({ features: 4, classes: 3 });
  const t1 = new Trainer(m1, ds, opts);
  assert.is(t1.step(k), k);
  const state = JSON.parse(JSON.stringify(t1.save())) as TrainState;
  t1.dispose();
  m1.dispose();
  const m2 = Model.fromJSON(state.model);
  const t2 = new Trainer(m2, ds, { ...opts, resume: state });
  assert.is(t2.step(more), more);
  t2.dispose();
  const params = m2.params;
  m2.dispose();
  return { params, state };
}

for (const b of BACKENDS) {
  test(`[${b}] saved at step 0, 1 and 10 and resumed for 10 steps: bit-identical to the uninterrupted run`, async () => {
    await use(b);
    const ds = builtin('iris'); // 150 rows, batches of 16: 10 per epoch, so step 10 is an epoch boundary
    for (const optimizer of OPTIMIZERS) {
      for (const schedule of SCHEDULES) {
        const opts: TrainOptions = { optimizer, schedule, batch: 16, epochs: 5, seed: 11, shuffle: true };
        for (const k of [0, 1, 10]) {
          const m = softmax({ features: 4, classes: 3 });
          const t = new Trainer(m, ds, opts);
          t.step(k + 10);
          const straight = m.params;
          t.dispose();
          m.dispose();
          const { params, state } = savedAndResumed(ds, opts, k, 10);
          assert.ok(bitEqual(params, straight), `${optimizer.name} / ${schedule!.name}, saved at step ${k}`);
          assert.is(state.steps, k);
          assert.is(state.optimizer.hyper[1], k, 'the step count t is in the saved hyper block');
        }
      }
    }
    ds.dispose();
  });

  test(`[${b}] everything at once survives a resume: elastic net, averaging, noise, clipping, validation, plateau`, async () => {
    await use(b);
    const ds = builtin('breast-cancer');
    const opts: TrainOptions = {
      optimizer: { name: 'adam', lr: 0.01 }, batch: 32, epochs: 6, seed: 2, penalty: 'elasticnet', alpha: 1e-3,
      average: 4, gradNoise: { eta: 0.01, seed: 5 }, clipNorm: 1, validationFraction: 0.2, patience: 3,
      schedule: { name: 'plateau', patience: 0, monitor: 'valLoss' },
    };
    const full = logistic({ features: 30 });
    const rFull = train(full, ds, opts);
    for (const k of [0, 1, 10, 17, 42]) {
      const m = logistic({ features: 30 });
      let state: TrainState;
      if (k === 0) {
        const t = new Trainer(m, ds, opts); // never stepped
        state = t.save();
        t.dispose();
      } else {
        state = train(m, ds, { ...opts, maxSteps: k, saveState: true }).state!;
      }
      state = JSON.parse(JSON.stringify(state));
      const m2 = loadModel(state.model);
      const r = train(m2, ds, { ...opts, resume: state });
      assert.ok(bitEqual(m2.params, full.params), `saved at step ${k}: the final (averaged) parameters match`);
      assert.equal(r.history.map((h) => [h.loss, h.valLoss, h.lr]), rFull.history.map((h) => [h.loss, h.valLoss, h.lr]));
      assert.is(r.stopReason, rFull.stopReason);
      assert.is(r.steps, rFull.steps);
      m.dispose();
      m2.dispose();
    }
    full.dispose();
    ds.dispose();
  });

  test(`[${b}] the state is tagged with the backend and binary; model JSON round-trips exactly`, async () => {
    await use(b);
    const ds = builtin('iris');
    const m = softmax({ features: 4, classes: 3 });
    const r = train(m, ds, { optimizer: { name: 'adam', lr: 0.05 }, epochs: 3, saveState: true });
    assert.is(r.state!.backend, b);
    assert.is(r.state!.sha256, backend().sha256);
    if (b === 'js') assert.is(r.state!.sha256, null);
    else assert.match(r.state!.sha256!, /^[0-9a-f]{64}$/);
    const text = JSON.stringify(m.toJSON());
    const back = Model.fromJSON(text);
    assert.ok(bitEqual(back.params, m.params));
    assert.equal(Array.from(back.predict(ds.x)), Array.from(m.predict(ds.x)));
    assert.is(back.kind, 'softmax');
    assert.is(back.outputs, 3);
    back.dispose();
    m.dispose();
    ds.dispose();
  });

  test(`[${b}] a state that does not fit the run is refused with the reason`, async () => {
    await use(b);
    const ds = builtin('iris');
    const base: TrainOptions = { optimizer: { name: 'adam' }, batch: 16, epochs: 3 };
    const m = softmax({ features: 4, classes: 3 });
    const t = new Trainer(m, ds, base);
    t.step(3);
    const s = t.save();
    t.dispose();
    const cases: [TrainOptions, RegExp][] = [
      [{ ...base, batch: 8 }, /batchSize/],
      [{ ...base, optimizer: { name: 'sgd' } }, /optimizer/],
      [{ ...base, schedule: { name: 'cosine' } }, /schedule/],
      [{ ...base, average: true }, /averaging/],
      [{ ...base, validationFraction: 0.2 }, /rows/],
    ];
    for (const [o, why] of cases) {
      try {
        new Trainer(softmax({ features: 4, classes: 3 }), ds, { ...o, resume: s }).dispose();
        assert.unreachable('accepted');
      } catch (e) {
        assert.instance(e, HyperParameterError);
        assert.is((e as HyperParameterError).param, 'resume');
        assert.match((e as Error).message, why);
      }
    }
    assert.throws(() => new Trainer(softmax({ features: 4, classes: 3 }), ds, { ...base, resume: { format: 'x' } as never }),
      (e: unknown) => e instanceof HyperParameterError);
    // Damaged states are refused before anything is allocated.
    const fresh = softmax({ features: 4, classes: 3 });
    const before = backend().liveBytes();
    const damaged: ((c: TrainState) => void)[] = [
      (c) => { c.optimizer.state.pop(); },
      (c) => { c.perm[0] = c.perm[1]; },
      (c) => { c.rng = [1, 2]; },
      (c) => { c.model.params.push(0); },
      (c) => { (c as { config?: unknown }).config = undefined; },
      (c) => { c.avg = [1, 2, 3]; },
    ];
    for (const damage of damaged) {
      const c = JSON.parse(JSON.stringify(s)) as TrainState;
      damage(c);
      assert.throws(() => new Trainer(fresh, ds, { ...base, resume: c }), (e: unknown) => e instanceof HyperParameterError && (e as HyperParameterError).param === 'resume');
    }
    assert.is(backend().liveBytes(), before, 'nothing allocated');
    fresh.dispose();
    m.dispose();
    ds.dispose();
  });
}

test('Trainer progress inside an epoch: batchInEpoch, batchesPerEpoch and partialEpoch, on every backend', async () => {
  for (const b of BACKENDS) {
    await use(b);
    const ds = builtin('iris');
    const m = softmax({ features: 4, classes: 3 });
    const opts: TrainOptions = { optimizer: { name: 'sgd', lr: 0.05 }, batch: 16, epochs: 2, seed: 1 };
    const t = new Trainer(m, ds, opts);
    assert.is(t.batchesPerEpoch, 10, `${b}: 150 rows in batches of 16`);
    assert.is(t.partialEpoch, null, 'nothing done yet');
    t.step(3);
    assert.is(t.batchInEpoch, 3);
    const p = t.partialEpoch!;
    assert.is(p.rows, 48);
    assert.ok(Number.isFinite(p.loss) && p.loss > 0, `${b}: running loss ${p.loss}`);
    assert.is(p.lr, 0.05);
    t.step(6);
    const q = t.partialEpoch!;
    assert.is(q.rows, 144);
    t.step(1); // the last batch holds 6 rows
    assert.is(t.batchInEpoch, 0, 'epoch boundary');
    assert.is(t.partialEpoch, null);
    // The epoch's loss is the row-weighted mean of its batches, so what the last 6 rows add is their own
    // mean loss: positive, and of the size of the other batches' (a batch-weighted mean would miss this).
    const epochLoss = t.result().history[0].loss;
    const lastMean = (epochLoss * 150 - q.loss * 144) / 6;
    assert.ok(lastMean > 0 && lastMean < 3 * q.loss, `${b}: epoch ${epochLoss}, partial ${q.loss}, last batch ${lastMean}`);
    t.dispose();
    m.dispose();
    ds.dispose();
  }
});

test.run();
