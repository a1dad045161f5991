// The run's loss and gradient on one thread: a network, sparse rows or a linear model's loss kernel, chosen
// from the run descriptor. Both the batch loop (train.ts) and a thread pool's blocks (threads.ts) call it;
// apart from both so that the batch loop can hand batches to the pool without the two importing each other.
import {
  LOSS_SQUARED, LOSS_LOGISTIC, LOSS_SOFTMAX, LOSS_HINGE, LOSS_SQUARED_HINGE, LOSS_MODIFIED_HUBER, LOSS_HUBER,
  LOSS_EPSILON_INSENSITIVE, RUN_LOSS, RUN_PARAMS, RUN_FEATURES, RUN_OUTPUTS, RUN_SCRATCH, RUN_X, RUN_Y, RUN_IDX,
  RUN_LOSS_PARAM, RUN_NET, RUN_WORK, RUN_CSR_INDPTR,
} from "./abi.generated";
import {
  lossGradSquared, lossGradLogistic, lossGradSoftmax,
  lossGradHinge, lossGradSquaredHinge, lossGradModifiedHuber, lossGradHuber, lossGradEpsilonInsensitive,
} from "./losses";
import { netLossGrad } from "./net";
import { sparseLossGrad } from "./sparse";
import { slot, ptr, int } from "./slots";

// The logistic kernel's workspace when the run names none (work = 0): a single-threaded run of the main
// instance. Every thread of a pool has its own (the pool's thread runs set `work`).
export const MAIN_WORK = memory.data(8192, 16);

/** Loss + gradient of model `loss` over rows idx[start .. start+count). */
// @ts-ignore: decorator
@inline
export function lossGradRows(
  loss: i32, grad: usize, params: usize, X: usize, y: usize, idx: usize,
  start: i32, count: i32, d: i32, k: i32, l2: f32, scratch: usize,
  lossParam: f32, // ε of the Huber and epsilon-insensitive losses; ignored by the others
  work: usize, // the logistic kernel's workspace (LOGISTIC_WORK_BYTES)
): f64 {
  switch (loss) {
    case LOSS_SQUARED: return lossGradSquared(grad, params, X, y, idx, start, count, d, l2);
    case LOSS_LOGISTIC: return lossGradLogistic(grad, params, X, y, idx, start, count, d, l2, work);
    case LOSS_SOFTMAX: return lossGradSoftmax(grad, params, X, y, idx, start, count, d, k, l2, scratch);
    case LOSS_HINGE: return lossGradHinge(grad, params, X, y, idx, start, count, d, l2);
    case LOSS_SQUARED_HINGE: return lossGradSquaredHinge(grad, params, X, y, idx, start, count, d, l2);
    case LOSS_MODIFIED_HUBER: return lossGradModifiedHuber(grad, params, X, y, idx, start, count, d, l2);
    case LOSS_HUBER: return lossGradHuber(grad, params, X, y, idx, start, count, d, l2, lossParam);
    case LOSS_EPSILON_INSENSITIVE: return lossGradEpsilonInsensitive(grad, params, X, y, idx, start, count, d, l2, lossParam);
  }
  return NaN;
}

/**
 * The run's loss and gradient (to `grad`) over rows idx[start .. start+count), on this thread alone, with
 * L2 strength `l2` (a pool's block passes 0 and adds the penalty once, after the blocks are summed). Sparse
 * data reads its L2 from the run (pools never run sparse data: the trainer keeps them to one thread).
 */
export function runLossGrad(run: usize, grad: usize, start: i32, count: i32, l2: f32): f64 {
  if (ptr(run, RUN_NET) != 0) return netLossGrad(run, grad, start, count);
  if (ptr(run, RUN_CSR_INDPTR) != 0) return sparseLossGrad(run, grad, start, count);
  const work = ptr(run, RUN_WORK);
  return lossGradRows(int(run, RUN_LOSS), grad, ptr(run, RUN_PARAMS), ptr(run, RUN_X), ptr(run, RUN_Y),
    ptr(run, RUN_IDX), start, count, int(run, RUN_FEATURES), int(run, RUN_OUTPUTS), l2,
    ptr(run, RUN_SCRATCH), <f32>slot(run, RUN_LOSS_PARAM), work != 0 ? work : MAIN_WORK);
}
