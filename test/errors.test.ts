// Bad input gets a typed error with a clear message, thrown before anything is allocated.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  init, Dataset, linear, logistic, softmax, train, optimizer,
  ShapeError, DataError, HyperParameterError, DescentError, type TrainOptions,
} from '../src/index.js';
import { backend } from '../src/runtime/index.js';
import { BACKENDS } from './_util.js';

type Ctor = new (...a: any[]) => DescentError;

/** Asserts fn throws an instance of `type` whose message matches `msg`, and that no memory was kept. */
function throwsTyped(fn: () => unknown, type: Ctor, msg: RegExp, label: string): void {
  const before = backend().liveBytes();
  try {
    fn();
  } catch (e) {
    assert.instance(e, type, `${label}: ${(e as Error)?.constructor?.name} instead of ${type.name}: ${(e as Error).message}`);
    assert.match((e as Error).message, msg, `${label}: message ${JSON.stringify((e as Error).message)}`);
    assert.is(backend().liveBytes(), before, `${label}: allocated memory before throwing`);
    return;
  }
  assert.unreachable(`${label}: did not throw`);
}

const x4 = [[0, 1], [1, 0], [1, 1], [0, 0]];

for (const name of BACKENDS) {
  test(`${name}: bad datasets`, async () => {
    await init({ backend: name });
    const cases: [string, () => unknown, Ctor, RegExp][] = [
      ['y shorter than x', () => Dataset.fromArrays(x4, [0, 1, 0]), ShapeError, /y has 3 values but x has 4 rows/],
      ['ragged rows', () => Dataset.fromArrays([[1, 2], [3]], [0, 1]), ShapeError, /row 1 has 1 values, expected 2/],
      ['NaN in x', () => Dataset.fromArrays([[1, 2], [3, NaN]], [0, 1]), DataError, /row 1, column 1 is NaN/],
      ['Infinity in flat x', () => Dataset.fromArrays(new Float32Array([1, 2, Infinity, 4]), [0, 1], { features: 2 }), DataError, /row 1, column 0 is Infinity/],
      ['f32 overflow', () => Dataset.fromArrays([[1e39, 0]], [0]), DataError, /overflows float32/],
      ['NaN in y', () => Dataset.fromArrays(x4, [0, 1, NaN, 0]), DataError, /y: row 2 is NaN/],
      ['-Infinity in y', () => Dataset.fromArrays(x4, [0, 1, 1, -Infinity]), DataError, /y: row 3 is -Infinity/],
      ['zero rows', () => Dataset.fromArrays([], []), ShapeError, /flat array needs|zero rows/],
      ['zero rows, flat', () => Dataset.fromArrays(new Float32Array(0), [], { features: 3 }), ShapeError, /zero rows/],
      ['flat without features', () => Dataset.fromArrays(new Float32Array(4), [0, 1]), ShapeError, /needs \{ features \}/],
      ['length not a multiple', () => Dataset.fromArrays(new Float32Array(5), [0, 1], { features: 2 }), ShapeError, /not a multiple of features = 2/],
      ['features mismatch', () => Dataset.fromArrays(x4, [0, 1, 1, 0], { features: 3 }), ShapeError, /row 0 has 2 values, expected features = 3/],
      ['softmax with 1 class', () => softmax({ features: 2, classes: 1 }), ShapeError, /classes must be an integer ≥ 2/],
      ['linear with 0 features', () => linear({ features: 0 }), ShapeError, /features must be a positive integer/],
    ];
    for (const [label, fn, type, msg] of cases) throwsTyped(fn, type, msg, label);
  });

  test(`${name}: bad labels and bad training options`, async () => {
    await init({ backend: name });
    const bin = Dataset.fromArrays(x4, [0, 1, 1, 0]);
    const multi = Dataset.fromArrays(x4, [0, 2, 1, 3]);
    const lg = logistic({ features: 2 });
    const sm = softmax({ features: 2, classes: 3 });
    const wide = linear({ features: 3 });
    const t = (model: any, ds: Dataset, o: TrainOptions) => () => train(model, ds, o);
    const cases: [string, () => unknown, Ctor, RegExp][] = [
      ['logistic label 2', t(lg, multi, {}), DataError, /label at row 1 is 2; a logistic model needs 0 or 1/],
      ['softmax label out of range', t(sm, multi, {}), DataError, /label at row 3 is 3; a softmax model needs an integer class in \[0, 2\]/],
      ['features mismatch', t(wide, bin, {}), ShapeError, /dataset has 2 features but the linear model expects 3/],
      ['unknown optimizer', t(lg, bin, { optimizer: { name: 'adamz' } as any }), HyperParameterError, /optimizer.name: unknown optimizer "adamz"; expected one of sgd, adam, adamw/],
      ['negative lr', t(lg, bin, { optimizer: { name: 'adam', lr: -1 } }), HyperParameterError, /optimizer.lr: must be ≥ 0, got -1/],
      ['NaN lr', t(lg, bin, { optimizer: { name: 'sgd', lr: NaN } }), HyperParameterError, /optimizer.lr: must be a finite number, got NaN/],
      ['beta1 = 1', t(lg, bin, { optimizer: { name: 'adam', betas: [1, 0.999] } }), HyperParameterError, /optimizer.betas\[0\]: must be < 1, got 1/],
      ['beta2 < 0', t(lg, bin, { optimizer: { name: 'adamw', betas: [0.9, -0.1] } }), HyperParameterError, /optimizer.betas\[1\]: must be ≥ 0/],
      ['eps < 0', t(lg, bin, { optimizer: { name: 'adam', eps: -1e-8 } }), HyperParameterError, /optimizer.eps: must be ≥ 0, got -1e-8/],
      ['momentum < 0', t(lg, bin, { optimizer: { name: 'sgd', momentum: -0.5 } }), HyperParameterError, /optimizer.momentum: must be ≥ 0/],
      ['nesterov without momentum', t(lg, bin, { optimizer: { name: 'sgd', nesterov: true } }), HyperParameterError, /optimizer.nesterov: Nesterov momentum requires momentum > 0/],
      ['snake_case key', t(lg, bin, { optimizer: { name: 'adam', weight_decay: 0.1 } as any }), HyperParameterError, /optimizer.weight_decay: unknown option/],
      ['batch 0', t(lg, bin, { batch: 0 }), HyperParameterError, /batch: must be 'full', 'stochastic' or an integer in \[1, 4\]/],
      ['batch > n', t(lg, bin, { batch: 5 }), HyperParameterError, /batch: .*got 5/],
      ['batch 2.5', t(lg, bin, { batch: 2.5 }), HyperParameterError, /batch: .*got 2.5/],
      ['batch "mini"', t(lg, bin, { batch: 'mini' as any }), HyperParameterError, /batch: .*got "mini"/],
      ['epochs 0', t(lg, bin, { epochs: 0 }), HyperParameterError, /epochs: must be in \[1,/],
      ['negative l2', t(lg, bin, { l2: -1 }), HyperParameterError, /l2: must be ≥ 0/],
      ['seed -1', t(lg, bin, { seed: -1 }), HyperParameterError, /seed: must be in \[0, 4294967295\]/],
      ['tol NaN', t(lg, bin, { tol: NaN }), HyperParameterError, /tol: must be a finite number/],
      ['unknown option', t(lg, bin, { epoch: 3 } as any), HyperParameterError, /options.epoch: unknown option/],
      ['onEpoch not a function', t(lg, bin, { onEpoch: 3 as any }), HyperParameterError, /onEpoch: must be a function/],
      ['optimizer() n = 0', () => optimizer({ name: 'adam' }, 0), ShapeError, /n must be a positive integer/],
      ['optimizer() bad lr', () => optimizer({ name: 'sgd', lr: -0.1 }, 4), HyperParameterError, /optimizer.lr/],
    ];
    for (const [label, fn, type, msg] of cases) throwsTyped(fn, type, msg, label);
    // The model and data are untouched by the failed calls.
    assert.ok(lg.params.every((v) => v === 0));
    assert.equal(Array.from(bin.y), [0, 1, 1, 0]);
    for (const o of [bin, multi, lg, sm, wide]) o.dispose();
  });
}

test('errors carry machine-readable fields', async () => {
  await init({ backend: 'js' });
  try {
    Dataset.fromArrays([[1, 2], [3, NaN]], [0, 1]);
  } catch (e) {
    assert.instance(e, DataError);
    assert.is((e as DataError).code, 'E_DATA');
    assert.is((e as DataError).row, 1);
    assert.is((e as DataError).column, 1);
  }
  try {
    optimizer({ name: 'adam', betas: [0.9, 2] }, 3);
  } catch (e) {
    assert.instance(e, HyperParameterError);
    assert.is((e as HyperParameterError).param, 'optimizer.betas[1]');
    assert.is((e as HyperParameterError).name, 'HyperParameterError');
  }
});

test.run();
