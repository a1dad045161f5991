// Issue 15, "a model carries its preprocessing": train() fits standardization (and a squared-loss regression
// target's scale) on the training rows by default, the model applies it to raw rows in predict/evaluate, saves
// and loads it, and partialFit/trainStream use the model's statistics without fitting any. Each property is
// checked against the same run done by hand on standardized data (train with standardize: false), bit for bit,
// on every backend.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  init, Dataset, train, linear, logistic, softmax, mlp, partialFit, trainStream, Model, Network, Preprocessing,
  HyperParameterError, DataError,
} from '../src/index.js';
import { loadBuiltin } from '../src/data/builtin.js';
import { modelFromJSON, modelToJSON } from '../src/models/io.js';
import { BACKENDS, bitEqual } from './_util.js';

function diabetes() {
  const t = loadBuiltin('diabetes');
  const all = Dataset.fromArrays(t.x, t.y, { features: t.features });
  const s = all.split({ every: 5 });
  all.dispose();
  return s;
}

/** The by-hand pipeline: standardize x with the training rows' stats, scale y, train on raw copies with standardize: false. */
function byHand(tr: Dataset, targetScale: boolean) {
  const st = tr.stats();
  const y = tr.y;
  let sum = 0;
  for (const v of y) sum += v;
  const m = sum / y.length;
  let ss = 0;
  for (const v of y) ss += (v - m) * (v - m);
  const sd = Math.sqrt(ss / y.length);
  const ys = targetScale ? y.map((v) => (v - m) / sd) : y;
  const ds = Dataset.fromArrays(tr.x, ys, { features: tr.features }).standardize(st);
  return { ds, st, m, sd };
}

for (const be of BACKENDS) {
  test(`${be}: default train() = standardize by hand + standardize: false, bit for bit; predict on raw rows in target units`, async () => {
    await init({ backend: be });
    const { train: tr, test: te } = diabetes();
    const opts = { optimizer: { name: 'adam', lr: 0.01 } as const, epochs: 20, batch: 32 };
    const x0 = tr.x, y0 = tr.y;
    const a = linear({ features: tr.features });
    const ra = train(a, tr, opts);
    const h = byHand(tr, true);
    const b = linear({ features: tr.features });
    const rb = train(b, h.ds, { ...opts, standardize: false });
    assert.ok(bitEqual(a.params, b.params), 'same parameters');
    assert.equal(ra.history.map((r) => r.loss), rb.history.map((r) => r.loss));
    assert.is(b.preprocessing, null);
    const pre = a.preprocessing!;
    assert.equal(Array.from(pre.mean), Array.from(h.st.mean));
    assert.equal([pre.yMean, pre.yStd], [h.m, h.sd]);
    // Raw test rows in: the same predictions as by hand, mapped back to the target's units.
    const raw = te.x;
    const std = Dataset.fromArrays(raw, te.y, { features: te.features }).standardize(h.st);
    const want = b.predict(std.x).map((p) => p * h.sd + h.m);
    assert.ok(bitEqual(a.predict(raw), want), 'predict(raw) = by-hand predict, unscaled');
    const ea = a.evaluate(te), eb = b.evaluate(Dataset.fromArrays(std.x, te.y.map((v) => (v - h.m) / h.sd), { features: te.features }));
    assert.equal(ea, eb, 'evaluate(raw) = by-hand evaluate (loss in the scaled units)');
    assert.ok(ea.r2! > 0.45, `R² ${ea.r2}`);
    // The caller's dataset is untouched.
    assert.ok(bitEqual(tr.x, x0) && bitEqual(tr.y, y0));
    for (const d of [tr, te, h.ds, std]) d.dispose();
    a.dispose();
    b.dispose();
  });
}

test('classifiers: features only; huber keeps the raw target (its ε is in target units); networks too', async () => {
  await init({ backend: 'js' });
  const x = [[1, 100], [2, 300], [3, 200], [4, 400], [5, 250], [6, 150]];
  const ds = Dataset.fromArrays(x, [0, 1, 0, 1, 1, 0]);
  const lg = logistic({ features: 2 });
  train(lg, ds, { epochs: 5 });
  assert.is(lg.preprocessing!.scalesTarget, false);
  assert.equal(Array.from(lg.preprocessing!.mean), [3.5, 233.33333333333334]);
  const reg = Dataset.fromArrays(x, [10, 20, 30, 40, 50, 60]);
  const hub = linear({ features: 2, loss: 'huber' });
  train(hub, reg, { epochs: 5 });
  assert.is(hub.preprocessing!.scalesTarget, false);
  const net = mlp({ features: 2, hidden: [4] });
  train(net, reg, { epochs: 5 });
  assert.is(net.preprocessing!.scalesTarget, true);
  assert.is(net.preprocessing!.yMean, 35);
  for (const m of [lg, hub, net]) m.dispose();
  ds.dispose();
  reg.dispose();
});

