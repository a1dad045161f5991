// Fused loss + gradient over the rows picked by a window of an index array:
// rows idx[start], …, idx[start + count - 1] of the row-major matrix X (d features per row).
// No copy of the batch is made. Parameters are laid out weights first, then biases, so the
// L2 penalty (weights only, as scikit-learn and PyTorch's weight decay on W) is one contiguous span.
//
// Every function returns the mean loss over the window plus (l2 / 2)·‖W‖², and writes the
// matching gradient into `grad` (overwritten, not accumulated).
//
// The six linear-model row losses share one loop, in losses/rowloss.ts; the kernels here are that loop
// with the loss fixed, plus logistic (its own chunked SIMD kernel) and softmax (k classes).
import { dot, axpy } from "./linalg";
import { expNeg, expNeg4, log1pUnit, log1pUnit4, one4, negAbs4 } from "./fastmath";
import { rowPtr, labelAt, zero, finish } from "./losses/common";
import {
  ROW_SQUARED, ROW_HINGE, ROW_SQUARED_HINGE, ROW_MODIFIED_HUBER, ROW_HUBER, ROW_EPSILON_INSENSITIVE, rowLossGrad,
} from "./losses/rowloss";

/**
 * Squared error for linear regression: mean over rows of ½(w·x + b − y)².
 * params = [w (d), b].
 */
export function lossGradSquared(
  grad: usize, params: usize, X: usize, y: usize, idx: usize,
  start: i32, count: i32, d: i32, l2: f32,
): f64 {
  return rowLossGrad(ROW_SQUARED, grad, params, X, y, idx, start, count, d, l2, 0);
}

// The SIMD logistic kernel works on chunks of up to LOGISTIC_CHUNK rows (400 KB of X at d = 100, so a
// chunk stays in L2 between its passes). Its buffers, in the caller's `work` (threads share one memory,
// so no static buffer): the chunk's logits, overwritten by its errors σ(z) − y, then its row pointers.
const LOGISTIC_CHUNK: i32 = 1024;
/** Bytes of the logistic kernel's `work`: the chunk's errors (f32), then its row pointers. */
export const LOGISTIC_WORK_BYTES: usize = <usize>LOGISTIC_CHUNK << 3;

/**
 * grad[j0 .. j0 + 4·W) += Σ_i e_i · x_i[j0 .. j0 + 4·W) over the chunk's rows, in row order, with the W
 * gradient vectors held in registers for the whole chunk: one load of x per product, no load or store
 * of grad per row. W ≤ 6 keeps V8 from spilling (it loads a row's W vectors before using them).
 */
// @ts-ignore: decorator
@inline
function chunkGradT6(grad: usize, j0: i32, chunkE: usize, chunkX: usize, eEnd: usize): void {
  const pg = grad + (<usize>j0 << 2);
  const o = <usize>j0 << 2;
  let g0 = v128.load(pg), g1 = v128.load(pg, 16), g2 = v128.load(pg, 32);
  let g3 = v128.load(pg, 48), g4 = v128.load(pg, 64), g5 = v128.load(pg, 80);
  for (let pe = chunkE, px = chunkX; pe < eEnd; pe += 4, px += 4) {
    const e = v128.load32_splat(pe);
    const x = load<usize>(px) + o;
    g0 = f32x4.add(g0, f32x4.mul(e, v128.load(x)));
    g1 = f32x4.add(g1, f32x4.mul(e, v128.load(x, 16)));
    g2 = f32x4.add(g2, f32x4.mul(e, v128.load(x, 32)));
    g3 = f32x4.add(g3, f32x4.mul(e, v128.load(x, 48)));
    g4 = f32x4.add(g4, f32x4.mul(e, v128.load(x, 64)));
    g5 = f32x4.add(g5, f32x4.mul(e, v128.load(x, 80)));
  }
  v128.store(pg, g0); v128.store(pg, g1, 16); v128.store(pg, g2, 32);
  v128.store(pg, g3, 48); v128.store(pg, g4, 64); v128.store(pg, g5, 80);
}

