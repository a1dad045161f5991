// Fused loss + gradient over the rows picked by a window of an index array:
// rows idx[start], …, idx[start + count - 1] of the row-major matrix X (d features per row).
// No copy of the batch is made. Parameters are laid out weights first, then biases, so the
// L2 penalty (weights only, as scikit-learn and PyTorch's weight decay on W) is one contiguous span.
//
// Every function returns the mean loss over the window plus (l2 / 2)·‖W‖², and writes the
// matching gradient into `grad` (overwritten, not accumulated).
import { dot, axpy, axpby } from "./linalg";
import { expNeg, expNeg4, log1pUnit, log1pUnit4 } from "./fastmath";

// @ts-ignore: decorator
@inline
function rowPtr(X: usize, idx: usize, r: i32, d: i32): usize {
  return X + ((<usize>load<i32>(idx + (<usize>r << 2)) * <usize>d) << 2);
}

// @ts-ignore: decorator
@inline
function labelAt(y: usize, idx: usize, r: i32): f32 {
  return load<f32>(y + (<usize>load<i32>(idx + (<usize>r << 2)) << 2));
}

/** grad[0..nW) = grad/m + l2·W; grad[nW..nW+nB) = grad/m; returns (l2/2)‖W‖². */
// @ts-ignore: decorator
@inline
function finish(grad: usize, params: usize, nW: i32, nB: i32, count: i32, l2: f32): f64 {
  const inv: f32 = count > 0 ? <f32>1 / <f32>count : 0;
  axpby(grad, inv, l2, params, nW);
  const gb = grad + (<usize>nW << 2);
  for (let c = 0; c < nB; c++) {
    const o = <usize>c << 2;
    store<f32>(gb + o, load<f32>(gb + o) * inv);
  }
  return l2 != 0 ? 0.5 * <f64>l2 * <f64>dot(params, params, nW) : 0;
}

// @ts-ignore: decorator
@inline
function zero(p: usize, n: i32): void {
  memory.fill(p, 0, <usize>n << 2);
}

/**
 * Squared error for linear regression: mean over rows of ½(w·x + b − y)².
 * params = [w (d), b].
 */
export function lossGradSquared(
  grad: usize, params: usize, X: usize, y: usize, idx: usize,
  start: i32, count: i32, d: i32, l2: f32,
): f64 {
  zero(grad, d + 1);
  const b = load<f32>(params + (<usize>d << 2));
  let gb: f32 = 0;
  let loss: f64 = 0;
  for (let r = start, end = start + count; r < end; r++) {
    const x = rowPtr(X, idx, r, d);
    const e = dot(params, x, d) + b - labelAt(y, idx, r);
    loss += 0.5 * <f64>e * <f64>e;
    axpy(grad, e, x, d);
    gb += e;
  }
  store<f32>(grad + (<usize>d << 2), gb);
  const pen = finish(grad, params, d, 1, count, l2);
  return (count > 0 ? loss / <f64>count : 0) + pen;
}

/**
 * Logistic loss for binary labels y ∈ {0, 1}: mean of log(1 + e^z) − y·z with z = w·x + b.
 * Written with t = e^(−|z|) so that neither the loss nor σ(z) overflows for any finite z.
 */