test('a constant column is only centred; statistics come from the training rows, not validationFraction\'s', async () => {
  await init({ backend: 'js' });
  const n = 50;
  const x = Array.from({ length: n }, (_, i) => [i, 7]);
  const ds = Dataset.fromArrays(x, x.map((r) => 2 * r[0] + 1));
  const m = linear({ features: 2 });
  train(m, ds, { epochs: 3, validationFraction: 0.2, seed: 3 });
  const pre = m.preprocessing!;
  assert.equal([pre.mean[1], pre.std[1]], [7, 0]);
  const { train: part } = ds.split({ testFraction: 0.2, seed: 3 });
  assert.equal(Array.from(pre.mean), Array.from(part.stats().mean), 'the training part only');
  assert.ok(m.predict([[3, 7]]).every(Number.isFinite));
  for (const d of [m, ds, part]) d.dispose();
});

test('explicit statistics, reuse on a second call, standardize: false clears; bad statistics are named before allocation', async () => {
  await init({ backend: 'js' });
  const ds = Dataset.fromArrays([[1, 2], [3, 4], [5, 8]], [0, 1, 1]);
  const m = logistic({ features: 2 });
  train(m, ds, { epochs: 2, standardize: { mean: [1, 1], std: [2, 0] } });
  assert.equal([Array.from(m.preprocessing!.mean), Array.from(m.preprocessing!.std)], [[1, 1], [2, 0]]);
  const first = m.preprocessing;
  train(m, ds, { epochs: 2 });
  assert.is(m.preprocessing, first, 'a second train() keeps the statistics the parameters were learnt with');
  train(m, ds, { epochs: 2, standardize: false });
  assert.is(m.preprocessing, null);
  const bad: [unknown, string][] = [
    [{ mean: [0, 0], std: [1, -1] }, 'standardize.std[1]'],
    [{ mean: [0], std: [1] }, 'standardize.mean'],
    [{ mean: [0, NaN], std: [1, 1] }, 'standardize.mean[1]'],
    [{ mean: [0, 0], std: [1, 1], yMean: 1, yStd: 1 }, 'standardize.yMean'],
    ['yes', 'standardize'],
  ];
  for (const [s, param] of bad) {
    const before = m.params;
    try {
      train(m, ds, { epochs: 2, standardize: s as never });
      assert.unreachable(`${JSON.stringify(s)} must be refused`);
    } catch (e) {
      assert.instance(e, HyperParameterError);
      assert.is((e as HyperParameterError).param, param, String(e));
    }
    assert.ok(bitEqual(m.params, before));
  }
  // A value leaving float32 when standardized: a DataError naming row and column.
  try {
    train(m, ds, { epochs: 1, standardize: { mean: [0, 0], std: [1, 1e-45] } });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, DataError);
    assert.match(String(e), /row 0, column 1/);
  }
  m.dispose();
  ds.dispose();
});

test('saved and loaded: Model/Network toJSON, model files; old files without statistics still load', async () => {
  await init({ backend: 'js' });
  const { train: tr, test: te } = diabetes();
  const m = linear({ features: tr.features });
  train(m, tr, { epochs: 5 });
  const want = m.predict(te.x);
  for (const copy of [Model.fromJSON(JSON.stringify(m.toJSON())), modelFromJSON(JSON.stringify(modelToJSON(m)))]) {
    assert.ok(bitEqual(copy.predict(te.x), want));
    assert.equal(copy.preprocessing!.toJSON(), m.preprocessing!.toJSON());
    copy.dispose();
  }
  const file = modelToJSON(m);
  assert.equal(file.targetScale, { mean: m.preprocessing!.yMean, std: m.preprocessing!.yStd });
  const { standardize: _s, targetScale: _t, ...old } = file;
  const o = modelFromJSON(old);
  assert.is(o.preprocessing, null);
  o.dispose();
  const net = mlp({ features: tr.features, hidden: [8] });
  train(net, tr, { epochs: 5 });
  const back = Network.fromJSON(JSON.stringify(net.toJSON()));
  assert.ok(bitEqual(back.predict(te.x), net.predict(te.x)));
  assert.ok(bitEqual(back.predict(te), net.predict(te)), 'a Dataset of raw rows too');
  try {
    Model.fromJSON({ ...m.toJSON(), standardize: { mean: [1], std: [1] } });
    assert.unreachable();
  } catch (e) {
    assert.match(String(e), /standardize\.mean.*10 features/);
  }
  for (const d of [m, net, back, tr, te]) d.dispose();
});

