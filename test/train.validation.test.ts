// The training toolkit's options are validated before anything is allocated: a bad value throws a
// HyperParameterError whose `param` names it, and the backend holds no new memory afterwards.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { linear, logistic, train, Trainer, Dataset, HyperParameterError, type TrainOptions } from '../src/index.ts';
import { backend } from '../src/runtime/index.ts';
import { BACKENDS, use } from './toolkit-helpers.ts';

const CASES: [string, Record<string, unknown>, string][] = [
  // schedules
  ['unknown schedule name', { schedule: { name: 'linearDecay' } }, 'schedule.name'],
  ['schedule not an object', { schedule: 'cosine' }, 'schedule'],
  ['misspelt schedule option', { schedule: { name: 'step', stepSize: 2, gama: 0.5 } }, 'schedule.gama'],
  ['step without stepSize', { schedule: { name: 'step' } }, 'schedule.stepSize'],
  ['step size 0', { schedule: { name: 'step', stepSize: 0 } }, 'schedule.stepSize'],
  ['gamma 0', { schedule: { name: 'step', stepSize: 1, gamma: 0 } }, 'schedule.gamma'],
  ['gamma above 1', { schedule: { name: 'exponential', gamma: 1.5 } }, 'schedule.gamma'],
  ['exponential without gamma', { schedule: { name: 'exponential' } }, 'schedule.gamma'],
  ['milestones not increasing', { schedule: { name: 'multiStep', milestones: [3, 3] } }, 'schedule.milestones[1]'],
  ['milestones empty', { schedule: { name: 'multiStep', milestones: [] } }, 'schedule.milestones'],
  ['unknown unit', { schedule: { name: 'exponential', gamma: 0.9, every: 'week' } }, 'schedule.every'],
  ['negative power_t', { schedule: { name: 'invScaling', powerT: -1 } }, 'schedule.powerT'],
  ['optimal with alpha 0', { schedule: { name: 'optimal', alpha: 0 } }, 'schedule.alpha'],
  ['cosine period 0', { schedule: { name: 'cosine', t0: 0 } }, 'schedule.t0'],
  ['cosine fractional T_mult', { schedule: { name: 'cosine', tMult: 1.5 } }, 'schedule.tMult'],
  ['cosine eta_min above lr', { schedule: { name: 'cosine', etaMin: 1 } }, 'schedule.etaMin'],
  ['negative eta_min', { schedule: { name: 'cosine', etaMin: -1e-3 } }, 'schedule.etaMin'],
  ['one-cycle shorter than the run', { schedule: { name: 'oneCycle', totalSteps: 10 } }, 'schedule.totalSteps'],
  ['one-cycle pct_start above 1', { schedule: { name: 'oneCycle', pctStart: 1.5 } }, 'schedule.pctStart'],
  ['one-cycle anneal strategy', { schedule: { name: 'oneCycle', annealStrategy: 'exp' } }, 'schedule.annealStrategy'],
  ['one-cycle negative max lr', { schedule: { name: 'oneCycle', maxLr: -0.1 } }, 'schedule.maxLr'],
  ['plateau factor 1', { schedule: { name: 'plateau', factor: 1 } }, 'schedule.factor'],
  ['plateau patience < 0', { schedule: { name: 'plateau', patience: -1 } }, 'schedule.patience'],
  ['plateau threshold mode', { schedule: { name: 'plateau', thresholdMode: 'pct' } }, 'schedule.thresholdMode'],
  ['plateau mode', { schedule: { name: 'plateau', mode: 'down' } }, 'schedule.mode'],
  ['plateau on validation without a validation set', { schedule: { name: 'plateau', monitor: 'valLoss' } }, 'schedule.monitor'],
  ['warm-up longer than the run', { epochs: 2, schedule: { name: 'cosine', warmup: { steps: 20 } } }, 'schedule.warmup.steps'],
  ['warm-up of 0 steps', { schedule: { name: 'constant', warmup: { steps: 0 } } }, 'schedule.warmup.steps'],
  ['warm-up start factor above 1', { schedule: { name: 'constant', warmup: { steps: 2, startFactor: 2 } } }, 'schedule.warmup.startFactor'],
  ['negative lr', { optimizer: { name: 'sgd', lr: -0.1 } }, 'optimizer.lr'],
  // penalties
  ['unknown penalty', { penalty: 'l3' }, 'penalty'],
  ['negative alpha', { penalty: 'l1', alpha: -1 }, 'alpha'],
  ['alpha with no penalty', { penalty: 'none', alpha: 0.1 }, 'alpha'],
  ['l1Ratio above 1', { penalty: 'elasticnet', l1Ratio: 1.5 }, 'l1Ratio'],
  ['l1Ratio below 0', { penalty: 'elasticnet', l1Ratio: -0.1 }, 'l1Ratio'],
  ['l1Ratio without elastic net', { penalty: 'l1', l1Ratio: 0.5 }, 'l1Ratio'],
  ['unknown L1 method', { penalty: 'l1', l1Method: 'prox' }, 'l1Method'],
  ['L1 method without L1', { penalty: 'l2', l1Method: 'orthant' }, 'l1Method'],
  ['negative l2', { l2: -1 }, 'l2'],
  // gradient tools
  ['clipNorm 0', { clipNorm: 0 }, 'clipNorm'],
  ['negative clipNorm', { clipNorm: -1 }, 'clipNorm'],
  ['clipNorm NaN', { clipNorm: NaN }, 'clipNorm'],
  ['clipValue 0', { clipValue: 0 }, 'clipValue'],
  ['noise without eta', { gradNoise: {} }, 'gradNoise.eta'],
  ['noise eta 0', { gradNoise: { eta: 0 } }, 'gradNoise.eta'],
  ['noise negative gamma', { gradNoise: { eta: 0.1, gamma: -1 } }, 'gradNoise.gamma'],
  ['noise unknown key', { gradNoise: { eta: 0.1, sigma: 1 } }, 'gradNoise.sigma'],
  ['negative average start', { average: -1 }, 'average'],
  ['fractional average start', { average: 1.5 }, 'average'],
  // stopping rules
  ['negative tol', { tol: -1e-3 }, 'tol'],
  ['nIterNoChange 0', { nIterNoChange: 0 }, 'nIterNoChange'],
  ['validation not a dataset', { validation: [[1, 2]] }, 'validation'],
  ['validationFraction 0', { validationFraction: 0 }, 'validationFraction'],
  ['validationFraction 1', { validationFraction: 1 }, 'validationFraction'],
  ['validationFraction leaving no validation row', { validationFraction: 0.01 }, 'validationFraction'],
  ['patience < 0', { validationFraction: 0.25, patience: -1 }, 'patience'],
  ['patience without validation', { patience: 3 }, 'patience'],
  ['restoreBest without validation', { restoreBest: true }, 'restoreBest'],
  ['negative minDelta', { validationFraction: 0.25, minDelta: -1 }, 'minDelta'],
  ['unknown monitor', { validationFraction: 0.25, monitor: 'accuracy' }, 'monitor'],
  ['maxMs 0', { maxMs: 0 }, 'maxMs'],
  ['negative maxMs', { maxMs: -5 }, 'maxMs'],
  ['maxSteps 0', { maxSteps: 0 }, 'maxSteps'],
  ['batch larger than the training rows left by the split', { validationFraction: 0.5, batch: 12 }, 'batch'],
  // the rest
  ['resume from garbage', { resume: { format: 'nope' } }, 'resume'],
  ['saveState not boolean', { saveState: 'yes' }, 'saveState'],
  ['misspelt option', { patiance: 3 }, 'options.patiance'],
];

