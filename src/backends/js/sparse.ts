// Pure-TS twin of assembly/sparse.ts: the linear losses on CSR rows (the run's X holds the values, its
// csrIndptr / csrIndices slots the row starts and columns), as a dense gradient (sparseLossGrad) and as
// plain SGD with lazily scaled weights w = scale·v in O(nnz) per batch (sparseSgdBatches; v, scale and ‖v‖²
// carried in the run's lazyV / lazyScale / lazySq from call to call). See the kernel file for the method; this
// twin follows it step by step, in f64 arithmetic rounded to f32 on store.
import { HYPER, HYPER_SLOTS, LOSS, RULE, RUN, ROW_LOGISTIC, ROW_SOFTMAX } from '../abi.generated.js';
import { dotF32 } from './linalg.js';
import { finish } from './losses/common.js';
import {
  ROW_SQUARED, ROW_HINGE, ROW_SQUARED_HINGE, ROW_MODIFIED_HUBER, ROW_HUBER, ROW_EPSILON_INSENSITIVE, rowLoss, rowSlope,
} from './losses/rowloss.js';
import { expShiftSum } from './losses.js';
import type { JsMemory } from './memory.js';

/** Σ w[wo + indices[p]]·values[p] over p in [p0, p1). */
export function spDot(w: Float32Array, wo: number, indices: Int32Array, values: Float32Array, p0: number, p1: number): number {
  let s = 0;
  for (let p = p0; p < p1; p++) s += w[wo + indices[p]] * values[p];
  return s;
}

/** y[yo + indices[p]] += a·values[p] over p in [p0, p1). */
export function spAxpy(y: Float32Array, yo: number, a: number, indices: Int32Array, values: Float32Array, p0: number, p1: number): void {
  for (let p = p0; p < p1; p++) y[yo + indices[p]] += a * values[p];
}

/** The row-loss code (abi.json rowLosses) of a loss code. */
export function codeOf(loss: number): number {
  switch (loss) {
    case LOSS.softmax: return ROW_SOFTMAX;
    case LOSS.logistic: return ROW_LOGISTIC;
    case LOSS.squared: return ROW_SQUARED;
    case LOSS.hinge: return ROW_HINGE;
    case LOSS.squaredHinge: return ROW_SQUARED_HINGE;
    case LOSS.modifiedHuber: return ROW_MODIFIED_HUBER;
    case LOSS.huber: return ROW_HUBER;
    case LOSS.epsilonInsensitive: return ROW_EPSILON_INSENSITIVE;
  }
  throw new Error(`loss code ${loss} has no row loss`);
}

/** The loss of a one-output row (ROW_LOGISTIC or a rowloss.ts code) at z with label yr. */
export function lossOf(code: number, z: number, yr: number, eps: number): number {
  return code === ROW_LOGISTIC ? Math.max(z, 0) - yr * z + Math.log1p(Math.exp(-Math.abs(z))) : rowLoss(code, z, yr, eps);
}

/** dL/dz of a one-output row (as lossOf). */
export function slopeOf(code: number, z: number, yr: number, eps: number): number {
  if (code !== ROW_LOGISTIC) return rowSlope(code, z, yr, eps);
  const t = Math.exp(-Math.abs(z));
  return (z >= 0 ? 1 / (1 + t) : t / (1 + t)) - yr;
}

/** One row's loss, its dL/dz summed into acc (weights at the row's columns, then the biases), weights scale·params. */
export function rowTerm(
  code: number, acc: Float32Array, params: Float32Array, scale: number, indices: Int32Array, values: Float32Array,
  p0: number, p1: number, yr: number, d: number, k: number, eps: number, scratch: Float32Array,
): number {
  const nW = k * d;
  if (code === ROW_SOFTMAX) {
    const label = yr | 0;
    let zmax = -Infinity, zlabel = 0;
    for (let c = 0; c < k; c++) {
      const z = Math.fround(scale * spDot(params, c * d, indices, values, p0, p1) + params[nW + c]);
      scratch[c] = z;
      if (z > zmax) zmax = z;
      if (c === label) zlabel = z;
    }
    const sum = expShiftSum(scratch, k, zmax);
    const inv = 1 / sum;
    for (let c = 0; c < k; c++) {
      const e = scratch[c] * inv - (c === label ? 1 : 0);
      spAxpy(acc, c * d, e, indices, values, p0, p1);
      acc[nW + c] += e;
    }
    return Math.log(sum) + (zmax - zlabel);
  }
  const z = scale * spDot(params, 0, indices, values, p0, p1) + params[nW];
  const L = lossOf(code, z, yr, eps), e = slopeOf(code, z, yr, eps);
  if (e !== 0) spAxpy(acc, 0, e, indices, values, p0, p1);
  acc[nW] += e;
  return L;
}

