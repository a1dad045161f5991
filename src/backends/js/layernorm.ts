// Pure-TS twin of assembly/layernorm.ts: layer normalization over the last axis, the same f64 sums in the
// same order (so it matches the kernels to float32 rounding of the same values).
import { LAYER_SLOT as C, LAYER_SLOTS } from '../abi.generated.js';
import type { NetCtx } from './record.js';

/** Twin of layerNormForward: x (P, D) at xo → y, xhat (P, D), rstd (P). */
export function layerNormForward(ws: Float32Array, y: number, xhat: number, rstd: number, x: Float32Array, xo: number,
  params: Float32Array, gamma: number, beta: number, P: number, D: number, eps: number): void {
  for (let p = 0; p < P; p++) {
    const row = p * D;
    let sum = 0;
    for (let j = 0; j < D; j++) sum += x[xo + row + j];
    const mean = sum / D;
    let sq = 0;
    for (let j = 0; j < D; j++) {
      const d = x[xo + row + j] - mean;
      sq += d * d;
    }
    const r = 1 / Math.sqrt(sq / D + eps);
    ws[rstd + p] = r;
    for (let j = 0; j < D; j++) {
      const h = Math.fround((x[xo + row + j] - mean) * r);
      ws[xhat + row + j] = h;
      ws[y + row + j] = Math.fround(params[gamma + j] * h) + params[beta + j];
    }
  }
}

/** Twin of layerNormBackward: gγ, gβ (D) into g (overwritten), dx (P, D) at dx ≥ 0. */
export function layerNormBackward(ws: Float32Array, dx: number, g: Float32Array, gg: number, gb: number, dy: number,
  xhat: number, rstd: number, params: Float32Array, gamma: number, P: number, D: number): void {
  for (let j = 0; j < D; j++) {
    let sg = 0, sb = 0;
    for (let p = 0; p < P; p++) {
      const d = ws[dy + p * D + j];
      sg += d * ws[xhat + p * D + j];
      sb += d;
    }
    g[gg + j] = sg;
    g[gb + j] = sb;
  }
  if (dx < 0) return;
  for (let p = 0; p < P; p++) {
    const row = p * D;
    let m1 = 0, m2 = 0;
    for (let j = 0; j < D; j++) {
      const v = params[gamma + j] * ws[dy + row + j];
      m1 += v;
      m2 += v * ws[xhat + row + j];
    }
    m1 /= D;
    m2 /= D;
    const r = ws[rstd + p];
    for (let j = 0; j < D; j++) ws[dx + row + j] = r * (params[gamma + j] * ws[dy + row + j] - m1 - ws[xhat + row + j] * m2);
  }
}

// The layerNorm layer over a network record (abi.json layerKinds `layerNorm`), as in assembly/layernorm.ts.
const S = LAYER_SLOTS.layerNorm;

/** Twin of layerNormLayerForward. */
export function layerNormLayerForward(c: NetCtx, L: number, n: number, training: boolean): void {
  const { net, ws, params } = c, D = net[L + S.features];
  layerNormForward(ws, net[L + C.y], net[L + S.xhat], net[L + S.rstd], ws, net[L + C.x], params, net[L + S.w], net[L + S.b],
    n * (net[L + C.outSize] / D), D, net[L + S.eps]);
}

/** Twin of layerNormLayerBackward. */
export function layerNormLayerBackward(c: NetCtx, L: number, g: Float32Array, gOff: number, n: number, training: boolean): void {
  const { net, ws, params } = c, D = net[L + S.features];
  layerNormBackward(ws, net[L + C.dx], g, gOff + net[L + S.w], gOff + net[L + S.b], net[L + C.dy], net[L + S.xhat], net[L + S.rstd],
    params, net[L + S.w], n * (net[L + C.outSize] / D), D);
}
