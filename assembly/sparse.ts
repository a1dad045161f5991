// The linear losses on sparse rows (CSR: row r's entries are indptr[r] .. indptr[r+1] of `indices` and
// `values`; the run's X points to the values, its csrIndptr / csrIndices slots to the rest).
//
// Two paths, chosen in train.ts:
// - sparseLossGrad: the loss and a dense gradient (nParams f32), as the dense kernels write it, so every
//   update rule and tool of the batch loop works unchanged on sparse data; each batch then costs O(d) in the
//   update, whatever the rows hold.
// - sparseSgdBatches: plain SGD (no momentum, no weight decay, no clipping, noise, L1 or averaging) in
//   O(nnz) per batch, as scikit-learn's SGDClassifier: the weights are w = scale·v, so the L2 step
//   w ← (1 − lr·l2)·w only multiplies `scale`, and only the coordinates the batch's rows touch are updated.
//   The gradient of a batch is summed into the run's `grads` at the touched coordinates only (grads is kept
//   all zero between batches), applied, then cleared at the same coordinates. ‖v‖² is kept up to date per
//   touched coordinate so the batch's loss (with its (l2/2)‖w‖² term) costs O(nnz) too. When `scale` falls
//   below 1e-9 (scikit-learn's threshold) v is multiplied out. With the run's lazyV (the trainer's runs with
//   L2), v, scale and ‖v‖² live in the run and carry on from call to call, as scikit-learn keeps them over a
//   whole fit: w = scale·v is written to params at the end of every call (O(d), as the multiply-out was), so
//   everything outside the loop sees plain weights, and no call boundary rounds v — the same batches give
//   the same bits however they are grouped into calls. Without lazyV (partialFit) params holds v and the
//   call ends with w = v (scale 1).
// - sparse-adaptive.ts: SparseAdam and Adagrad without weight decay, whose updates leave a coordinate with a zero
//   gradient untouched, in O(stored entries) per batch as well.
// Momentum and the other adaptive rules (Adam, RMSprop, …) take the dense path on purpose: their state decays
// at every step for every coordinate (Adam's moments, momentum's buffer), so a lazy form would need each
// coordinate's last step and a closed-form catch-up per rule, which would no longer match PyTorch's update step for
// step; the dense update keeps them exact (test/sparse.test.ts checks them against the densified run) at O(features)
// per step (the trainer warns once when that is over 2^16 features). Use SparseAdam, Adagrad or plain SGD
// (scikit-learn's choice) for large hash spaces.
import {
  LOSS_SQUARED, LOSS_LOGISTIC, LOSS_SOFTMAX, LOSS_HINGE, LOSS_SQUARED_HINGE, LOSS_MODIFIED_HUBER, LOSS_HUBER,
  LOSS_EPSILON_INSENSITIVE, ROW_LOGISTIC, ROW_SOFTMAX,
  H_LR, H_T, RUN_LOSS, RUN_PARAMS, RUN_GRADS, RUN_HYPER, RUN_FEATURES, RUN_OUTPUTS, RUN_SCRATCH, RUN_X, RUN_Y,
  RUN_IDX, RUN_ROWS, RUN_BATCH_SIZE, RUN_LOSSES, RUN_SCHED, RUN_L2, RUN_LOSS_PARAM, RUN_STEP,
  RUN_CSR_INDPTR, RUN_CSR_INDICES, RUN_INTERCEPT_DECAY, RUN_LAZY_V, RUN_LAZY_SCALE, RUN_LAZY_SQ,
} from "./abi.generated";
import {
  ROW_SQUARED, ROW_HINGE, ROW_SQUARED_HINGE, ROW_MODIFIED_HUBER, ROW_HUBER, ROW_EPSILON_INSENSITIVE, rowLoss, rowSlope,
} from "./losses/rowloss";
import { zero, finish } from "./losses/common";
import { expShiftSum } from "./losses";
import { dot } from "./linalg";
import { expNeg, log1pUnit } from "./fastmath";