/** Loss (with the run's L2 term) and the dense gradient (overwritten) over rows idx[start .. start+count). */
export function sparseLossGrad(mem: JsMemory, run: number, grad: Float32Array, start: number, count: number): number {
  const r = mem.f64(run);
  const params = mem.f32(r[RUN.params]), values = mem.f32(r[RUN.X]), y = mem.f32(r[RUN.y]), idx = mem.i32(r[RUN.idx]);
  const indptr = mem.i32(r[RUN.csrIndptr]), indices = mem.i32(r[RUN.csrIndices]), scratch = mem.f32(r[RUN.scratch]);
  const d = r[RUN.features], k = r[RUN.outputs], code = codeOf(r[RUN.loss]);
  const eps = Math.fround(r[RUN.lossParam]), l2 = Math.fround(r[RUN.l2]);
  const nW = k * d;
  grad.fill(0, 0, nW + k);
  let sum = 0;
  for (let i = start, end = start + count; i < end; i++) {
    const row = idx[i];
    sum += rowTerm(code, grad, params, 1, indices, values, indptr[row], indptr[row + 1], y[row], d, k, eps, scratch);
  }
  return finish(grad, params, nW, k, count, l2, sum);
}

/** v[0..n) *= s; returns ‖v‖² after. */
function multiplyOut(v: Float32Array, n: number, s: number): number {
  for (let i = 0; i < n; i++) v[i] *= s;
  return dotF32(v, 0, v, 0, n);
}

/** w[0..nW) = scale·v (rounded as multiplyOut), w[nW..n) = v (the biases). */
function materialize(w: Float32Array, v: Float32Array, nW: number, n: number, s: number): void {
  for (let i = 0; i < nW; i++) w[i] = v[i] * s;
  w.set(v.subarray(nW, n), nW);
}

