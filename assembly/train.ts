// The batch loop, inside WASM: TypeScript hands over a run of batches (windows of the index array)
// and gets control back only when the run ends, so stochastic gradient descent does not cross the
// JS↔WASM boundary per sample. Loss and rule are integer codes picked once per call; the switch
// runs once per batch, never per element.
import {
  lossGradSquared, lossGradLogistic, lossGradSoftmax,
  lossGradHinge, lossGradSquaredHinge, lossGradModifiedHuber, lossGradHuber, lossGradEpsilonInsensitive,
} from "./losses";
import {
  CTL_LOSS_PARAM, CTL_CLIP_NORM, CTL_CLIP_VALUE, CTL_L1, CTL_L1_MODE, CTL_L1_U, CTL_AVG_START, CTL_AVG_COUNT,
  CTL_STEP, CTL_NOISE, L1_CUMULATIVE, L1_ORTHANT,
  clipGradNorm, clipGradValue, addGradNoise, norm1, l1Cumulative, l1PseudoGrad, l1Project, averageStep,
} from "./gradtools";
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
export const LOSS_HINGE: i32 = 3;
export const LOSS_SQUARED_HINGE: i32 = 4;
export const LOSS_MODIFIED_HUBER: i32 = 5;
export const LOSS_HUBER: i32 = 6;
export const LOSS_EPSILON_INSENSITIVE: i32 = 7;

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
  lossParam: f32, // ε of the Huber and epsilon-insensitive losses; ignored by the others
): f64 {
  switch (loss) {
    case LOSS_SQUARED: return lossGradSquared(grad, params, X, y, idx, start, count, d, l2);
    case LOSS_LOGISTIC: return lossGradLogistic(grad, params, X, y, idx, start, count, d, l2);
    case LOSS_SOFTMAX: return lossGradSoftmax(grad, params, X, y, idx, start, count, d, k, l2, scratch);
    case LOSS_HINGE: return lossGradHinge(grad, params, X, y, idx, start, count, d, l2);
    case LOSS_SQUARED_HINGE: return lossGradSquaredHinge(grad, params, X, y, idx, start, count, d, l2);
    case LOSS_MODIFIED_HUBER: return lossGradModifiedHuber(grad, params, X, y, idx, start, count, d, l2);
    case LOSS_HUBER: return lossGradHuber(grad, params, X, y, idx, start, count, d, l2, lossParam);
    case LOSS_EPSILON_INSENSITIVE: return lossGradEpsilonInsensitive(grad, params, X, y, idx, start, count, d, l2, lossParam);
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
 *
 * The training toolkit rides on four optional pointers (0 = absent, which gives the plain loop):
 * - `ctl`: the control block (gradtools.ts CTL_*): loss ε, clipping, L1, averaging, noise, and the
 *   state carried between runs (step count, u, averaging count, PRNG words), written back on return.
 * - `sched`: two f64 per batch, [lr, σ]: the learning rate written into h[0] before the batch's step
 *   (the kernel never knows the schedule's formula) and the noise standard deviation.
 * - `avg`: the running average of the iterates (nParams f32), when ctl[CTL_AVG_START] > 0.
 * - `l1buf`: nW = k·d f32 of L1 state: q of the cumulative method, or the orthant signs.
 *
 * Per batch: loss + gradient (with the L2 term) → L1 term added to the loss → noise → clip by norm →
 * clip by value → L1 pseudo-gradient (orthant mode) → lr into h[0] → update → L1 truncation → average.
 */
export function runBatches(
  loss: i32, opt: i32, params: usize, grads: usize, state: usize, nParams: i32, h: usize,
  X: usize, y: usize, idx: usize, d: i32, k: i32, l2: f32, scratch: usize,
  start: i32, total: i32, batchSize: i32, nBatches: i32, lossesOut: usize,
  ctl: usize, sched: usize, avg: usize, l1buf: usize,
): i32 {
  const hasCtl = ctl != 0;
  const lossParam = hasCtl ? <f32>load<f64>(ctl + (<usize>CTL_LOSS_PARAM << 3)) : <f32>0;
  const clipNorm = hasCtl ? load<f64>(ctl + (<usize>CTL_CLIP_NORM << 3)) : 0;
  const clipValue = hasCtl ? <f32>load<f64>(ctl + (<usize>CTL_CLIP_VALUE << 3)) : <f32>0;
  const l1 = hasCtl ? load<f64>(ctl + (<usize>CTL_L1 << 3)) : 0;
  const l1Mode = hasCtl && l1 > 0 && l1buf != 0 ? <i32>load<f64>(ctl + (<usize>CTL_L1_MODE << 3)) : 0;
  const avgStart = hasCtl && avg != 0 ? load<f64>(ctl + (<usize>CTL_AVG_START << 3)) : 0;
  const noise = hasCtl && sched != 0 && load<f64>(ctl + (<usize>CTL_NOISE << 3)) != 0;
  let u = hasCtl ? load<f64>(ctl + (<usize>CTL_L1_U << 3)) : 0;
  let avgCount = hasCtl ? load<f64>(ctl + (<usize>CTL_AVG_COUNT << 3)) : 0;
  let step = hasCtl ? load<f64>(ctl + (<usize>CTL_STEP << 3)) : 0;
  const nW = k * d;
  let b = 0;
  for (; b < nBatches; b++) {
    const s = start + b * batchSize;
    if (s >= total) break;
    const count = min(batchSize, total - s);
    let L = lossGrad(loss, grads, params, X, y, idx, s, count, d, k, l2, scratch, lossParam);
    if (l1Mode != 0) L += l1 * norm1(params, nW);
    store<f64>(lossesOut + (<usize>b << 3), L);
    if (!isFinite(L)) break;
    let lr = load<f64>(h);
    if (sched != 0) {
      const o = sched + (<usize>b << 4);
      lr = load<f64>(o);
      store<f64>(h, lr);
      if (noise) {
        const sigma = load<f64>(o, 8);
        if (sigma > 0) addGradNoise(grads, nParams, sigma, ctl);
      }
    }
    if (clipNorm > 0) clipGradNorm(grads, nParams, clipNorm);
    if (clipValue > 0) clipGradValue(grads, nParams, clipValue);
    if (l1Mode == L1_ORTHANT) l1PseudoGrad(grads, params, l1buf, nW, <f32>l1);
    optimStep(opt, params, grads, state, nParams, h);
    if (l1Mode == L1_CUMULATIVE) {
      u += lr * l1;
      l1Cumulative(params, l1buf, nW, u);
    } else if (l1Mode == L1_ORTHANT) {
      l1Project(params, l1buf, nW);
    }
    step += 1;
    if (avgStart > 0 && step >= avgStart) {
      avgCount += 1;
      averageStep(avg, params, nParams, <f32>(1 / avgCount));
    }
  }
  if (hasCtl) {
    store<f64>(ctl + (<usize>CTL_L1_U << 3), u);
    store<f64>(ctl + (<usize>CTL_AVG_COUNT << 3), avgCount);
    store<f64>(ctl + (<usize>CTL_STEP << 3), step);
  }
  return b;
}