// @ts-ignore: decorator
@inline
function chunkGradT7(grad: usize, j0: i32, chunkE: usize, chunkX: usize, eEnd: usize): void {
  const pg = grad + (<usize>j0 << 2);
  const o = <usize>j0 << 2;
  let g0 = v128.load(pg), g1 = v128.load(pg, 16), g2 = v128.load(pg, 32), g3 = v128.load(pg, 48);
  let g4 = v128.load(pg, 64), g5 = v128.load(pg, 80), g6 = v128.load(pg, 96);
  for (let pe = chunkE, px = chunkX; pe < eEnd; pe += 4, px += 4) {
    const e = v128.load32_splat(pe);
    const x = load<usize>(px) + o;
    g0 = f32x4.add(g0, f32x4.mul(e, v128.load(x)));
    g1 = f32x4.add(g1, f32x4.mul(e, v128.load(x, 16)));
    g2 = f32x4.add(g2, f32x4.mul(e, v128.load(x, 32)));
    g3 = f32x4.add(g3, f32x4.mul(e, v128.load(x, 48)));
    g4 = f32x4.add(g4, f32x4.mul(e, v128.load(x, 64)));
    g5 = f32x4.add(g5, f32x4.mul(e, v128.load(x, 80)));
    g6 = f32x4.add(g6, f32x4.mul(e, v128.load(x, 96)));
  }
  v128.store(pg, g0); v128.store(pg, g1, 16); v128.store(pg, g2, 32); v128.store(pg, g3, 48);
  v128.store(pg, g4, 64); v128.store(pg, g5, 80); v128.store(pg, g6, 96);
}

// @ts-ignore: decorator
@inline
function chunkGradT4(grad: usize, j0: i32, chunkE: usize, chunkX: usize, eEnd: usize): void {
  const pg = grad + (<usize>j0 << 2);
  const o = <usize>j0 << 2;
  let g0 = v128.load(pg), g1 = v128.load(pg, 16), g2 = v128.load(pg, 32), g3 = v128.load(pg, 48);
  for (let pe = chunkE, px = chunkX; pe < eEnd; pe += 4, px += 4) {
    const e = v128.load32_splat(pe);
    const x = load<usize>(px) + o;
    g0 = f32x4.add(g0, f32x4.mul(e, v128.load(x)));
    g1 = f32x4.add(g1, f32x4.mul(e, v128.load(x, 16)));
    g2 = f32x4.add(g2, f32x4.mul(e, v128.load(x, 32)));
    g3 = f32x4.add(g3, f32x4.mul(e, v128.load(x, 48)));
  }
  v128.store(pg, g0); v128.store(pg, g1, 16); v128.store(pg, g2, 32); v128.store(pg, g3, 48);
}

// @ts-ignore: decorator
@inline
function chunkGradT2(grad: usize, j0: i32, chunkE: usize, chunkX: usize, eEnd: usize): void {
  const pg = grad + (<usize>j0 << 2);
  const o = <usize>j0 << 2;
  let g0 = v128.load(pg), g1 = v128.load(pg, 16);
  for (let pe = chunkE, px = chunkX; pe < eEnd; pe += 4, px += 4) {
    const e = v128.load32_splat(pe);
    const x = load<usize>(px) + o;
    g0 = f32x4.add(g0, f32x4.mul(e, v128.load(x)));
    g1 = f32x4.add(g1, f32x4.mul(e, v128.load(x, 16)));
  }
  v128.store(pg, g0); v128.store(pg, g1, 16);
}

// @ts-ignore: decorator
@inline
function chunkGradT1(grad: usize, j0: i32, chunkE: usize, chunkX: usize, eEnd: usize): void {
  const pg = grad + (<usize>j0 << 2);
  const o = <usize>j0 << 2;
  let g0 = v128.load(pg);
  for (let pe = chunkE, px = chunkX; pe < eEnd; pe += 4, px += 4) {
    g0 = f32x4.add(g0, f32x4.mul(v128.load32_splat(pe), v128.load(load<usize>(px) + o)));
  }
  v128.store(pg, g0);
}

/**
 * The logits w·xa and w·xb of two rows, stored at pa and pb: each w vector is loaded once for both rows
 * (1.5 loads per product instead of 2), with three accumulators per row to cover the add latency.
 */
