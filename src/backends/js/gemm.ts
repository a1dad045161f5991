// Pure-TS twins of assembly/gemm.ts: the matrix products of dense layers, typed arrays plus element
// offsets. They accumulate in f64 and round once on store: the oracle in parity tests and the plain-JS
// baseline in benchmarks. gemmNT runs i-j-p (both operands are read along their rows, a dot product per
// element: i-p-j would stride down B's columns); gemmNN and gemmTN run i-p-j into an f64 row accumulator.
import { actElem, ACT_IDENTITY } from './activations.js';

/** Mirror of assembly/gemm.ts's blocking constants and pack size (f32 count of the `pack` scratch). */
const MR = 4, NR = 8, KC = 256, MC = 128, NC = 256, EDGE_FLOATS = 40;

/** f32 the `pack` argument of the WASM gemm kernels must hold for an m×n result, inner dimension k. */
export function gemmPackFloats(m: number, n: number, k: number): number {
  const kc = Math.min(Math.max(k, 0), KC);
  const nc = Math.min((n + NR - 1) & ~(NR - 1), NC);
  const mc = Math.min((m + MR - 1) & ~(MR - 1), MC);
  return kc * Math.max(nc, 0) + kc * Math.max(mc, 0) + EDGE_FLOATS;
}

let rowAcc = new Float64Array(256);
function acc(n: number): Float64Array {
  if (rowAcc.length < n) rowAcc = new Float64Array(Math.max(n, rowAcc.length * 2));
  return rowAcc;
}

/** C[i,j] = act(Σ_p A[i,p]·B[j,p] + beta·C[i,j] + bias[j]); A m×k, B n×k; bias null = none. */
export function gemmNT(C: Float32Array, cOff: number, A: Float32Array, aOff: number, B: Float32Array, bOff: number,
  m: number, n: number, k: number, lda: number, ldb: number, ldc: number, beta: number,
  bias: Float32Array | null, biasOff: number, act: number, slope: number): void {
  const s = Math.fround(slope);
  for (let i = 0; i < m; i++) {
    const a = aOff + i * lda, c = cOff + i * ldc;
    for (let j = 0; j < n; j++) {
      const b = bOff + j * ldb;
      // Four f64 partial sums break the add chain (f64: far below f32 rounding whatever the order).
      let t0 = 0, t1 = 0, t2 = 0, t3 = 0, p = 0;
      for (; p + 4 <= k; p += 4) {
        t0 += A[a + p] * B[b + p];
        t1 += A[a + p + 1] * B[b + p + 1];
        t2 += A[a + p + 2] * B[b + p + 2];
        t3 += A[a + p + 3] * B[b + p + 3];
      }
      for (; p < k; p++) t0 += A[a + p] * B[b + p];
      let t = (t0 + t1) + (t2 + t3);
      if (beta !== 0) t += C[c + j];
      if (bias) t += bias[biasOff + j];
      C[c + j] = act === ACT_IDENTITY ? t : actElem(Math.fround(t), act, s);
    }
  }
}

/** C = A·B (+ C when beta = 1); A m×k, B k×n. */
export function gemmNN(C: Float32Array, cOff: number, A: Float32Array, aOff: number, B: Float32Array, bOff: number,
  m: number, n: number, k: number, lda: number, ldb: number, ldc: number, beta: number): void {
  const t = acc(n);
  for (let i = 0; i < m; i++) {
    const c = cOff + i * ldc, a = aOff + i * lda;
    for (let j = 0; j < n; j++) t[j] = beta !== 0 ? C[c + j] : 0;
    for (let p = 0; p < k; p++) {
      const x = A[a + p], b = bOff + p * ldb;
      for (let j = 0; j < n; j++) t[j] += x * B[b + j];
    }
    for (let j = 0; j < n; j++) C[c + j] = t[j];
  }
}

/** C = Aᵀ·B (+ C when beta = 1); A k×m, B k×n; summed in row order of A and B. */
export function gemmTN(C: Float32Array, cOff: number, A: Float32Array, aOff: number, B: Float32Array, bOff: number,
  m: number, n: number, k: number, lda: number, ldb: number, ldc: number, beta: number): void {
  const t = acc(n);
  for (let i = 0; i < m; i++) {
    const c = cOff + i * ldc;
    for (let j = 0; j < n; j++) t[j] = beta !== 0 ? C[c + j] : 0;
    for (let p = 0; p < k; p++) {
      const x = A[aOff + p * lda + i], b = bOff + p * ldb;
      for (let j = 0; j < n; j++) t[j] += x * B[b + j];
    }
    for (let j = 0; j < n; j++) C[c + j] = t[j];
  }
}

/** out[j] = Σ_i A[i,j] (+ out[j] when beta = 1), in row order. */
export function colSum(out: Float32Array, oOff: number, A: Float32Array, aOff: number, m: number, n: number, lda: number, beta: number): void {
  const t = acc(n);
  for (let j = 0; j < n; j++) t[j] = beta !== 0 ? out[oOff + j] : 0;
  for (let i = 0; i < m; i++) {
    const a = aOff + i * lda;
    for (let j = 0; j < n; j++) t[j] += A[a + j];
  }
  for (let j = 0; j < n; j++) out[oOff + j] = t[j];
}
