// Pure-TS twin of assembly/batchnorm.ts: batch normalization per channel (n rows of C × S values),
// PyTorch's semantics (biased variance to normalize, unbiased in the running estimate, momentum, eps).
import { LAYER_SLOT as C, LAYER_SLOTS } from '../abi.generated.js';
import type { NetCtx } from './record.js';

/** Twin of batchNormForward; mean and vr are the running estimates (updated when training), aux gets mean and 1/σ. */
export function batchNormForward(y: Float32Array, yo: number, xhat: Float32Array, ho: number, x: Float32Array, xo: number,
  gamma: Float32Array, go: number, beta: Float32Array, bo: number, mean: Float32Array, mo: number, vr: Float32Array, vo: number,
  aux: Float32Array, auxo: number, n: number, C: number, S: number, training: boolean, momentum: number, eps: number): void {
  const N = n * S, row = C * S;
  for (let c = 0; c < C; c++) {
    let mu: number, inv: number;
    if (training) {
      let sum = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < S; j++) sum += x[xo + i * row + c * S + j];
      mu = N > 0 ? sum / N : 0;
      let ss = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < S; j++) {
          const d = x[xo + i * row + c * S + j] - mu;
          ss += d * d;
        }
      }
      const v = N > 0 ? ss / N : 0;
      inv = 1 / Math.sqrt(v + eps);
      if (N > 0) {
        mean[mo + c] = (1 - momentum) * mean[mo + c] + momentum * mu;
        vr[vo + c] = (1 - momentum) * vr[vo + c] + momentum * (N > 1 ? ss / (N - 1) : v);
      }
    } else {
      mu = mean[mo + c];
      inv = 1 / Math.sqrt(vr[vo + c] + eps);
    }
    aux[auxo + c] = mu;
    aux[auxo + C + c] = inv;
    const g = gamma[go + c], b = beta[bo + c];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < S; j++) {
        const q = i * row + c * S + j;
        const h = Math.fround((x[xo + q] - mu) * inv);
        xhat[ho + q] = h;
        y[yo + q] = g * h + b;
      }
    }
  }
}

/** Twin of batchNormBackward; dx null = not needed. */
export function batchNormBackward(dx: Float32Array | null, dxo: number, gg: Float32Array, ggo: number, gb: Float32Array,
  gbo: number, dy: Float32Array, dyo: number, xhat: Float32Array, ho: number, gamma: Float32Array, go: number,
  aux: Float32Array, auxo: number, n: number, C: number, S: number, training: boolean): void {
  const N = n * S, row = C * S;
  for (let c = 0; c < C; c++) {
    let sdy = 0, sdyx = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < S; j++) {
        const q = i * row + c * S + j;
        sdy += dy[dyo + q];
        sdyx += dy[dyo + q] * xhat[ho + q];
      }
    }
    gg[ggo + c] = sdyx;
    gb[gbo + c] = sdy;
    if (!dx) continue;
    const k = gamma[go + c] * aux[auxo + C + c];
    const a = training && N > 0 ? sdy / N : 0, bb = training && N > 0 ? sdyx / N : 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < S; j++) {
        const q = i * row + c * S + j;
        dx[dxo + q] = k * (dy[dyo + q] - a - xhat[ho + q] * bb);
      }
    }
  }
}

// The batch-norm layer over a network record (abi.json layerKinds `batchNorm`), as in assembly/batchnorm.ts.
const S = LAYER_SLOTS.batchNorm;

/** Twin of batchNormLayerForward. */
export function batchNormLayerForward(c: NetCtx, L: number, n: number, training: boolean): void {
  const { net, ws, params } = c, Ch = net[L + S.channels], m = net[L + S.stats];
  batchNormForward(ws, net[L + C.y], ws, net[L + S.xhat], ws, net[L + C.x], params, net[L + S.w], params, net[L + S.b],
    c.stats, m, c.stats, m + Ch, ws, net[L + S.moments], n, Ch, net[L + S.spatial], training, net[L + S.momentum], net[L + S.eps]);
}

/** Twin of batchNormLayerBackward. */
export function batchNormLayerBackward(c: NetCtx, L: number, g: Float32Array, gOff: number, n: number, training: boolean): void {
  const { net, ws, params } = c, dx = net[L + C.dx];
  batchNormBackward(dx >= 0 ? ws : null, dx, g, gOff + net[L + S.w], g, gOff + net[L + S.b], ws, net[L + C.dy], ws,
    net[L + S.xhat], params, net[L + S.w], ws, net[L + S.moments], n, net[L + S.channels], net[L + S.spatial], training);
}
