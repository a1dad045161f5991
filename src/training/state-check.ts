// The value checks of a saved TrainState: checkResume (resume.ts) checks that the state was made for this
// run (shapes, options, lengths); this module checks that every value in it is one a run could have
// written. A state is data from outside (a file, a network): a batch position past the end of the epoch
// would loop forever, a negative one index before the row order in WASM, a NaN in the optimizer state
// would train garbage. Every failure is a HyperParameterError on `resume` naming the field.
import { HyperParameterError } from '../errors.js';
import { HYPER, HYPER_SLOTS } from '../backends/abi.generated.js';
import { F32_MAX } from '../data/dataset.js';
import { show } from '../validate.js';
import type { TrainState } from './state.js';
import type { Plan } from './options.js';

function fail(field: string, why: string): never {
  throw new HyperParameterError('resume', `the saved ${field} ${why}`);
}

/** A whole number in [min, max]. */
function whole(field: string, v: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    fail(field, `must be an integer in [${min}, ${max}], got ${show(v)}`);
  }
  return v;
}

/** A finite number, optionally ≥ 0. */
function finite(field: string, v: unknown, nonNegative = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || (nonNegative && v < 0)) {
    fail(field, `must be a finite number${nonNegative ? ' ≥ 0' : ''}, got ${show(v)}`);
  }
  return v;
}

/** A JSON-encoded number (see encNum) that may be ±Infinity but not NaN nor an unknown string. */
function extended(field: string, v: unknown): void {
  if (v === 'Infinity' || v === '-Infinity') return;
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(field, `must be a number, 'Infinity' or '-Infinity', got ${show(v)}`);
}

/** Every element finite; `f32` also within float32 range (those arrays are stored as float32). */
function finiteArray(field: string, a: unknown, f32: boolean): void {
  if (a === null || a === undefined) return;
  const arr = a as number[];
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (typeof v !== 'number' || !Number.isFinite(v) || (f32 && Math.abs(v) > F32_MAX)) {
      fail(`${field}[${i}]`, `must be a finite${f32 ? ' float32' : ''} number, got ${show(v)}`);
    }
  }
}

/** The four u32 words of a PRNG state, not all zero when the run draws from it (xoshiro's one state that never leaves zero). */
function words(field: string, a: unknown, used = true): void {
  for (let i = 0; i < 4; i++) whole(`${field}[${i}]`, (a as number[])[i], 0, 0xffffffff);
  if (used && (a as number[]).slice(0, 4).every((w) => w === 0)) fail(field, 'is all zero, a state no generator reaches (it would draw zeros for ever)');
}

/** The range of each saved optimizer hyper-parameter, as the optimizer's options allow it (flags are 0 or 1). */
const HYPER_RANGES: Record<string, { min: number; max: number; below?: boolean; flag?: boolean }> = {
  beta1: { min: 0, max: 1, below: true }, beta2: { min: 0, max: 1, below: true }, rho: { min: 0, max: 1 }, alpha: { min: 0, max: 1 },
  dampening: { min: 0, max: 1 }, muProduct: { min: 0, max: 1 }, momentum: { min: 0, max: Number.MAX_VALUE },
  eps: { min: 0, max: Number.MAX_VALUE }, weightDecay: { min: 0, max: Number.MAX_VALUE }, lrDecay: { min: 0, max: Number.MAX_VALUE },
  initialAccumulatorValue: { min: 0, max: Number.MAX_VALUE }, momentumDecay: { min: 0, max: Number.MAX_VALUE },
  nesterov: { min: 0, max: 1, flag: true }, amsgrad: { min: 0, max: 1, flag: true }, centered: { min: 0, max: 1, flag: true },
};