// @ts-ignore: decorator
@inline
function dotPair(w: usize, xa: usize, xb: usize, d: i32, pa: usize, pb: usize): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0);
  let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0);
  let j = 0;
  for (; j + 12 <= d; j += 12) {
    const o = <usize>j << 2;
    const w0 = v128.load(w + o), w1 = v128.load(w + o, 16), w2 = v128.load(w + o, 32);
    a0 = f32x4.add(a0, f32x4.mul(w0, v128.load(xa + o)));
    b0 = f32x4.add(b0, f32x4.mul(w0, v128.load(xb + o)));
    a1 = f32x4.add(a1, f32x4.mul(w1, v128.load(xa + o, 16)));
    b1 = f32x4.add(b1, f32x4.mul(w1, v128.load(xb + o, 16)));
    a2 = f32x4.add(a2, f32x4.mul(w2, v128.load(xa + o, 32)));
    b2 = f32x4.add(b2, f32x4.mul(w2, v128.load(xb + o, 32)));
  }
  for (; j + 4 <= d; j += 4) {
    const o = <usize>j << 2;
    const w0 = v128.load(w + o);
    a0 = f32x4.add(a0, f32x4.mul(w0, v128.load(xa + o)));
    b0 = f32x4.add(b0, f32x4.mul(w0, v128.load(xb + o)));
  }
  const ta = f32x4.add(f32x4.add(a0, a1), a2), tb = f32x4.add(f32x4.add(b0, b1), b2);
  // [ta0 + ta2, ta1 + ta3, tb0 + tb2, tb1 + tb3], then the two pairs of each row.
  const t = f32x4.add(v128.shuffle<f32>(ta, tb, 0, 1, 4, 5), v128.shuffle<f32>(ta, tb, 2, 3, 6, 7));
  let sa = f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1);
  let sb = f32x4.extract_lane(t, 2) + f32x4.extract_lane(t, 3);
  for (; j < d; j++) {
    const o = <usize>j << 2;
    const wj = load<f32>(w + o);
    sa += wj * load<f32>(xa + o);
    sb += wj * load<f32>(xb + o);
  }
  store<f32>(pa, sa);
  store<f32>(pb, sb);
}

/**
 * Logistic loss for binary labels y ∈ {0, 1}: mean of log(1 + e^z) − y·z with z = w·x + b.
 * Written with t = e^(−|z|) so that neither the loss nor σ(z) overflows for any finite z.
 */
