// The js twins of assembly/preprocess.ts, over plain arrays: the streaming Moments (src/data/moments.ts)
// and Preprocessing.applyInPlace call the same loops, so every path computes the same f64 operations.

/** f32's largest finite value (a standardized value beyond it is an error, not an Infinity). */
const F32_MAX = 3.4028234663852886e38;

/**
 * Welford's update over `rows` rows of x (row-major, `d` columns, from element `x0`) into mean and m2,
 * which already hold `seen` rows.
 */
export function colMoments(mean: Float64Array, m2: Float64Array, x: ArrayLike<number>, x0: number, rows: number, d: number, seen: number): void {
  for (let r = 0; r < rows; r++) {
    const n = seen + r + 1;
    for (let c = 0, i = x0 + r * d; c < d; c++, i++) {
      const v = x[i];
      const delta = v - mean[c];
      mean[c] += delta / n;
      m2[c] += delta * (v - mean[c]);
    }
  }
}

/**
 * out = fround((x − mean) / div) over `rows` rows of `d` columns (out may be x). Returns −1, or the flat
 * index of the first value whose quotient leaves the f32 range (the values before it are written).
 */
export function standardizeF32(out: Float32Array, x: ArrayLike<number>, rows: number, d: number, mean: ArrayLike<number>, div: ArrayLike<number>): number {
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < d; c++, i++) {
      const q = (x[i] - mean[c]) / div[c];
      if (!(Math.abs(q) <= F32_MAX)) return i;
      out[i] = q;
    }
  }
  return -1;
}