export function lossGradLogistic(
  grad: usize, params: usize, X: usize, y: usize, idx: usize,
  start: i32, count: i32, d: i32, l2: f32,
): f64 {
  zero(grad, d + 1);
  const b = load<f32>(params + (<usize>d << 2));
  let gb: f32 = 0;
  let loss: f64 = 0;
  let r = start;
  const end = start + count;
  if (ASC_FEATURE_SIMD) {
    // Four rows at a time: the four logits go through exp and log1p as one f32x4, and one load/store of
    // each gradient vector takes all four rows' updates (added in row order, as the one-row path does).
    const d4 = d & ~3;
    const vb = f32x4.splat(b);
    for (; r + 4 <= end; r += 4) {
      const x0 = rowPtr(X, idx, r, d), x1 = rowPtr(X, idx, r + 1, d);
      const x2 = rowPtr(X, idx, r + 2, d), x3 = rowPtr(X, idx, r + 3, d);
      // The four dots run one row after the other: X is read front to back as one stream, which the
      // hardware prefetchers follow (four interleaved row streams halved the speed from DRAM).
      let z = f32x4.splat(dot(params, x0, d));
      z = f32x4.replace_lane(z, 1, dot(params, x1, d));
      z = f32x4.replace_lane(z, 2, dot(params, x2, d));
      z = f32x4.replace_lane(z, 3, dot(params, x3, d));
      let j = 0;
      z = f32x4.add(z, vb);
      let yv = f32x4.splat(labelAt(y, idx, r));
      yv = f32x4.replace_lane(yv, 1, labelAt(y, idx, r + 1));
      yv = f32x4.replace_lane(yv, 2, labelAt(y, idx, r + 2));
      yv = f32x4.replace_lane(yv, 3, labelAt(y, idx, r + 3));
      const t = expNeg4(f32x4.neg(f32x4.abs(z)));
      const q = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), t));
      const sig = v128.bitselect(q, f32x4.mul(t, q), f32x4.ge(z, f32x4.splat(0)));
      const lv = f32x4.add(f32x4.sub(f32x4.max(z, f32x4.splat(0)), f32x4.mul(yv, z)), log1pUnit4(t));
      loss += <f64>f32x4.extract_lane(lv, 0);
      loss += <f64>f32x4.extract_lane(lv, 1);
      loss += <f64>f32x4.extract_lane(lv, 2);
      loss += <f64>f32x4.extract_lane(lv, 3);
      const e = f32x4.sub(sig, yv);
      const e0 = f32x4.extract_lane(e, 0), e1 = f32x4.extract_lane(e, 1);
      const e2 = f32x4.extract_lane(e, 2), e3 = f32x4.extract_lane(e, 3);
      gb += e0; gb += e1; gb += e2; gb += e3;
      const v0 = f32x4.splat(e0), v1 = f32x4.splat(e1), v2 = f32x4.splat(e2), v3 = f32x4.splat(e3);
      // Pointers step through the rows with immediate offsets (two vectors per pass), which saves the
      // engine an address computation per load.
      j = 0;
      let pg = grad, p0 = x0, p1 = x1, p2 = x2, p3 = x3;
      for (; j + 8 <= d; j += 8) {
        let g = f32x4.add(v128.load(pg), f32x4.mul(v0, v128.load(p0)));
        let h = f32x4.add(v128.load(pg, 16), f32x4.mul(v0, v128.load(p0, 16)));
        g = f32x4.add(g, f32x4.mul(v1, v128.load(p1)));
        h = f32x4.add(h, f32x4.mul(v1, v128.load(p1, 16)));
        g = f32x4.add(g, f32x4.mul(v2, v128.load(p2)));
        h = f32x4.add(h, f32x4.mul(v2, v128.load(p2, 16)));
        g = f32x4.add(g, f32x4.mul(v3, v128.load(p3)));
        h = f32x4.add(h, f32x4.mul(v3, v128.load(p3, 16)));
        v128.store(pg, g);
        v128.store(pg, h, 16);
        pg += 32; p0 += 32; p1 += 32; p2 += 32; p3 += 32;
      }
      for (; j < d4; j += 4) {
        const o = <usize>j << 2;
        let g = f32x4.add(v128.load(grad + o), f32x4.mul(v0, v128.load(x0 + o)));
        g = f32x4.add(g, f32x4.mul(v1, v128.load(x1 + o)));
        g = f32x4.add(g, f32x4.mul(v2, v128.load(x2 + o)));
        g = f32x4.add(g, f32x4.mul(v3, v128.load(x3 + o)));
        v128.store(grad + o, g);
      }
      for (; j < d; j++) {
        const o = <usize>j << 2;
        let g = load<f32>(grad + o) + e0 * load<f32>(x0 + o);
        g += e1 * load<f32>(x1 + o);
        g += e2 * load<f32>(x2 + o);
        g += e3 * load<f32>(x3 + o);
        store<f32>(grad + o, g);
      }
    }
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
  const pen = finish(grad, params, d, 1, count, l2);
  return (count > 0 ? loss / <f64>count : 0) + pen;
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
    let sum: f32 = 0;
    for (let c = 0; c < k; c++) {
      const o = <usize>c << 2;
      const e = Mathf.exp(load<f32>(scratch + o) - zmax);
      store<f32>(scratch + o, e);
      sum += e;
    }
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
  const pen = finish(grad, params, nW, k, count, l2);
  return (count > 0 ? loss / <f64>count : 0) + pen;
}

