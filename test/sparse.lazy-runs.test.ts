// Sparse plain SGD with L2 keeps w = scale·v (assembly/sparse.ts, src/training/lazy.ts); the scale carries on from
// one run of batches to the next, so the grouping of the batches into runs changes no bit: train() in one piece,
// Trainer.step() one batch at a time, runs of 3, 7, 2, 11… batches and a state saved mid-epoch and resumed all
// end with the same parameters and losses — for log-loss, hinge and squared loss, binary and multiclass, with
// the scale falling below 1e-9 (multiplied out) and with steps whose factor 1 − lr·l2 is ≤ 0 (sent through 0).
// Between steps the model's parameters are w, not v. trainInWorker now emits batch events on sparse data, with
// the parameters of train() here.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Dataset, linear, logistic, softmax, train, Trainer, Model, HyperParameterError, type ModelJSON, type TrainOptions, type TrainState } from '../src/index.ts';
import { Rng } from '../src/rng.ts';
import type { BatchEvent } from '../src/worker/node.ts';
import { bundledWorker } from './_worker.js';
import { BACKENDS, bitEqual, use } from './toolkit-helpers.ts';

type Kind = 'linear' | 'logistic' | 'softmax';

/** Seeded CSR rows over `d` columns, about `density` of them stored per row (at least one), values in [−1, 1). */
function randomCsr(rows: number, d: number, density: number, seed: number) {
  const rng = new Rng(seed);
  const indptr = [0], indices: number[] = [], values: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < d; c++) {
      if (rng.next() < density || (c === d - 1 && indices.length === indptr[r])) {
        indices.push(c);
        values.push(Math.fround(2 * rng.next() - 1));
      }
    }
    indptr.push(indices.length);
  }
  return { indptr, indices, values };
}

const ROWS = 61, D = 37, K = 3;

function dataset(kind: Kind): Dataset {
  const rng = new Rng(17);
  const y = Array.from({ length: ROWS }, (_, i) => (kind === 'linear' ? 2 * rng.next() - 1 : kind === 'logistic' ? (i * 7) % 3 === 0 ? 1 : 0 : i % K));
  return Dataset.fromSparse(randomCsr(ROWS, D, 0.15, 5), y, { features: D });
}

function model(kind: Kind, loss: string): Model {
  if (kind === 'softmax') return softmax({ features: D, classes: K });
  return kind === 'linear' ? linear({ features: D, loss: loss as never }) : logistic({ features: D, loss: loss as never });
}

const sgd = (lr: number) => ({ name: 'sgd' as const, lr });
/** [name, model kind, loss, options]: every case takes the lazily scaled path with l2 > 0. */
const CASES: [string, Kind, string, TrainOptions][] = [
  ['log-loss, one row per batch', 'logistic', 'logistic', { optimizer: sgd(0.1), batch: 1, l2: 0.01 }],
  ['log-loss, batch 4, optimal schedule, interceptDecay', 'logistic', 'logistic',
    { optimizer: sgd(1), batch: 4, penalty: 'l2', alpha: 1e-3, schedule: { name: 'optimal' }, interceptDecay: 0.01 }],
  ['log-loss, batch 2, validation, early stopping, best epoch restored', 'logistic', 'logistic',
    { optimizer: sgd(0.3), batch: 2, l2: 0.02, validationFraction: 0.25, patience: 2, restoreBest: true, epochs: 8 }],
  ['hinge, one row per batch', 'logistic', 'hinge', { optimizer: sgd(0.05), batch: 1, l2: 0.05 }],
  ['hinge, batch 3, lr·l2 = 1.5 (every step sends w through 0)', 'logistic', 'hinge', { optimizer: sgd(1.5), batch: 3, l2: 1 }],
  ['squared, batch 5', 'linear', 'squared', { optimizer: sgd(0.05), batch: 5, l2: 0.02 }],
  ['squared, one row per batch, lr·l2 = 0.5 (the scale falls below 1e-9)', 'linear', 'squared', { optimizer: sgd(0.5), batch: 1, l2: 1 }],
  ['softmax, batch 3', 'softmax', 'softmax', { optimizer: sgd(0.2), batch: 3, l2: 0.01 }],
  ['softmax, one row per batch, lr·l2 = 0.5 (the scale falls below 1e-9)', 'softmax', 'softmax', { optimizer: sgd(0.5), batch: 1, l2: 1 }],
];

interface Outcome { params: Float32Array; losses: number[]; valLosses: (number | undefined)[]; steps: number; stop: string }