for (const b of BACKENDS) {
  test(`[${b}] every bad training option is refused by name before allocation`, async () => {
    await use(b);
    const x = Array.from({ length: 20 }, (_, i) => [i / 20, (i % 3) / 3]);
    const ds = Dataset.fromArrays(x, x.map(([u]) => (u > 0.5 ? 1 : 0)));
    const m = logistic({ features: 2 });
    const be = backend();
    for (const [what, options, param] of CASES) {
      const before = be.liveBytes();
      const o = { batch: 4, ...options } as TrainOptions;
      for (const run of [() => train(m, ds, o), () => new Trainer(m, ds, o)]) {
        try {
          run();
          assert.unreachable(`${what}: accepted`);
        } catch (e) {
          assert.instance(e, HyperParameterError, `${what}: ${(e as Error).message}`);
          assert.is((e as HyperParameterError).param, param, `${what}: ${(e as Error).message}`);
        }
      }
      assert.is(be.liveBytes(), before, `${what}: nothing allocated`);
    }
    m.dispose();
    ds.dispose();
  });

  test(`[${b}] bad loss options on the model factories`, async () => {
    await use(b);
    const bad: [() => unknown, string][] = [
      [() => linear({ features: 2, loss: 'hinge' as never }), 'loss'],
      [() => logistic({ features: 2, loss: 'huber' as never }), 'loss'],
      [() => linear({ features: 2, loss: 'huber', epsilon: 0 }), 'epsilon'],
      [() => linear({ features: 2, loss: 'epsilonInsensitive', epsilon: -1 }), 'epsilon'],
      [() => linear({ features: 2, epsilon: 0.1 }), 'epsilon'],
    ];
    const before = backend().liveBytes();
    for (const [make, param] of bad) {
      try {
        make();
        assert.unreachable(`${param} accepted`);
      } catch (e) {
        assert.instance(e, HyperParameterError);
        assert.is((e as HyperParameterError).param, param);
      }
    }
    assert.is(backend().liveBytes(), before);
    const ok = linear({ features: 2, loss: 'epsilonInsensitive', epsilon: 0 });
    assert.is(ok.epsilon, 0);
    ok.dispose();
  });
}

test.run();