/** Σ w[indices[p]]·values[p] over p in [p0, p1): the dot product of a dense vector and a sparse row. */
// @ts-ignore: decorator
@inline
export function spDot(w: usize, indices: usize, values: usize, p0: i32, p1: i32): f32 {
  let s: f32 = 0;
  for (let p = p0; p < p1; p++) {
    const o = <usize>p << 2;
    s += load<f32>(w + (<usize>load<i32>(indices + o) << 2)) * load<f32>(values + o);
  }
  return s;
}

/** y[indices[p]] += a·values[p] over p in [p0, p1): a sparse row added to a dense vector. */
// @ts-ignore: decorator
@inline
export function spAxpy(y: usize, a: f32, indices: usize, values: usize, p0: i32, p1: i32): void {
  for (let p = p0; p < p1; p++) {
    const o = <usize>p << 2;
    const q = y + (<usize>load<i32>(indices + o) << 2);
    store<f32>(q, load<f32>(q) + a * load<f32>(values + o));
  }
}

/** The row-loss code of rowloss.ts for a one-output loss code other than logistic. */
// @ts-ignore: decorator
@inline
function rowCode(loss: i32): i32 {
  switch (loss) {
    case LOSS_SQUARED: return ROW_SQUARED;
    case LOSS_HINGE: return ROW_HINGE;
    case LOSS_SQUARED_HINGE: return ROW_SQUARED_HINGE;
    case LOSS_MODIFIED_HUBER: return ROW_MODIFIED_HUBER;
    case LOSS_HUBER: return ROW_HUBER;
    case LOSS_EPSILON_INSENSITIVE: return ROW_EPSILON_INSENSITIVE;
  }
  unreachable(); // logistic and softmax have their own row codes (codeOf); every other loss is listed
  return 0;
}

/** The loss of a one-output row with z and label yr: ROW_LOGISTIC or a rowloss.ts code. */
// @ts-ignore: decorator
@inline
export function lossOf(row: i32, z: f32, yr: f32, eps: f32): f64 {
  if (row == ROW_LOGISTIC) {
    // As the dense logistic kernel: t = e^(−|z|) keeps the loss finite for any finite z.
    return <f64>((Mathf.max(z, 0) - yr * z) + log1pUnit(expNeg(-Mathf.abs(z))));
  }
  return rowLoss(row, z, yr, eps);
}

/** dL/dz of a one-output row (as lossOf). */
// @ts-ignore: decorator
@inline
export function slopeOf(row: i32, z: f32, yr: f32, eps: f32): f32 {
  if (row == ROW_LOGISTIC) {
    const t = expNeg(-Mathf.abs(z));
    const q = <f32>1 / (<f32>1 + t);
    return (z >= 0 ? q : t * q) - yr;
  }
  return rowSlope(row, z, yr, eps);
}

/**
 * One row's loss (returned) and its dL/dz summed into `acc` (gradient of the weights, at the row's columns)
 * and `acc + nW·4` (the biases), with the weights scale·params. `row` = the row's code from codeOf
 * (ROW_SOFTMAX: k classes, logits through `scratch`).
 */
// @ts-ignore: decorator
@inline
export function rowTerm(
  row: i32, acc: usize, params: usize, scale: f32, indices: usize, values: usize, p0: i32, p1: i32,
  yr: f32, d: i32, k: i32, eps: f32, scratch: usize,
): f64 {
  const nW = k * d;
  const bias = params + (<usize>nW << 2), gbias = acc + (<usize>nW << 2);
  if (row == ROW_SOFTMAX) {
    const label = <i32>yr;
    const rowBytes = <usize>d << 2;
    let zmax = -Infinity as f32;
    let zlabel: f32 = 0;
    for (let c = 0; c < k; c++) {
      const z = scale * spDot(params + <usize>c * rowBytes, indices, values, p0, p1) + load<f32>(bias + (<usize>c << 2));
      store<f32>(scratch + (<usize>c << 2), z);
      zmax = Mathf.max(zmax, z);
      if (c == label) zlabel = z;
    }
    const sum = expShiftSum(scratch, k, zmax);
    const inv = <f32>1 / sum;
    for (let c = 0; c < k; c++) {
      const o = <usize>c << 2;
      const e = load<f32>(scratch + o) * inv - (c == label ? <f32>1 : <f32>0);
      spAxpy(acc + <usize>c * rowBytes, e, indices, values, p0, p1);
      store<f32>(gbias + o, load<f32>(gbias + o) + e);
    }
    return <f64>Mathf.log(sum) + (<f64>zmax - <f64>zlabel);
  }
  const z = scale * spDot(params, indices, values, p0, p1) + load<f32>(bias);
  const L = lossOf(row, z, yr, eps);
  const e = slopeOf(row, z, yr, eps);
  if (e != 0) spAxpy(acc, e, indices, values, p0, p1);
  store<f32>(gbias, load<f32>(gbias) + e);
  return L;
}

