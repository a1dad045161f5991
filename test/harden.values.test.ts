// Issue 16, classes 3, 4, 6 and 9 on every backend: values are refused rather than coerced (numbers only,
// finite, float32-representable: a DataError with row and column, in every entry point); step counts are
// whole; sizes past the backend's limit are a typed error before anything is allocated; unknown keys and
// null options are errors; Adam takes eps = 0 as PyTorch does; a minimize objective may allocate;
// partialFit state dies with its model; a view kept past dispose() is poisoned or detached.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  init, backendInfo, Dataset, Model, linear, logistic, softmax, train, Trainer, optimizer, partialFit, minimize,
  DataError, DescentError, HyperParameterError, ShapeError,
} from '../src/index.ts';
import { BACKENDS } from './_util.ts';

const F32_MAX = 3.4028234663852886e38;

/** Values JavaScript would coerce or round to something else than what was given. */
const BAD: [string, unknown][] = [
  ['null', null], ['empty string', ''], ['numeric string', '1'], ['true', true], ['false', false], ['[5]', [5]],
  ['undefined', undefined], ['object', {}], ['bigint', 1n], ['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity],
  ['1e39', 1e39], ['-3.5e38', -3.5e38], ['just past FLT_MAX', 3.4028235e38],
];

function isData(row: number | undefined, column: number | undefined) {
  return (e: unknown) => e instanceof DataError && e.row === row && e.column === column && e.message.length < 400;
}

for (const b of BACKENDS) {
  test(`${b}: fromArrays, predict, setParams and partialFit refuse every non-number, with row and column`, async () => {
    await init({ backend: b });
    const m = logistic({ features: 3 });
    for (const [label, v] of BAD) {
      const rows = [[1, 2, 3], [4, 5, 6]] as unknown[][];
      rows[1] = [4, v, 6];
      assert.throws(() => Dataset.fromArrays(rows as number[][], [0, 1]), isData(1, 1), `x rows: ${label}`);
      const flat = [1, 2, 3, 4, 5, v];
      assert.throws(() => Dataset.fromArrays(flat as number[], [0, 1], { features: 3 }), isData(1, 2), `flat x: ${label}`);
      assert.throws(() => Dataset.fromArrays([[1, 2, 3], [4, 5, 6]], [0, v] as number[]), isData(1, 3), `y: ${label}`);
      assert.throws(() => m.predict(rows as number[][]), isData(1, 1), `predict: ${label}`);
      assert.throws(() => m.setParams([0, 0, v, 0] as number[]), (e: unknown) => e instanceof DataError && e.column === 2, `setParams: ${label}`);
      assert.throws(() => partialFit(m, { x: rows as number[][], y: [0, 1] }), isData(1, 1), `partialFit: ${label}`);
    }
    assert.equal(Array.from(m.params), [0, 0, 0, 0]);
    // Typed arrays: a bigint array is refused with a DataError, not a TypeError; float64 past f32 too.
    assert.throws(() => Dataset.fromArrays(new BigInt64Array(6) as never, [0, 1], { features: 3 }), isData(0, 0));
    assert.throws(() => Dataset.fromArrays(Float64Array.of(1, 2, 3, 4, 5, 1e39), [0, 1], { features: 3 }), isData(1, 2));
    // The largest float32 itself is fine.
    const ok = Dataset.fromArrays([[F32_MAX, -F32_MAX, 0]], [1]);
    assert.is(ok.x[0], F32_MAX);
    m.setParams([F32_MAX, 0, 0, -F32_MAX]);
    ok.dispose();
    m.dispose();
  });

  test(`${b}: step counts must be whole (or Infinity)`, async () => {
    await init({ backend: b });
    const ds = Dataset.fromArrays([[0], [1], [2], [3]], [0, 1, 0, 1]);
    const m = logistic({ features: 1 });
    const t = new Trainer(m, ds, { batch: 1, epochs: 3 });
    for (const n of [0.5, 1.5, -1, NaN, -Infinity, '2' as unknown as number]) {
      assert.throws(() => t.step(n), (e: unknown) => e instanceof HyperParameterError && e.param === 'maxBatches', String(n));
    }
    assert.is(t.steps, 0);
    assert.is(t.step(0), 0);
    assert.is(t.step(2), 2);
    assert.is(t.step(), 10);
    assert.is(t.stopReason, 'epochs');
    t.dispose();
    m.dispose();
    ds.dispose();
  });

  test(`${b}: sizes past the backend's limit are a typed error naming the size, before any allocation`, async () => {
    await init({ backend: b });
    const live = backendInfo().memoryBytes;
    const huge: [string, () => unknown][] = [
      ['softmax 2^52 × 4', () => softmax({ features: 2 ** 52, classes: 4 })],
      ['optimizer 2^53', () => optimizer({ name: 'adam' }, 2 ** 53)],
    ];
    if (b !== 'js') {
      // WASM32 holds 4 GiB: these wrapped to tiny allocations before.
      huge.push(['softmax 2^28 × 4', () => softmax({ features: 2 ** 28, classes: 4 })]);
      huge.push(['optimizer 2^30 + 4', () => optimizer({ name: 'sgd' }, 2 ** 30 + 4)]);
      huge.push(['linear 2^32 features', () => linear({ features: 2 ** 32 })]);
    }
    for (const [label, fn] of huge) {
      assert.throws(fn, (e: unknown) => e instanceof DescentError && /\d{8,} bytes|\d{8,} values/.test(e.message), label);
    }
    if (b === 'js') assert.is(backendInfo().memoryBytes, live, 'nothing left allocated');
    const small = softmax({ features: 3, classes: 2 });
    small.dispose();
  });

  test(`${b}: unknown keys and null options are errors naming the key`, async () => {
    await init({ backend: b });
    const cases: [string, () => unknown, string][] = [
      ['linear epslion', () => linear({ features: 2, loss: 'huber', epslion: 0.5 } as never), 'linear.epslion'],
      ['logistic featurs', () => logistic({ featurs: 2 } as never), 'logistic.featurs'],
      ['softmax class', () => softmax({ features: 2, classes: 3, class: 3 } as never), 'softmax.class'],
      ['model loss null', () => linear({ features: 2, loss: null } as never), 'loss'],
    ];
    for (const [label, fn, param] of cases) {
      assert.throws(fn, (e: unknown) => e instanceof HyperParameterError && e.param === param, label);
    }
    await init({ backend: b });
    for (const [label, p, param] of [['init bakend', init({ bakend: 'js' } as never), 'init.bakend'], ['init null', init(null as never), 'init']] as const) {
      await p.then(() => assert.unreachable(label), (e: unknown) => assert.ok(e instanceof HyperParameterError && e.param === param, label));
    }
    const ds = Dataset.fromArrays([[0], [1], [2], [3], [4], [5]], [0, 1, 0, 1, 0, 1]);
    assert.throws(() => ds.split({ every: 2, seed: 1 } as never), (e: unknown) => e instanceof HyperParameterError && e.param === 'split.seed');
    assert.throws(() => ds.split({ testFraction: 0.5, sed: 1 } as never), (e: unknown) => e instanceof HyperParameterError && e.param === 'split.sed');
    assert.throws(() => ds.split(null as never), (e: unknown) => e instanceof HyperParameterError);
    const m = logistic({ features: 1 });
    for (const key of ['batch', 'penalty', 'monitor', 'l1Method', 'optimizer'] as const) {
      assert.throws(() => train(m, ds, { [key]: null } as never), (e: unknown) => e instanceof HyperParameterError, `${key}: null`);
    }
    assert.throws(() => partialFit(m, ds, { batch: null } as never), (e: unknown) => e instanceof HyperParameterError);
    m.dispose();
    ds.dispose();
  });

  test(`${b}: eps = 0 is accepted where PyTorch accepts it, negative eps is not`, async () => {
    await init({ backend: b });
    for (const name of ['adam', 'adamw', 'adamax', 'nadam', 'radam', 'rmsprop', 'adagrad', 'adadelta'] as const) {
      const o = optimizer({ name, eps: 0 }, 3);
      o.dispose();
      assert.throws(() => optimizer({ name, eps: -1e-12 }, 3), (e: unknown) => e instanceof HyperParameterError && e.param === 'optimizer.eps', name);
    }
    // A real run with eps = 0 ends with finite parameters or reports divergence.
    const ds = Dataset.fromArrays([[1, 0], [0, 1], [1, 1], [0, 0]], [1, 0, 1, 0]);
    const m = logistic({ features: 2 });
    const r = train(m, ds, { optimizer: { name: 'adam', eps: 0, lr: 0.1 }, epochs: 5, batch: 2 });
    assert.ok(r.stopReason === 'diverged' || m.params.every(Number.isFinite));
    m.dispose();
    ds.dispose();
  });

  test(`${b}: a minimize objective that allocates (and grows memory) keeps its gradient`, async () => {
    await init({ backend: b });
    const target = [3, -2, 0.5];
    const kept: Dataset[] = [];
    let grownOnce = false;
    const objective = (allocate: boolean) => (x: Float32Array, g: Float32Array) => {
      // Allocating (and keeping) 1 MiB in the backend each call; the first call keeps allocating until WASM memory
      // grows (earlier suites in this process may have left tens of MiB free), so a growth happens mid-run.
      if (allocate) {
        const before = backendInfo().memoryBytes;
        const add = () => kept.push(Dataset.fromArrays(new Float32Array(1 << 18), new Float32Array(1 << 10), { features: 256 }));
        add();
        if (!grownOnce && b !== 'js') while (backendInfo().memoryBytes === before && kept.length < 4096) add();
        grownOnce = true;
      }
      let f = 0;
      for (let i = 0; i < x.length; i++) {
        f += (x[i] - target[i]) ** 2;
        g[i] = 2 * (x[i] - target[i]);
      }
      return f;
    };
    const opts = { optimizer: { name: 'adam', lr: 0.1 }, maxSteps: 40 } as const;
    const ref = minimize(objective(false), [0, 0, 0], opts);
    const mem0 = backendInfo().memoryBytes;
    const r = minimize(objective(true), [0, 0, 0], opts);
    if (b !== 'js') assert.ok(backendInfo().memoryBytes > mem0, 'memory grew');
    for (const d of kept) d.dispose();
    assert.equal(Array.from(r.x), Array.from(ref.x));
    assert.ok(Math.abs(r.x[0]) > 1, 'moved');
  });

  test(`${b}: partialFit state is freed with its model; a kept view is poisoned or detached`, async () => {
    await init({ backend: b });
    const m = logistic({ features: 2 });
    const before = backendInfo().memoryBytes;
    partialFit(m, { x: [[1, 0], [0, 1]], y: [1, 0] }, { optimizer: { name: 'adam' } });
    m.dispose();
    if (b === 'js') assert.ok(backendInfo().memoryBytes < before, 'the fitter is gone with the model');
    assert.throws(() => partialFit(m, { x: [[1, 0]], y: [1] }), (e: unknown) => e instanceof DescentError && e.code === 'E_DISPOSED');
    const o = optimizer({ name: 'sgd' }, 64);
    const kept = o.params;
    o.dispose();
    if (b === 'js') assert.is(kept.length, 0, 'detached');
    // The allocator keeps its free-list links in the first and last words of a freed block.
    else assert.ok(Array.from(kept.subarray(4, 60)).every(Number.isNaN), 'poisoned');
    const next = Model.fromJSON(JSON.stringify(logistic({ features: 7 }).toJSON()));
    assert.ok(next.params.every((v) => v === 0));
    next.dispose();
  });
}

test('fromJSON refuses parameters past float32 and non-numbers', async () => {
  await init({ backend: 'js' });
  const j = logistic({ features: 1 }).toJSON();
  for (const v of [1e39, '1', null]) {
    assert.throws(() => Model.fromJSON({ ...j, params: [0, v as number] }), (e: unknown) => e instanceof DataError && e.column === 1);
  }
  assert.throws(() => Dataset.fromArrays([[1]], [0], { feature: 1 } as never), (e: unknown) => e instanceof HyperParameterError);
  assert.throws(() => new Trainer({} as never, null as never), (e: unknown) => e instanceof HyperParameterError);
  assert.throws(() => train(logistic({ features: 1 }), [[1]] as never), (e: unknown) => e instanceof HyperParameterError && e.param === 'data');
  assert.throws(() => Dataset.fromArrays([[1]], [0]).subset(null as never), (e: unknown) => e instanceof ShapeError);
  assert.throws(() => Model.fromJSON('{"format": "descent-model", '), (e: unknown) => e instanceof DataError);
  // Statistics that would push values out of float32 (or are not numbers) leave the dataset untouched.
  const ds = Dataset.fromArrays([[1, 2], [3, 4]], [0, 1]);
  for (const stats of [{ mean: [0, 0], std: [1e-40, 1] }, { mean: [NaN, 0], std: [1, 1] }, { mean: ['1', 0], std: [1, 1] }]) {
    assert.throws(() => ds.standardize(stats as never), (e: unknown) => e instanceof DataError && e.column === 0);
  }
  assert.equal(Array.from(ds.x), [1, 2, 3, 4]);
  ds.dispose();
});

test.run();
