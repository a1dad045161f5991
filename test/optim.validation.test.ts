// Bad hyper-parameters: every one must throw a HyperParameterError whose `param` names the offending
// option, from both entry points (optimizer() and train()), before anything is allocated.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  init, optimizer, train, linear, Dataset, HyperParameterError, type BackendName, type OptimizerOptions,
} from '../src/index.js';
import { backend } from '../src/runtime/index.js';

/** [what is wrong, the optimizer options, the `param` the error must name]. */
const BAD: [string, unknown, string][] = [
  // Shape of the options object and the rule's name.
  ['options are null', null, 'optimizer'],
  ['options are a string', 'adam', 'optimizer'],
  ['options are a number', 1e-3, 'optimizer'],
  ['no name', { lr: 0.1 }, 'optimizer.name'],
  ['unknown name', { name: 'adamm' }, 'optimizer.name'],
  ['name in the wrong case', { name: 'Adam' }, 'optimizer.name'],
  ['PyTorch class name', { name: 'RMSprop' }, 'optimizer.name'],
  ['inherited property as name', { name: 'toString' }, 'optimizer.name'],
  ['prototype as name', { name: '__proto__' }, 'optimizer.name'],
  // Unknown keys, including PyTorch's snake_case spellings and options descent does not have.
  ['snake_case weight_decay', { name: 'sgd', weight_decay: 0.01 }, 'optimizer.weight_decay'],
  ['snake_case lr_decay', { name: 'adagrad', lr_decay: 0.01 }, 'optimizer.lr_decay'],
  ['snake_case initial_accumulator_value', { name: 'adagrad', initial_accumulator_value: 0.1 }, 'optimizer.initial_accumulator_value'],
  ['snake_case momentum_decay', { name: 'nadam', momentum_decay: 0.004 }, 'optimizer.momentum_decay'],
  ['unsupported maximize', { name: 'adam', maximize: true }, 'optimizer.maximize'],
  ['unsupported foreach', { name: 'rmsprop', foreach: false }, 'optimizer.foreach'],
  ['amsgrad on a rule without it', { name: 'radam', amsgrad: true }, 'optimizer.amsgrad'],
  ['momentum on Adam', { name: 'adam', momentum: 0.9 }, 'optimizer.momentum'],
  ['rho on RMSprop', { name: 'rmsprop', rho: 0.9 }, 'optimizer.rho'],
  // Learning rate.
  ['negative lr', { name: 'sgd', lr: -0.1 }, 'optimizer.lr'],
  ['NaN lr', { name: 'adam', lr: NaN }, 'optimizer.lr'],
  ['infinite lr', { name: 'adamw', lr: Infinity }, 'optimizer.lr'],
  ['-Infinity lr', { name: 'radam', lr: -Infinity }, 'optimizer.lr'],
  ['string lr', { name: 'adagrad', lr: '0.1' }, 'optimizer.lr'],
  ['null lr', { name: 'adadelta', lr: null }, 'optimizer.lr'],
  ['negative lr (Adamax)', { name: 'adamax', lr: -1e-3 }, 'optimizer.lr'],
  ['bigint lr', { name: 'nadam', lr: 1n }, 'optimizer.lr'],
  // betas.
  ['beta1 = 1', { name: 'adam', betas: [1, 0.999] }, 'optimizer.betas[0]'],
  ['beta2 = 1', { name: 'adamw', betas: [0.9, 1] }, 'optimizer.betas[1]'],
  ['negative beta1', { name: 'adamax', betas: [-0.1, 0.999] }, 'optimizer.betas[0]'],
  ['beta2 > 1', { name: 'nadam', betas: [0.9, 1.5] }, 'optimizer.betas[1]'],
  ['NaN beta2', { name: 'radam', betas: [0.9, NaN] }, 'optimizer.betas[1]'],
  ['string beta1', { name: 'adam', betas: ['0.9', 0.999] }, 'optimizer.betas[0]'],
  ['one beta', { name: 'adam', betas: [0.9] }, 'optimizer.betas'],
  ['three betas', { name: 'nadam', betas: [0.9, 0.999, 0.5] }, 'optimizer.betas'],
  ['betas as a number', { name: 'radam', betas: 0.9 }, 'optimizer.betas'],
  ['betas as an object', { name: 'adamax', betas: { 0: 0.9, 1: 0.999 } }, 'optimizer.betas'],
  // eps: must be ≥ 0, as PyTorch (0 is accepted there too; a zero gradient then divides 0 by 0 and the run diverges).
  ['negative eps (Adam)', { name: 'adam', eps: -1e-8 }, 'optimizer.eps'],
  ['negative eps (Adagrad)', { name: 'adagrad', eps: -1e-10 }, 'optimizer.eps'],
  ['negative eps (Adadelta)', { name: 'adadelta', eps: -1e-6 }, 'optimizer.eps'],
  ['negative eps (RMSprop)', { name: 'rmsprop', eps: -1e-8 }, 'optimizer.eps'],
  ['negative eps (Adamax)', { name: 'adamax', eps: -1 }, 'optimizer.eps'],
  ['NaN eps (NAdam)', { name: 'nadam', eps: NaN }, 'optimizer.eps'],
  ['infinite eps (RAdam)', { name: 'radam', eps: Infinity }, 'optimizer.eps'],
  // Lion.
  ['eps on Lion (it has none)', { name: 'lion', eps: 1e-8 }, 'optimizer.eps'],
  ['beta1 = 1 (Lion)', { name: 'lion', betas: [1, 0.99] }, 'optimizer.betas[0]'],
  ['negative weightDecay (Lion)', { name: 'lion', weightDecay: -0.1 }, 'optimizer.weightDecay'],
  ['weightDecay on SparseAdam (it has none)', { name: 'sparseAdam', weightDecay: 0.01 }, 'optimizer.weightDecay'],
  ['beta2 = 1 (SparseAdam)', { name: 'sparseAdam', betas: [0.9, 1] }, 'optimizer.betas[1]'],
  ['negative eps (SparseAdam)', { name: 'sparseAdam', eps: -1e-8 }, 'optimizer.eps'],
  // Weight decay.
  ['negative weightDecay (SGD)', { name: 'sgd', weightDecay: -0.01 }, 'optimizer.weightDecay'],
  ['negative weightDecay (AdamW)', { name: 'adamw', weightDecay: -0.01 }, 'optimizer.weightDecay'],
  ['infinite weightDecay (Adagrad)', { name: 'adagrad', weightDecay: Infinity }, 'optimizer.weightDecay'],
  ['string weightDecay (RMSprop)', { name: 'rmsprop', weightDecay: '0' }, 'optimizer.weightDecay'],
  // SGD.
  ['negative momentum', { name: 'sgd', momentum: -0.9 }, 'optimizer.momentum'],
  ['dampening > 1', { name: 'sgd', momentum: 0.9, dampening: 1.5 }, 'optimizer.dampening'],
  ['nesterov without momentum', { name: 'sgd', nesterov: true }, 'optimizer.nesterov'],
  ['nesterov with dampening', { name: 'sgd', momentum: 0.9, dampening: 0.1, nesterov: true }, 'optimizer.nesterov'],
  ['nesterov as a string', { name: 'sgd', momentum: 0.9, nesterov: 'true' }, 'optimizer.nesterov'],
  // Adam family flags.
  ['amsgrad as a number', { name: 'adam', amsgrad: 1 }, 'optimizer.amsgrad'],
  // Adagrad.
  ['negative lrDecay', { name: 'adagrad', lrDecay: -0.01 }, 'optimizer.lrDecay'],
  ['negative initialAccumulatorValue', { name: 'adagrad', initialAccumulatorValue: -0.1 }, 'optimizer.initialAccumulatorValue'],
  ['NaN initialAccumulatorValue', { name: 'adagrad', initialAccumulatorValue: NaN }, 'optimizer.initialAccumulatorValue'],
  // Adadelta.
  ['rho > 1', { name: 'adadelta', rho: 1.1 }, 'optimizer.rho'],
  ['negative rho', { name: 'adadelta', rho: -0.1 }, 'optimizer.rho'],
  // RMSprop.
  ['negative alpha', { name: 'rmsprop', alpha: -0.1 }, 'optimizer.alpha'],
  ['alpha > 1', { name: 'rmsprop', alpha: 1.01 }, 'optimizer.alpha'],
  ['negative momentum (RMSprop)', { name: 'rmsprop', momentum: -0.5 }, 'optimizer.momentum'],
  ['centered as a number', { name: 'rmsprop', centered: 1 }, 'optimizer.centered'],
  // NAdam.
  ['negative momentumDecay', { name: 'nadam', momentumDecay: -0.004 }, 'optimizer.momentumDecay'],
  ['infinite momentumDecay', { name: 'nadam', momentumDecay: Infinity }, 'optimizer.momentumDecay'],
];

