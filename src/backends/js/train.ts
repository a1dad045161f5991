// Pure-TS twin of assembly/train.ts: the same dispatch and batch loop over typed arrays.
import { lossGradSquared, lossGradLogistic, lossGradSoftmax } from './losses.js';
import { sgdStep } from './optim/sgd.js';
import { adamStep } from './optim/adam.js';
import { adamwStep } from './optim/adamw.js';
import { adagradStep } from './optim/adagrad.js';
import { adadeltaStep } from './optim/adadelta.js';
import { rmspropStep } from './optim/rmsprop.js';
import { adamaxStep } from './optim/adamax.js';
import { nadamStep } from './optim/nadam.js';
import { radamStep } from './optim/radam.js';
import { LOSS, OPT } from '../codes.js';

/** Loss + gradient of model `loss` over rows idx[start .. start+count). */
export function lossGrad(
  loss: number, grad: Float32Array, params: Float32Array, X: Float32Array, y: Float32Array, idx: Int32Array,
  start: number, count: number, d: number, k: number, l2: number, scratch: Float32Array,
): number {
  switch (loss) {
    case LOSS.squared: return lossGradSquared(grad, params, X, y, idx, start, count, d, l2);
    case LOSS.logistic: return lossGradLogistic(grad, params, X, y, idx, start, count, d, l2);
    case LOSS.softmax: return lossGradSoftmax(grad, params, X, y, idx, start, count, d, k, l2, scratch);
  }
  return NaN;
}

/** One update by rule `opt`. */
export function optimStep(
  opt: number, params: Float32Array, grads: Float32Array, state: Float32Array, n: number, h: Float64Array,
): void {
  switch (opt) {
    case OPT.sgd: sgdStep(params, grads, state, n, h); break;
    case OPT.adam: adamStep(params, grads, state, n, h); break;
    case OPT.adamw: adamwStep(params, grads, state, n, h); break;
    case OPT.adagrad: adagradStep(params, grads, state, n, h); break;
    case OPT.adadelta: adadeltaStep(params, grads, state, n, h); break;
    case OPT.rmsprop: rmspropStep(params, grads, state, n, h); break;
    case OPT.adamax: adamaxStep(params, grads, state, n, h); break;
    case OPT.nadam: nadamStep(params, grads, state, n, h); break;
    case OPT.radam: radamStep(params, grads, state, n, h); break;
  }
}

/** Runs up to nBatches batches; returns how many were applied (fewer: a batch loss was not finite). */
export function runBatches(
  loss: number, opt: number, params: Float32Array, grads: Float32Array, state: Float32Array, nParams: number,
  h: Float64Array, X: Float32Array, y: Float32Array, idx: Int32Array, d: number, k: number, l2: number,
  scratch: Float32Array, start: number, total: number, batchSize: number, nBatches: number, lossesOut: Float64Array,
): number {
  for (let b = 0; b < nBatches; b++) {
    const s = start + b * batchSize;
    if (s >= total) return b;
    const count = Math.min(batchSize, total - s);
    const L = lossGrad(loss, grads, params, X, y, idx, s, count, d, k, l2, scratch);
    lossesOut[b] = L;
    if (!Number.isFinite(L)) return b;
    optimStep(opt, params, grads, state, nParams, h);
  }
  return nBatches;
}
