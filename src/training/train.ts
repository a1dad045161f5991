// train(): the one-call form of a Trainer run. The parts live in src/training/: options.ts (the options
// and their validation into a plan), trainer.ts (the run loop) and resume.ts (save and resume).
import type { Dataset } from '../data/dataset.js';
import type { Trainable } from '../models/trainable.js';
import { Trainer } from './trainer.js';
import type { TrainOptions, TrainResult } from './options.js';
import { Checkpoints } from './checkpoint.js';

export { Trainer };
export type {
  BatchOption, PenaltyName, GradNoiseOptions, EpochContext, TrainerView, TrainOptions, StopReason, TrainResult,
} from './options.js';
export type { EpochRecord, TrainState } from './state.js';

/**
 * Trains `model` on `ds` by gradient descent with the chosen batching, in place. By default the features
 * (and a squared-loss regression target) are standardized with the training rows' statistics, which the
 * model keeps (`model.preprocessing`) and applies to raw rows in predict and evaluate; `standardize: false`
 * trains on the data as given (see {@link TrainOptions.standardize}). All options and the
 * labels are validated before any memory is allocated. A run whose loss or parameters stop being
 * finite ends with stopReason `'diverged'` and the parameters of the last finite epoch. See
 * {@link TrainOptions} for schedules, penalties, gradient tools, stopping rules and resuming, and
 * {@link Trainer} to advance a run step by step.
 */
export function train(model: Trainable, ds: Dataset, options: TrainOptions = {}): TrainResult {
  const o = options !== null && typeof options === 'object' ? options : undefined;
  const ck = o && Checkpoints.open(o.checkpoint, o.logFile, o.validation !== undefined || o.validationFraction !== undefined, o.resume);
  const t = new Trainer(model, ds, ck ? { ...options, onEpoch: ck.onEpoch(options.onEpoch) } : options);
  try {
    return ck ? ck.run(t) : t.run();
  } finally {
    t.dispose();
  }
}
