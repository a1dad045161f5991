// Pure-TS twins of assembly/conv.ts: 2-D convolution of NCHW images by im2col (patch rows, PyTorch's
// (c, ki, kj) order) and the gemm twins, typed arrays plus element offsets for pointers.
import { gemmNT, gemmNN, gemmTN, gemmPackFloats } from './gemm.js';
import { ACT_IDENTITY } from './activations.js';

/** Patch rows of one C×H×W image at x[xo]: col[co + p·CKK + (c·k + ki)·k + kj], zeros in the padding. */
export function im2col(col: Float32Array, co: number, x: Float32Array, xo: number, C: number, H: number, W: number,
  k: number, s: number, pad: number, OH: number, OW: number): void {
  let d = co;
  for (let oh = 0; oh < OH; oh++) {
    for (let ow = 0; ow < OW; ow++) {
      const ih0 = oh * s - pad, iw0 = ow * s - pad;
      for (let c = 0; c < C; c++) {
        for (let ki = 0; ki < k; ki++) {
          const ih = ih0 + ki;
          const row = xo + (c * H + ih) * W;
          for (let kj = 0; kj < k; kj++) {
            const iw = iw0 + kj;
            col[d++] = ih >= 0 && ih < H && iw >= 0 && iw < W ? x[row + iw] : 0;
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: dx (C×H×W at dxo, overwritten) = every patch row of dcol added back in place. */
export function col2im(dx: Float32Array, dxo: number, dcol: Float32Array, co: number, C: number, H: number, W: number,
  k: number, s: number, pad: number, OH: number, OW: number): void {
  dx.fill(0, dxo, dxo + C * H * W);
  let d = co;
  for (let oh = 0; oh < OH; oh++) {
    for (let ow = 0; ow < OW; ow++) {
      const ih0 = oh * s - pad, iw0 = ow * s - pad;
      for (let c = 0; c < C; c++) {
        for (let ki = 0; ki < k; ki++) {
          const ih = ih0 + ki;
          const row = dxo + (c * H + ih) * W;
          for (let kj = 0; kj < k; kj++, d++) {
            const iw = iw0 + kj;
            if (ih >= 0 && ih < H && iw >= 0 && iw < W) dx[row + iw] += dcol[d];
          }
        }
      }
    }
  }
}

/** Twin of convPackFloats. */
export function convPackFloats(C: number, F: number, k: number, OH: number, OW: number): number {
  const P = OH * OW, ckk = C * k * k;
  return Math.max(gemmPackFloats(F, P, ckk), gemmPackFloats(F, ckk, P), gemmPackFloats(P, ckk, F));
}

/** Twin of conv2dForward: y = conv(x, w) + bias per image; bias null = none; col is P × CKK scratch. */
export function conv2dForward(y: Float32Array, yo: number, x: Float32Array, xo: number, w: Float32Array, wo: number,
  bias: Float32Array | null, bo: number, n: number, C: number, H: number, W: number, F: number, k: number, s: number,
  pad: number, OH: number, OW: number, col: Float32Array, co: number): void {
  const P = OH * OW, ckk = C * k * k;
  for (let i = 0; i < n; i++) {
    const yi = yo + i * F * P;
    im2col(col, co, x, xo + i * C * H * W, C, H, W, k, s, pad, OH, OW);
    gemmNT(y, yi, w, wo, col, co, F, P, ckk, ckk, ckk, P, 0, null, 0, ACT_IDENTITY, 0);
    if (bias) {
      for (let f = 0; f < F; f++) {
        const b = bias[bo + f], r = yi + f * P;
        for (let p = 0; p < P; p++) y[r + p] = y[r + p] + b;
      }
    }
  }
}

/** Twin of conv2dBackwardWeights: gw = Σ_i dY_i·col_i, gb = Σ dY per filter (null = none), overwritten. */
export function conv2dBackwardWeights(gw: Float32Array, gwo: number, gb: Float32Array | null, gbo: number,
  dy: Float32Array, dyo: number, x: Float32Array, xo: number, n: number, C: number, H: number, W: number, F: number,
  k: number, s: number, pad: number, OH: number, OW: number, col: Float32Array, co: number): void {
  const P = OH * OW, ckk = C * k * k;
  if (n === 0) {
    gw.fill(0, gwo, gwo + F * ckk);
    if (gb) gb.fill(0, gbo, gbo + F);
  }
  for (let i = 0; i < n; i++) {
    const dyi = dyo + i * F * P;
    im2col(col, co, x, xo + i * C * H * W, C, H, W, k, s, pad, OH, OW);
    gemmNN(gw, gwo, dy, dyi, col, co, F, ckk, P, P, ckk, ckk, i > 0 ? 1 : 0);
    if (gb) {
      for (let f = 0; f < F; f++) {
        let t = 0;
        for (let p = 0; p < P; p++) t += dy[dyi + f * P + p];
        gb[gbo + f] = i > 0 ? gb[gbo + f] + t : t;
      }
    }
  }
}

/** Twin of conv2dBackwardInput: dx (overwritten) from dy and w; col is the dcol scratch. */
export function conv2dBackwardInput(dx: Float32Array, dxo: number, dy: Float32Array, dyo: number, w: Float32Array,
  wo: number, n: number, C: number, H: number, W: number, F: number, k: number, s: number, pad: number, OH: number,
  OW: number, col: Float32Array, co: number): void {
  const P = OH * OW, ckk = C * k * k;
  for (let i = 0; i < n; i++) {
    gemmTN(col, co, dy, dyo + i * F * P, w, wo, P, ckk, F, P, ckk, ckk, 0);
    col2im(dx, dxo + i * C * H * W, col, co, C, H, W, k, s, pad, OH, OW);
  }
}
