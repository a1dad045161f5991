// Pure-TS twin of assembly/layernorm.ts: layer normalization over the last axis in f32 (Math.fround after
// every operation), a position's sums in four lanes (j mod 4) combined as (l0 + l1) + (l2 + l3) and then the
// tail, per-feature sums position after position: the kernels' operations in their order.
import { LAYER_SLOT as C, LAYER_SLOTS } from '../abi.generated.js';
import type { NetCtx } from './record.js';

const f = Math.fround;

/** Σ_j a[o + j] (or of (a − m)² when `m` is given) over D values, in the kernels' lane order. */
function laneSum(a: Float32Array, o: number, D: number, m?: number): number {
  const s = [0, 0, 0, 0];
  let j = 0;
  for (; j + 4 <= D; j += 4) {
    for (let l = 0; l < 4; l++) {
      const v = m === undefined ? a[o + j + l] : f(a[o + j + l] - m);
      s[l] = f(s[l] + (m === undefined ? v : f(v * v)));
    }
  }
  let t = f(f(s[0] + s[1]) + f(s[2] + s[3]));
  for (; j < D; j++) {
    const v = m === undefined ? a[o + j] : f(a[o + j] - m);
    t = f(t + (m === undefined ? v : f(v * v)));
  }
  return t;
}

/** Twin of layerNormForward: x (P, D) at xo → y, xhat (P, D), rstd (P). */
export function layerNormForward(ws: Float32Array, y: number, xhat: number, rstd: number, x: Float32Array, xo: number,
  params: Float32Array, gamma: number, beta: number, P: number, D: number, eps: number): void {
  for (let p = 0; p < P; p++) {
    const row = p * D;
    const mean = f(laneSum(x, xo + row, D) / D);
    const r = f(1 / Math.sqrt(f(laneSum(x, xo + row, D, mean) / D) + eps));
    ws[rstd + p] = r;
    for (let j = 0; j < D; j++) {
      const h = f(f(x[xo + row + j] - mean) * r);
      ws[xhat + row + j] = h;
      ws[y + row + j] = f(params[gamma + j] * h) + params[beta + j];
    }
  }
}

/** Twin of layerNormBackward: gγ, gβ (D) into g (overwritten), dx (P, D) at dx ≥ 0. */
export function layerNormBackward(ws: Float32Array, dx: number, g: Float32Array, gg: number, gb: number, dy: number,
  xhat: number, rstd: number, params: Float32Array, gamma: number, P: number, D: number): void {
  g.fill(0, gg, gg + D);
  g.fill(0, gb, gb + D);
  for (let p = 0; p < P; p++) {
    for (let j = 0; j < D; j++) {
      const d = ws[dy + p * D + j];
      g[gg + j] += f(d * ws[xhat + p * D + j]);
      g[gb + j] += d;
    }
  }
  if (dx < 0) return;
  const gv = new Float32Array(D), gx = new Float32Array(D);
  for (let p = 0; p < P; p++) {
    const row = p * D;
    for (let j = 0; j < D; j++) {
      gv[j] = params[gamma + j] * ws[dy + row + j];
      gx[j] = gv[j] * ws[xhat + row + j];
    }
    const m1 = f(laneSum(gv, 0, D) / D), m2 = f(laneSum(gx, 0, D) / D);
    const r = ws[rstd + p];
    for (let j = 0; j < D; j++) ws[dx + row + j] = r * f(f(gv[j] - m1) - f(ws[xhat + row + j] * m2));
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