// ---------------------------------------------------------------------------------------------
// Margin and robust losses (scikit-learn's SGDClassifier / SGDRegressor definitions). Appended
// after the three originals so their order and names stay stable. Each one shares the layout of
// lossGradSquared: params = [w (d), b], returns the mean loss plus (l2/2)‖W‖².
//
// Classifiers take labels y ∈ {0, 1} (as the logistic model does) and map them to s = 2y − 1 ∈ {−1, +1};
// the margin is m = s·z with z = w·x + b. A row whose derivative is zero costs no axpy.

// @ts-ignore: decorator
@inline
function signedLabel(y: usize, idx: usize, r: i32): f32 {
  return <f32>2 * labelAt(y, idx, r) - <f32>1;
}

/** Hinge loss (linear SVM): max(0, 1 − m); dL/dz = −s when m ≤ 1 (scikit-learn's choice at the kink). */
export function lossGradHinge(
  grad: usize, params: usize, X: usize, y: usize, idx: usize,
  start: i32, count: i32, d: i32, l2: f32,
): f64 {
  zero(grad, d + 1);
  const b = load<f32>(params + (<usize>d << 2));
  let gb: f32 = 0;
  let loss: f64 = 0;
  for (let r = start, end = start + count; r < end; r++) {
    const x = rowPtr(X, idx, r, d);
    const s = signedLabel(y, idx, r);
    const m = s * (dot(params, x, d) + b);
    if (m <= <f32>1) {
      loss += <f64>(<f32>1 - m);
      axpy(grad, -s, x, d);
      gb -= s;
    }
  }
  store<f32>(grad + (<usize>d << 2), gb);
  const pen = finish(grad, params, d, 1, count, l2);
  return (count > 0 ? loss / <f64>count : 0) + pen;
}

/** Squared hinge: max(0, 1 − m)²; dL/dz = −2·s·(1 − m) when m < 1. */
export function lossGradSquaredHinge(
  grad: usize, params: usize, X: usize, y: usize, idx: usize,
  start: i32, count: i32, d: i32, l2: f32,
): f64 {
  zero(grad, d + 1);
  const b = load<f32>(params + (<usize>d << 2));
  let gb: f32 = 0;
  let loss: f64 = 0;
  for (let r = start, end = start + count; r < end; r++) {
    const x = rowPtr(X, idx, r, d);
    const s = signedLabel(y, idx, r);
    const t = <f32>1 - s * (dot(params, x, d) + b);
    if (t > 0) {
      loss += <f64>t * <f64>t;
      const e = <f32>-2 * s * t;
      axpy(grad, e, x, d);
      gb += e;
    }
  }
  store<f32>(grad + (<usize>d << 2), gb);
  const pen = finish(grad, params, d, 1, count, l2);
  return (count > 0 ? loss / <f64>count : 0) + pen;
}

