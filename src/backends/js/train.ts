// Pure-TS twin of assembly/train.ts: the same dispatch and batch loop over typed arrays.
import {
  lossGradSquared, lossGradLogistic, lossGradSoftmax,
  lossGradHinge, lossGradSquaredHinge, lossGradModifiedHuber, lossGradHuber, lossGradEpsilonInsensitive,
} from './losses.js';
import { clipGradNorm, clipGradValue, addGradNoise, norm1, l1Cumulative, l1PseudoGrad, l1Project, averageStep } from './gradtools.js';
import { CTL, L1_MODE } from '../codes.js';
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

/** Loss + gradient of model `loss` over rows idx[start .. start+count); lossParam is the ε of Huber / ε-insensitive. */
export function lossGrad(
  loss: number, grad: Float32Array, params: Float32Array, X: Float32Array, y: Float32Array, idx: Int32Array,
  start: number, count: number, d: number, k: number, l2: number, scratch: Float32Array, lossParam = 0,
): number {
  switch (loss) {
    case LOSS.squared: return lossGradSquared(grad, params, X, y, idx, start, count, d, l2);
    case LOSS.logistic: return lossGradLogistic(grad, params, X, y, idx, start, count, d, l2);
    case LOSS.softmax: return lossGradSoftmax(grad, params, X, y, idx, start, count, d, k, l2, scratch);
    case LOSS.hinge: return lossGradHinge(grad, params, X, y, idx, start, count, d, l2);
    case LOSS.squaredHinge: return lossGradSquaredHinge(grad, params, X, y, idx, start, count, d, l2);
    case LOSS.modifiedHuber: return lossGradModifiedHuber(grad, params, X, y, idx, start, count, d, l2);
    case LOSS.huber: return lossGradHuber(grad, params, X, y, idx, start, count, d, l2, Math.fround(lossParam));
    case LOSS.epsilonInsensitive:
      return lossGradEpsilonInsensitive(grad, params, X, y, idx, start, count, d, l2, Math.fround(lossParam));
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

/**
 * Runs up to nBatches batches; returns how many were applied (fewer: a batch loss was not finite).
 * `ctl`, `sched`, `avg` and `l1buf` are optional (null: the plain loop); see assembly/train.ts for
 * their meaning and for the order of the per-batch pipeline, which this twin follows step by step.
 */
export function runBatches(
  loss: number, opt: number, params: Float32Array, grads: Float32Array, state: Float32Array, nParams: number,
  h: Float64Array, X: Float32Array, y: Float32Array, idx: Int32Array, d: number, k: number, l2: number,
  scratch: Float32Array, start: number, total: number, batchSize: number, nBatches: number, lossesOut: Float64Array,
  ctl: Float64Array | null = null, sched: Float64Array | null = null, avg: Float32Array | null = null,
  l1buf: Float32Array | null = null,
): number {
  const lossParam = ctl ? ctl[CTL.lossParam] : 0;
  const clipNorm = ctl ? ctl[CTL.clipNorm] : 0;
  const clipValue = ctl ? Math.fround(ctl[CTL.clipValue]) : 0;
  const l1 = ctl ? ctl[CTL.l1] : 0;
  const l1Mode = ctl && l1 > 0 && l1buf ? ctl[CTL.l1Mode] : 0;
  const avgStart = ctl && avg ? ctl[CTL.avgStart] : 0;
  const noise = !!ctl && !!sched && ctl[CTL.noise] !== 0;
  let u = ctl ? ctl[CTL.l1U] : 0;
  let avgCount = ctl ? ctl[CTL.avgCount] : 0;
  let step = ctl ? ctl[CTL.step] : 0;
  const nW = k * d;
  let b = 0;
  for (; b < nBatches; b++) {
    const s = start + b * batchSize;
    if (s >= total) break;
    const count = Math.min(batchSize, total - s);
    let L = lossGrad(loss, grads, params, X, y, idx, s, count, d, k, l2, scratch, lossParam);
    if (l1Mode !== 0) L += l1 * norm1(params, nW);
    lossesOut[b] = L;
    if (!Number.isFinite(L)) break;
    let lr = h[0];
    if (sched) {
      lr = sched[2 * b];
      h[0] = lr;
      if (noise) {
        const sigma = sched[2 * b + 1];
        if (sigma > 0) addGradNoise(grads, nParams, sigma, ctl!);
      }
    }
    if (clipNorm > 0) clipGradNorm(grads, nParams, clipNorm);
    if (clipValue > 0) clipGradValue(grads, nParams, clipValue);
    if (l1Mode === L1_MODE.orthant) l1PseudoGrad(grads, params, l1buf!, nW, l1);
    optimStep(opt, params, grads, state, nParams, h);
    if (l1Mode === L1_MODE.cumulative) {
      u += lr * l1;
      l1Cumulative(params, l1buf!, nW, u);
    } else if (l1Mode === L1_MODE.orthant) {
      l1Project(params, l1buf!, nW);
    }
    step += 1;
    if (avgStart > 0 && step >= avgStart) {
      avgCount += 1;
      averageStep(avg!, params, nParams, 1 / avgCount);
    }
  }
  if (ctl) {
    ctl[CTL.l1U] = u;
    ctl[CTL.avgCount] = avgCount;
    ctl[CTL.step] = step;
  }
  return b;
}