test('a resumed run standardizes as the saved one did (its statistics travel in the state), raw stays raw', async () => {
  await init({ backend: 'js' });
  const { train: tr, test: te } = diabetes();
  const opts = { optimizer: { name: 'adam', lr: 0.01 } as const, epochs: 4, batch: 32, seed: 1 };
  for (const standardize of [false, true]) {
    const full = linear({ features: tr.features });
    train(full, tr, { ...opts, standardize });
    const m = linear({ features: tr.features });
    const state = train(m, tr, { ...opts, standardize, maxSteps: 30, saveState: true }).state!;
    const fresh = linear({ features: tr.features }); // no preprocessing of its own, no standardize option
    train(fresh, tr, { ...opts, resume: JSON.parse(JSON.stringify(state)) });
    assert.ok(bitEqual(fresh.params, full.params), `standardize ${standardize}: resumed = uninterrupted`);
    assert.is(fresh.preprocessing === null, !standardize);
    if (standardize) {
      const raw = linear({ features: tr.features });
      assert.throws(() => train(raw, tr, { ...opts, standardize: false, resume: state }),
        (e: unknown) => e instanceof HyperParameterError && e.param === 'resume');
      raw.dispose();
    }
    for (const d of [full, m, fresh]) d.dispose();
  }
  tr.dispose();
  te.dispose();
});

test('partialFit and trainStream never fit: they use the model\'s statistics (given, or from a first pass)', async () => {
  await init({ backend: 'js' });
  const { train: tr } = diabetes();
  const pre = Preprocessing.fit(tr, { target: true });
  const x = tr.x, y = tr.y, d = tr.features;
  // By hand: the standardized rows, partialFit on a model without preprocessing.
  const hx = pre.apply(x), hy = pre.scaleTargets(y.slice());
  const a = linear({ features: d }), b = linear({ features: d });
  a.preprocessing = pre;
  for (let i = 0; i < 4; i++) {
    const rows = { start: i * 64, end: (i + 1) * 64 };
    partialFit(a, { x: x.subarray(rows.start * d, rows.end * d), y: y.subarray(rows.start, rows.end) });
    partialFit(b, { x: hx.subarray(rows.start * d, rows.end * d), y: hy.subarray(rows.start, rows.end) });
  }
  assert.ok(bitEqual(a.params, b.params));
  const c = linear({ features: d });
  const batches = () => (async function* () {
    for (let i = 0; i < 4; i++) yield { x: x.subarray(i * 64 * d, (i + 1) * 64 * d), y: y.subarray(i * 64, (i + 1) * 64) };
  })();
  await trainStream(c, batches, { standardize: pre.toJSON() });
  const e = linear({ features: d });
  train(e, tr, { epochs: 1, standardize: pre }); // a Preprocessing itself is accepted too
  assert.equal(e.preprocessing!.toJSON(), pre.toJSON());
  e.dispose();
  assert.ok(bitEqual(c.params, a.params), 'trainStream with given statistics = partialFit on a model carrying them');
  assert.equal(c.preprocessing!.toJSON(), pre.toJSON());
  for (const m of [a, b, c, tr]) m.dispose();
});

test('stats() is computed once per dataset: equal on every call, copies the caller may change, new after standardize()', async () => {
  for (const be of BACKENDS) {
    await init({ backend: be });
    const { train: tr, test: te } = diabetes();
    const first = tr.stats();
    const fresh = Dataset.fromArrays(tr.x, tr.y, { features: tr.features }).stats();
    first.mean.fill(123);
    first.std.fill(-1);
    const again = tr.stats();
    const same = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
    assert.ok(same(again.mean, fresh.mean) && same(again.std, fresh.std), `${be}: a second stats() equals a new dataset's`);
    tr.standardize(again);
    const after = tr.stats();
    for (let c = 0; c < tr.features; c++) {
      assert.ok(Math.abs(after.mean[c]) < 1e-6, `${be}: mean[${c}] after standardize is ${after.mean[c]}`);
      assert.ok(Math.abs(after.std[c] - 1) < 1e-5, `${be}: std[${c}] after standardize is ${after.std[c]}`);
    }
    tr.dispose();
    te.dispose();
    assert.throws(() => tr.stats(), /disposed/, `${be}: stats() of a disposed dataset`);
  }
});

test.run();
