// Pure-TS twins of assembly/conv.ts: 2-D convolution of NCHW images by im2col (patch columns of the whole
// chunk: one row per tap in PyTorch's (c, ki, kj) order, one column per image and position) and the gemm
// twins, one product per pass, with dy's planes side by side for both backward passes; typed arrays plus
// element offsets for pointers.
import { gemmNT, gemmNN, gemmTN, gemmPackFloats } from './gemm.js';
import { ACT_IDENTITY } from './activations.js';
import { LAYER_SLOT as C, LAYER_SLOTS } from '../abi.generated.js';
import type { NetCtx } from './record.js';

/**
 * Twin of im2colT: the patch columns of n C×H×W images at x[xo] — col[co + q·nP + i·P + oh·OW + ow] for tap
 * q = (c·k + ki)·k + kj, zeros in the padding.
 */
export function im2colT(col: Float32Array, co: number, x: Float32Array, xo: number, n: number, C: number, H: number,
  W: number, k: number, s: number, pad: number, OH: number, OW: number): void {
  const P = OH * OW, ld = n * P;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < C; c++) {
      for (let ki = 0; ki < k; ki++) {
        for (let kj = 0; kj < k; kj++) {
          let d = co + ((c * k + ki) * k + kj) * ld + i * P;
          for (let oh = 0; oh < OH; oh++) {
            const ih = oh * s - pad + ki;
            const row = xo + ((i * C + c) * H + ih) * W;
            for (let ow = 0; ow < OW; ow++) {
              const iw = ow * s - pad + kj;
              col[d++] = ih >= 0 && ih < H && iw >= 0 && iw < W ? x[row + iw] : 0;
            }
          }
        }
      }
    }
  }
}

