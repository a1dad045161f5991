// Pure-TS twin of assembly/train.ts: the same dispatch and batch loop, reading the same run descriptor.
// Pointers in the descriptor name js blocks; `mem` turns them into the blocks' typed arrays.
import {
  lossGradSquared, lossGradLogistic, lossGradSoftmax,
  lossGradHinge, lossGradSquaredHinge, lossGradModifiedHuber, lossGradHuber, lossGradEpsilonInsensitive,
} from './losses.js';
import { clipGradNorm, clipGradValue, addGradNoise, norm1, l1Cumulative, l1PseudoGrad, l1Project, averageStep } from './gradtools.js';
import { HYPER, L1_MODE, LOSS, RUN } from '../abi.generated.js';
import { optimStep } from './optim/index.generated.js';
import { netLossGrad } from './net.js';
import type { JsMemory } from './memory.js';
import { sparseLazy, sparseLossGrad, sparseSgdBatches } from './sparse.js';
import { sparseAdaptive, sparseAdaptiveBatches } from './sparse-adaptive.js';

export type { JsMemory };


/** Loss + gradient of model `loss` over rows idx[start .. start+count); lossParam is the ε of Huber / ε-insensitive. */
function lossGradRows(
  loss: number, grad: Float32Array, params: Float32Array, X: Float32Array, y: Float32Array, idx: Int32Array,
  start: number, count: number, d: number, k: number, l2: number, scratch: Float32Array, lossParam: number,
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

/** Loss (with the run's L2 term) and gradient over rows idx[start .. start+count), as the kernel. */
export function lossGrad(mem: JsMemory, run: number, start: number, count: number): number {
  const r = mem.f64(run);
  if (r[RUN.net]) return netLossGrad(mem, run, mem.f32(r[RUN.grads]), start, count);
  if (r[RUN.csrIndptr]) return sparseLossGrad(mem, run, mem.f32(r[RUN.grads]), start, count);
  return lossGradRows(r[RUN.loss], mem.f32(r[RUN.grads]), mem.f32(r[RUN.params]), mem.f32(r[RUN.X]), mem.f32(r[RUN.y]),
    mem.i32(r[RUN.idx]), start, count, r[RUN.features], r[RUN.outputs], Math.fround(r[RUN.l2]), mem.f32(r[RUN.scratch]),
    r[RUN.lossParam]);
}

/**
 * Runs up to nBatches batches; returns how many were applied (fewer: a batch loss was not finite).
 * See assembly/train.ts for the order of the per-batch pipeline, which this twin follows step by step.
 */
export function runBatches(mem: JsMemory, run: number, start: number, nBatches: number): number {
  if (sparseLazy(mem, run)) return sparseSgdBatches(mem, run, start, nBatches);
  if (sparseAdaptive(mem, run)) return sparseAdaptiveBatches(mem, run, start, nBatches);
  const r = mem.f64(run);
  const loss = r[RUN.loss], rule = r[RUN.rule];
  const params = mem.f32(r[RUN.params]), grads = mem.f32(r[RUN.grads]), state = mem.f32(r[RUN.state]);
  const h = mem.f64(r[RUN.hyper]), nParams = r[RUN.nParams];
  const d = r[RUN.features], k = r[RUN.outputs], scratch = mem.f32(r[RUN.scratch]);
  const X = mem.f32(r[RUN.X]), y = mem.f32(r[RUN.y]), idx = mem.i32(r[RUN.idx]);
  const total = r[RUN.rows], batchSize = r[RUN.batchSize];
  const lossesOut = mem.f64(r[RUN.losses]);
  const sched = r[RUN.sched] ? mem.f64(r[RUN.sched]) : null;
  const l2 = Math.fround(r[RUN.l2]), lossParam = r[RUN.lossParam];
  const clipNorm = r[RUN.clipNorm], clipValue = Math.fround(r[RUN.clipValue]);
  const l1 = r[RUN.l1];
  const l1buf = r[RUN.l1buf] ? mem.f32(r[RUN.l1buf]) : null;
  const l1Mode = l1 > 0 && l1buf ? r[RUN.l1Mode] : L1_MODE.off;
  const avg = r[RUN.avg] ? mem.f32(r[RUN.avg]) : null;
  const avgStart = avg ? r[RUN.avgStart] : 0;
  const noise = !!sched && r[RUN.noise] !== 0;
  let u = r[RUN.l1U];
  let avgCount = r[RUN.avgCount];
  let step = r[RUN.step];
  const net = r[RUN.net] !== 0;
  const nW = r[RUN.nWeights];
  const csr = r[RUN.csrIndptr] !== 0;
  let b = 0;
  for (; b < nBatches; b++) {
    const s = start + b * batchSize;
    if (s >= total) break;
    const count = Math.min(batchSize, total - s);
    let L = net
      ? netLossGrad(mem, run, grads, s, count)
      : csr ? sparseLossGrad(mem, run, grads, s, count) : lossGradRows(loss, grads, params, X, y, idx, s, count, d, k, l2, scratch, lossParam);
    if (l1Mode !== L1_MODE.off) L += l1 * norm1(params, nW);
    lossesOut[b] = L;
    if (!Number.isFinite(L)) break;
    let lr = h[HYPER.lr];
    if (sched) {
      lr = sched[2 * b];
      h[HYPER.lr] = lr;
      if (noise) {
        const sigma = sched[2 * b + 1];
        if (sigma > 0) addGradNoise(grads, nParams, sigma, r, RUN.rng);
      }
    }
    if (clipNorm > 0) clipGradNorm(grads, nParams, clipNorm);
    if (clipValue > 0) clipGradValue(grads, nParams, clipValue);
    if (l1Mode === L1_MODE.orthant) l1PseudoGrad(grads, params, l1buf!, nW, l1);
    optimStep(rule, params, grads, state, nParams, h);
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
  r[RUN.l1U] = u;
  r[RUN.avgCount] = avgCount;
  r[RUN.step] = step;
  return b;
}
