// The body of test/harden.property.test.ts, run in a worker thread so that the test can bound it with a
// timeout (a hang in synchronous code cannot be interrupted from the same thread). For every backend,
// fast-check generates option objects and data arrays for the public API; every call must end in a result
// or a DescentError, and a trained model must not hold a NaN parameter unless the run says 'diverged'.
import { parentPort } from 'node:worker_threads';
import fc from 'fast-check';
import {
  init, Dataset, linear, logistic, softmax, train, Trainer, partialFit, optimizer, minimize, DescentError, type Model,
} from '../src/index.ts';

const BACKENDS = ['js', 'wasm-scalar', 'wasm-simd'] as const;
const WEIRD = [null, '', '1', true, [5], undefined, NaN, Infinity, -Infinity, 1e39, -4e38, {}, 'x', 1n];
const F32_MAX = 3.4028234663852886e38;

/** The data rule every entry point applies: numbers only, finite, float32-representable. */
const valid = (v: unknown): boolean => typeof v === 'number' && Math.abs(v) <= F32_MAX;

/** Mostly `valid`, one time in ten `chaos`: each scenario has a fair chance of passing validation. */
function mostly<T, U>(valid: fc.Arbitrary<T>, chaos: fc.Arbitrary<U>): fc.Arbitrary<T | U> {
  return fc.oneof({ weight: 9, arbitrary: valid }, { weight: 1, arbitrary: chaos });
}

/** Valid numbers nearly always, sometimes a value a careless caller passes. */
const cell = fc.oneof(
  { weight: 300, arbitrary: fc.double({ min: -1e3, max: 1e3, noNaN: true }) },
  { weight: 3, arbitrary: fc.double() },
  { weight: 3, arbitrary: fc.constantFrom(...WEIRD) },
);
const label = fc.oneof({ weight: 200, arbitrary: fc.integer({ min: 0, max: 1 }) }, { weight: 1, arbitrary: cell });
const count = fc.oneof(fc.integer({ min: -2, max: 12 }), fc.constantFrom(0.5, 1.5, NaN, Infinity, null, '3', undefined));
const small = fc.oneof(fc.double({ min: -1, max: 2, noNaN: true }), fc.constantFrom(0, NaN, Infinity, -1e-9, null, '0.1'));
/** An optional key: absent most of the time, else valid or chaotic. */
function opt<T, U>(valid: fc.Arbitrary<T>, chaos: fc.Arbitrary<U>) {
  return fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, { weight: 6, arbitrary: valid }, { weight: 1, arbitrary: chaos });
}

const optimizerOpts = fc.record({
  name: mostly(fc.constantFrom('sgd', 'adam', 'adamw', 'adagrad', 'adadelta', 'rmsprop', 'adamax', 'nadam', 'radam', 'lion'), fc.constantFrom('nope', null, 3)),
  lr: opt(fc.double({ min: 1e-4, max: 1, noNaN: true }), small),
  eps: opt(fc.constantFrom(0, 1e-8, 1e-3), small),
  momentum: opt(fc.double({ min: 0, max: 0.99, noNaN: true }), small),
  weightDecay: opt(fc.double({ min: 0, max: 0.1, noNaN: true }), small),
});

const trainOpts = fc.record({
  optimizer: opt(optimizerOpts, fc.constantFrom(null, 'adam', 1)),
  batch: opt(fc.oneof(fc.integer({ min: 1, max: 3 }), fc.constantFrom('full', 'stochastic')), fc.oneof(count, fc.constant('mini'))),
  epochs: opt(fc.integer({ min: 1, max: 4 }), fc.constantFrom(0, 1.5, -1, null)),
  shuffle: opt(fc.boolean(), fc.constantFrom(null, 1)),
  seed: opt(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.constantFrom(0.5, null, -1)),
  l2: opt(fc.double({ min: 0, max: 1, noNaN: true }), small),
  tol: opt(fc.double({ min: 0, max: 1, noNaN: true }), small),
  validationFraction: opt(fc.constantFrom(0.2, 0.5), small),
  clipNorm: opt(fc.double({ min: 0.1, max: 10, noNaN: true }), small),
  maxSteps: opt(fc.integer({ min: 1, max: 20 }), count),
  penalty: opt(fc.constantFrom('l1', 'l2', 'elasticnet', 'none'), fc.constantFrom('l3', null)),
  schedule: opt(fc.constantFrom({ name: 'cosine' }, { name: 'exponential', gamma: 0.9 }, { name: 'oneCycle' }),
    fc.record({ name: fc.constantFrom('step', 'plateau', 'x'), gamma: small, stepSize: count })),
  average: opt(fc.boolean(), count),
  epoch: opt(fc.constant(undefined), fc.constant(1)), // a typo, now and then
});