// @ts-ignore: decorator
@inline
export function codeOf(loss: i32): i32 {
  return loss == LOSS_SOFTMAX ? ROW_SOFTMAX : loss == LOSS_LOGISTIC ? ROW_LOGISTIC : rowCode(loss);
}

/**
 * Loss (with the run's L2 term) and its dense gradient, written to `grad` (overwritten), over rows
 * idx[start .. start+count) of the run's sparse data: the dense kernels' result on the same rows.
 */
export function sparseLossGrad(run: usize, grad: usize, start: i32, count: i32): f64 {
  const loss = <i32>load<f64>(run + RUN_LOSS), params = <usize>load<f64>(run + RUN_PARAMS);
  const d = <i32>load<f64>(run + RUN_FEATURES), k = <i32>load<f64>(run + RUN_OUTPUTS);
  const values = <usize>load<f64>(run + RUN_X), y = <usize>load<f64>(run + RUN_Y), idx = <usize>load<f64>(run + RUN_IDX);
  const indptr = <usize>load<f64>(run + RUN_CSR_INDPTR), indices = <usize>load<f64>(run + RUN_CSR_INDICES);
  const l2 = <f32>load<f64>(run + RUN_L2), eps = <f32>load<f64>(run + RUN_LOSS_PARAM);
  const scratch = <usize>load<f64>(run + RUN_SCRATCH);
  const code = codeOf(loss);
  const nW = k * d;
  zero(grad, nW + k);
  let sum: f64 = 0;
  for (let r = start, end = start + count; r < end; r++) {
    const row = <usize>load<i32>(idx + (<usize>r << 2));
    const p0 = load<i32>(indptr + (row << 2)), p1 = load<i32>(indptr + (row << 2), 4);
    sum += rowTerm(code, grad, params, 1, indices, values, p0, p1, load<f32>(y + (row << 2)), d, k, eps, scratch);
  }
  return finish(grad, params, nW, k, count, l2, sum);
}

/** v[0..n) *= s (f32), and returns ‖v‖² after, in f64. */
function multiplyOut(v: usize, n: i32, s: f64): f64 {
  const sf = <f32>s;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(v + o, load<f32>(v + o) * sf);
  }
  return <f64>dot(v, v, n);
}

/**
 * w[0..nW) = scale·v (the f32 products of multiplyOut: elementwise, so both binaries give the same bits),
 * w[nW..n) = v (the biases): w of the lazily scaled v. Once per call over all the weights, so unrolled.
 */
function materialize(w: usize, v: usize, nW: i32, n: i32, s: f64): void {
  const sf = <f32>s;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vs = f32x4.splat(sf);
    for (; i + 16 <= nW; i += 16) {
      const o = <usize>i << 2;
      v128.store(w + o, f32x4.mul(v128.load(v + o), vs));
      v128.store(w + o, f32x4.mul(v128.load(v + o, 16), vs), 16);
      v128.store(w + o, f32x4.mul(v128.load(v + o, 32), vs), 32);
      v128.store(w + o, f32x4.mul(v128.load(v + o, 48), vs), 48);
    }
  } else {
    for (; i + 4 <= nW; i += 4) {
      const o = <usize>i << 2;
      store<f32>(w + o, load<f32>(v + o) * sf);
      store<f32>(w + o, load<f32>(v + o, 4) * sf, 4);
      store<f32>(w + o, load<f32>(v + o, 8) * sf, 8);
      store<f32>(w + o, load<f32>(v + o, 12) * sf, 12);
    }
  }
  for (; i < nW; i++) {
    const o = <usize>i << 2;
    store<f32>(w + o, load<f32>(v + o) * sf);
  }
  memory.copy(w + (<usize>nW << 2), v + (<usize>nW << 2), <usize>(n - nW) << 2);
}

