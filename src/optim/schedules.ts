// Learning-rate schedules. A schedule is a closed-form function of the global step (0-based batch
// index) plus, for reduce-on-plateau only, a little state that reacts once per epoch. The trainer
// evaluates it in TypeScript for every batch of the coming run into an f64 array that the WASM batch
// loop writes into h[0] before each step: the kernels never know a schedule's formula, and every
// update rule in the registry gets every schedule for free.
import { HyperParameterError } from '../errors.js';
import { bool, int, num, onlyKeys, show } from './validate.js';

/** Linear warm-up (PyTorch's LinearLR followed by the schedule, as SequentialLR). */
export interface WarmupOptions {
  /** Number of warm-up steps (batches) W ≥ 1; the schedule proper starts at step W, from its own step 0. */
  steps: number;
  /** Factor of the first step: lr_s = lr_0·(f + (1 − f)·s/W) for s < W. Default 1/3, as LinearLR. */
  startFactor?: number;
}

/** Whether a schedule's counter advances once per epoch or once per batch. */
export type ScheduleUnit = 'epoch' | 'batch';

/** lr = lr₀ (the optimizer's lr). */
export interface ConstantSchedule {
  name: 'constant';
  warmup?: WarmupOptions;
}

/** StepLR: lr = lr₀·γ^⌊c/stepSize⌋, c the epoch (or batch) counter. */
export interface StepSchedule {
  name: 'step';
  /** Period of the decay in `every` units (≥ 1). */
  stepSize: number;
  /** Decay factor γ in (0, 1]. Default 0.1. */
  gamma?: number;
  /** Default 'epoch'. */
  every?: ScheduleUnit;
  warmup?: WarmupOptions;
}

/** MultiStepLR: lr = lr₀·γ^(number of milestones ≤ c). */
export interface MultiStepSchedule {
  name: 'multiStep';
  /** Strictly increasing non-negative integers, in `every` units. */
  milestones: number[];
  /** Default 0.1. */
  gamma?: number;
  /** Default 'epoch'. */
  every?: ScheduleUnit;
  warmup?: WarmupOptions;
}

/** ExponentialLR: lr = lr₀·γ^c. */
export interface ExponentialSchedule {
  name: 'exponential';
  /** Decay factor γ in (0, 1]. */
  gamma: number;
  /** Default 'epoch'. */
  every?: ScheduleUnit;
  warmup?: WarmupOptions;
}

/** scikit-learn's `invscaling`: lr = lr₀ / t^powerT with t = step + 1 (per batch; per sample with batch 'stochastic'). */
export interface InvScalingSchedule {
  name: 'invScaling';
  /** Exponent, default 0.5 (SGDClassifier's; SGDRegressor uses 0.25). */
  powerT?: number;
  warmup?: WarmupOptions;
}

/**
 * scikit-learn's `optimal`: lr = 1 / (α·(t₀ + t − 1)), t = step + 1, with t₀ = 1/(η₀·α) and
 * η₀ = √(1/√α) (scikit-learn's heuristic; its max(1, dloss(1, −η₀)) divisor is 1 for every loss here).
 * Ignores the optimizer's lr.
 */
export interface OptimalSchedule {
  name: 'optimal';
  /** α > 0; default the training penalty's `alpha`, else 1e-4 (scikit-learn's default). */
  alpha?: number;
  warmup?: WarmupOptions;
}

/**
 * CosineAnnealingWarmRestarts (SGDR): lr = η_min + (lr₀ − η_min)(1 + cos(π·T_cur/T_i))/2, where T_i
 * starts at t0 and is multiplied by tMult at each restart and T_cur counts since the last restart.
 * With the default t0 (the whole run) it is CosineAnnealingLR over the run.
 */
export interface CosineSchedule {
  name: 'cosine';
  /** First period in `every` units; default the length of the run (after warm-up). */
  t0?: number;
  /** Integer period multiplier ≥ 1. Default 1. */
  tMult?: number;
  /** Floor η_min ≥ 0. Default 0. */
  etaMin?: number;
  /** Default 'epoch' (PyTorch steps it once per epoch); 'batch' anneals within epochs. */
  every?: ScheduleUnit;
  warmup?: WarmupOptions;
}

/**
 * OneCycleLR (per batch): from maxLr/divFactor up to maxLr over pctStart of totalSteps, then down to
 * maxLr/(divFactor·finalDivFactor), by cosine or linear annealing; `threePhase` as PyTorch.
 */
