// train({ threads: n, async: true }): asynchronous, lock-free SGD on sparse rows (Hogwild!, Niu et al. 2011;
// assembly/hogwild.ts). This file holds the option's validation, run before anything is allocated: the
// mode is defined for what it was made for — plain SGD, one row per step, on a sparse (text) dataset with a
// one-output linear model — and anything else is a HyperParameterError naming the option that conflicts,
// rather than a silent change of algorithm. Where threads cannot run at all (the js backend, no shared
// memory) the run falls back to the synchronous single-thread run with a one-time warning (the `threads`
// reason, saying that async runs the synchronous run); `threads: 1` is plain sequential SGD, that same run.
import { HyperParameterError } from '../errors.js';
import { HYPER_SLOTS } from '../backends/abi.generated.js';
import { show } from '../validate.js';
import type { Trainable } from '../models/trainable.js';

/** What the async check needs of the options once they are validated (src/training/options.ts plan). */
export interface AsyncRequest {
  /** The `async` option as given. */
  async: unknown;
  threads: number | undefined;
  /** The training data is sparse (CSR). */
  sparse: boolean;
  /** The optimizer's name and its f64 hyper-parameter block. */
  optimizer: string;
  hyper: Float64Array;
  batchSize: number;
  clipNorm: number;
  clipValue: number;
  l1: number;
  avgStart: number;
  noise: boolean;
}

/**
 * Validates `async` (a boolean; with `threads` given; a one-output linear model on sparse data trained by
 * plain SGD, one row per step, none of the gradient tools) and returns whether the run is asynchronous.
 * Throws a HyperParameterError naming the conflicting option.
 */
export function asyncMode(r: AsyncRequest, model: Trainable): boolean {
  if (r.async === undefined) return false;
  if (typeof r.async !== 'boolean') throw new HyperParameterError('async', `must be a boolean, got ${show(r.async)}`);
  if (!r.async) return false;
  const no = (option: string, why: string): never => {
    throw new HyperParameterError(option, `async: true ${why}`);
  };
  if (r.threads === undefined) no('threads', 'needs threads (2 or more threads step the shared weights; 1 is the synchronous run)');
  if ((model as { layers?: unknown }).layers !== undefined) no('model', 'trains linear models on sparse data, not networks');
  if (!r.sparse) no('data', 'trains on sparse (CSR) data, such as Dataset.fromText; dense rows train deterministically with threads alone');
  if (model.outputs !== 1) no('model', `trains one-output models (logistic, linear, hinge…), not ${model.outputs} outputs (softmax)`);
  const sgd = HYPER_SLOTS.sgd;
  if (r.optimizer !== 'sgd') no('optimizer', `runs plain SGD ({ name: 'sgd' }), got '${r.optimizer}'`);
  if (r.hyper[sgd.momentum] !== 0) no('optimizer.momentum', 'runs plain SGD: momentum must be 0');
  if (r.hyper[sgd.weightDecay] !== 0) no('optimizer.weightDecay', 'runs plain SGD: use l2 (or penalty and alpha) for the penalty');
  if (r.batchSize !== 1) no('batch', `takes one row per step (batch: 1, the default with async), got ${r.batchSize}`);
  if (r.clipNorm > 0) no('clipNorm', 'runs plain SGD without gradient clipping');
  if (r.clipValue > 0) no('clipValue', 'runs plain SGD without gradient clipping');
  if (r.l1 > 0) no('penalty', 'supports the L2 penalty only (no L1 or elastic net)');
  if (r.avgStart > 0) no('average', 'runs plain SGD without averaging');
  if (r.noise) no('gradNoise', 'runs plain SGD without gradient noise');
  return true;
}
