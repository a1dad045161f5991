// Pure-TS twins of assembly/losses.ts, same names and argument order; typed arrays replace pointers.
// Each returns the mean loss over rows idx[start..start+count) plus (l2/2)‖W‖² and overwrites `grad`.
import { dotF32, axpyF32, axpbyF32 } from './linalg.js';

/** Every kernel's last step: scales the gradient by 1/m, adds l2·W, returns the mean loss plus (l2/2)‖W‖². */
function finish(grad: Float32Array, params: Float32Array, nW: number, nB: number, count: number, l2: number, lossSum: number): number {
  const inv = count > 0 ? 1 / count : 0;
  axpbyF32(grad, inv, l2, params, nW);
  for (let c = nW; c < nW + nB; c++) grad[c] *= inv;
  const pen = l2 !== 0 ? 0.5 * l2 * dotF32(params, 0, params, 0, nW) : 0;
  return (count > 0 ? lossSum / count : 0) + pen;
}

/** Squared error ½(w·x + b − y)², params = [w (d), b]. */
export function lossGradSquared(
  grad: Float32Array, params: Float32Array, X: Float32Array, y: Float32Array, idx: Int32Array,
  start: number, count: number, d: number, l2: number,
): number {
  grad.fill(0, 0, d + 1);
  const b = params[d];
  let gb = 0;
  let loss = 0;
  for (let r = start, end = start + count; r < end; r++) {
    const row = idx[r];
    const xo = row * d;
    const e = dotF32(params, 0, X, xo, d) + b - y[row];
    loss += 0.5 * e * e;
    axpyF32(grad, 0, e, X, xo, d);
    gb += e;
  }
  grad[d] = gb;
  return finish(grad, params, d, 1, count, l2, loss);
}

/** Logistic loss log(1 + e^z) − y·z for y ∈ {0, 1}, stable for any finite z. */
export function lossGradLogistic(
  grad: Float32Array, params: Float32Array, X: Float32Array, y: Float32Array, idx: Int32Array,
  start: number, count: number, d: number, l2: number,
): number {
  grad.fill(0, 0, d + 1);
  const b = params[d];
  let gb = 0;
  let loss = 0;
  for (let r = start, end = start + count; r < end; r++) {
    const row = idx[r];
    const xo = row * d;
    const z = dotF32(params, 0, X, xo, d) + b;
    const t = Math.exp(-Math.abs(z));
    const yr = y[row];
    const sig = z >= 0 ? 1 / (1 + t) : t / (1 + t);
    loss += Math.max(z, 0) - yr * z + Math.log1p(t);
    const e = sig - yr;
    axpyF32(grad, 0, e, X, xo, d);
    gb += e;
  }
  grad[d] = gb;
  return finish(grad, params, d, 1, count, l2, loss);
}

/** Softmax cross-entropy over k classes; params = [W (k × d), b (k)]; scratch holds k logits. */
export function lossGradSoftmax(
  grad: Float32Array, params: Float32Array, X: Float32Array, y: Float32Array, idx: Int32Array,
  start: number, count: number, d: number, k: number, l2: number, scratch: Float32Array,
): number {
  const nW = k * d;
  grad.fill(0, 0, nW + k);
  let loss = 0;
  for (let r = start, end = start + count; r < end; r++) {
    const row = idx[r];
    const xo = row * d;
    const label = y[row] | 0;
    let zmax = -Infinity;
    let zlabel = 0;
    for (let c = 0; c < k; c++) {
      const z = dotF32(params, c * d, X, xo, d) + params[nW + c];
      scratch[c] = z;
      if (z > zmax) zmax = z;
      if (c === label) zlabel = z;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(scratch[c] - zmax);
      scratch[c] = e;
      sum += e;
    }
    loss += Math.log(sum) + (zmax - zlabel);
    const inv = 1 / sum;
    for (let c = 0; c < k; c++) {
      const e = scratch[c] * inv - (c === label ? 1 : 0);
      axpyF32(grad, c * d, e, X, xo, d);
      grad[nW + c] += e;
    }
  }
  return finish(grad, params, nW, k, count, l2, loss);
}

// Margin and robust losses, twins of the ones appended to assembly/losses.ts (scikit-learn's
// definitions). Classifiers map labels y ∈ {0, 1} to s = 2y − 1 and use the margin m = s·z.