export interface OneCycleSchedule {
  name: 'oneCycle';
  /** Peak lr; default the optimizer's lr. */
  maxLr?: number;
  /** Length of the cycle in batches; default the length of the run. */
  totalSteps?: number;
  /** Default 0.3. */
  pctStart?: number;
  /** Default 'cos'. */
  annealStrategy?: 'cos' | 'linear';
  /** Default 25. */
  divFactor?: number;
  /** Default 1e4. */
  finalDivFactor?: number;
  /** Default false. */
  threePhase?: boolean;
}

/**
 * ReduceLROnPlateau, reacting once per epoch to the monitored value: an epoch is better when it beats
 * the best by the threshold (rel: best·(1 ∓ threshold), abs: best ∓ threshold); after more than
 * `patience` worse epochs in a row, lr ← max(lr·factor, minLr) (ignored when the change is ≤ eps),
 * then `cooldown` epochs during which bad epochs are not counted.
 */
export interface PlateauSchedule {
  name: 'plateau';
  /** Default 'min'. */
  mode?: 'min' | 'max';
  /** In (0, 1). Default 0.1. */
  factor?: number;
  /** Default 10. */
  patience?: number;
  /** Default 1e-4. */
  threshold?: number;
  /** Default 'rel'. */
  thresholdMode?: 'rel' | 'abs';
  /** Default 0. */
  cooldown?: number;
  /** Default 0. */
  minLr?: number;
  /** Default 1e-8. */
  eps?: number;
  /** What to watch: 'loss' (training loss), 'valLoss' or 'valMetric'. Default 'valLoss' when there is a validation set, else 'loss'. */
  monitor?: 'loss' | 'valLoss' | 'valMetric';
  warmup?: WarmupOptions;
}

/** Any learning-rate schedule. */
export type ScheduleOptions =
  | ConstantSchedule | StepSchedule | MultiStepSchedule | ExponentialSchedule | InvScalingSchedule
  | OptimalSchedule | CosineSchedule | OneCycleSchedule | PlateauSchedule;

/** Names of the schedules. */
export const scheduleNames = [
  'constant', 'step', 'multiStep', 'exponential', 'invScaling', 'optimal', 'cosine', 'oneCycle', 'plateau',
] as const;
/** A schedule's name. */
export type ScheduleName = (typeof scheduleNames)[number];

/** What a schedule needs to know about the run it drives. */
export interface ScheduleContext {
  /** The optimizer's learning rate lr₀. */
  baseLr: number;
  /** Batches per epoch (1 for {@link minimize}). */
  stepsPerEpoch: number;
  /** Planned length of the run in steps: epochs × stepsPerEpoch (train) or maxSteps (minimize). */
  runSteps: number;
  /** The training penalty's α, when there is one (default for `optimal`). */
  alpha?: number;
  /** Whether a validation set is monitored (default of the plateau's `monitor`). */
  hasValidation?: boolean;
}

/** The saved state of a schedule (reduce-on-plateau's counters; the others are pure functions of the step). */
export interface ScheduleState {
  lr: number;
  best: number;
  numBad: number;
  cooldown: number;
}

/** What {@link Schedule.epochEnd} may react to. */
export interface EpochMetrics {
  loss: number;
  valLoss?: number;
  valMetric?: number;
}

type LrFn = (s: number) => number;

/**
 * A validated schedule bound to a run: {@link lr} gives the learning rate of any step; {@link epochEnd}
 * lets reduce-on-plateau react. Create with {@link createSchedule}.
 */
export class Schedule {
  /** The schedule's name. */
  readonly name: ScheduleName;
  /** What reduce-on-plateau watches (undefined for the other schedules). */
  readonly monitor: 'loss' | 'valLoss' | 'valMetric' | undefined;
  private readonly fn: LrFn;
  private readonly warmSteps: number;
  private readonly warmStart: number;
  private readonly plateau: Required<Omit<PlateauSchedule, 'name' | 'warmup' | 'monitor'>> | null;
  private st: ScheduleState;

  /** @internal use {@link createSchedule}. */
  constructor(name: ScheduleName, fn: LrFn, warm: { steps: number; startFactor: number } | null,
    plateau: Schedule['plateau'], monitor: Schedule['monitor'], baseLr: number) {
    this.name = name;
    this.fn = fn;
    this.warmSteps = warm?.steps ?? 0;
    this.warmStart = warm?.startFactor ?? 1;
    this.plateau = plateau;
    this.monitor = monitor;
    this.st = { lr: baseLr, best: plateau?.mode === 'max' ? -Infinity : Infinity, numBad: 0, cooldown: 0 };
  }

