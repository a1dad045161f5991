// Gradient descent on any objective written in JavaScript: the user's fg(x, grad) computes the loss and
// fills the gradient, the update rule (any optimizer of the registry), the schedule and the gradient
// tools run as kernels on the backend. There is no data set and no epoch here: every step is one
// "epoch" of one batch for the schedules, so per-epoch schedules (step, exponential, cosine, plateau)
// advance once per step.
import { DataError, HyperParameterError, ShapeError } from './errors.js';
import { F32_MAX, badValue } from './data/dataset.js';
import { Block, disposeAll } from './runtime/block.js';
import { backend } from './runtime/index.js';
import { Optimizer, resolveOptimizer, type OptimizerOptions } from './optim/index.js';
import { createSchedule, type ScheduleOptions } from './optim/schedules.js';
import { int, num, onlyKeys, show } from './validate.js';
import { HYPER } from './backends/abi.generated.js';
import { Rng } from './rng.js';
import type { GradNoiseOptions } from './training/train.js';

/**
 * The objective: returns f(x) and writes ∇f(x) into `grad` (zeroed before each call). Both arrays are
 * live f32 views into backend memory, valid only during the call: read `x`, do not keep or modify it.
 */
export type ObjectiveFn = (x: Float32Array, grad: Float32Array) => number;

/** One step of {@link minimize}, as recorded in its history. */
export interface StepRecord {
  /** 1-based step number. */
  step: number;
  /** f at the point the step started from. */
  loss: number;
  /** Learning rate of the step. */
  lr: number;
  /** Milliseconds since the start. */
  ms: number;
}

/** Options of {@link minimize}. */
export interface MinimizeOptions {
  /** Update rule (any registered optimizer). Default `{ name: 'adam', lr: 0.01 }`. */
  optimizer?: OptimizerOptions;
  /** Learning-rate schedule; its epochs are steps here. Default constant. */
  schedule?: ScheduleOptions;
  /** Maximum number of steps. Default 1000. */
  maxSteps?: number;
  /** Stop when f has not improved on the best by `tol` for `nIterNoChange` steps (stopReason 'tol'). */
  tol?: number;
  /** Default 1. */
  nIterNoChange?: number;
  /** Stop when max_i |∂f/∂x_i| ≤ gtol (stopReason 'gtol'). */
  gtol?: number;
  /** Clip the gradient to global L2 norm ≤ clipNorm before each update. */
  clipNorm?: number;
  /** Clamp each gradient component to [−clipValue, clipValue]. */
  clipValue?: number;
  /** Annealed Gaussian gradient noise, as in train(). */
  gradNoise?: GradNoiseOptions;
  /** Wall-time budget in milliseconds (stopReason 'time'). */
  maxMs?: number;
  /** Record every k-th step in the history (the last step is always recorded). Default 1. */
  historyEvery?: number;
  /** Called after each step; return false to stop (stopReason 'callback'). */
  onStep?: (record: StepRecord) => void | boolean;
}

/** Why {@link minimize} stopped. */
export type MinimizeStopReason = 'steps' | 'tol' | 'gtol' | 'diverged' | 'callback' | 'time';

/** What {@link minimize} returns. */
export interface MinimizeResult {
  /** The final point (a copy, f64). On divergence, the last point where f and x were finite. */
  x: Float64Array;
  /** f(x) at the returned point. */
  loss: number;
  history: StepRecord[];
  stopReason: MinimizeStopReason;
  /** Update steps taken. */
  steps: number;
  /** Wall time in milliseconds. */
  ms: number;
  /** The backend that ran the update rule. */
  backend: string;
}

const KEYS = ['optimizer', 'schedule', 'maxSteps', 'tol', 'nIterNoChange', 'gtol', 'clipNorm', 'clipValue',
  'gradNoise', 'maxMs', 'historyEvery', 'onStep'] as const;

/**
 * Minimizes f from x0 by gradient descent with any optimizer and schedule:
 *
 *     for t = 0, 1, …: loss = fg(x, g); g ← noise, clip; lr ← schedule(t); x ← rule(x, g, lr)
 *
 * Stops after `maxSteps`, or when a `tol`, `gtol`, `maxMs` or `onStep` rule fires, or when f or x stops
 * being finite (returning the last finite point).
 *
 * ```ts
 * const rosen = (x: Float32Array, g: Float32Array) => { ... return f; };
 * const r = minimize(rosen, [-1.2, 1], { optimizer: { name: 'adam', lr: 0.02 }, maxSteps: 5000 });
 * ```
 */