/** Edge values PyTorch accepts: validation must not be stricter than it at these points. */
const GOOD: OptimizerOptions[] = [
  { name: 'sgd', lr: 0 },
  { name: 'sgd', momentum: 0.9, dampening: 1 },
  { name: 'sgd', momentum: 0.9, nesterov: true, dampening: 0 },
  { name: 'adam', betas: [0, 0] },
  { name: 'adamw', weightDecay: 0, amsgrad: false },
  { name: 'adagrad', lrDecay: 0, initialAccumulatorValue: 0, eps: 1e-30 },
  { name: 'adadelta', rho: 0 },
  { name: 'adadelta', rho: 1 },
  { name: 'rmsprop', alpha: 0, momentum: 0, centered: true },
  { name: 'rmsprop', alpha: 1 },
  { name: 'adamax', betas: [0, 0.5] },
  { name: 'nadam', momentumDecay: 0 },
  { name: 'radam', betas: [0.5, 0] },
  { name: 'lion', betas: [0, 0], weightDecay: 1 },
  { name: 'sparseAdam', betas: [0, 0], eps: 0 },
];

const BACKENDS: BackendName[] = ['js', 'wasm-scalar', 'wasm-simd'];

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

test(`${BAD.length} bad hyper-parameter cases fail from optimizer() and train() without allocating`, async () => {
  assert.ok(BAD.length >= 40);
  for (const name of BACKENDS) {
    await init({ backend: name });
    const be = backend();
    const ds = Dataset.fromArrays([[0, 1], [1, 0], [1, 1]], [1, 2, 3]);
    const model = linear({ features: 2 });
    try {
      // Control: liveBytes does see an optimizer's allocations, so "unchanged" below means something.
      const base = be.liveBytes();
      const ok = optimizer({ name: 'adam' }, 4);
      assert.ok(be.liveBytes() > base, `${name}: liveBytes did not grow for a real optimizer`);
      ok.dispose();
      assert.is(be.liveBytes(), base);

      for (const [what, options, param] of BAD) {
        const calls: [string, () => unknown][] = [
          ['optimizer()', () => optimizer(options as OptimizerOptions, 4)],
          ['train()', () => train(model, ds, { optimizer: options as OptimizerOptions, batch: 'full', epochs: 1 })],
        ];
        for (const [via, call] of calls) {
          const before = be.liveBytes();
          const e = thrown(call);
          const where = `[${name}] ${via} with ${what}`;
          assert.ok(e instanceof HyperParameterError, `${where}: expected a HyperParameterError, got ${String(e)}`);
          assert.is((e as HyperParameterError).param, param, `${where}: wrong param in "${(e as Error).message}"`);
          assert.is((e as HyperParameterError).code, 'E_HYPER');
          assert.ok((e as Error).message.startsWith(`${param}: `), `${where}: message should lead with the param`);
          assert.is(be.liveBytes(), before, `${where}: allocated before failing`);
        }
      }
    } finally {
      model.dispose();
      ds.dispose();
    }
  }
});