  /** The learning rate of global step s (0-based). */
  lr(s: number): number {
    const W = this.warmSteps;
    if (s < W) {
      // During warm-up the schedule proper has not started: its step-0 value, scaled linearly.
      return this.base(0) * (this.warmStart + (1 - this.warmStart) * s / W);
    }
    return this.base(s - W);
  }

  private base(s: number): number {
    return this.plateau ? this.st.lr : this.fn(s);
  }

  /** Reduce-on-plateau's reaction to an epoch; a no-op for every other schedule. Returns true when lr was reduced. */
  epochEnd(m: EpochMetrics): boolean {
    const p = this.plateau;
    if (!p) return false;
    const v = this.monitor === 'valLoss' ? m.valLoss : this.monitor === 'valMetric' ? m.valMetric : m.loss;
    if (v === undefined || Number.isNaN(v)) return false;
    const st = this.st;
    let better: boolean;
    if (p.mode === 'min') better = p.thresholdMode === 'rel' ? v < st.best * (1 - p.threshold) : v < st.best - p.threshold;
    else better = p.thresholdMode === 'rel' ? v > st.best * (1 + p.threshold) : v > st.best + p.threshold;
    if (better) {
      st.best = v;
      st.numBad = 0;
    } else {
      st.numBad++;
    }
    if (st.cooldown > 0) {
      st.cooldown--;
      st.numBad = 0;
    }
    let reduced = false;
    if (st.numBad > p.patience) {
      const next = Math.max(st.lr * p.factor, p.minLr);
      if (st.lr - next > p.eps) {
        st.lr = next;
        reduced = true;
      }
      st.cooldown = p.cooldown;
      st.numBad = 0;
    }
    return reduced;
  }

  /** A copy of the schedule's state, for saving. */
  state(): ScheduleState {
    return { ...this.st };
  }

  /** Restores a state returned by {@link state}. */
  restore(s: ScheduleState): void {
    this.st = { lr: s.lr, best: s.best, numBad: s.numBad, cooldown: s.cooldown };
  }
}

const WARMUP_KEYS = ['steps', 'startFactor'] as const;

/**
 * Validates schedule options against a run and binds them to it. Throws a HyperParameterError naming
 * the parameter (`schedule.gamma`, `schedule.warmup.steps`, …) before anything is allocated.
 */