export function minimize(fg: ObjectiveFn, x0: ArrayLike<number>, options: MinimizeOptions = {}): MinimizeResult {
  if (typeof fg !== 'function') throw new HyperParameterError('fg', `must be a function (x, grad) => loss, got ${show(fg)}`);
  if (x0 === null || typeof x0 !== 'object' || typeof x0.length !== 'number' || x0.length < 1) {
    throw new ShapeError('minimize: x0 must be a non-empty array of numbers');
  }
  for (let i = 0; i < x0.length; i++) {
    const v = x0[i] as unknown;
    // The data rule: numbers only, finite, float32-representable (x lives in float32).
    if (typeof v !== 'number' || !(Math.abs(v) <= F32_MAX)) throw new DataError(`minimize: x0[${i}] is ${badValue(v)}`, { column: i });
  }
  if (options === null || typeof options !== 'object') throw new HyperParameterError('options', `must be an object, got ${show(options)}`);
  onlyKeys('options', options, KEYS);
  const resolved = resolveOptimizer(options.optimizer === undefined ? { name: 'adam', lr: 0.01 } : options.optimizer);
  const maxSteps = int('maxSteps', options.maxSteps, 1000, 1);
  const tol = options.tol === undefined ? undefined : num('tol', options.tol, 0, { min: 0 });
  const nIterNoChange = int('nIterNoChange', options.nIterNoChange, 1, 1);
  const gtol = options.gtol === undefined ? undefined : num('gtol', options.gtol, 0, { min: 0 });
  const clipNorm = options.clipNorm === undefined ? 0 : num('clipNorm', options.clipNorm, 0, { gt: 0 });
  const clipValue = options.clipValue === undefined ? 0 : num('clipValue', options.clipValue, 0, { gt: 0 });
  const maxMs = options.maxMs === undefined ? undefined : num('maxMs', options.maxMs, 0, { gt: 0 });
  const historyEvery = int('historyEvery', options.historyEvery, 1, 1);
  if (options.onStep !== undefined && typeof options.onStep !== 'function') {
    throw new HyperParameterError('onStep', `must be a function, got ${show(options.onStep)}`);
  }
  let noise: { eta: number; gamma: number; seed: number } | null = null;
  if (options.gradNoise !== undefined) {
    const g = options.gradNoise;
    if (g === null || typeof g !== 'object') throw new HyperParameterError('gradNoise', `must be an object { eta, gamma?, seed? }, got ${show(g)}`);
    onlyKeys('gradNoise', g, ['eta', 'gamma', 'seed']);
    if (g.eta === undefined) throw new HyperParameterError('gradNoise.eta', 'is required');
    noise = {
      eta: num('gradNoise.eta', g.eta, 0, { gt: 0 }),
      gamma: num('gradNoise.gamma', g.gamma, 0.55, { min: 0 }),
      seed: int('gradNoise.seed', g.seed, 0, 0, 0xffffffff),
    };
  }
  const schedule = createSchedule(options.schedule, { baseLr: resolved.hyper[HYPER.lr], stepsPerEpoch: 1, runSteps: maxSteps });
  if (schedule.monitor !== undefined && schedule.monitor !== 'loss') {
    throw new HyperParameterError('schedule.monitor', "minimize has no validation set; reduce-on-plateau watches 'loss'");
  }

  const n = x0.length;
  const be = backend();
  const opt = new Optimizer(resolved, n);
  // The noise PRNG's four words, the same generator the batch loop keeps in its run descriptor.
  let rng: Block<'f64'> | undefined;
  const t0 = performance.now();
  const history: StepRecord[] = [];
  let stopReason: MinimizeStopReason = 'steps';
  let steps = 0;
  let best = Infinity, noChange = 0;
  try {
    rng = new Block(be, 'f64', 4);
    rng.view.set(noise ? new Rng(noise.seed).state : [0, 0, 0, 0]);
    opt.params.set(Float32Array.from(x0));
    // fg gets arrays in JavaScript memory, copied to and from the backend around the call: an objective
    // that allocates in the backend (a dataset, a model) may grow WASM memory, which detaches every view
    // taken before, and its gradient writes into such a view would be lost.
    const xs = new Float32Array(n), gs = new Float32Array(n);
    const evaluate = (): number => {
      xs.set(opt.params);
      gs.fill(0);
      const f = fg(xs, gs);
      opt.grads.set(gs);
      return f;
    };
    const last = opt.params.slice();
    let lastLoss = NaN;
    for (let t = 0; t < maxSteps; t++) {
      const loss = evaluate();
      if (typeof loss !== 'number' || !Number.isFinite(loss) || !allFinite(opt.grads)) {
        stopReason = 'diverged';
        break;
      }
      last.set(opt.params);
      lastLoss = loss;
      if (gtol !== undefined && maxAbs(opt.grads) <= gtol) {
        stopReason = 'gtol';
        break;
      }
      const lr = schedule.lr(t);
      opt.hyperBlock.view[HYPER.lr] = lr;
      if (noise) be.addGradNoise(opt.gradsBlock.ptr, n, Math.sqrt(noise.eta / Math.pow(1 + t, noise.gamma)), rng.ptr);
      if (clipNorm > 0) be.clipGradNorm(opt.gradsBlock.ptr, n, clipNorm);
      if (clipValue > 0) be.clipGradValue(opt.gradsBlock.ptr, n, clipValue);
      opt.step();
      steps++;
      schedule.epochEnd({ loss });
      const rec: StepRecord = { step: t + 1, loss, lr, ms: performance.now() - t0 };
      if ((t + 1) % historyEvery === 0 || t + 1 === maxSteps) history.push(rec);
      if (options.onStep && options.onStep(rec) === false) {
        stopReason = 'callback';
        break;
      }
      if (tol !== undefined) {
        if (loss > best - tol) noChange++;
        else noChange = 0;
        if (loss < best) best = loss;
        if (noChange >= nIterNoChange) {
          stopReason = 'tol';
          break;
        }
      }
      if (maxMs !== undefined && performance.now() - t0 >= maxMs) {
        stopReason = 'time';
        break;
      }
    }
    let x: Float64Array;
    let loss: number;
    if (stopReason === 'diverged' || !allFinite(opt.params)) {
      stopReason = 'diverged';
      x = Float64Array.from(last);
      loss = lastLoss;
    } else if (stopReason === 'gtol') {
      x = Float64Array.from(opt.params);
      loss = lastLoss;
    } else {
      // f at the returned point: one more evaluation, not counted as a step.
      loss = evaluate();
      x = Float64Array.from(opt.params);
      if (!Number.isFinite(loss)) {
        stopReason = 'diverged';
        x = Float64Array.from(last);
        loss = lastLoss;
      }
    }
    return { x, loss, history, stopReason, steps, ms: performance.now() - t0, backend: be.name };
  } finally {
    opt.dispose();
    disposeAll(rng);
  }
}

function allFinite(a: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