function outcome(m: Model, r: { history: { loss: number; valLoss?: number }[]; steps: number; stopReason: string }): Outcome {
  return { params: m.params, losses: r.history.map((h) => h.loss), valLosses: r.history.map((h) => h.valLoss), steps: r.steps, stop: r.stopReason };
}

/** Trainer.step() with run lengths taken in turn from `runs` until the run ends. */
function stepped(kind: Kind, loss: string, ds: Dataset, opts: TrainOptions, runs: number[], each?: (t: Trainer) => void): Outcome {
  const m = model(kind, loss);
  const t = new Trainer(m, ds, opts);
  for (let i = 0; !t.done; i++) {
    t.step(runs[i % runs.length]);
    each?.(t);
  }
  const o = outcome(m, t.result());
  t.dispose();
  m.dispose();
  return o;
}

function sameOutcome(a: Outcome, b: Outcome, what: string): void {
  assert.is(a.stop, b.stop, `${what}: stop reason`);
  assert.is(a.steps, b.steps, `${what}: steps`);
  assert.equal(a.losses, b.losses, `${what}: epoch losses`);
  assert.equal(a.valLosses, b.valLosses, `${what}: validation losses`);
  assert.ok(bitEqual(a.params, b.params), `${what}: parameters are not bit-identical`);
}

/** Final parameters per case and backend, for the cross-backend test. */
const finals = new Map<string, Float32Array>();

for (const b of BACKENDS) {
  test(`[${b}] train() in one piece ≡ Trainer.step() batch by batch ≡ runs of 3, 7, 2, 11 batches ≡ saved and resumed, bit for bit`, async () => {
    await use(b);
    for (const [name, kind, loss, o] of CASES) {
      const ds = dataset(kind);
      const opts: TrainOptions = { epochs: 5, seed: 4, ...o };
      const m = model(kind, loss);
      const one = outcome(m, train(m, ds, opts));
      m.dispose();
      assert.ok(one.steps > 0 && one.params.every(Number.isFinite) && one.params.some((v) => v !== 0), `${name}: a real run (${one.stop})`);
      finals.set(`${b} ${name}`, one.params);
      // Between steps the model holds w = scale·v, and the lazy state (v, scale) is what carries on.
      let reset = false, lastScale = 1, differs = false, allOne = true;
      const checkW = (t: Trainer) => {
        if (t.done) return; // the run has ended: the model holds its output (restoreBest: the best epoch's)
        const lazy = t.save().lazy;
        assert.ok(lazy, `${name}: a saved state carries the lazy weights`);
        const w = t.model.paramsBlock.view, nW = t.model.nWeights;
        for (let i = 0; i < nW; i++) {
          const want = lazy!.v[i] * lazy!.scale;
          assert.ok(Math.abs(w[i] - want) <= 1e-6 * Math.abs(want), `${name}: param ${i} is ${w[i]}, w = scale·v is ${want}`);
        }
        for (let i = nW; i < w.length; i++) assert.is(w[i], lazy!.v[i], `${name}: bias ${i - nW} is not scaled`);
        if (lazy!.scale > lastScale) reset = true;
        for (let i = 0; i < nW; i++) if (w[i] !== lazy!.v[i]) differs = true;
        if (lazy!.scale !== 1) allOne = false;
        lastScale = lazy!.scale;
      };
      sameOutcome(stepped(kind, loss, ds, opts, [1], checkW), one, `${name}, batch by batch`);
      if (name.includes('1e-9')) assert.ok(reset, `${name}: the scale fell below 1e-9 and was multiplied out`);
      else if (name.includes('through 0')) assert.ok(allOne, `${name}: every step's factor is applied to v (scale 1)`);
      else assert.ok(differs, `${name}: v and w differ between steps (the scale moved away from 1)`);
      sameOutcome(stepped(kind, loss, ds, opts, [3, 7, 2, 11]), one, `${name}, runs of 3, 7, 2, 11`);
      // Saved mid-epoch (and at step 0), through JSON, into a new model and Trainer.
      for (const k of [0, 1, 13, 40]) {
        const m1 = model(kind, loss);
        const t1 = new Trainer(m1, ds, opts);
        t1.step(k);
        const state = JSON.parse(JSON.stringify(t1.save())) as TrainState;
        t1.dispose();
        m1.dispose();
        const m2 = Model.fromJSON(state.model as ModelJSON);
        const t2 = new Trainer(m2, ds, { ...opts, resume: state });
        const r = t2.run();
        sameOutcome(outcome(m2, r), one, `${name}, saved at step ${k} and resumed`);
        t2.dispose();
        m2.dispose();
      }
      ds.dispose();
    }
  });

  test(`[${b}] a state without lazy weights (an older one) resumes from its parameters; bad lazy weights are typed errors`, async () => {
    await use(b);
    const ds = dataset('logistic');
    const opts: TrainOptions = { optimizer: sgd(0.1), batch: 1, l2: 0.01, epochs: 3, seed: 2 };
    const m1 = logistic({ features: D });
    const t1 = new Trainer(m1, ds, opts);
    t1.step(30);
    const state = JSON.parse(JSON.stringify(t1.save())) as TrainState;
    t1.step(Infinity);
    const straight = m1.params;
    t1.dispose();
    m1.dispose();
    const { lazy, ...older } = state;
    assert.ok(lazy && lazy.scale < 1, 'the state saved mid-run has a scale below 1');
    const m2 = Model.fromJSON(state.model as ModelJSON);
    const t2 = new Trainer(m2, ds, { ...opts, resume: older as TrainState });
    t2.run();
    t2.dispose();
    // v restarts from w: a rounding apart, not bits.
    for (let i = 0; i < straight.length; i++) assert.ok(Math.abs(m2.params[i] - straight[i]) <= 1e-5, `param ${i}: ${m2.params[i]} vs ${straight[i]}`);
    m2.dispose();
    const bad: [string, unknown, RegExp][] = [
      ['short v', { ...lazy, v: lazy.v.slice(1) }, /lazy\.v does not fit/],
      ['NaN in v', { ...lazy, v: lazy.v.map((v, i) => (i === 3 ? NaN : v)) }, /lazy\.v\[3\]/],
      ['zero scale', { ...lazy, scale: 0 }, /lazy\.scale/],
      ['negative sq', { ...lazy, sq: -1 }, /lazy\.sq/],
      ['not an object', 5, /saved lazy weights must be an object/],
    ];
    for (const [what, l, re] of bad) {
      const m = logistic({ features: D });
      assert.throws(() => new Trainer(m, ds, { ...opts, resume: { ...state, lazy: l } as TrainState }),
        (e: unknown) => e instanceof HyperParameterError && re.test((e as Error).message), what);
      m.dispose();
    }
    ds.dispose();
  });
}