export function createSchedule(options: ScheduleOptions | undefined, ctx: ScheduleContext): Schedule {
  const lr0 = ctx.baseLr;
  const nb = ctx.stepsPerEpoch;
  if (options === undefined) return new Schedule('constant', () => lr0, null, null, undefined, lr0);
  if (options === null || typeof options !== 'object') {
    throw new HyperParameterError('schedule', `must be an object such as { name: 'cosine' }, got ${show(options)}`);
  }
  const name = options.name as ScheduleName;
  if (!scheduleNames.includes(name)) {
    throw new HyperParameterError('schedule.name', `unknown schedule ${show(name)}; expected one of ${scheduleNames.join(', ')}`);
  }
  const o = options as unknown as Record<string, unknown>;
  const warm = name === 'oneCycle' ? null : warmupOf(o.warmup, ctx.runSteps);
  const W = warm?.steps ?? 0;
  const innerSteps = ctx.runSteps - W; // steps the schedule proper drives
  const unit = (def: ScheduleUnit): ScheduleUnit => {
    const u = o.every ?? def;
    if (u !== 'epoch' && u !== 'batch') throw new HyperParameterError('schedule.every', `must be 'epoch' or 'batch', got ${show(u)}`);
    return u;
  };
  // The counter c of a step s of the schedule proper, in its unit.
  const counter = (u: ScheduleUnit) => (u === 'batch' ? (s: number) => s : (s: number) => Math.floor(s / nb));
  const bind = (fn: LrFn, plateau: Schedule['plateau'] = null, monitor?: Schedule['monitor']) =>
    new Schedule(name, fn, warm, plateau, monitor, lr0);

  switch (name) {
    case 'constant': {
      onlyKeys('schedule', o, ['name', 'warmup']);
      return bind(() => lr0);
    }
    case 'step': {
      onlyKeys('schedule', o, ['name', 'stepSize', 'gamma', 'every', 'warmup']);
      if (o.stepSize === undefined) throw new HyperParameterError('schedule.stepSize', 'is required (the decay period)');
      const stepSize = int('schedule.stepSize', o.stepSize, 1, 1);
      const gamma = num('schedule.gamma', o.gamma, 0.1, { gt: 0, max: 1 });
      const c = counter(unit('epoch'));
      return bind((s) => lr0 * Math.pow(gamma, Math.floor(c(s) / stepSize)));
    }
    case 'multiStep': {
      onlyKeys('schedule', o, ['name', 'milestones', 'gamma', 'every', 'warmup']);
      const ms = o.milestones;
      if (!Array.isArray(ms) || ms.length === 0) {
        throw new HyperParameterError('schedule.milestones', `must be a non-empty array of increasing integers, got ${show(ms)}`);
      }
      for (let i = 0; i < ms.length; i++) {
        int(`schedule.milestones[${i}]`, ms[i], 0, 0);
        if (i > 0 && !(ms[i] > ms[i - 1])) {
          throw new HyperParameterError(`schedule.milestones[${i}]`, `milestones must increase strictly, got ${ms[i - 1]} then ${ms[i]}`);
        }
      }
      const milestones = ms.slice() as number[];
      const gamma = num('schedule.gamma', o.gamma, 0.1, { gt: 0, max: 1 });
      const c = counter(unit('epoch'));
      return bind((s) => {
        const e = c(s);
        let passed = 0;
        while (passed < milestones.length && milestones[passed] <= e) passed++;
        return lr0 * Math.pow(gamma, passed);
      });
    }
    case 'exponential': {
      onlyKeys('schedule', o, ['name', 'gamma', 'every', 'warmup']);
      if (o.gamma === undefined) throw new HyperParameterError('schedule.gamma', 'is required (the decay factor per epoch)');
      const gamma = num('schedule.gamma', o.gamma, 1, { gt: 0, max: 1 });
      const c = counter(unit('epoch'));
      return bind((s) => lr0 * Math.pow(gamma, c(s)));
    }
    case 'invScaling': {
      onlyKeys('schedule', o, ['name', 'powerT', 'warmup']);
      const powerT = num('schedule.powerT', o.powerT, 0.5, { min: 0 });
      return bind((s) => lr0 / Math.pow(s + 1, powerT));
    }
    case 'optimal': {
      onlyKeys('schedule', o, ['name', 'alpha', 'warmup']);
      const alpha = num('schedule.alpha', o.alpha, ctx.alpha !== undefined && ctx.alpha > 0 ? ctx.alpha : 1e-4, { gt: 0 });
      const typw = Math.sqrt(1 / Math.sqrt(alpha));
      // scikit-learn divides η₀ by max(1, dloss(y = 1, p = −typw)); every loss here has dloss ≤ 0 there.
      const t0 = 1 / (typw * alpha);
      return bind((s) => 1 / (alpha * (t0 + s)));
    }
    case 'cosine': {
      onlyKeys('schedule', o, ['name', 't0', 'tMult', 'etaMin', 'every', 'warmup']);
      const u = unit('epoch');
      const runLen = u === 'batch' ? innerSteps : Math.max(1, Math.ceil(innerSteps / nb));
      const t0 = int('schedule.t0', o.t0, runLen, 1);
      const tMult = int('schedule.tMult', o.tMult, 1, 1);
      const etaMin = num('schedule.etaMin', o.etaMin, 0, { min: 0 });
      if (etaMin > lr0) throw new HyperParameterError('schedule.etaMin', `must not exceed the optimizer's lr ${lr0}, got ${etaMin}`);
      const c = counter(u);
      return bind((s) => {
        // The chainable form of PyTorch, exact for integer counters: subtract whole periods.
        let tCur = c(s);
        let tI = t0;
        while (tCur >= tI) {
          tCur -= tI;
          tI *= tMult;
        }
        return etaMin + (lr0 - etaMin) * (1 + Math.cos(Math.PI * tCur / tI)) / 2;
      });
    }
    case 'oneCycle': {
      onlyKeys('schedule', o, ['name', 'maxLr', 'totalSteps', 'pctStart', 'annealStrategy', 'divFactor', 'finalDivFactor', 'threePhase']);
      const maxLr = num('schedule.maxLr', o.maxLr, lr0, { gt: 0 });
      const total = int('schedule.totalSteps', o.totalSteps, ctx.runSteps, 1);
      if (total < ctx.runSteps) {
        throw new HyperParameterError('schedule.totalSteps', `is ${total} but the run takes ${ctx.runSteps} steps; OneCycleLR cannot step past its cycle`);
      }
      const pct = num('schedule.pctStart', o.pctStart, 0.3, { min: 0, max: 1 });
      const anneal = o.annealStrategy ?? 'cos';
      if (anneal !== 'cos' && anneal !== 'linear') {
        throw new HyperParameterError('schedule.annealStrategy', `must be 'cos' or 'linear', got ${show(anneal)}`);
      }
      const div = num('schedule.divFactor', o.divFactor, 25, { gt: 0 });
      const finalDiv = num('schedule.finalDivFactor', o.finalDivFactor, 1e4, { gt: 0 });
      const three = bool('schedule.threePhase', o.threePhase, false);
      const initial = maxLr / div;
      const minLr = initial / finalDiv;
      const phases = three
        ? [
          { end: pct * total - 1, from: initial, to: maxLr },
          { end: 2 * pct * total - 2, from: maxLr, to: initial },
          { end: total - 1, from: initial, to: minLr },
        ]
        : [
          { end: pct * total - 1, from: initial, to: maxLr },
          { end: total - 1, from: maxLr, to: minLr },
        ];
      const f = anneal === 'cos'
        ? (a: number, b: number, p: number) => b + (a - b) / 2 * (Math.cos(Math.PI * p) + 1)
        : (a: number, b: number, p: number) => (b - a) * p + a;
      return bind((s) => {
        let startStep = 0;
        for (let i = 0; i < phases.length; i++) {
          const ph = phases[i];
          if (s <= ph.end || i === phases.length - 1) return f(ph.from, ph.to, (s - startStep) / (ph.end - startStep));
          startStep = ph.end;
        }
        return minLr;
      });
    }
    case 'plateau': {
      onlyKeys('schedule', o, ['name', 'mode', 'factor', 'patience', 'threshold', 'thresholdMode', 'cooldown', 'minLr', 'eps', 'monitor', 'warmup']);
      const mode = o.mode ?? 'min';
      if (mode !== 'min' && mode !== 'max') throw new HyperParameterError('schedule.mode', `must be 'min' or 'max', got ${show(mode)}`);
      const thresholdMode = o.thresholdMode ?? 'rel';
      if (thresholdMode !== 'rel' && thresholdMode !== 'abs') {
        throw new HyperParameterError('schedule.thresholdMode', `must be 'rel' or 'abs', got ${show(thresholdMode)}`);
      }
      const monitor = o.monitor ?? (ctx.hasValidation ? 'valLoss' : 'loss');
      if (monitor !== 'loss' && monitor !== 'valLoss' && monitor !== 'valMetric') {
        throw new HyperParameterError('schedule.monitor', `must be 'loss', 'valLoss' or 'valMetric', got ${show(monitor)}`);
      }
      if (monitor !== 'loss' && !ctx.hasValidation) {
        throw new HyperParameterError('schedule.monitor', `'${monitor}' needs a validation set (validation or validationFraction)`);
      }
      const p = {
        mode, thresholdMode,
        factor: num('schedule.factor', o.factor, 0.1, { gt: 0, lt: 1 }),
        patience: int('schedule.patience', o.patience, 10, 0),
        threshold: num('schedule.threshold', o.threshold, 1e-4, { min: 0 }),
        cooldown: int('schedule.cooldown', o.cooldown, 0, 0),
        minLr: num('schedule.minLr', o.minLr, 0, { min: 0 }),
        eps: num('schedule.eps', o.eps, 1e-8, { min: 0 }),
      } as Required<Omit<PlateauSchedule, 'name' | 'warmup' | 'monitor'>>;
      return bind(() => lr0, p, monitor);
    }
  }
  throw new HyperParameterError('schedule.name', `unknown schedule ${show(name)}`);
}

function warmupOf(w: unknown, runSteps: number): { steps: number; startFactor: number } | null {
  if (w === undefined) return null;
  if (w === null || typeof w !== 'object') {
    throw new HyperParameterError('schedule.warmup', `must be an object { steps, startFactor? }, got ${show(w)}`);
  }
  onlyKeys('schedule.warmup', w, WARMUP_KEYS);
  const o = w as WarmupOptions;
  if (o.steps === undefined) throw new HyperParameterError('schedule.warmup.steps', 'is required');
  const steps = int('schedule.warmup.steps', o.steps, 1, 1);
  if (steps >= runSteps) {
    throw new HyperParameterError('schedule.warmup.steps', `is ${steps} but the run has only ${runSteps} steps; the warm-up must end before the run does`);
  }
  const startFactor = num('schedule.warmup.startFactor', o.startFactor, 1 / 3, { min: 0, max: 1 });
  return { steps, startFactor };
}