/** Hinge max(0, 1 − m); dL/dz = −s when m ≤ 1. */
export function lossGradHinge(
  grad: Float32Array, params: Float32Array, X: Float32Array, y: Float32Array, idx: Int32Array,
  start: number, count: number, d: number, l2: number,
): number {
  grad.fill(0, 0, d + 1);
  const b = params[d];
  let gb = 0;
  let loss = 0;
  for (let r = start, end = start + count; r < end; r++) {
    const row = idx[r];
    const xo = row * d;
    const s = 2 * y[row] - 1;
    const m = s * (dotF32(params, 0, X, xo, d) + b);
    if (m <= 1) {
      loss += 1 - m;
      axpyF32(grad, 0, -s, X, xo, d);
      gb -= s;
    }
  }
  grad[d] = gb;
  return finish(grad, params, d, 1, count, l2, loss);
}

/** Squared hinge max(0, 1 − m)²; dL/dz = −2s(1 − m) when m < 1. */
export function lossGradSquaredHinge(
  grad: Float32Array, params: Float32Array, X: Float32Array, y: Float32Array, idx: Int32Array,
  start: number, count: number, d: number, l2: number,
): number {
  grad.fill(0, 0, d + 1);
  const b = params[d];
  let gb = 0;
  let loss = 0;
  for (let r = start, end = start + count; r < end; r++) {
    const row = idx[r];
    const xo = row * d;
    const s = 2 * y[row] - 1;
    const t = 1 - s * (dotF32(params, 0, X, xo, d) + b);
    if (t > 0) {
      loss += t * t;
      const e = -2 * s * t;
      axpyF32(grad, 0, e, X, xo, d);
      gb += e;
    }
  }
  grad[d] = gb;
  return finish(grad, params, d, 1, count, l2, loss);
}

/** Modified Huber: 0 (m ≥ 1), (1 − m)² (m ≥ −1), −4m; dL/dz = 0, −2s(1 − m), −4s. */
export function lossGradModifiedHuber(
  grad: Float32Array, params: Float32Array, X: Float32Array, y: Float32Array, idx: Int32Array,
  start: number, count: number, d: number, l2: number,
): number {
  grad.fill(0, 0, d + 1);
  const b = params[d];
  let gb = 0;
  let loss = 0;
  for (let r = start, end = start + count; r < end; r++) {
    const row = idx[r];
    const xo = row * d;
    const s = 2 * y[row] - 1;
    const m = s * (dotF32(params, 0, X, xo, d) + b);
    if (m >= 1) continue;
    let e: number;
    if (m >= -1) {
      const t = 1 - m;
      loss += t * t;
      e = -2 * s * t;
    } else {
      loss += -4 * m;
      e = -4 * s;
    }
    axpyF32(grad, 0, e, X, xo, d);
    gb += e;
  }
  grad[d] = gb;
  return finish(grad, params, d, 1, count, l2, loss);
}

/** Huber with threshold ε, r = z − y: ½r² (|r| ≤ ε) else ε|r| − ½ε²; dL/dz = r or ε·sign(r). */
export function lossGradHuber(
  grad: Float32Array, params: Float32Array, X: Float32Array, y: Float32Array, idx: Int32Array,
  start: number, count: number, d: number, l2: number, epsilon: number,
): number {
  grad.fill(0, 0, d + 1);
  const b = params[d];
  let gb = 0;
  let loss = 0;
  for (let r = start, end = start + count; r < end; r++) {
    const row = idx[r];
    const xo = row * d;
    const res = dotF32(params, 0, X, xo, d) + b - y[row];
    const a = Math.abs(res);
    let e: number;
    if (a <= epsilon) {
      loss += 0.5 * res * res;
      e = res;
    } else {
      loss += epsilon * a - 0.5 * epsilon * epsilon;
      e = res > 0 ? epsilon : -epsilon;
    }
    axpyF32(grad, 0, e, X, xo, d);
    gb += e;
  }
  grad[d] = gb;
  return finish(grad, params, d, 1, count, l2, loss);
}

/** Epsilon-insensitive max(0, |r| − ε), r = z − y; dL/dz = sign(r) when |r| > ε. */
export function lossGradEpsilonInsensitive(
  grad: Float32Array, params: Float32Array, X: Float32Array, y: Float32Array, idx: Int32Array,
  start: number, count: number, d: number, l2: number, epsilon: number,
): number {
  grad.fill(0, 0, d + 1);
  const b = params[d];
  let gb = 0;
  let loss = 0;
  for (let r = start, end = start + count; r < end; r++) {
    const row = idx[r];
    const xo = row * d;
    const res = dotF32(params, 0, X, xo, d) + b - y[row];
    if (res > epsilon) {
      loss += res - epsilon;
      axpyF32(grad, 0, 1, X, xo, d);
      gb += 1;
    } else if (res < -epsilon) {
      loss += -res - epsilon;
      axpyF32(grad, 0, -1, X, xo, d);
      gb -= 1;
    }
  }
  grad[d] = gb;
  return finish(grad, params, d, 1, count, l2, loss);
}