/**
 * Modified Huber (Zhang 2004, quadratically smoothed hinge): 0 for m ≥ 1, (1 − m)² for −1 ≤ m < 1,
 * −4m below; dL/dz = 0, −2·s·(1 − m), −4·s.
 */
export function lossGradModifiedHuber(
  grad: usize, params: usize, X: usize, y: usize, idx: usize,
  start: i32, count: i32, d: i32, l2: f32,
): f64 {
  zero(grad, d + 1);
  const b = load<f32>(params + (<usize>d << 2));
  let gb: f32 = 0;
  let loss: f64 = 0;
  for (let r = start, end = start + count; r < end; r++) {
    const x = rowPtr(X, idx, r, d);
    const s = signedLabel(y, idx, r);
    const m = s * (dot(params, x, d) + b);
    if (m >= <f32>1) continue;
    let e: f32;
    if (m >= <f32>-1) {
      const t = <f32>1 - m;
      loss += <f64>t * <f64>t;
      e = <f32>-2 * s * t;
    } else {
      loss += -4 * <f64>m;
      e = <f32>-4 * s;
    }
    axpy(grad, e, x, d);
    gb += e;
  }
  store<f32>(grad + (<usize>d << 2), gb);
  const pen = finish(grad, params, d, 1, count, l2);
  return (count > 0 ? loss / <f64>count : 0) + pen;
}

/**
 * Huber loss for regression with threshold ε > 0, r = z − y: ½r² when |r| ≤ ε, else ε·|r| − ½ε²;
 * dL/dz = r, or ε·sign(r) beyond the threshold.
 */
export function lossGradHuber(
  grad: usize, params: usize, X: usize, y: usize, idx: usize,
  start: i32, count: i32, d: i32, l2: f32, epsilon: f32,
): f64 {
  zero(grad, d + 1);
  const b = load<f32>(params + (<usize>d << 2));
  let gb: f32 = 0;
  let loss: f64 = 0;
  for (let r = start, end = start + count; r < end; r++) {
    const x = rowPtr(X, idx, r, d);
    const res = dot(params, x, d) + b - labelAt(y, idx, r);
    const a = Mathf.abs(res);
    let e: f32;
    if (a <= epsilon) {
      loss += 0.5 * <f64>res * <f64>res;
      e = res;
    } else {
      loss += <f64>epsilon * <f64>a - 0.5 * <f64>epsilon * <f64>epsilon;
      e = res > 0 ? epsilon : -epsilon;
    }
    axpy(grad, e, x, d);
    gb += e;
  }
  store<f32>(grad + (<usize>d << 2), gb);
  const pen = finish(grad, params, d, 1, count, l2);
  return (count > 0 ? loss / <f64>count : 0) + pen;
}

/**
 * Epsilon-insensitive loss (linear SVR), r = z − y: max(0, |r| − ε); dL/dz = sign(r) when |r| > ε.
 */
export function lossGradEpsilonInsensitive(
  grad: usize, params: usize, X: usize, y: usize, idx: usize,
  start: i32, count: i32, d: i32, l2: f32, epsilon: f32,
): f64 {
  zero(grad, d + 1);
  const b = load<f32>(params + (<usize>d << 2));
  let gb: f32 = 0;
  let loss: f64 = 0;
  for (let r = start, end = start + count; r < end; r++) {
    const x = rowPtr(X, idx, r, d);
    const res = dot(params, x, d) + b - labelAt(y, idx, r);
    if (res > epsilon) {
      loss += <f64>res - <f64>epsilon;
      axpy(grad, 1, x, d);
      gb += 1;
    } else if (res < -epsilon) {
      loss += -<f64>res - <f64>epsilon;
      axpy(grad, -1, x, d);
      gb -= 1;
    }
  }
  store<f32>(grad + (<usize>d << 2), gb);
  const pen = finish(grad, params, d, 1, count, l2);
  return (count > 0 ? loss / <f64>count : 0) + pen;
}