/**
 * Up to nBatches batches of plain SGD on the run's sparse data with the lazily scaled weights (see the file
 * comment); the same contract as runBatches: each batch's loss before its update to the run's `losses`, the
 * number of batches applied returned, the rule's step count and the run's step written back.
 */
export function sparseSgdBatches(run: usize, start: i32, nBatches: i32): i32 {
  const code = codeOf(<i32>load<f64>(run + RUN_LOSS));
  const w = <usize>load<f64>(run + RUN_PARAMS), acc = <usize>load<f64>(run + RUN_GRADS);
  const h = <usize>load<f64>(run + RUN_HYPER);
  const d = <i32>load<f64>(run + RUN_FEATURES), k = <i32>load<f64>(run + RUN_OUTPUTS);
  const values = <usize>load<f64>(run + RUN_X), y = <usize>load<f64>(run + RUN_Y), idx = <usize>load<f64>(run + RUN_IDX);
  const indptr = <usize>load<f64>(run + RUN_CSR_INDPTR), indices = <usize>load<f64>(run + RUN_CSR_INDICES);
  const total = <i32>load<f64>(run + RUN_ROWS), batchSize = <i32>load<f64>(run + RUN_BATCH_SIZE);
  const lossesOut = <usize>load<f64>(run + RUN_LOSSES), sched = <usize>load<f64>(run + RUN_SCHED);
  const l2 = <f64>(<f32>load<f64>(run + RUN_L2)), eps = <f32>load<f64>(run + RUN_LOSS_PARAM);
  const scratch = <usize>load<f64>(run + RUN_SCRATCH);
  // The bias steps' factor (interceptDecay; 0 = unset = 1): lr·1 is lr exactly, so unset changes no bit.
  const decay = load<f64>(run + RUN_INTERCEPT_DECAY), bd: f64 = decay > 0 ? decay : 1;
  const nW = k * d;
  const rowBytes = <usize>d << 2;
  zero(acc, nW + k);
  // v: the run's lazyV (carried over, or loaded from params when stale), else params itself.
  const lazy = <usize>load<f64>(run + RUN_LAZY_V);
  const v = lazy != 0 ? lazy : w;
  let scale: f64 = lazy != 0 ? load<f64>(run + RUN_LAZY_SCALE) : 0;
  let sq: f64;
  if (scale != 0) sq = load<f64>(run + RUN_LAZY_SQ);
  else {
    if (lazy != 0) memory.copy(v, w, <usize>(nW + k) << 2);
    scale = 1;
    sq = l2 != 0 ? <f64>dot(v, v, nW) : 0;
  }
  let step = load<f64>(run + RUN_STEP);
  let b = 0;
  for (; b < nBatches; b++) {
    const s = start + b * batchSize;
    if (s >= total) break;
    const count = min(batchSize, total - s);
    if (count == 1 && code != ROW_SOFTMAX) {
      // One row, one output (scikit-learn's case): the row's gradient is e·x, applied straight to v without the
      // accumulator (half the random accesses into the 2^18 weights), with the same f32 products as below.
      const row = <usize>load<i32>(idx + (<usize>s << 2));
      const p0 = load<i32>(indptr + (row << 2)), p1 = load<i32>(indptr + (row << 2), 4);
      const yr = load<f32>(y + (row << 2));
      const z = <f32>scale * spDot(v, indices, values, p0, p1) + load<f32>(v + (<usize>nW << 2));
      const L = lossOf(code, z, yr, eps) + (l2 != 0 ? 0.5 * l2 * scale * scale * sq : 0);
      store<f64>(lossesOut + (<usize>b << 3), L);
      if (!isFinite(L)) break;
      const e = slopeOf(code, z, yr, eps);
      let lr = load<f64>(h, H_LR);
      if (sched != 0) {
        lr = load<f64>(sched + (<usize>b << 4));
        store<f64>(h, lr, H_LR);
      }
      store<f64>(h, load<f64>(h, H_T) + 1, H_T);
      if (l2 != 0) {
        const factor = 1 - lr * l2;
        if (factor > 0) scale *= factor;
        else {
          sq = multiplyOut(v, nW, scale * factor);
          scale = 1;
        }
      }
      if (e != 0) {
        const a = -lr / scale;
        for (let p = p0; p < p1; p++) {
          const o = <usize>load<i32>(indices + (<usize>p << 2)) << 2;
          const g = e * load<f32>(values + (<usize>p << 2));
          if (g == 0) continue;
          const old = load<f32>(v + o);
          const nv = <f32>(<f64>old + a * <f64>g);
          store<f32>(v + o, nv);
          sq += <f64>nv * <f64>nv - <f64>old * <f64>old;
        }
      }
      const ob = v + (<usize>nW << 2);
      store<f32>(ob, <f32>(<f64>load<f32>(ob) - lr * bd * <f64>e));
      if (scale < 1e-9) {
        sq = multiplyOut(v, nW, scale);
        scale = 1;
      }
      step += 1;
      continue;
    }
    let sum: f64 = 0;
    for (let r = s, end = s + count; r < end; r++) {
      const row = <usize>load<i32>(idx + (<usize>r << 2));
      const p0 = load<i32>(indptr + (row << 2)), p1 = load<i32>(indptr + (row << 2), 4);
      sum += rowTerm(code, acc, v, <f32>scale, indices, values, p0, p1, load<f32>(y + (row << 2)), d, k, eps, scratch);
    }
    const L = sum / <f64>count + (l2 != 0 ? 0.5 * l2 * scale * scale * sq : 0);
    store<f64>(lossesOut + (<usize>b << 3), L);
    const ok = isFinite(L);
    let lr = load<f64>(h, H_LR);
    if (ok) {
      if (sched != 0) {
        lr = load<f64>(sched + (<usize>b << 4));
        store<f64>(h, lr, H_LR);
      }
      store<f64>(h, load<f64>(h, H_T) + 1, H_T);
      if (l2 != 0) {
        const factor = 1 - lr * l2;
        if (factor > 0) scale *= factor;
        else {
          // The step sends w to 0 or through it: no scale can carry that, so it is applied to v.
          sq = multiplyOut(v, nW, scale * factor);
          scale = 1;
        }
      }
    }
    // v ← v − (lr/count)·G/scale at the batch's coordinates, clearing G there (also after a non-finite loss).
    const a = ok ? -lr / <f64>count / scale : 0;
    for (let r = s, end = s + count; r < end; r++) {
      const row = <usize>load<i32>(idx + (<usize>r << 2));
      const p0 = load<i32>(indptr + (row << 2)), p1 = load<i32>(indptr + (row << 2), 4);
      for (let c = 0; c < k; c++) {
        const vc = v + <usize>c * rowBytes, gc = acc + <usize>c * rowBytes;
        for (let p = p0; p < p1; p++) {
          const o = <usize>load<i32>(indices + (<usize>p << 2)) << 2;
          const g = load<f32>(gc + o);
          if (g == 0) continue;
          store<f32>(gc + o, 0);
          const old = load<f32>(vc + o);
          const nv = <f32>(<f64>old + a * <f64>g);
          store<f32>(vc + o, nv);
          sq += <f64>nv * <f64>nv - <f64>old * <f64>old;
        }
      }
    }
    for (let c = 0; c < k; c++) {
      const o = <usize>(nW + c) << 2;
      const g = load<f32>(acc + o);
      store<f32>(acc + o, 0);
      if (ok) store<f32>(v + o, <f32>(<f64>load<f32>(v + o) - lr * bd * <f64>g / <f64>count));
    }
    if (!ok) break;
    if (scale < 1e-9) {
      sq = multiplyOut(v, nW, scale);
      scale = 1;
    }
    step += 1;
  }
  if (lazy != 0) {
    materialize(w, v, nW, nW + k, scale);
    store<f64>(run + RUN_LAZY_SCALE, scale);
    store<f64>(run + RUN_LAZY_SQ, sq);
  } else if (scale != 1) multiplyOut(v, nW, scale);
  store<f64>(run + RUN_STEP, step);
  return b;
}