const modelSpec = fc.record({
  kind: fc.constantFrom('linear', 'logistic', 'softmax'),
  features: mostly(fc.integer({ min: 1, max: 4 }), count),
  classes: mostly(fc.constant(2), count),
  loss: opt(fc.constantFrom('huber', 'hinge', 'squared', 'modifiedHuber'), fc.constantFrom('bogus', null)),
  epsilon: opt(fc.constantFrom(0.1, 1), small),
  extra: fc.oneof({ weight: 20, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

const scenario = fc.record({
  model: modelSpec,
  rows: mostly(fc.integer({ min: 2, max: 7 }), fc.constantFrom(0, 1)),
  xs: fc.array(cell, { minLength: 28, maxLength: 28 }),
  odd: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  ys: fc.array(label, { minLength: 7, maxLength: 8 }),
  shape: fc.constantFrom('rows', 'flat', 'f32'),
  train: trainOpts,
  step: count,
  params: fc.array(cell, { minLength: 0, maxLength: 16 }),
});

function makeModel(s: { kind: string; features: unknown; classes?: unknown; loss?: unknown; epsilon?: unknown; extra?: boolean }): Model {
  const o: Record<string, unknown> = { features: s.features };
  if (s.loss !== undefined && s.kind !== 'softmax') o.loss = s.loss;
  if (s.epsilon !== undefined && s.kind === 'linear') o.epsilon = s.epsilon;
  if (s.extra) o.epslion = 0.5;
  if (s.kind === 'softmax') return softmax({ features: s.features as number, classes: s.classes as number, ...(s.extra ? { epslion: 1 } : {}) });
  return s.kind === 'linear' ? linear(o as never) : logistic(o as never);
}

/** Runs fn; a DescentError is an accepted ending, anything else is re-thrown with what was called. */
function typed<T>(what: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (e instanceof DescentError) return undefined;
    throw new Error(`${what} threw an untyped ${(e as Error)?.name}: ${(e as Error)?.message}`);
  }
}

function checkParams(what: string, m: Model, stop: string | undefined): void {
  if (m.disposed) return;
  if (stop !== 'diverged' && m.params.some(Number.isNaN)) throw new Error(`${what}: NaN parameter with stopReason ${stop}`);
}

/** Runs that reached a train() result: the property must not pass by refusing everything. */
let trained = 0;

async function main(): Promise<number> {
  for (const b of BACKENDS) {
    await init({ backend: b });
    fc.assert(fc.property(scenario, (s) => {
      const owned: { dispose(): void }[] = [];
      try {
        const m = typed('model', () => makeModel(s.model));
        if (m) owned.push(m);
        const d = typeof s.model.features === 'number' && Number.isInteger(s.model.features) && s.model.features > 0 ? s.model.features : 2;
        const xs = s.xs.slice(0, s.rows * d);
        const x = s.shape === 'rows' ? Array.from({ length: Math.floor(xs.length / d) }, (_, r) => xs.slice(r * d, r * d + d))
          : s.shape === 'flat' ? xs : typed('f32', () => Float32Array.from(xs.map((v) => (typeof v === 'number' ? v : 0))));
        const ys = s.ys.slice(0, Math.floor(xs.length / d));
        const ds = typed('fromArrays', () => Dataset.fromArrays(x as never, ys as never, { features: d }));
        if (ds) owned.push(ds);
        // Never silent garbage: data breaking the rule must have been refused.
        const used = xs.slice(0, ys.length * d);
        if (ds && s.shape !== 'f32' && !used.every(valid)) throw new Error(`fromArrays accepted x ${String(used.find((v) => !valid(v)))}`);
        if (ds && !ys.every(valid)) throw new Error(`fromArrays accepted y ${String(ys.find((v) => !valid(v)))}`);
        if (m && ds) {
          const to = Object.fromEntries(Object.entries(s.train).filter(([, v]) => v !== undefined)) as Record<string, unknown>;
          const o = to.optimizer as Record<string, unknown> | undefined;
          if (o && typeof o === 'object' && !s.odd) {
            // Keys a rule does not take are refused (tested now and then through `odd`): keep the rest valid.
            for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
            if (!['sgd', 'rmsprop'].includes(o.name as string)) delete o.momentum;
            if (['sgd', 'lion'].includes(o.name as string)) delete o.eps;
          }
          const r = typed('train', () => train(m, ds, to as never));
          if (r) trained++;
          checkParams('train', m, r?.stopReason);
          const t = typed('Trainer', () => new Trainer(m, ds, to as never));
          if (t) {
            owned.push(t);
            const ran = typed('step', () => t.step(s.step as never));
            const n = s.step as unknown;
            if (ran !== undefined && !(n === undefined || n === Infinity || (typeof n === 'number' && Number.isInteger(n) && n >= 0))) {
              throw new Error(`Trainer.step accepted ${String(n)}`);
            }
            checkParams('step', m, t.stopReason ?? undefined);
          }
          const pf = typed('partialFit', () => partialFit(m, ds, { optimizer: s.train.optimizer as never }));
          if (pf && !pf.diverged) checkParams('partialFit', m, undefined);
          typed('evaluate', () => m.evaluate(ds));
        }
        if (m) {
          typed('predict', () => m.predict(x as never));
          const before = m.disposed ? null : m.params;
          typed('setParams', () => m.setParams(s.params as never));
          if (before && !s.params.every(valid) && m.params.some((v, i) => !Object.is(v, before[i]))) {
            throw new Error(`setParams stored ${String(s.params.find((v) => !valid(v)))}`);
          }
          checkParams('setParams', m, undefined);
        }
        typed('optimizer', () => owned.push(optimizer(s.train.optimizer as never, s.step as never)));
        typed('minimize', () => minimize((p, g) => {
          let f = 0;
          for (let i = 0; i < p.length; i++) { f += p[i] * p[i]; g[i] = 2 * p[i]; }
          return f;
        }, s.params as never, { optimizer: s.train.optimizer as never, maxSteps: 5 }));
      } finally {
        for (const o of owned.reverse()) o.dispose();
      }
    }), { numRuns: RUNS, seed: 16 });
  }
  return trained;
}

const RUNS = Number(process.env.HARDEN_RUNS ?? 400);

main().then((n) => parentPort?.postMessage({ ok: true, trained: n, runs: 3 * RUNS }), (e: unknown) => parentPort?.postMessage({ ok: false, message: String((e as Error)?.message ?? e).slice(0, 4000) }));
