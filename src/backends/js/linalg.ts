// Pure-TS twins of assembly/linalg.ts: the same kernels over typed arrays with offsets in elements.
// Written as a careful JS engineer would (four accumulators, no allocation); arithmetic is f64 and
// rounds to f32 only on store, so results agree with the WASM builds to float32 tolerance.

/** Dot product of a[ao..ao+n) and b[bo..bo+n). */
export function dotF32(a: Float32Array, ao: number, b: Float32Array, bo: number, n: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += a[ao + i] * b[bo + i];
    s1 += a[ao + i + 1] * b[bo + i + 1];
    s2 += a[ao + i + 2] * b[bo + i + 2];
    s3 += a[ao + i + 3] * b[bo + i + 3];
  }
  let s = (s0 + s1) + (s2 + s3);
  for (; i < n; i++) s += a[ao + i] * b[bo + i];
  return s;
}

/** y[yo+i] += alpha · x[xo+i] for i < n. */
export function axpyF32(y: Float32Array, yo: number, alpha: number, x: Float32Array, xo: number, n: number): void {
  for (let i = 0; i < n; i++) y[yo + i] += alpha * x[xo + i];
}

/** y[i] = alpha · y[i] + beta · x[i] for i < n. */
export function axpbyF32(y: Float32Array, alpha: number, beta: number, x: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) y[i] = alpha * y[i] + beta * x[i];
}
