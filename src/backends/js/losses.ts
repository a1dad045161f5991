// Pure-TS twins of assembly/losses.ts, same names and argument order; typed arrays replace pointers.
// Each returns the mean loss over rows idx[start..start+count) plus (l2/2)‖W‖² and overwrites `grad`.
// The six linear-model row losses share one loop, in losses/rowloss.ts (as in assembly/).
import { dotF32, axpyF32 } from './linalg.js';
import { finish } from './losses/common.js';
import {
  ROW_SQUARED, ROW_HINGE, ROW_SQUARED_HINGE, ROW_MODIFIED_HUBER, ROW_HUBER, ROW_EPSILON_INSENSITIVE, rowLossGrad,
} from './losses/rowloss.js';

/** Squared error ½(w·x + b − y)², params = [w (d), b]. */
export function lossGradSquared(
  grad: Float32Array, params: Float32Array, X: Float32Array, y: Float32Array, idx: Int32Array,
  start: number, count: number, d: number, l2: number,
): number {
  return rowLossGrad(ROW_SQUARED, grad, params, X, y, idx, start, count, d, l2, 0);
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

/** scratch[c] = e^(scratch[c] − zmax) for c < k, in place; their sum (the dense and sparse softmax losses). */
export function expShiftSum(scratch: Float32Array, k: number, zmax: number): number {
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const e = Math.exp(scratch[c] - zmax);
    scratch[c] = e;
    sum += e;
  }
  return sum;
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
      // Rounded to f32 as it is stored, like the kernel's: a maximum kept in f64 while the logits are read
      // back rounded would make exp(z − zmax) overflow for logits near 1e19.
      const z = Math.fround(dotF32(params, c * d, X, xo, d) + params[nW + c]);
      scratch[c] = z;
      if (z > zmax) zmax = z;
      if (c === label) zlabel = z;
    }
    const sum = expShiftSum(scratch, k, zmax);
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
  return rowLossGrad(ROW_HINGE, grad, params, X, y, idx, start, count, d, l2, 0);
}

/** Squared hinge max(0, 1 − m)²; dL/dz = −2s(1 − m) when m < 1. */
export function lossGradSquaredHinge(
  grad: Float32Array, params: Float32Array, X: Float32Array, y: Float32Array, idx: Int32Array,
  start: number, count: number, d: number, l2: number,
): number {
  return rowLossGrad(ROW_SQUARED_HINGE, grad, params, X, y, idx, start, count, d, l2, 0);
}

/** Modified Huber: 0 (m ≥ 1), (1 − m)² (m ≥ −1), −4m; dL/dz = 0, −2s(1 − m), −4s. */
export function lossGradModifiedHuber(
  grad: Float32Array, params: Float32Array, X: Float32Array, y: Float32Array, idx: Int32Array,
  start: number, count: number, d: number, l2: number,
): number {
  return rowLossGrad(ROW_MODIFIED_HUBER, grad, params, X, y, idx, start, count, d, l2, 0);
}

/** Huber with threshold ε, r = z − y: ½r² (|r| ≤ ε) else ε|r| − ½ε²; dL/dz = r or ε·sign(r). */
export function lossGradHuber(
  grad: Float32Array, params: Float32Array, X: Float32Array, y: Float32Array, idx: Int32Array,
  start: number, count: number, d: number, l2: number, epsilon: number,
): number {
  return rowLossGrad(ROW_HUBER, grad, params, X, y, idx, start, count, d, l2, epsilon);
}

/** Epsilon-insensitive max(0, |r| − ε), r = z − y; dL/dz = sign(r) when |r| > ε. */
export function lossGradEpsilonInsensitive(
  grad: Float32Array, params: Float32Array, X: Float32Array, y: Float32Array, idx: Int32Array,
  start: number, count: number, d: number, l2: number, epsilon: number,
): number {
  return rowLossGrad(ROW_EPSILON_INSENSITIVE, grad, params, X, y, idx, start, count, d, l2, epsilon);
}
