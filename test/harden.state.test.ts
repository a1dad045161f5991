// Issue 16, class 2: a saved TrainState is data from outside. Each field corrupted in turn (batch position
// at or past the batches per epoch, negative or fractional counters, counters that disagree, NaN and
// ±Infinity in parameters, optimizer state, fallback parameters and schedule, PRNG words out of u32, a
// history that does not match the epoch count) is a HyperParameterError on `resume` before anything runs:
// the model is untouched, nothing hangs and nothing traps, on every backend.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, Dataset, softmax, train, Trainer, Model, HyperParameterError, type TrainState, type TrainOptions } from '../src/index.ts';
import { BACKENDS } from './_util.ts';

type Edit = [string, (s: TrainState) => void];

const EDITS: Edit[] = [
  ['batch = batches per epoch', (s) => { s.batch = 4; }],
  ['batch past the end', (s) => { s.batch = 1000; }],
  ['negative batch', (s) => { s.batch = -1; }],
  ['fractional batch', (s) => { s.batch = 1.5; }],
  ['negative epoch', (s) => { s.epoch = -2; }],
  ['negative steps', (s) => { s.steps = -3; }],
  ['steps disagreeing with epoch and batch', (s) => { s.steps += 5; }],
  ['NaN parameter', (s) => { s.model.params[0] = NaN; }],
  ['infinite parameter', (s) => { s.model.params[2] = -Infinity; }],
  ['parameter past float32', (s) => { s.model.params[1] = 1e39; }],
  ['NaN optimizer moment', (s) => { s.optimizer.state[3] = NaN; }],
  ['negative optimizer step count', (s) => { s.optimizer.hyper[1] = -1; }],
  ['NaN learning rate in the hyper block', (s) => { s.optimizer.hyper[0] = NaN; }],
  ['Infinity in last.params', (s) => { s.last.params[0] = Infinity; }],
  ['string in last.params', (s) => { (s.last.params as unknown[])[0] = '1'; }],
  ['negative PRNG word', (s) => { s.rng[0] = -1; }],
  ['PRNG word past u32', (s) => { s.rng[2] = 2 ** 32; }],
  ['NaN noise PRNG word', (s) => { s.loop.rng[1] = NaN; }],
  ['negative loop step', (s) => { s.loop.step = -1; }],
  ['negative averaging count', (s) => { s.loop.avgCount = -1; }],
  ['infinite lossSum', (s) => { s.lossSum = Infinity; }],
  ['negative elapsedMs', (s) => { s.elapsedMs = -1; }],
  ['negative schedule lr', (s) => { s.schedule.lr = -0.1; }],
  ['NaN schedule best', (s) => { s.schedule.best = 'NaN'; }],
  ['fractional plateau counter', (s) => { s.schedule.numBad = 0.5; }],
  ['best epoch in the future', (s) => { s.stopping.bestEpoch = 99; }],
  ['NaN tolBest', (s) => { s.stopping.tolBest = 'NaN'; }],
  ['negative esWait', (s) => { s.stopping.esWait = -1; }],
  ['history shorter than the epochs', (s) => { s.history = []; }],
  ['NaN loss in the history', (s) => { s.history[0].loss = NaN; }],
  ['missing loop', (s) => { (s as { loop: unknown }).loop = null; }],
];

function data(): Dataset {
  const x: number[][] = [], y: number[] = [];
  for (let i = 0; i < 32; i++) {
    x.push([Math.sin(i), Math.cos(i), (i % 5) / 5]);
    y.push(i % 3);
  }
  return Dataset.fromArrays(x, y);
}

// 32 rows in batches of 8: 4 batches per epoch; the state is saved in epoch 2, batch 2 (10 steps).
const OPTS: TrainOptions = { optimizer: { name: 'adam', lr: 0.05 }, batch: 8, epochs: 6, seed: 1, tol: 1e-9, schedule: { name: 'plateau' } };

for (const b of BACKENDS) {
  test(`${b}: every corrupted field of a saved state is refused before anything runs`, async () => {
    await init({ backend: b });
    const ds = data();
    const m = softmax({ features: 3, classes: 3 });
    const t = new Trainer(m, ds, OPTS);
    t.step(10);
    const good = JSON.parse(JSON.stringify(t.save())) as TrainState;
    t.dispose();
    for (const [label, edit] of EDITS) {
      const s = structuredClone(good);
      edit(s);
      const target = Model.fromJSON(good.model);
      const before = target.params;
      assert.throws(() => new Trainer(target, ds, { ...OPTS, resume: s }),
        (e: unknown) => e instanceof HyperParameterError && e.param === 'resume', label);
      assert.throws(() => train(target, ds, { ...OPTS, resume: s }), (e: unknown) => e instanceof HyperParameterError, label);
      assert.equal(Array.from(target.params), Array.from(before), `${label}: model untouched`);
      target.dispose();
    }
    // The untouched state still resumes and finishes.
    const again = Model.fromJSON(good.model);
    const r = train(again, ds, { ...OPTS, resume: structuredClone(good) });
    assert.ok(r.steps > 10);
    for (const o of [again, m, ds]) o.dispose();
  });
}

test.run();