export function lossGradLogistic(
  grad: usize, params: usize, X: usize, y: usize, idx: usize,
  start: i32, count: i32, d: i32, l2: f32, work: usize,
): f64 {
  const chunkE = work, chunkX = work + (<usize>LOGISTIC_CHUNK << 2);
  zero(grad, d + 1);
  const b = load<f32>(params + (<usize>d << 2));
  let gb: f32 = 0;
  let loss: f64 = 0;
  let r = start;
  const end = start + count;
  if (ASC_FEATURE_SIMD) {
    // Three passes per chunk of rows (a multiple of 4), each a loop the engine runs at full speed:
    // 1. the logits w·x, row after row: X is read front to back as one stream, the only pass that
    //    reads it from DRAM (interleaving this stream with other work, or reading four rows side by
    //    side, lowered the bandwidth the hardware prefetchers reach and cost more than it saved);
    // 2. σ, the loss and the errors e = σ(z) − y four rows at a time as one f32x4;
    // 3. grad += Xᵀe over the chunk, now in L2, by slices of the gradient held in registers.
    // The gradient is summed row by row in row order, as the one-row path does; loss and Σe are
    // summed by lanes.
    const end4 = start + (count & ~3);
    const vb = f32x4.splat(b);
    const zeroV = f32x4.splat(0);
    const one = one4();
    let lossLo = f64x2.splat(0), lossHi = f64x2.splat(0);
    let gbv = f32x4.splat(0);
    while (r < end4) {
      const n = min(LOGISTIC_CHUNK, end4 - r);
      // The logits of rows i and h + i together: two streams, each front to back through its half of the
      // chunk (two far-apart sequential streams keep the prefetchers' pace; adjacent rows read side by
      // side do not).
      const h = n >> 1;
      for (let i = 0; i < h; i++) {
        const xa = rowPtr(X, idx, r + i, d), xb = rowPtr(X, idx, r + h + i, d);
        const oa = <usize>i << 2, ob = <usize>(h + i) << 2;
        store<usize>(chunkX + oa, xa);
        store<usize>(chunkX + ob, xb);
        dotPair(params, xa, xb, d, chunkE + oa, chunkE + ob);
      }
      for (let i = 0; i < n; i += 4) {
        const q0 = r + i;
        const pe = chunkE + (<usize>i << 2);
        const z = f32x4.add(v128.load(pe), vb);
        let yv = f32x4.splat(labelAt(y, idx, q0));
        yv = f32x4.replace_lane(yv, 1, labelAt(y, idx, q0 + 1));
        yv = f32x4.replace_lane(yv, 2, labelAt(y, idx, q0 + 2));
        yv = f32x4.replace_lane(yv, 3, labelAt(y, idx, q0 + 3));
        const t = expNeg4(negAbs4(z)); // e^(−|z|)
        const q = f32x4.div(one, f32x4.add(one, t));
        const sig = v128.bitselect(q, f32x4.mul(t, q), f32x4.ge(z, zeroV));
        const lv = f32x4.add(f32x4.sub(f32x4.pmax(z, zeroV), f32x4.mul(yv, z)), log1pUnit4(t));
        lossLo = f64x2.add(lossLo, f64x2.promote_low_f32x4(lv));
        lossHi = f64x2.add(lossHi, f64x2.promote_low_f32x4(v128.shuffle<f32>(lv, lv, 2, 3, 2, 3)));
        const e = f32x4.sub(sig, yv);
        gbv = f32x4.add(gbv, e);
        v128.store(pe, e);
      }
      const eEnd = chunkE + (<usize>n << 2);
      // Each slice costs about the same per row whatever its width (≤ 6) — the add latency bounds the
      // narrow ones — so the gradient is cut into as few slices as possible (8 vectors as 4 + 4, not 6 + 1 + 1).
      let j = 0;
      for (let v = d >> 2; v > 0;) {
        const w = v == 7 ? 7 : v >= 6 && v != 8 ? 6 : v >= 4 ? 4 : v >= 2 ? 2 : 1;
        if (w == 7) chunkGradT7(grad, j, chunkE, chunkX, eEnd);
        else if (w == 6) chunkGradT6(grad, j, chunkE, chunkX, eEnd);
        else if (w == 4) chunkGradT4(grad, j, chunkE, chunkX, eEnd);
        else if (w == 2) chunkGradT2(grad, j, chunkE, chunkX, eEnd);
        else chunkGradT1(grad, j, chunkE, chunkX, eEnd);
        j += w << 2;
        v -= w;
      }
      for (; j < d; j++) {
        const o = <usize>j << 2;
        let g = load<f32>(grad + o);
        for (let pe = chunkE, px = chunkX; pe < eEnd; pe += 4, px += 4) g += load<f32>(pe) * load<f32>(load<usize>(px) + o);
        store<f32>(grad + o, g);
      }
      r += n;
    }
    lossLo = f64x2.add(lossLo, lossHi);
    loss = f64x2.extract_lane(lossLo, 0) + f64x2.extract_lane(lossLo, 1);
    gb = (f32x4.extract_lane(gbv, 0) + f32x4.extract_lane(gbv, 1)) + (f32x4.extract_lane(gbv, 2) + f32x4.extract_lane(gbv, 3));
  }
  // One row at a time: the scalar build, and the last count % 4 rows of the SIMD build.
  for (; r < end; r++) {
    const x = rowPtr(X, idx, r, d);
    const z = dot(params, x, d) + b;
    const t = expNeg(-Mathf.abs(z));
    const yr = labelAt(y, idx, r);
    const q = <f32>1 / (<f32>1 + t);
    const sig: f32 = z >= 0 ? q : t * q;
    loss += <f64>((Mathf.max(z, 0) - yr * z) + log1pUnit(t));
    const e = sig - yr;
    axpy(grad, e, x, d);
    gb += e;
  }
  store<f32>(grad + (<usize>d << 2), gb);
  return finish(grad, params, d, 1, count, l2, loss);
}

/**
 * scratch[c] = e^(scratch[c] − zmax) for c < k, in place; returns their sum. The softmax of a row's logits,
 * shared by the dense and sparse (assembly/sparse.ts) softmax losses.
 */
// @ts-ignore: decorator
@inline
export function expShiftSum(scratch: usize, k: i32, zmax: f32): f32 {
  let sum: f32 = 0;
  for (let c = 0; c < k; c++) {
    const o = <usize>c << 2;
    const e = Mathf.exp(load<f32>(scratch + o) - zmax);
    store<f32>(scratch + o, e);
    sum += e;
  }
  return sum;
}

/**
 * Softmax cross-entropy for k classes, labels are class indices stored as f32.
 * params = [W (k × d, class-major), b (k)]; `scratch` holds k f32 logits.
 * The logits are shifted by their maximum before exponentiation (log-sum-exp), so the loss is finite
 * for any finite logits.
 */
