// Pure-TS twins of assembly/positional.ts: a learned positional table P (T × d) added to every row.
import { colSum } from './gemm.js';
import { LAYER_SLOT as C, LAYER_SLOTS } from '../abi.generated.js';
import type { NetCtx } from './record.js';

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

// The positionalEmbedding layer over a network record (abi.json layerKinds `positionalEmbedding`).
const S = LAYER_SLOTS.positionalEmbedding;

/** Twin of positionalEmbeddingLayerForward. */
export function positionalEmbeddingLayerForward(c: NetCtx, L: number, n: number, training: boolean): void {
  const { net, ws, params } = c;
  positionalForward(ws, net[L + C.y], ws, net[L + C.x], params, net[L + S.w], n, net[L + S.steps], net[L + S.dim]);
}

/** Twin of positionalEmbeddingLayerBackward. */
export function positionalEmbeddingLayerBackward(c: NetCtx, L: number, g: Float32Array, gOff: number, n: number, training: boolean): void {
  const { net, ws } = c, T = net[L + S.steps], d = net[L + S.dim], dy = net[L + C.dy], dx = net[L + C.dx];
  positionalBackward(g, gOff + net[L + S.w], ws, dy, n, T, d);
  if (dx >= 0) ws.copyWithin(dx, dy, dy + n * T * d);
}
