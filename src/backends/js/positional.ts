// Pure-TS twins of assembly/positional.ts: a learned positional table P (T × d) added to every row.
import { colSum } from './gemm.js';

/** Twin of positionalForward: y (n,T,d) = x (n,T,d) + P (T,d) per row; y may be x. */
export function positionalForward(y: Float32Array, yOff: number, x: Float32Array, xOff: number, P: Float32Array, pOff: number,
  n: number, T: number, d: number): void {
  const m = T * d;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) y[yOff + i * m + j] = x[xOff + i * m + j] + P[pOff + j];
  }
}

/** Twin of positionalBackward: gP (T,d) = Σ_i dy[i] over the n rows of dy (n,T,d), overwritten. */
export function positionalBackward(gP: Float32Array, gOff: number, dy: Float32Array, dyOff: number, n: number, T: number,
  d: number): void {
  colSum(gP, gOff, dy, dyOff, n, T * d, T * d, 0);
}
