// Issue 16, class 1: objects stay bound to the backend that made them. After init() switches to another
// backend, a dataset and a model made before keep working together (every derived allocation — split,
// subset, the validation split, trainer buffers, partialFit and stream state — is made on their own
// backend), give the same bits as before the switch, and any mix of objects from two backends is a typed
// error naming both.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  init, Dataset, softmax, logistic, train, Trainer, partialFit, trainStream, evaluateStream, DescentError, DisposedError,
} from '../src/index.ts';
import { BACKENDS } from './_util.ts';

/** A separable 3-class problem, 60 rows × 4 features. */
function data(): { x: number[][]; y: number[] } {
  const x: number[][] = [], y: number[] = [];
  for (let i = 0; i < 60; i++) {
    const c = i % 3;
    x.push([c + 0.1 * Math.sin(i), -c + 0.1 * Math.cos(i), 0.5 * c, (i % 7) / 7]);
    y.push(c);
  }
  return { x, y };
}

const OPTS = { optimizer: { name: 'adam', lr: 0.05 }, batch: 8, epochs: 5, seed: 3 } as const;

for (const made of BACKENDS) {
  for (const now of BACKENDS) {
    if (made === now) continue;
    test(`made on ${made}, used after init(${now}): training with a validation split matches a run without the switch`, async () => {
      const { x, y } = data();
      await init({ backend: made });
      const ref = softmax({ features: 4, classes: 3 });
      const refDs = Dataset.fromArrays(x, y);
      const r0 = train(ref, refDs, { ...OPTS, validationFraction: 0.25 });
      const ds = Dataset.fromArrays(x, y);
      const m = softmax({ features: 4, classes: 3 });
      await init({ backend: now });
      const r1 = train(m, ds, { ...OPTS, validationFraction: 0.25 });
      assert.is(r1.backend, made);
      assert.is(r1.stopReason, r0.stopReason);
      assert.equal(Array.from(m.params), Array.from(ref.params));
      assert.ok(m.params.some((v) => v !== 0));
      // split and subset stay on the dataset's backend, and train with the old model.
      const { train: tr, test: te } = ds.split({ every: 4 });
      assert.is(tr.backendName, made);
      assert.is(te.backendName, made);
      const sub = ds.subset([0, 1, 2, 3, 4, 5]);
      assert.is(sub.backendName, made);
      const ev = m.evaluate(te);
      assert.ok(Number.isFinite(ev.loss));
      // partialFit with arrays, trainStream and evaluateStream run on the model's backend.
      const pf = partialFit(m, { x: x.slice(0, 6), y: y.slice(0, 6) }, { optimizer: { name: 'sgd', lr: 0.01 } });
      assert.is(pf.diverged, false);
      const m2 = logistic({ features: 4 }); // made now: on `now`
      const bin = { x: x.slice(0, 6), y: [0, 1, 0, 1, 0, 1] };
      const s = await trainStream(m, [{ x: x.slice(0, 6), y: y.slice(0, 6) }], { optimizer: { name: 'sgd', lr: 0.01 } });
      assert.is(s.backend, made);
      const es = await evaluateStream(m, [{ x: x.slice(0, 6), y: y.slice(0, 6) }]);
      assert.is(es.rows, 6);
      // Mixing: the new model with the old dataset, the old model with a new dataset or validation set.
      const newDs = Dataset.fromArrays(bin.x, bin.y);
      for (const [label, fn] of [
        ['new model, old data', () => train(m2, sub, { epochs: 1 })],
        ['old model, new data', () => train(m, newDs, { epochs: 1 })],
        ['old model, new validation set', () => train(m, ds, { epochs: 1, validation: newDs })],
        ['old model, new data in partialFit', () => partialFit(m, newDs)],
        ['old model, new data in evaluate', () => m.evaluate(newDs)],
        ['new Trainer, old data', () => new Trainer(m2, tr, { epochs: 1 })],
      ] as const) {
        assert.throws(fn, (e: unknown) => e instanceof DisposedError && e.message.includes(made) && e.message.includes(now), label);
      }
      for (const o of [ref, refDs, ds, m, tr, te, sub, m2, newDs]) o.dispose();
    });
  }
}

test('every backend mix error is a DescentError with code E_DISPOSED', async () => {
  await init({ backend: 'wasm-simd' });
  const ds = Dataset.fromArrays([[1], [2]], [0, 1]);
  await init({ backend: 'js' });
  const m = logistic({ features: 1 });
  try {
    train(m, ds, { epochs: 1 });
    assert.unreachable('no error');
  } catch (e) {
    assert.instance(e, DescentError);
    assert.is((e as DescentError).code, 'E_DISPOSED');
  }
  m.dispose();
  ds.dispose();
});

test.run();
