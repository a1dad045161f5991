// The options of the learning-rate schedules (one interface per schedule, with PyTorch's and scikit-learn's
// names and defaults), their names, and what a schedule knows about its run. Kept apart from the formulas in
// schedules.ts so the option reference reads on its own.
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
