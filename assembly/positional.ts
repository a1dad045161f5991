// A learned positional embedding (GPT-2's wpe): a table P of T × d parameters added to every row of a
// chunk, position by position. Elementwise adds, so the f32x4 loop and the scalar loop compute the same
// values and both builds agree bit for bit.
import { colSum } from "./gemm";

/** y (n,T,d) = x (n,T,d) + P (T,d) broadcast over the n rows; y may be x. */
export function positionalForward(y: usize, x: usize, P: usize, n: i32, T: i32, d: i32): void {
  const m = T * d;
  for (let i = 0; i < n; i++) {
    const xi = x + (<usize>(i * m) << 2), yi = y + (<usize>(i * m) << 2);
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 4 <= m; j += 4) {
        const o = <usize>j << 2;
        v128.store(yi + o, f32x4.add(v128.load(xi + o), v128.load(P + o)));
      }
    }
    for (; j < m; j++) {
      const o = <usize>j << 2;
      store<f32>(yi + o, load<f32>(xi + o) + load<f32>(P + o));
    }
  }
}

/**
 * gP (T,d) = Σ_i dy[i] over the n rows of dy (n,T,d), in row order (overwritten): the table's gradient.
 * The input's gradient is dy itself.
 */
export function positionalBackward(gP: usize, dy: usize, n: i32, T: i32, d: i32): void {
  colSum(gP, dy, n, T * d, T * d, 0);
}
