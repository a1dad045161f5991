// Learning-rate schedules. A schedule is a closed-form function of the global step (0-based batch
// index) plus, for reduce-on-plateau only, a little state that reacts once per epoch. The trainer
// evaluates it in TypeScript for every batch of the coming run into an f64 array that the WASM batch
// loop writes into h[0] before each step: the kernels never know a schedule's formula, and every
// update rule in the registry gets every schedule for free.
import { HyperParameterError } from '../errors.js';
import { bool, int, num, onlyKeys, show } from './validate.js';
import {
  scheduleNames, type EpochMetrics, type PlateauSchedule, type ScheduleContext, type ScheduleName, type ScheduleOptions,
  type ScheduleState, type ScheduleUnit, type WarmupOptions,
} from './schedule-options.js';

// The trainer, minimize and the saved state take these two types from here, with createSchedule.
export type { ScheduleOptions, ScheduleState };

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
