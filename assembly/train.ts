// The batch loop, inside WASM: TypeScript hands over a run of batches (windows of the index array)
// and gets control back only when the run ends, so stochastic gradient descent does not cross the
// JS↔WASM boundary per sample. Loss and rule are integer codes picked once per call; the switch
// runs once per batch, never per element.
import { lossGradSquared, lossGradLogistic, lossGradSoftmax } from "./losses";
import { sgdStep } from "./optim/sgd";
import { adamStep } from "./optim/adam";
import { adamwStep } from "./optim/adamw";
import { adagradStep } from "./optim/adagrad";
import { adadeltaStep } from "./optim/adadelta";
import { rmspropStep } from "./optim/rmsprop";
import { adamaxStep } from "./optim/adamax";
import { nadamStep } from "./optim/nadam";
import { radamStep } from "./optim/radam";

export const LOSS_SQUARED: i32 = 0;
export const LOSS_LOGISTIC: i32 = 1;
export const LOSS_SOFTMAX: i32 = 2;

export const OPT_SGD: i32 = 0;
export const OPT_ADAM: i32 = 1;
export const OPT_ADAMW: i32 = 2;
export const OPT_ADAGRAD: i32 = 3;
export const OPT_ADADELTA: i32 = 4;
export const OPT_RMSPROP: i32 = 5;
export const OPT_ADAMAX: i32 = 6;
export const OPT_NADAM: i32 = 7;
export const OPT_RADAM: i32 = 8;

/** Loss + gradient of model `loss` over rows idx[start .. start+count). */
export function lossGrad(
  loss: i32, grad: usize, params: usize, X: usize, y: usize, idx: usize,
  start: i32, count: i32, d: i32, k: i32, l2: f32, scratch: usize,
): f64 {
  switch (loss) {
    case LOSS_SQUARED: return lossGradSquared(grad, params, X, y, idx, start, count, d, l2);
    case LOSS_LOGISTIC: return lossGradLogistic(grad, params, X, y, idx, start, count, d, l2);
    case LOSS_SOFTMAX: return lossGradSoftmax(grad, params, X, y, idx, start, count, d, k, l2, scratch);
  }
  return NaN;
}

/** One update of `params` (n f32) from `grads` by rule `opt`, with its state and hyper block. */
export function optimStep(opt: i32, params: usize, grads: usize, state: usize, n: i32, h: usize): void {
  switch (opt) {
    case OPT_SGD: sgdStep(params, grads, state, n, h); break;
    case OPT_ADAM: adamStep(params, grads, state, n, h); break;
    case OPT_ADAMW: adamwStep(params, grads, state, n, h); break;
    case OPT_ADAGRAD: adagradStep(params, grads, state, n, h); break;
    case OPT_ADADELTA: adadeltaStep(params, grads, state, n, h); break;
    case OPT_RMSPROP: rmspropStep(params, grads, state, n, h); break;
    case OPT_ADAMAX: adamaxStep(params, grads, state, n, h); break;
    case OPT_NADAM: nadamStep(params, grads, state, n, h); break;
    case OPT_RADAM: radamStep(params, grads, state, n, h); break;
  }
}

/**
 * Runs up to `nBatches` batches of `batchSize` rows, the first starting at idx[start]; the last may
 * be shorter when it reaches `total`. Writes each batch's loss (before its update) to lossesOut (f64).
 * Returns the number of batches whose update was applied: fewer than asked means a batch loss was
 * not finite, and that batch left the parameters untouched.
 */
export function runBatches(
  loss: i32, opt: i32, params: usize, grads: usize, state: usize, nParams: i32, h: usize,
  X: usize, y: usize, idx: usize, d: i32, k: i32, l2: f32, scratch: usize,
  start: i32, total: i32, batchSize: i32, nBatches: i32, lossesOut: usize,
): i32 {
  for (let b = 0; b < nBatches; b++) {
    const s = start + b * batchSize;
    if (s >= total) return b;
    const count = min(batchSize, total - s);
    const L = lossGrad(loss, grads, params, X, y, idx, s, count, d, k, l2, scratch);
    store<f64>(lossesOut + (<usize>b << 3), L);
    if (!isFinite(L)) return b;
    optimStep(opt, params, grads, state, nParams, h);
  }
  return nBatches;
}