test('edge values PyTorch accepts are accepted', async () => {
  await init({ backend: 'wasm-simd' });
  for (const o of GOOD) {
    const opt = optimizer(o, 5);
    opt.grads.fill(0.5);
    opt.step();
    opt.dispose();
  }
});

test('Adagrad starts its accumulator at initialAccumulatorValue (as f32, like torch.full_like)', async () => {
  for (const name of BACKENDS) {
    await init({ backend: name });
    const opt = optimizer({ name: 'adagrad', initialAccumulatorValue: 0.1 }, 7);
    try {
      for (const v of opt.stateBlock.view) assert.is(v, Math.fround(0.1));
    } finally {
      opt.dispose();
    }
  }
});

test('NAdam keeps its momentum product in the hyper block, so copying h and state resumes a run', async () => {
  for (const name of BACKENDS) {
    await init({ backend: name });
    const a = optimizer({ name: 'nadam', lr: 0.01 }, 5);
    const b = optimizer({ name: 'nadam', lr: 0.01 }, 5);
    try {
      a.params.set([1, -1, 0.5, 2, -0.25]);
      for (let t = 0; t < 3; t++) {
        a.grads.set([0.3, -0.2, 0.1 * t, 1, -1]);
        a.step();
      }
      // "Save" a and "restore" into b: parameters, state and the f64 block are everything there is.
      b.params.set(a.params);
      b.stateBlock.view.set(a.stateBlock.view);
      b.hyperBlock.view.set(a.hyperBlock.view);
      assert.ok(a.hyperBlock.view[7] < 1, 'Π should have moved from 1');
      for (const o of [a, b]) {
        o.grads.set([0.5, 0.5, -0.5, 0.25, 0]);
        o.step();
      }
      assert.equal(Array.from(b.params), Array.from(a.params));
    } finally {
      a.dispose();
      b.dispose();
    }
  }
});

test.run();
