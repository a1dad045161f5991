// Feature statistics and standardization over a dataset's rows in memory: what train() does to the data
// by default (src/models/preprocessing.ts). Both run in f64 per element exactly as the js twin
// (src/backends/js/preprocess.ts) and the streaming Moments do, so a dataset standardized here, by the
// twin or from a streamed file agrees bit for bit; SIMD only runs two columns at once (f64x2 lanes do
// the same IEEE operations as the scalar path).

// f32's largest finite value, as an f64 (a standardized value beyond it is an error, not an Infinity).
const F32_MAX: f64 = 3.4028234663852886e38;

/**
 * Welford's update over `rows` rows of x (row-major f32, `d` columns) into mean and m2 (f64 × d each),
 * which already hold `seen` rows: per column, n = seen + r + 1, δ = v − mean, mean += δ / n,
 * m2 += δ·(v − mean).
 */
export function colMoments(mean: usize, m2: usize, x: usize, rows: i32, d: i32, seen: f64): void {
  for (let r = 0; r < rows; r++) {
    const n = seen + <f64>(r + 1);
    const row = x + ((<usize>r * <usize>d) << 2);
    let c = 0;
    if (ASC_FEATURE_SIMD) {
      const nn = f64x2.splat(n);
      for (; c + 2 <= d; c += 2) {
        const pm = mean + (<usize>c << 3), ps = m2 + (<usize>c << 3);
        const v = f64x2.promote_low_f32x4(v128.load64_zero(row + (<usize>c << 2)));
        const delta = f64x2.sub(v, v128.load(pm));
        const m = f64x2.add(v128.load(pm), f64x2.div(delta, nn));
        v128.store(pm, m);
        v128.store(ps, f64x2.add(v128.load(ps), f64x2.mul(delta, f64x2.sub(v, m))));
      }
    }
    for (; c < d; c++) {
      const pm = mean + (<usize>c << 3), ps = m2 + (<usize>c << 3);
      const v = <f64>load<f32>(row + (<usize>c << 2));
      const delta = v - load<f64>(pm);
      const m = load<f64>(pm) + delta / n;
      store<f64>(pm, m);
      store<f64>(ps, load<f64>(ps) + delta * (v - m));
    }
  }
}

/**
 * out = f32((x − mean) / div) per column over `rows` rows of `d` columns (out may be x); mean and div are
 * f64 × d. Returns −1, or the flat index of the first value whose f64 quotient leaves the f32 range (the
 * values before it are written, the rest are not).
 */
export function standardizeF32(out: usize, x: usize, rows: i32, d: i32, mean: usize, div: usize): i32 {
  for (let r = 0; r < rows; r++) {
    const off = (<usize>r * <usize>d) << 2;
    const src = x + off, dst = out + off;
    let c = 0;
    if (ASC_FEATURE_SIMD) {
      const big = f64x2.splat(F32_MAX);
      for (; c + 2 <= d; c += 2) {
        const v = f64x2.promote_low_f32x4(v128.load64_zero(src + (<usize>c << 2)));
        const q = f64x2.div(f64x2.sub(v, v128.load(mean + (<usize>c << 3))), v128.load(div + (<usize>c << 3)));
        // Not (|q| ≤ F32_MAX) also catches NaN: fall to the scalar loop, which finds the lane.
        if (!v128.all_true<i64>(f64x2.le(f64x2.abs(q), big))) break;
        v128.store_lane<i64>(dst + (<usize>c << 2), f32x4.demote_f64x2_zero(q), 0);
      }
    }
    for (; c < d; c++) {
      const q = (<f64>load<f32>(src + (<usize>c << 2)) - load<f64>(mean + (<usize>c << 3))) / load<f64>(div + (<usize>c << 3));
      if (!(Math.abs(q) <= F32_MAX)) return r * d + c;
      store<f32>(dst + (<usize>c << 2), <f32>q);
    }
  }
  return -1;
}
