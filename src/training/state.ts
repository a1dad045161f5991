// The saved form of a training run: everything the batch loop reads or writes, so that a run saved at
// step k and resumed gives bit-identical parameters to one that never stopped (on the same backend
// and binary, which the state names). Plain JSON: f32 and f64 values survive JSON.stringify/parse
// exactly; the few scalars that may be ±Infinity or NaN are written as strings.
import type { BackendName } from '../backends/backend.js';
import type { TrainableJSON } from '../models/trainable.js';
import type { ScheduleState } from '../optim/schedules.js';

/** A number that JSON cannot hold as is (±Infinity, NaN) is written as its string. */
export type JsonNumber = number | 'Infinity' | '-Infinity' | 'NaN';

/** One epoch of training, as recorded in a run's history. */
export interface EpochRecord {
  /** 1-based epoch number. */
  epoch: number;
  /** Mean over the epoch's batches of each batch's loss (before its update), weighted by batch size, penalty included. */
  loss: number;
  /** Milliseconds since training started (summed over resumed sessions), at the end of this epoch. */
  ms: number;
  /** Learning rate of the epoch's first batch. */
  lr: number;
  /** Learning rate of the epoch's last batch (differs from `lr` under per-batch schedules). */
  lrLast: number;
  /** Gradient steps taken since the start of training, at the end of this epoch. */
  steps: number;
  /** Validation loss (data loss, no penalty), when a validation set is monitored. */
  valLoss?: number;
  /** Validation accuracy (classifiers) or R² (regression), when a validation set is monitored. */
  valMetric?: number;
}

/** The state of a training run, from {@link Trainer.save}, `result.state` or the `onEpoch` context. */
export interface TrainState {
  format: 'descent-train-state';
  /** 2 since the run descriptor replaced the control block (version 1 stored it as `ctl`). */
  version: 2;
  /** Backend that produced the state; resuming elsewhere works but is not bit-identical. */
  backend: BackendName;
  /** SHA-256 of the WASM binary that produced it (null for `js`). */
  sha256: string | null;
  /** What the state was made for; resuming checks it against the model, data and options. */
  config: {
    rows: number;
    batchSize: number;
    nParams: number;
    optimizer: string;
    schedule: string;
    averaging: boolean;
    l1: boolean;
  };
  /** The model with the current iterate (not the averaged or best parameters). */
  model: TrainableJSON;
  optimizer: {
    /** The f64 hyper-parameter block, including lr (h[0]) and the step count t (h[1]). */
    hyper: number[];
    /** The rule's state vectors (moments, momentum buffer), f32. */
    state: number[];
  };
  /** The batch loop's state: steps over all runs, cumulative L1 u, averaging count, noise and dropout PRNG words. */
  loop: { step: number; l1U: number; avgCount: number; rng: number[]; dropRng: number[] };
  /** Running average of the iterates (averaged SGD), or null. */
  avg: number[] | null;
  /** L1 buffer (cumulative penalties q, or orthant signs), or null. */
  l1: number[] | null;
  /** The current row order (training rows, after any validation split). */
  perm: number[];
  /** Shuffling PRNG state (four u32 words). */
  rng: number[];
  /** Epochs completed. */
  epoch: number;
  /** Batches done in the current epoch. */
  batch: number;
  /** Gradient steps taken. */
  steps: number;
  /** Σ batch loss × batch rows over the current epoch's batches so far. */
  lossSum: number;
  /** Learning rate of the current epoch's first batch. */
  epochLr: number;
  schedule: { lr: JsonNumber; best: JsonNumber; numBad: number; cooldown: number };
  stopping: {
    tolBest: JsonNumber;
    noChange: number;
    esBest: JsonNumber;
    esWait: number;
    bestEpoch: number;
    bestParams: number[] | null;
  };
  /** Parameters (and average) at the end of the last finite epoch: what a divergence falls back to. */
  last: { params: number[]; avg: number[] | null; avgCount: number };
  /**
   * Sparse plain SGD with L2: the lazily scaled weights w = scale·v (v f32, weights then biases; ‖v‖² of the
   * weights), which go on from where they were; null or absent: none, or stale (the run reloads v from the model's params).
   */
  lazy?: { v: number[]; scale: number; sq: number } | null;
  history: EpochRecord[];
  /** Milliseconds spent training before this state was saved. */
  elapsedMs: number;
}

/** Encodes a number for JSON, keeping ±Infinity and NaN. */
export function encNum(x: number): JsonNumber {
  if (Number.isFinite(x)) return x;
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

/** Decodes {@link encNum}. */
export function decNum(x: JsonNumber): number {
  return typeof x === 'number' ? x : Number(x);
}

/** The schedule part of a state. */
export function encSchedule(s: ScheduleState): TrainState['schedule'] {
  return { lr: encNum(s.lr), best: encNum(s.best), numBad: s.numBad, cooldown: s.cooldown };
}

/** Decodes {@link encSchedule}. */
export function decSchedule(s: TrainState['schedule']): ScheduleState {
  return { lr: decNum(s.lr), best: decNum(s.best), numBad: s.numBad, cooldown: s.cooldown };
}
