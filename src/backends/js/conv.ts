// Pure-TS twins of assembly/conv.ts: 2-D convolution of NCHW images by im2col (patch rows of the whole
// chunk, PyTorch's (c, ki, kj) order) and the gemm twins, one product per pass; typed arrays plus element
// offsets for pointers.
import { gemmNT, gemmNN, gemmTN, colSum, gemmPackFloats } from './gemm.js';
import { ACT_IDENTITY } from './activations.js';
import { LAYER_SLOT as C, LAYER_SLOTS } from '../abi.generated.js';
import type { NetCtx } from './record.js';

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
export function convPackFloats(n: number, C: number, F: number, k: number, OH: number, OW: number): number {
  const nP = n * OH * OW, ckk = C * k * k;
  return Math.max(gemmPackFloats(F, nP, ckk), gemmPackFloats(ckk, F, nP) + ckk * F, gemmPackFloats(ckk, nP, F));
}

/** dst (cols × rows) = srcᵀ. */
function transpose(dst: Float32Array, d: number, src: Float32Array, s: number, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) dst[d + c * rows + r] = src[s + r * cols + c];
}

/** Twin of conv2dForward: y = conv(x, w) + bias (null = none); leaves the patch rows in col; t is scratch. */
export function conv2dForward(y: Float32Array, yo: number, x: Float32Array, xo: number, w: Float32Array, wo: number,
  bias: Float32Array | null, bo: number, n: number, C: number, H: number, W: number, F: number, k: number, s: number,
  pad: number, OH: number, OW: number, col: Float32Array, co: number, t: Float32Array, to: number): void {
  const P = OH * OW, ckk = C * k * k;
  for (let i = 0; i < n; i++) im2col(col, co + i * P * ckk, x, xo + i * C * H * W, C, H, W, k, s, pad, OH, OW);
  gemmNT(t, to, col, co, w, wo, n * P, F, ckk, ckk, ckk, F, 0, bias, bo, ACT_IDENTITY, 0);
  for (let i = 0; i < n; i++) transpose(y, yo + i * F * P, t, to + i * F * P, P, F);
}

/** Twin of conv2dBackwardWeights: gw and gb (null = none) overwritten from dy and the forward pass's patch rows. */
export function conv2dBackwardWeights(gw: Float32Array, gwo: number, gb: Float32Array | null, gbo: number,
  dy: Float32Array, dyo: number, col: Float32Array, co: number, n: number, C: number, F: number, k: number,
  OH: number, OW: number, t: Float32Array, to: number): void {
  const P = OH * OW, ckk = C * k * k;
  for (let i = 0; i < n; i++) transpose(t, to + i * F * P, dy, dyo + i * F * P, F, P);
  gemmTN(gw, gwo, t, to, col, co, F, ckk, n * P, F, ckk, ckk, 0);
  if (gb) colSum(gb, gbo, t, to, n * P, F, F, 0);
}

/** Twin of conv2dBackwardInput: dx (overwritten) from dy and w; col (overwritten) and t are scratch. */
export function conv2dBackwardInput(dx: Float32Array, dxo: number, dy: Float32Array, dyo: number, w: Float32Array,
  wo: number, n: number, C: number, H: number, W: number, F: number, k: number, s: number, pad: number, OH: number,
  OW: number, col: Float32Array, co: number, t: Float32Array, to: number): void {
  const P = OH * OW, ckk = C * k * k;
  for (let i = 0; i < n; i++) transpose(t, to + i * F * P, dy, dyo + i * F * P, F, P);
  gemmNN(col, co, t, to, w, wo, n * P, ckk, F, F, ckk, ckk, 0);
  for (let i = 0; i < n; i++) col2im(dx, dxo + i * C * H * W, col, co + i * P * ckk, C, H, W, k, s, pad, OH, OW);
}

/** Twin of conv2dDirectForward: the convolution by its definition, no scratch. */
export function conv2dDirectForward(y: Float32Array, yo: number, x: Float32Array, xo: number, w: Float32Array, wo: number,
  bias: Float32Array | null, bo: number, n: number, C: number, H: number, W: number, F: number, k: number, s: number,
  pad: number, OH: number, OW: number): void {
  let o = yo;
  for (let i = 0; i < n; i++) for (let f = 0; f < F; f++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    let t = 0;
    for (let c = 0; c < C; c++) {
      for (let ki = 0; ki < k; ki++) {
        const ih = oh * s - pad + ki;
        if (ih < 0 || ih >= H) continue;
        const xr = xo + ((i * C + c) * H + ih) * W, wr = wo + ((f * C + c) * k + ki) * k;
        for (let kj = 0; kj < k; kj++) {
          const iw = ow * s - pad + kj;
          if (iw >= 0 && iw < W) t += w[wr + kj] * x[xr + iw];
        }
      }
    }
    y[o++] = t + (bias ? bias[bo + f] : 0);
  }
}

// The conv2d layer over a network record (abi.json layerKinds `conv2d`), as in assembly/conv.ts.
const S = LAYER_SLOTS.conv2d;

/** Twin of conv2dLayerForward. */
export function conv2dLayerForward(c: NetCtx, L: number, n: number, training: boolean): void {
  const { net, ws, params } = c, b = net[L + S.b];
  conv2dForward(ws, net[L + C.y], ws, net[L + C.x], params, net[L + S.w], b >= 0 ? params : null, b, n, net[L + S.channels],
    net[L + S.height], net[L + S.width], net[L + S.filters], net[L + S.kernel], net[L + S.stride], net[L + S.pad],
    net[L + S.outHeight], net[L + S.outWidth], ws, net[L + S.patches], ws, net[L + S.patchOut]);
}

/** Twin of conv2dLayerBackward: weights from the patch rows forward left, then dx (which overwrites them). */
export function conv2dLayerBackward(c: NetCtx, L: number, g: Float32Array, gOff: number, n: number, training: boolean): void {
  const { net, ws, params } = c;
  const Ch = net[L + S.channels], F = net[L + S.filters], k = net[L + S.kernel], OH = net[L + S.outHeight], OW = net[L + S.outWidth];
  const w = net[L + S.w], b = net[L + S.b], dx = net[L + C.dx], dy = net[L + C.dy], col = net[L + S.patches], t = net[L + S.patchOut];
  conv2dBackwardWeights(g, gOff + w, b >= 0 ? g : null, gOff + b, ws, dy, ws, col, n, Ch, F, k, OH, OW, ws, t);
  if (dx >= 0) {
    conv2dBackwardInput(ws, dx, ws, dy, params, w, n, Ch, net[L + S.height], net[L + S.width], F, k, net[L + S.stride],
      net[L + S.pad], OH, OW, ws, col, ws, t);
  }
}
