// The six linear-model row losses (squared, and scikit-learn's SGDClassifier / SGDRegressor margin and
// robust losses): params = [w (d), b], z = w·x + b per row. They differ only in the loss of one row
// and its derivative dL/dz, so one loop (rowLossGrad) serves all six, with those two per-row
// functions inlined into it.
//
// Why this shape: rowLossGrad, rowLoss and rowSlope are @inline and take the loss as an integer code
// that every caller passes as a constant. After inlining, the code is a constant local, and binaryen's
// -O3 folds each `switch` down to the one case that applies (checked in the text format: no
// br_table and no compare against the code is left in any lossGrad* function, SIMD or scalar). So each
// exported kernel is again a loop specialised to its loss, as the six hand-written copies were, while
// the loop and every formula are written once. A code chosen at run time would leave a switch per row.
// The loss and dL/dz are two functions because AssemblyScript has no multiple return values; after
// inlining binaryen shares what they compute alike (hinge's two selects use one m ≤ 1 compare).
//
// Classifiers take labels y ∈ {0, 1} (as the logistic model does) and map them to s = 2y − 1 ∈ {−1, +1};
// the margin is m = s·z. Regressors use the residual res = z − y.
import { dot, axpy } from "../linalg";
import { rowPtr, labelAt, zero, finish } from "./common";

// Which row loss rowLossGrad computes (abi.json rowLosses); always a compile-time constant at the call site.
import {
  ROW_SQUARED, ROW_HINGE, ROW_SQUARED_HINGE, ROW_MODIFIED_HUBER, ROW_HUBER, ROW_EPSILON_INSENSITIVE,
} from "../abi.generated";
export { ROW_SQUARED, ROW_HINGE, ROW_SQUARED_HINGE, ROW_MODIFIED_HUBER, ROW_HUBER, ROW_EPSILON_INSENSITIVE };

/**
 * The loss of one row with z = w·x + b and label yr; ε (`eps`) is the Huber / epsilon-insensitive
 * threshold, ignored by the others. The formulas (and their f32 / f64 roundings) are the ones the six
 * separate kernels had, so the results are bit-identical to theirs.
 */
// @ts-ignore: decorator
@inline
export function rowLoss(loss: i32, z: f32, yr: f32, eps: f32): f64 {
  switch (loss) {
    case ROW_SQUARED: {
      // ½(z − y)²
      const res = z - yr;
      return 0.5 * <f64>res * <f64>res;
    }
    case ROW_HINGE: {
      // max(0, 1 − m)
      const m = (<f32>2 * yr - <f32>1) * z;
      return m <= <f32>1 ? <f64>(<f32>1 - m) : 0;
    }
    case ROW_SQUARED_HINGE: {
      // max(0, 1 − m)²
      const t = <f32>1 - (<f32>2 * yr - <f32>1) * z;
      return t > 0 ? <f64>t * <f64>t : 0;
    }
    case ROW_MODIFIED_HUBER: {
      // Zhang 2004, quadratically smoothed hinge: 0 for m ≥ 1, (1 − m)² for −1 ≤ m < 1, −4m below.
      const m = (<f32>2 * yr - <f32>1) * z;
      if (m >= <f32>1) return 0;
      if (m >= <f32>-1) {
        const t = <f32>1 - m;
        return <f64>t * <f64>t;
      }
      return -4 * <f64>m;
    }
    case ROW_HUBER: {
      // ½res² when |res| ≤ ε, else ε·|res| − ½ε².
      const res = z - yr;
      const a = Mathf.abs(res);
      if (a <= eps) return 0.5 * <f64>res * <f64>res;
      return <f64>eps * <f64>a - 0.5 * <f64>eps * <f64>eps;
    }
    case ROW_EPSILON_INSENSITIVE: {
      // Epsilon-insensitive (linear SVR): max(0, |res| − ε).
      const res = z - yr;
      if (res > eps) return <f64>res - <f64>eps;
      if (res < -eps) return -<f64>res - <f64>eps;
      return 0;
    }
  }
  unreachable(); // a code without a row loss: every caller passes one of the cases, as a constant
  return 0;
}

/** dL/dz of one row (same arguments as rowLoss). At a kink it takes scikit-learn's side. */
// @ts-ignore: decorator
@inline
export function rowSlope(loss: i32, z: f32, yr: f32, eps: f32): f32 {
  switch (loss) {
    case ROW_SQUARED: return z - yr;
    case ROW_HINGE: {
      // −s when m ≤ 1
      const s = <f32>2 * yr - <f32>1;
      return s * z <= <f32>1 ? -s : 0;
    }
    case ROW_SQUARED_HINGE: {
      // −2·s·(1 − m) when m < 1
      const s = <f32>2 * yr - <f32>1;
      const t = <f32>1 - s * z;
      return t > 0 ? <f32>-2 * s * t : 0;
    }
    case ROW_MODIFIED_HUBER: {
      // 0, −2·s·(1 − m), −4·s
      const s = <f32>2 * yr - <f32>1;
      const m = s * z;
      if (m >= <f32>1) return 0;
      if (m >= <f32>-1) return <f32>-2 * s * (<f32>1 - m);
      return <f32>-4 * s;
    }
    case ROW_HUBER: {
      // res, or ε·sign(res) beyond the threshold
      const res = z - yr;
      if (Mathf.abs(res) <= eps) return res;
      return res > 0 ? eps : -eps;
    }
    case ROW_EPSILON_INSENSITIVE: {
      // sign(res) when |res| > ε
      const res = z - yr;
      if (res > eps) return 1;
      if (res < -eps) return -1;
      return 0;
    }
  }
  unreachable(); // a code without a row loss: every caller passes one of the cases, as a constant
  return 0;
}

/**
 * The one loop of the six row losses: over rows idx[start..start+count), z = w·x + b, sum the row
 * losses, grad += dL/dz·x and the bias gradient += dL/dz; then finish() (mean, L2). `loss` must be a
 * constant (see the file comment).
 */
// @ts-ignore: decorator
@inline
export function rowLossGrad(
  loss: i32, grad: usize, params: usize, X: usize, y: usize, idx: usize,
  start: i32, count: i32, d: i32, l2: f32, eps: f32,
): f64 {
  zero(grad, d + 1);
  const b = load<f32>(params + (<usize>d << 2));
  let gb: f32 = 0;
  let sum: f64 = 0;
  for (let r = start, end = start + count; r < end; r++) {
    const x = rowPtr(X, idx, r, d);
    const z = dot(params, x, d) + b;
    const yr = labelAt(y, idx, r);
    sum += rowLoss(loss, z, yr, eps);
    const e = rowSlope(loss, z, yr, eps);
    // A row whose derivative is zero costs no axpy, as it did in the four kernels with a flat region.
    // The two regressions (squared, Huber) always did their axpy and still do: their dL/dz is almost never
    // 0, so the test would only cost time (measured: 3–7% at d = 10), and the constant folds it away.
    // Skipping is exact for a finite row (grad entries are never −0, so adding 0·x changes nothing); only a
    // classifier label outside {0, 1} (s = 0, which the model API rejects) with a non-finite x now leaves
    // grad finite where 0·x made it NaN; the loss is NaN either way.
    if (loss == ROW_SQUARED || loss == ROW_HUBER || e != 0) {
      axpy(grad, e, x, d);
      gb += e;
    }
  }
  store<f32>(grad + (<usize>d << 2), gb);
  return finish(grad, params, d, 1, count, l2, sum);
}