/** Each of the rule's hyper-parameters in the range its option allows: a file's beta1 of 7 would train garbage. */
function checkHyper(rule: string, hyper: number[]): void {
  const slots = (HYPER_SLOTS as Record<string, Record<string, number>>)[rule];
  if (!slots) return;
  for (const [name, slot] of Object.entries(slots)) {
    const r = HYPER_RANGES[name];
    const v = hyper[slot];
    if (!r) continue;
    const ok = r.flag ? v === 0 || v === 1 : v >= r.min && (r.below ? v < r.max : v <= r.max);
    if (!ok) fail(`optimizer ${name}`, `(hyper[${slot}]) must be ${r.flag ? '0 or 1' : `in [${r.min}, ${r.max === Number.MAX_VALUE ? '∞' : r.max}${r.below ? ')' : ']'}`}, got ${show(v)}`);
  }
}

/**
 * Checks every value of a state whose shape checkResume already accepted: counters are whole and in
 * range and agree with each other and with this run's batches per epoch; every number is finite (and
 * float32-representable where it is stored as float32); PRNG words are u32; the history holds one finite
 * record per completed epoch.
 */
export function checkStateValues(s: TrainState, p: Plan): void {
  const nb = p.batchesPerEpoch;
  const epoch = whole('epoch', s.epoch);
  const batch = whole('batch', s.batch, 0, nb - 1);
  const steps = whole('steps', s.steps);
  // Every step of this run's shape advances the batch position by one, so the counters must agree.
  if (steps !== epoch * nb + batch) {
    fail('steps', `(${steps}) disagrees with epoch ${epoch} × ${nb} batches per epoch + batch ${batch}`);
  }
  finite('lossSum', s.lossSum);
  finite('epochLr', s.epochLr, true);
  finite('elapsedMs', s.elapsedMs, true);
  whole('loop.step', s.loop.step);
  finite('loop.l1U', s.loop.l1U);
  whole('loop.avgCount', s.loop.avgCount);
  whole('last.avgCount', s.last.avgCount);
  words('loop.rng', s.loop.rng, p.noise !== null); // zero, unused, without gradient noise
  words('loop.dropRng', s.loop.dropRng);
  words('rng', s.rng);
  finiteArray('model.params', s.model.params, true);
  finiteArray('model.stats', (s.model as { stats?: unknown }).stats, true);
  finiteArray('optimizer.hyper', s.optimizer.hyper, false);
  whole('optimizer.hyper[t]', s.optimizer.hyper[HYPER.t]);
  finite('optimizer.hyper[lr]', s.optimizer.hyper[HYPER.lr], true);
  checkHyper(s.config.optimizer, s.optimizer.hyper);
  finiteArray('optimizer.state', s.optimizer.state, true);
  finiteArray('avg', s.avg, true);
  finiteArray('l1', s.l1, true);
  finiteArray('last.params', s.last.params, true);
  finiteArray('last.avg', s.last.avg, true);
  finiteArray('stopping.bestParams', s.stopping.bestParams, true);
  const sc = s.schedule;
  if (sc === null || typeof sc !== 'object') fail('schedule', 'is missing');
  finite('schedule.lr', sc.lr, true);
  extended('schedule.best', sc.best);
  whole('schedule.numBad', sc.numBad);
  whole('schedule.cooldown', sc.cooldown);
  const st = s.stopping;
  if (st === null || typeof st !== 'object') fail('stopping', 'is missing');
  extended('stopping.tolBest', st.tolBest);
  extended('stopping.esBest', st.esBest);
  whole('stopping.noChange', st.noChange);
  whole('stopping.esWait', st.esWait);
  whole('stopping.bestEpoch', st.bestEpoch, 0, epoch);
  if (s.history.length !== epoch) fail('history', `holds ${s.history.length} epochs, the state says ${epoch} were completed`);
  s.history.forEach((r, i) => {
    if (r === null || typeof r !== 'object') fail(`history[${i}]`, 'is not an epoch record');
    if (r.epoch !== i + 1) fail(`history[${i}].epoch`, `must be ${i + 1}, got ${show(r.epoch)}`);
    for (const key of ['loss', 'ms', 'lr', 'lrLast'] as const) finite(`history[${i}].${key}`, r[key]);
    whole(`history[${i}].steps`, r.steps, 0, steps);
    for (const key of ['valLoss', 'valMetric'] as const) {
      if (r[key] !== undefined && typeof r[key] !== 'number') fail(`history[${i}].${key}`, `must be a number, got ${show(r[key])}`);
    }
  });
}
