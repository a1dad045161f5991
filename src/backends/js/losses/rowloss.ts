// Twin of assembly/losses/rowloss.ts: the six linear-model row losses (params = [w (d), b], z = w·x + b)
// as one loop, rowLossGrad, with one row's loss (rowLoss) and derivative dL/dz (rowSlope) chosen by a code.
// Unlike the wasm build, nothing specialises the loop per loss here: V8 runs one optimized rowLossGrad for
// all six, and the two switches on the code cost a few predictable branches per row next to the dot product
// and the axpy. Measured against the six separate loops (same process, calls alternated): within noise at
// d = 100, 0–20% slower at d = 10 where a row is only ~20 flops.
// Classifiers map labels y ∈ {0, 1} to s = 2y − 1 and use the margin m = s·z; regressors use res = z − y.
import { dotF32, axpyF32 } from '../linalg.js';
import { finish } from './common.js';

// Which row loss rowLossGrad computes, as assembly/losses/rowloss.ts. Plain number constants, not an
// object's properties: `case RowLoss.X` would cost a property load each, and that bytecode alone used up
// V8's cumulative inlining budget before dotF32, which then cost a call per row (30–45% slower at d = 10).
// As they are, rowLoss, rowSlope, dotF32 and axpyF32 are all inlined into the loop (--trace-turbo-inlining).
import {
  ROW_SQUARED, ROW_HINGE, ROW_SQUARED_HINGE, ROW_MODIFIED_HUBER, ROW_HUBER, ROW_EPSILON_INSENSITIVE,
} from '../../abi.generated.js';
export { ROW_SQUARED, ROW_HINGE, ROW_SQUARED_HINGE, ROW_MODIFIED_HUBER, ROW_HUBER, ROW_EPSILON_INSENSITIVE };

/** The loss of one row with z = w·x + b and label yr; `eps` is the Huber / epsilon-insensitive ε. */
export function rowLoss(loss: number, z: number, yr: number, eps: number): number {
  switch (loss) {
    case ROW_SQUARED: {
      const res = z - yr; // ½(z − y)²
      return 0.5 * res * res;
    }
    case ROW_HINGE: {
      const m = (2 * yr - 1) * z; // max(0, 1 − m)
      return m <= 1 ? 1 - m : 0;
    }
    case ROW_SQUARED_HINGE: {
      const t = 1 - (2 * yr - 1) * z; // max(0, 1 − m)²
      return t > 0 ? t * t : 0;
    }
    case ROW_MODIFIED_HUBER: {
      // 0 for m ≥ 1, (1 − m)² for −1 ≤ m < 1, −4m below
      const m = (2 * yr - 1) * z;
      if (m >= 1) return 0;
      if (m >= -1) return (1 - m) * (1 - m);
      return -4 * m;
    }
    case ROW_HUBER: {
      // ½res² when |res| ≤ ε, else ε·|res| − ½ε²
      const res = z - yr;
      const a = Math.abs(res);
      if (a <= eps) return 0.5 * res * res;
      return eps * a - 0.5 * eps * eps;
    }
    case ROW_EPSILON_INSENSITIVE: {
      // max(0, |res| − ε)
      const res = z - yr;
      if (res > eps) return res - eps;
      if (res < -eps) return -res - eps;
      return 0;
    }
  }
  throw new Error(`row loss code ${loss} has no row loss`);
}

/** dL/dz of one row (same arguments as rowLoss); at a kink it takes scikit-learn's side. */
export function rowSlope(loss: number, z: number, yr: number, eps: number): number {
  switch (loss) {
    case ROW_SQUARED: return z - yr;
    case ROW_HINGE: {
      const s = 2 * yr - 1; // −s when m ≤ 1
      return s * z <= 1 ? -s : 0;
    }
    case ROW_SQUARED_HINGE: {
      const s = 2 * yr - 1; // −2·s·(1 − m) when m < 1
      const t = 1 - s * z;
      return t > 0 ? -2 * s * t : 0;
    }
    case ROW_MODIFIED_HUBER: {
      // 0, −2·s·(1 − m), −4·s
      const s = 2 * yr - 1;
      const m = s * z;
      if (m >= 1) return 0;
      if (m >= -1) return -2 * s * (1 - m);
      return -4 * s;
    }
    case ROW_HUBER: {
      const res = z - yr; // res, or ε·sign(res) beyond the threshold
      if (Math.abs(res) <= eps) return res;
      return res > 0 ? eps : -eps;
    }
    case ROW_EPSILON_INSENSITIVE: {
      const res = z - yr; // sign(res) when |res| > ε
      if (res > eps) return 1;
      if (res < -eps) return -1;
      return 0;
    }
  }
  throw new Error(`row loss code ${loss} has no row loss`);
}

/**
 * The one loop of the six row losses: over rows idx[start..start+count), z = w·x + b, sum the row losses,
 * grad += dL/dz·x and the bias gradient += dL/dz; then finish() (mean, L2).
 */
export function rowLossGrad(
  loss: number, grad: Float32Array, params: Float32Array, X: Float32Array, y: Float32Array, idx: Int32Array,
  start: number, count: number, d: number, l2: number, eps: number,
): number {
  grad.fill(0, 0, d + 1);
  const b = params[d];
  let gb = 0;
  let sum = 0;
  for (let r = start, end = start + count; r < end; r++) {
    const row = idx[r];
    const xo = row * d;
    const z = dotF32(params, 0, X, xo, d) + b;
    const yr = y[row];
    sum += rowLoss(loss, z, yr, eps);
    const e = rowSlope(loss, z, yr, eps);
    // A row whose derivative is zero costs no axpy, except in the two regressions, whose dL/dz is almost
    // never 0 (exact for a finite row: see assembly/losses/rowloss.ts).
    if (loss === ROW_SQUARED || loss === ROW_HUBER || e !== 0) {
      axpyF32(grad, 0, e, X, xo, d);
      gb += e;
    }
  }
  grad[d] = gb;
  return finish(grad, params, d, 1, count, l2, sum);
}
