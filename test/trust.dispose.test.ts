// Use after free and shared models: a model or dataset disposed while a run uses it (from onEpoch, or between
// step() calls) ends the run with a DisposedError on every backend, threads included (whose pool then ends);
// two live Trainers stepping one model in turn is a typed error; threaded Trainers dropped without dispose()
// give their OS threads back once collected.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { init, Dataset, Trainer, train, softmax, mlp, disposeThreads, DisposedError, HyperParameterError, type BackendName } from '../src/node.js';
import { liveWorkers } from '../src/threads/pool.js';
import { exits } from './_threads.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function blobs(n: number, d = 4, k = 3): { x: Float32Array; y: Float32Array } {
  let s = 12345;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  const x = new Float32Array(n * d), y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % k;
    for (let j = 0; j < d; j++) x[i * d + j] = (j === i % k ? 2 : 0) + rnd() - 0.5;
  }
  return { x, y };
}

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

const BACKENDS: BackendName[] = ['js', 'wasm-scalar', 'wasm-simd'];

for (const name of BACKENDS) {
  test(`${name}: ds.dispose() inside onEpoch, then training goes on: a DisposedError`, async () => {
    await init({ backend: name });
    for (const standardize of [true, false]) {
      const { x, y } = blobs(64);
      const ds = Dataset.fromArrays(x, y, { features: 4 });
      const m = softmax({ features: 4, classes: 3 });
      const e = thrown(() => train(m, ds, { epochs: 5, batch: 8, standardize, onEpoch: (r) => { if (r.epoch === 1) ds.dispose(); } }));
      assert.instance(e, DisposedError, `standardize ${standardize}: ${e.name}: ${e.message}`);
      assert.match(e.message, /dataset was disposed/);
      m.dispose();
    }
  });

  test(`${name}: trainer.step() after ds.dispose() is a DisposedError, not training on freed data`, async () => {
    await init({ backend: name });
    for (const standardize of [true, false]) {
      const { x, y } = blobs(64);
      const ds = Dataset.fromArrays(x, y, { features: 4 });
      const val = Dataset.fromArrays(x, y, { features: 4 });
      const m = softmax({ features: 4, classes: 3 });
      const t = new Trainer(m, ds, { epochs: 5, batch: 8, standardize, validation: val });
      t.step(3);
      const steps = t.steps;
      ds.dispose();
      assert.throws(() => t.step(10), (err: unknown) => err instanceof DisposedError);
      assert.is(t.steps, steps, 'no step ran');
      t.dispose();
      // The validation set too.
      const ds2 = Dataset.fromArrays(x, y, { features: 4 });
      const val2 = Dataset.fromArrays(x, y, { features: 4 });
      const t2 = new Trainer(m, ds2, { epochs: 5, batch: 8, standardize, validation: val2 });
      t2.step(1);
      val2.dispose();
      assert.throws(() => t2.step(10), (err: unknown) => err instanceof DisposedError);
      t2.dispose();
      // And the Trainer itself, disposed from its own callback.
      const t3 = new Trainer(m, ds2, { epochs: 5, batch: 8, standardize, onEpoch: (_r, ctx) => { (ctx.trainer as Trainer).dispose(); } });
      assert.throws(() => t3.step(Infinity), (err: unknown) => err instanceof DisposedError && /Trainer was disposed/.test(err.message));
      ds2.dispose();
      val.dispose();
      m.dispose();
    }
  });
}

test('wasm-simd, threads: 2: model.dispose() inside onEpoch is a DisposedError and the pool ends', async () => {
  await init({ backend: 'wasm-simd' });
  await exits();
  const base = liveWorkers();
  const { x, y } = blobs(2100, 8, 3);
  const ds = Dataset.fromArrays(x, y, { features: 8 });
  for (const make of [() => softmax({ features: 8, classes: 3 }), () => mlp({ features: 8, hidden: [16], classes: 3, seed: 1 })]) {
    const m = make();
    const t = new Trainer(m, ds, { epochs: 4, batch: 2100, threads: 2, onEpoch: () => { m.dispose(); } });
    assert.is(t.threadsUsed, 2);
    assert.throws(() => t.step(Infinity), (err: unknown) => err instanceof DisposedError);
    await exits();
    assert.is(liveWorkers(), base, 'the pool ended with the error (before dispose())');
    t.dispose();
  }
  ds.dispose();
});

test('one model stepped by two live Trainers in turn: a HyperParameterError; after dispose() of one, the other goes on', async () => {
  await init({ backend: 'wasm-simd' });
  const { x, y } = blobs(64);
  const ds = Dataset.fromArrays(x, y, { features: 4 });
  const m = softmax({ features: 4, classes: 3 });
  const a = new Trainer(m, ds, { epochs: 5, batch: 8 });
  const b = new Trainer(m, ds, { epochs: 5, batch: 8 });
  a.step(2);
  const e = thrown(() => b.step(2));
  assert.instance(e, HyperParameterError);
  assert.is((e as HyperParameterError).param, 'model');
  assert.match(e.message, /another Trainer/);
  a.dispose();
  assert.is(b.step(2), 2);
  b.run();
  // A finished run leaves the model free.
  const c = new Trainer(m, ds, { epochs: 1, batch: 8 });
  assert.ok(c.step(1) === 1);
  c.dispose();
  b.dispose();
  m.dispose();
  ds.dispose();
});

test('20 threaded Trainers dropped without dispose(): their threads end once the Trainers are collected', async () => {
  await init({ backend: 'wasm-simd' });
  await exits();
  const base = liveWorkers();
  const { x, y } = blobs(2100, 8, 3);
  const ds = Dataset.fromArrays(x, y, { features: 8 });
  const models = [];
  (() => {
    for (let i = 0; i < 20; i++) {
      const m = softmax({ features: 8, classes: 3 });
      models.push(m);
      new Trainer(m, ds, { epochs: 2, batch: 2100, threads: 2, standardize: false }).step(1);
    }
  })();
  assert.is(liveWorkers(), base + 20, 'one worker per dropped Trainer');
  // A collected Trainer's workers end, or go back as the one idle crew kept for the next run (src/threads/crew.ts),
  // which disposeThreads() (or THREAD_IDLE_MS) ends.
  for (let i = 0; i < 50 && liveWorkers() > base + 1; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(liveWorkers() <= base + 1, `the dropped Trainers' workers ended but for one kept crew (${liveWorkers() - base} left)`);
  disposeThreads();
  for (let i = 0; i < 50 && liveWorkers() > base; i++) await new Promise((r) => setTimeout(r, 20));
  assert.is(liveWorkers(), base, 'every dropped Trainer\'s worker ended');
  for (const m of models) m.dispose();
  ds.dispose();
});

test.run();
