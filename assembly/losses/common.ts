// What every loss kernel shares: reading the rows picked by the index array, and the last step
// (mean, L2 penalty) that turns the summed row losses and gradients into the kernel's result.
import { dot, axpby } from "../linalg";

/** Start of row idx[r] of the row-major matrix X with d features per row. */
// @ts-ignore: decorator
@inline
export function rowPtr(X: usize, idx: usize, r: i32, d: i32): usize {
  return X + ((<usize>load<i32>(idx + (<usize>r << 2)) * <usize>d) << 2);
}

/** Label y[idx[r]]. */
// @ts-ignore: decorator
@inline
export function labelAt(y: usize, idx: usize, r: i32): f32 {
  return load<f32>(y + (<usize>load<i32>(idx + (<usize>r << 2)) << 2));
}

/** p[0..n) = 0 (f32). */
// @ts-ignore: decorator
@inline
export function zero(p: usize, n: i32): void {
  memory.fill(p, 0, <usize>n << 2);
}

/**
 * Every kernel's last step: grad[0..nW) = grad/m + l2·W; grad[nW..nW+nB) = grad/m; returns the mean of
 * the summed row losses plus (l2/2)‖W‖².
 */
// @ts-ignore: decorator
@inline
export function finish(grad: usize, params: usize, nW: i32, nB: i32, count: i32, l2: f32, lossSum: f64): f64 {
  const inv: f32 = count > 0 ? <f32>1 / <f32>count : 0;
  axpby(grad, inv, l2, params, nW);
  const gb = grad + (<usize>nW << 2);
  for (let c = 0; c < nB; c++) {
    const o = <usize>c << 2;
    store<f32>(gb + o, load<f32>(gb + o) * inv);
  }
  const pen = l2 != 0 ? 0.5 * <f64>l2 * <f64>dot(params, params, nW) : 0;
  return (count > 0 ? lossSum / <f64>count : 0) + pen;
}