/** Plain SGD batches on sparse rows with the lazily scaled weights; the contract of runBatches. */
export function sparseSgdBatches(mem: JsMemory, run: number, start: number, nBatches: number): number {
  const r = mem.f64(run);
  const code = codeOf(r[RUN.loss]);
  const w = mem.f32(r[RUN.params]), acc = mem.f32(r[RUN.grads]), h = mem.f64(r[RUN.hyper]);
  const values = mem.f32(r[RUN.X]), y = mem.f32(r[RUN.y]), idx = mem.i32(r[RUN.idx]);
  const indptr = mem.i32(r[RUN.csrIndptr]), indices = mem.i32(r[RUN.csrIndices]), scratch = mem.f32(r[RUN.scratch]);
  const d = r[RUN.features], k = r[RUN.outputs], total = r[RUN.rows], batchSize = r[RUN.batchSize];
  const lossesOut = mem.f64(r[RUN.losses]);
  const sched = r[RUN.sched] ? mem.f64(r[RUN.sched]) : null;
  const l2 = Math.fround(r[RUN.l2]), eps = Math.fround(r[RUN.lossParam]);
  // The bias steps' factor (interceptDecay; 0 = unset = 1): lr·1 is lr exactly, so unset changes no bit.
  const bd = r[RUN.interceptDecay] > 0 ? r[RUN.interceptDecay] : 1;
  const nW = k * d;
  acc.fill(0, 0, nW + k);
  // v: the run's lazyV (carried over, or loaded from params when stale), else params itself.
  const lazy = r[RUN.lazyV] ? mem.f32(r[RUN.lazyV]) : null;
  const v = lazy ?? w;
  let scale = lazy ? r[RUN.lazyScale] : 0;
  let sq: number;
  if (scale !== 0) sq = r[RUN.lazySq];
  else {
    if (lazy) lazy.set(w.subarray(0, nW + k));
    scale = 1;
    sq = l2 !== 0 ? dotF32(v, 0, v, 0, nW) : 0;
  }
  let step = r[RUN.step];
  let b = 0;
  for (; b < nBatches; b++) {
    const s = start + b * batchSize;
    if (s >= total) break;
    const count = Math.min(batchSize, total - s);
    if (count === 1 && code !== ROW_SOFTMAX) {
      // One row, one output: e·x applied straight to v, without the accumulator (as the kernel).
      const row = idx[s], p0 = indptr[row], p1 = indptr[row + 1], yr = y[row];
      const z = scale * spDot(v, 0, indices, values, p0, p1) + v[nW];
      const L = lossOf(code, z, yr, eps) + (l2 !== 0 ? 0.5 * l2 * scale * scale * sq : 0);
      lossesOut[b] = L;
      if (!Number.isFinite(L)) break;
      const e = slopeOf(code, z, yr, eps);
      let lr = h[HYPER.lr];
      if (sched) h[HYPER.lr] = lr = sched[2 * b];
      h[HYPER.t] += 1;
      if (l2 !== 0) {
        const factor = 1 - lr * l2;
        if (factor > 0) scale *= factor;
        else {
          sq = multiplyOut(v, nW, scale * factor);
          scale = 1;
        }
      }
      if (e !== 0) {
        const a = -lr / scale;
        for (let p = p0; p < p1; p++) {
          const o = indices[p];
          const g = Math.fround(e * values[p]);
          if (g === 0) continue;
          const old = v[o];
          v[o] = old + a * g;
          const nv = v[o];
          sq += nv * nv - old * old;
        }
      }
      v[nW] -= lr * bd * Math.fround(e);
      if (scale < 1e-9) {
        sq = multiplyOut(v, nW, scale);
        scale = 1;
      }
      step += 1;
      continue;
    }
    let sum = 0;
    for (let i = s; i < s + count; i++) {
      const row = idx[i];
      sum += rowTerm(code, acc, v, scale, indices, values, indptr[row], indptr[row + 1], y[row], d, k, eps, scratch);
    }
    const L = sum / count + (l2 !== 0 ? 0.5 * l2 * scale * scale * sq : 0);
    lossesOut[b] = L;
    const ok = Number.isFinite(L);
    let lr = h[HYPER.lr];
    if (ok) {
      if (sched) h[HYPER.lr] = lr = sched[2 * b];
      h[HYPER.t] += 1;
      if (l2 !== 0) {
        const factor = 1 - lr * l2;
        if (factor > 0) scale *= factor;
        else {
          sq = multiplyOut(v, nW, scale * factor);
          scale = 1;
        }
      }
    }
    const a = ok ? -lr / count / scale : 0;
    for (let i = s; i < s + count; i++) {
      const row = idx[i];
      for (let c = 0; c < k; c++) {
        const o0 = c * d;
        for (let p = indptr[row]; p < indptr[row + 1]; p++) {
          const o = o0 + indices[p];
          const g = acc[o];
          if (g === 0) continue;
          acc[o] = 0;
          const old = v[o];
          v[o] = old + a * g;
          const nv = v[o];
          sq += nv * nv - old * old;
        }
      }
    }
    for (let c = nW; c < nW + k; c++) {
      const g = acc[c];
      acc[c] = 0;
      if (ok) v[c] -= (lr * bd * g) / count;
    }
    if (!ok) break;
    if (scale < 1e-9) {
      sq = multiplyOut(v, nW, scale);
      scale = 1;
    }
    step += 1;
  }
  if (lazy) {
    materialize(w, lazy, nW, nW + k, scale);
    r[RUN.lazyScale] = scale;
    r[RUN.lazySq] = sq;
  } else if (scale !== 1) multiplyOut(v, nW, scale);
  r[RUN.step] = step;
  return b;
}

/** True when the run is plain SGD on sparse data with none of the loop's tools on (as assembly/train.ts). */
export function sparseLazy(mem: JsMemory, run: number): boolean {
  const r = mem.f64(run);
  if (!r[RUN.csrIndptr] || r[RUN.net] || r[RUN.rule] !== RULE.sgd) return false;
  const h = mem.f64(r[RUN.hyper]);
  if (h[HYPER_SLOTS.sgd.momentum] !== 0 || h[HYPER_SLOTS.sgd.weightDecay] !== 0) return false;
  if (r[RUN.clipNorm] > 0 || r[RUN.clipValue] > 0) return false;
  if (r[RUN.l1] > 0 && r[RUN.l1buf]) return false;
  if (r[RUN.avg] && r[RUN.avgStart] > 0) return false;
  return !(r[RUN.sched] && r[RUN.noise] !== 0);
}