export function lossGradSoftmax(
  grad: usize, params: usize, X: usize, y: usize, idx: usize,
  start: i32, count: i32, d: i32, k: i32, l2: f32, scratch: usize,
): f64 {
  const nW = k * d;
  zero(grad, nW + k);
  const bias = params + (<usize>nW << 2);
  const gbias = grad + (<usize>nW << 2);
  const rowBytes = <usize>d << 2;
  let loss: f64 = 0;
  for (let r = start, end = start + count; r < end; r++) {
    const x = rowPtr(X, idx, r, d);
    const label = <i32>labelAt(y, idx, r);
    let zmax = -Infinity as f32;
    let zlabel: f32 = 0;
    for (let c = 0; c < k; c++) {
      const z = dot(params + <usize>c * rowBytes, x, d) + load<f32>(bias + (<usize>c << 2));
      store<f32>(scratch + (<usize>c << 2), z);
      zmax = Mathf.max(zmax, z);
      if (c == label) zlabel = z;
    }
    const sum = expShiftSum(scratch, k, zmax);
    // −log p_label = log Σ e^(z_c − zmax) + zmax − z_label: finite even when p_label underflows.
    loss += <f64>Mathf.log(sum) + (<f64>zmax - <f64>zlabel);
    const inv = <f32>1 / sum;
    for (let c = 0; c < k; c++) {
      const o = <usize>c << 2;
      const e = load<f32>(scratch + o) * inv - (c == label ? <f32>1 : <f32>0);
      axpy(grad + <usize>c * rowBytes, e, x, d);
      store<f32>(gbias + o, load<f32>(gbias + o) + e);
    }
  }
  return finish(grad, params, nW, k, count, l2, loss);
}

// Margin and robust losses (scikit-learn's SGDClassifier / SGDRegressor definitions), appended after
// the three originals so their order and names stay stable. Classifiers take labels y ∈ {0, 1} and use
// the margin m = s·z with s = 2y − 1; regressors use res = z − y. The formulas live in losses/rowloss.ts.

/** Hinge loss (linear SVM): max(0, 1 − m); dL/dz = −s when m ≤ 1 (scikit-learn's choice at the kink). */
export function lossGradHinge(
  grad: usize, params: usize, X: usize, y: usize, idx: usize,
  start: i32, count: i32, d: i32, l2: f32,
): f64 {
  return rowLossGrad(ROW_HINGE, grad, params, X, y, idx, start, count, d, l2, 0);
}

/** Squared hinge: max(0, 1 − m)²; dL/dz = −2·s·(1 − m) when m < 1. */
export function lossGradSquaredHinge(
  grad: usize, params: usize, X: usize, y: usize, idx: usize,
  start: i32, count: i32, d: i32, l2: f32,
): f64 {
  return rowLossGrad(ROW_SQUARED_HINGE, grad, params, X, y, idx, start, count, d, l2, 0);
}

/**
 * Modified Huber (Zhang 2004, quadratically smoothed hinge): 0 for m ≥ 1, (1 − m)² for −1 ≤ m < 1,
 * −4m below; dL/dz = 0, −2·s·(1 − m), −4·s.
 */
export function lossGradModifiedHuber(
  grad: usize, params: usize, X: usize, y: usize, idx: usize,
  start: i32, count: i32, d: i32, l2: f32,
): f64 {
  return rowLossGrad(ROW_MODIFIED_HUBER, grad, params, X, y, idx, start, count, d, l2, 0);
}

/**
 * Huber loss for regression with threshold ε > 0, r = z − y: ½r² when |r| ≤ ε, else ε·|r| − ½ε²;
 * dL/dz = r, or ε·sign(r) beyond the threshold.
 */
export function lossGradHuber(
  grad: usize, params: usize, X: usize, y: usize, idx: usize,
  start: i32, count: i32, d: i32, l2: f32, epsilon: f32,
): f64 {
  return rowLossGrad(ROW_HUBER, grad, params, X, y, idx, start, count, d, l2, epsilon);
}

/**
 * Epsilon-insensitive loss (linear SVR), r = z − y: max(0, |r| − ε); dL/dz = sign(r) when |r| > ε.
 */
export function lossGradEpsilonInsensitive(
  grad: usize, params: usize, X: usize, y: usize, idx: usize,
  start: i32, count: i32, d: i32, l2: f32, epsilon: f32,
): f64 {
  return rowLossGrad(ROW_EPSILON_INSENSITIVE, grad, params, X, y, idx, start, count, d, l2, epsilon);
}