/** Twin of col2imT: dx (n images at dxo, overwritten) = every patch column of dcol added back, taps in decreasing order. */
export function col2imT(dx: Float32Array, dxo: number, dcol: Float32Array, co: number, n: number, C: number, H: number,
  W: number, k: number, s: number, pad: number, OH: number, OW: number): void {
  const P = OH * OW, ld = n * P;
  dx.fill(0, dxo, dxo + n * C * H * W);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < C; c++) {
      for (let ki = k - 1; ki >= 0; ki--) {
        for (let kj = k - 1; kj >= 0; kj--) {
          let d = co + ((c * k + ki) * k + kj) * ld + i * P;
          for (let oh = 0; oh < OH; oh++) {
            const ih = oh * s - pad + ki;
            const row = dxo + ((i * C + c) * H + ih) * W;
            for (let ow = 0; ow < OW; ow++, d++) {
              const iw = ow * s - pad + kj;
              if (ih >= 0 && ih < H && iw >= 0 && iw < W) dx[row + iw] += dcol[d];
            }
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

/** Twin of planesSideBySide: t (F × n·P) = dy (n × F × P), row f = plane f of every image in turn. */
function planesSideBySide(t: Float32Array, to: number, dy: Float32Array, dyo: number, n: number, F: number, P: number): void {
  for (let i = 0; i < n; i++) for (let f = 0; f < F; f++) t.set(dy.subarray(dyo + (i * F + f) * P, dyo + (i * F + f + 1) * P), to + f * n * P + i * P);
}

/** Twin of conv2dForward: y = conv(x, w) + bias (null = none); leaves the patch columns in col; t is scratch. */
export function conv2dForward(y: Float32Array, yo: number, x: Float32Array, xo: number, w: Float32Array, wo: number,
  bias: Float32Array | null, bo: number, n: number, C: number, H: number, W: number, F: number, k: number, s: number,
  pad: number, OH: number, OW: number, col: Float32Array, co: number, t: Float32Array, to: number): void {
  const P = OH * OW, ckk = C * k * k, ld = n * P;
  im2colT(col, co, x, xo, n, C, H, W, k, s, pad, OH, OW);
  gemmNN(t, to, w, wo, col, co, F, ld, ckk, ckk, ld, ld, 0);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < F; f++) {
      const b = bias ? bias[bo + f] : 0, d = yo + (i * F + f) * P, src = to + f * ld + i * P;
      for (let p = 0; p < P; p++) y[d + p] = bias ? Math.fround(t[src + p] + b) : t[src + p];
    }
  }
}

/** The weight pass once t holds dy's planes side by side. */
function weightsFromPlanes(gw: Float32Array, gwo: number, gb: Float32Array | null, gbo: number, col: Float32Array, co: number,
  n: number, C: number, F: number, k: number, P: number, t: Float32Array, to: number): void {
  const ckk = C * k * k, ld = n * P;
  // gw (F × C·k·k) = t · colᵀ: the same sums as the WASM kernel's dWᵀ = col · tᵀ, written in gw's layout directly.
  gemmNT(gw, gwo, t, to, col, co, F, ckk, ld, ld, ld, ckk, 0, null, 0, ACT_IDENTITY, 0);
  if (!gb) return;
  for (let f = 0; f < F; f++) {
    let sum = 0;
    for (let j = 0; j < ld; j++) sum += t[to + f * ld + j];
    gb[gbo + f] = sum;
  }
}

/** The input pass once t holds dy's planes side by side: dcol (in col) = wᵀ · t, then added back into dx. */
function inputFromPlanes(dx: Float32Array, dxo: number, w: Float32Array, wo: number, n: number, C: number, H: number, W: number,
  F: number, k: number, s: number, pad: number, OH: number, OW: number, col: Float32Array, co: number, t: Float32Array, to: number): void {
  const ckk = C * k * k, ld = n * OH * OW;
  gemmTN(col, co, w, wo, t, to, ckk, ld, F, ckk, ld, ld, 0);
  col2imT(dx, dxo, col, co, n, C, H, W, k, s, pad, OH, OW);
}

/** Twin of conv2dBackwardWeights: gw and gb (null = none) overwritten from dy and the forward pass's patch columns. */
export function conv2dBackwardWeights(gw: Float32Array, gwo: number, gb: Float32Array | null, gbo: number,
  dy: Float32Array, dyo: number, col: Float32Array, co: number, n: number, C: number, F: number, k: number,
  OH: number, OW: number, t: Float32Array, to: number): void {
  planesSideBySide(t, to, dy, dyo, n, F, OH * OW);
  weightsFromPlanes(gw, gwo, gb, gbo, col, co, n, C, F, k, OH * OW, t, to);
}

/** Twin of conv2dBackwardInput: dx (overwritten) from dy and w; col (overwritten) and t are scratch. */
export function conv2dBackwardInput(dx: Float32Array, dxo: number, dy: Float32Array, dyo: number, w: Float32Array,
  wo: number, n: number, C: number, H: number, W: number, F: number, k: number, s: number, pad: number, OH: number,
  OW: number, col: Float32Array, co: number, t: Float32Array, to: number): void {
  planesSideBySide(t, to, dy, dyo, n, F, OH * OW);
  inputFromPlanes(dx, dxo, w, wo, n, C, H, W, F, k, s, pad, OH, OW, col, co, t, to);
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

/** Twin of conv2dLayerBackward: weights from the patch columns forward left, then dx (which overwrites them). */
export function conv2dLayerBackward(c: NetCtx, L: number, g: Float32Array, gOff: number, n: number, training: boolean): void {
  const { net, ws, params } = c;
  const Ch = net[L + S.channels], F = net[L + S.filters], k = net[L + S.kernel], OH = net[L + S.outHeight], OW = net[L + S.outWidth];
  const w = net[L + S.w], b = net[L + S.b], dx = net[L + C.dx], dy = net[L + C.dy], col = net[L + S.patches], t = net[L + S.patchOut];
  planesSideBySide(ws, t, ws, dy, n, F, OH * OW);
  weightsFromPlanes(g, gOff + w, b >= 0 ? g : null, gOff + b, ws, col, n, Ch, F, k, OH * OW, ws, t);
  if (dx >= 0) {
    inputFromPlanes(ws, dx, params, w, n, Ch, net[L + S.height], net[L + S.width], F, k, net[L + S.stride],
      net[L + S.pad], OH, OW, ws, col, ws, t);
  }
}