test('the backends agree: wasm-scalar ≡ wasm-simd bit for bit; the js twin (f64 arithmetic) within float32 rounding', async () => {
  for (const [name] of CASES) {
    const s = finals.get(`wasm-scalar ${name}`)!, v = finals.get(`wasm-simd ${name}`)!, j = finals.get(`js ${name}`)!;
    assert.ok(s && v && j, `${name}: every backend ran`);
    assert.ok(bitEqual(s, v), `${name}: wasm-scalar and wasm-simd differ`);
    for (let i = 0; i < s.length; i++) assert.ok(Math.abs(j[i] - s[i]) <= 1e-4 * Math.max(1, Math.abs(s[i])), `${name}: js param ${i} ${j[i]} vs ${s[i]}`);
  }
});

// trainInWorker: runs of one batch each between progress checks (progressMs 0), a batch event after each.
const trainInWorker = bundledWorker(test, 'lazy-runs');

for (const b of BACKENDS) {
  test(`[${b}] trainInWorker on sparse data emits batch events and ends with train()'s parameters, bit for bit`, async () => {
    await use(b);
    const ds = dataset('logistic');
    const opts = { optimizer: sgd(0.1), batch: 1, l2: 0.01, epochs: 3, seed: 5 };
    const events: BatchEvent[] = [];
    const h = trainInWorker({ data: ds, model: 'logistic', train: opts, backend: b }, { progressMs: 0, onBatch: (e) => events.push(e) });
    const r = await h.result;
    assert.ok(events.length >= 10, `${events.length} batch events`);
    for (const e of events) assert.ok(e.batch > 0 && e.batch < e.batches && e.batches === ROWS && Number.isFinite(e.loss), JSON.stringify(e));
    const m = logistic({ features: D });
    const direct = train(m, ds, opts);
    assert.ok(bitEqual(r.params, m.params), 'worker and main-thread parameters are bit-identical');
    assert.equal(r.history.map((x) => x.loss), direct.history.map((x) => x.loss));
    m.dispose();
    ds.dispose();
  });
}

test.run();
