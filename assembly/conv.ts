// 2-D convolution of NCHW images (one image per row, C·H·W f32) by im2col and the matrix products of
// gemm.ts, one product per pass for the whole chunk. The patches of every image are written as rows —
// patch row p = oh·OW + ow of image i is row i·P + p of `col` (P = OH·OW), holding the C·k·k inputs under
// the kernel at that position in PyTorch's weight order (c, ki, kj), zeros in the padding — so that with
// W the F × C·k·k weight (PyTorch's layout, packed as the small operand) and T an n·P × F scratch:
//   forward        T = col · Wᵀ + bias           gemmNT, bias fused in the epilogue; T → y per image (transpose)
//   weights        dW = Tᵀ · col, db = Σ rows T   gemmTN and colSum, with T = dy per image transposed
//   input          dcol = T · W                   gemmNN, then col2im adds each patch row back per image
// One product of n·P rows keeps the f32x4 4×8 tiles busy; per image (m = F = 8 rows, k = 9) the tile
// set-up and the packing of each small product dominated (measured: 4–13% of the f32x4 peak per image,
// see bench/conv.bench.ts). The weight pass reads the patch rows the forward pass left in `col` (no second
// im2col); the input pass then overwrites `col` with dcol. Scratch comes from the caller: `col` (n·P ×
// C·k·k f32), `t` (n·P × F f32), `pack` (convPackFloats f32). Nothing here allocates.
import { colSum, gemmPackFloats } from "./gemm";
import { parGemmNT, parGemmNN, parGemmTN } from "./pargemm";
import {
  ACT_IDENTITY, L_X, L_Y, L_DX, L_DY, CONV2D_W, CONV2D_B, CONV2D_CHANNELS, CONV2D_HEIGHT, CONV2D_WIDTH, CONV2D_FILTERS,
  CONV2D_OUT_HEIGHT, CONV2D_OUT_WIDTH, CONV2D_KERNEL, CONV2D_STRIDE, CONV2D_PAD, CONV2D_PATCHES, CONV2D_PATCH_OUT,
} from "./abi.generated";
import { int, wsAt, wsOpt, paramAt } from "./slots";

/** Writes the patch rows of one C×H×W image (k×k kernel, stride s, zero padding pad) to col: OH·OW × C·k·k. */
export function im2col(col: usize, x: usize, C: i32, H: i32, W: i32, k: i32, s: i32, pad: i32, OH: i32, OW: i32): void {
  let dst = col;
  const plane = <usize>(H * W) << 2;
  for (let oh = 0; oh < OH; oh++) {
    const ih0 = oh * s - pad;
    for (let ow = 0; ow < OW; ow++) {
      const iw0 = ow * s - pad;
      const inside = iw0 >= 0 && iw0 + k <= W;
      for (let c = 0; c < C; c++) {
        const xc = x + <usize>c * plane;
        for (let ki = 0; ki < k; ki++) {
          const ih = ih0 + ki;
          if (ih < 0 || ih >= H) {
            for (let kj = 0; kj < k; kj++) store<f32>(dst + (<usize>kj << 2), 0);
          } else {
            const row = xc + (<usize>(ih * W) << 2);
            if (inside) {
              // A row of k values: a plain loop (memory.copy's call costs more than 3 loads and stores).
              const src = row + (<usize>iw0 << 2);
              for (let kj = 0; kj < k; kj++) store<f32>(dst + (<usize>kj << 2), load<f32>(src + (<usize>kj << 2)));
            } else {
              for (let kj = 0; kj < k; kj++) {
                const iw = iw0 + kj;
                store<f32>(dst + (<usize>kj << 2), iw >= 0 && iw < W ? load<f32>(row + (<usize>iw << 2)) : 0);
              }
            }
          }
          dst += <usize>k << 2;
        }
      }
    }
  }
}

/** The adjoint of im2col: dx (C×H×W, overwritten) = the sum of every patch row of dcol put back in place. */
export function col2im(dx: usize, dcol: usize, C: i32, H: i32, W: i32, k: i32, s: i32, pad: i32, OH: i32, OW: i32): void {
  memory.fill(dx, 0, <usize>(C * H * W) << 2);
  let src = dcol;
  const plane = <usize>(H * W) << 2;
  for (let oh = 0; oh < OH; oh++) {
    const ih0 = oh * s - pad;
    for (let ow = 0; ow < OW; ow++) {
      const iw0 = ow * s - pad;
      const inside = iw0 >= 0 && iw0 + k <= W;
      for (let c = 0; c < C; c++) {
        const xc = dx + <usize>c * plane;
        for (let ki = 0; ki < k; ki++) {
          const ih = ih0 + ki;
          if (ih >= 0 && ih < H) {
            const row = xc + (<usize>(ih * W) << 2);
            if (inside) {
              const p = row + (<usize>iw0 << 2);
              for (let kj = 0; kj < k; kj++) {
                const q = p + (<usize>kj << 2);
                store<f32>(q, load<f32>(q) + load<f32>(src + (<usize>kj << 2)));
              }
            } else {
              for (let kj = 0; kj < k; kj++) {
                const iw = iw0 + kj;
                if (iw >= 0 && iw < W) {
                  const p = row + (<usize>iw << 2);
                  store<f32>(p, load<f32>(p) + load<f32>(src + (<usize>kj << 2)));
                }
              }
            }
          }
          src += <usize>k << 2;
        }
      }
    }
  }
}

/** f32 of the `pack` scratch the three convolution passes of n images need (the largest of their products'). */
export function convPackFloats(n: i32, C: i32, F: i32, k: i32, OH: i32, OW: i32): i32 {
  const nP = n * OH * OW, ckk = C * k * k;
  return max(gemmPackFloats(nP, F, ckk), max(gemmPackFloats(F, ckk, nP), gemmPackFloats(nP, ckk, F)));
}

/** dst (cols × rows) = srcᵀ, src rows × cols, row-major. */
function transpose(dst: usize, src: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const s = src + (<usize>(r * cols) << 2);
    for (let c = 0; c < cols; c++) store<f32>(dst + (<usize>(c * rows + r) << 2), load<f32>(s + (<usize>c << 2)));
  }
}

/**
 * Forward pass of n images: y (n × F×OH×OW) = conv(x (n × C×H×W), w (F × C×k×k)) + bias (F, or 0 = none).
 * Leaves the patch rows in col (n·OH·OW × C·k·k) for the weight pass; t: n·OH·OW × F scratch.
 */
export function conv2dForward(y: usize, x: usize, w: usize, bias: usize, n: i32, C: i32, H: i32, W: i32, F: i32,
  k: i32, s: i32, pad: i32, OH: i32, OW: i32, col: usize, t: usize, pack: usize): void {
  const P = OH * OW, ckk = C * k * k;
  const inBytes = <usize>(C * H * W) << 2, colBytes = <usize>(P * ckk) << 2, outBytes = <usize>(F * P) << 2;
  for (let i = 0; i < n; i++) im2col(col + <usize>i * colBytes, x + <usize>i * inBytes, C, H, W, k, s, pad, OH, OW);
  parGemmNT(t, col, w, n * P, F, ckk, ckk, ckk, F, 0, bias, ACT_IDENTITY, 0, pack);
  for (let i = 0; i < n; i++) transpose(y + <usize>i * outBytes, t + <usize>i * outBytes, P, F);
}

/**
 * Weight pass of n images: gw (F × C·k·k) = Σ over images and positions of dy ⊗ patch, gb (F, or 0 = none)
 * = Σ dy per filter, both overwritten; col holds the patch rows conv2dForward left; t: n·OH·OW × F scratch.
 */
export function conv2dBackwardWeights(gw: usize, gb: usize, dy: usize, col: usize, n: i32, C: i32, F: i32, k: i32,
  OH: i32, OW: i32, t: usize, pack: usize): void {
  const P = OH * OW, ckk = C * k * k;
  const outBytes = <usize>(F * P) << 2;
  for (let i = 0; i < n; i++) transpose(t + <usize>i * outBytes, dy + <usize>i * outBytes, F, P);
  parGemmTN(gw, t, col, F, ckk, n * P, F, ckk, ckk, 0, pack);
  if (gb != 0) colSum(gb, t, n * P, F, F, 0);
}

/** Input pass of n images: dx (n × C×H×W, overwritten) from dy and w; col and t are scratch (col is overwritten). */
export function conv2dBackwardInput(dx: usize, dy: usize, w: usize, n: i32, C: i32, H: i32, W: i32, F: i32,
  k: i32, s: i32, pad: i32, OH: i32, OW: i32, col: usize, t: usize, pack: usize): void {
  const P = OH * OW, ckk = C * k * k;
  const inBytes = <usize>(C * H * W) << 2, colBytes = <usize>(P * ckk) << 2, outBytes = <usize>(F * P) << 2;
  for (let i = 0; i < n; i++) transpose(t + <usize>i * outBytes, dy + <usize>i * outBytes, F, P);
  parGemmNN(col, t, w, n * P, ckk, F, F, ckk, ckk, 0, pack);
  for (let i = 0; i < n; i++) col2im(dx + <usize>i * inBytes, col + <usize>i * colBytes, C, H, W, k, s, pad, OH, OW);
}

/**
 * The direct alternative, measured against im2col + gemm in bench/conv.bench.ts (forward only): for each
 * image, filter and output row, 16 outputs at a time in four f32x4 accumulators, each weight broadcast
 * once and multiplied into four unaligned input vectors (stride 1; other strides and the padded edges run
 * the scalar loop). No scratch. Same result as conv2dForward up to f32 summation order.
 */
export function conv2dDirectForward(y: usize, x: usize, w: usize, bias: usize, n: i32, C: i32, H: i32, W: i32, F: i32,
  k: i32, s: i32, pad: i32, OH: i32, OW: i32): void {
  const kk = k * k;
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < F; f++) {
      const b: f32 = bias != 0 ? load<f32>(bias + (<usize>f << 2)) : 0;
      const wf = w + (<usize>(f * C * kk) << 2);
      for (let oh = 0; oh < OH; oh++) {
        const yr = y + (<usize>(((i * F + f) * OH + oh) * OW) << 2);
        let ow = 0;
        // Columns whose whole window is inside the image (and every row inside): the vector path.
        const rowsInside = oh * s - pad >= 0 && oh * s - pad + k <= H;
        if (ASC_FEATURE_SIMD && s == 1 && rowsInside) {
          const lo = pad, hi = W - k + pad + 1; // ow with 0 ≤ ow − pad and ow − pad + k ≤ W
          for (; ow < lo && ow < OW; ow++) store<f32>(yr + (<usize>ow << 2), directOne(x, wf, i, C, H, W, k, s, pad, oh, ow) + b);
          const end = min(hi, OW);
          for (; ow + 16 <= end; ow += 16) {
            let a0 = f32x4.splat(b), a1 = a0, a2 = a0, a3 = a0;
            for (let c = 0; c < C; c++) {
              for (let ki = 0; ki < k; ki++) {
                const xr = x + (<usize>(((i * C + c) * H + oh - pad + ki) * W + ow - pad) << 2);
                const wr = wf + (<usize>((c * k + ki) * k) << 2);
                for (let kj = 0; kj < k; kj++) {
                  const wv = v128.load32_splat(wr + (<usize>kj << 2));
                  const p = xr + (<usize>kj << 2);
                  a0 = f32x4.add(a0, f32x4.mul(wv, v128.load(p)));
                  a1 = f32x4.add(a1, f32x4.mul(wv, v128.load(p, 16)));
                  a2 = f32x4.add(a2, f32x4.mul(wv, v128.load(p, 32)));
                  a3 = f32x4.add(a3, f32x4.mul(wv, v128.load(p, 48)));
                }
              }
            }
            const q = yr + (<usize>ow << 2);
            v128.store(q, a0); v128.store(q, a1, 16); v128.store(q, a2, 32); v128.store(q, a3, 48);
          }
          for (; ow + 4 <= end; ow += 4) {
            let a0 = f32x4.splat(b);
            for (let c = 0; c < C; c++) {
              for (let ki = 0; ki < k; ki++) {
                const xr = x + (<usize>(((i * C + c) * H + oh - pad + ki) * W + ow - pad) << 2);
                const wr = wf + (<usize>((c * k + ki) * k) << 2);
                for (let kj = 0; kj < k; kj++) {
                  a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(wr + (<usize>kj << 2)), v128.load(xr + (<usize>kj << 2))));
                }
              }
            }
            v128.store(yr + (<usize>ow << 2), a0);
          }
        }
        for (; ow < OW; ow++) store<f32>(yr + (<usize>ow << 2), directOne(x, wf, i, C, H, W, k, s, pad, oh, ow) + b);
      }
    }
  }
}

/** One output of the direct convolution, bounds-checked (edges, strides ≠ 1, the scalar build). */
function directOne(x: usize, wf: usize, i: i32, C: i32, H: i32, W: i32, k: i32, s: i32, pad: i32, oh: i32, ow: i32): f32 {
  let t: f32 = 0;
  for (let c = 0; c < C; c++) {
    for (let ki = 0; ki < k; ki++) {
      const ih = oh * s - pad + ki;
      if (ih < 0 || ih >= H) continue;
      const xr = x + (<usize>(((i * C + c) * H + ih) * W) << 2);
      const wr = wf + (<usize>((c * k + ki) * k) << 2);
      for (let kj = 0; kj < k; kj++) {
        const iw = ow * s - pad + kj;
        if (iw >= 0 && iw < W) t += load<f32>(wr + (<usize>kj << 2)) * load<f32>(xr + (<usize>iw << 2));
      }
    }
  }
  return t;
}

// The conv2d layer over a network record (abi.json layerKinds `conv2d`).

/** x is (n, C, H, W), W is (F, C, k, k), b is (F): y (n, F, OH, OW) = W ⊛ x + b, by patch rows. */
export function conv2dLayerForward(L: usize, ws: usize, params: usize, stats: usize, n: i32, training: bool, pack: usize, rng: usize): void {
  conv2dForward(wsAt(ws, L, L_Y), wsAt(ws, L, L_X), paramAt(params, L, CONV2D_W), paramAt(params, L, CONV2D_B), n,
    int(L, CONV2D_CHANNELS), int(L, CONV2D_HEIGHT), int(L, CONV2D_WIDTH), int(L, CONV2D_FILTERS), int(L, CONV2D_KERNEL),
    int(L, CONV2D_STRIDE), int(L, CONV2D_PAD), int(L, CONV2D_OUT_HEIGHT), int(L, CONV2D_OUT_WIDTH),
    wsAt(ws, L, CONV2D_PATCHES), wsAt(ws, L, CONV2D_PATCH_OUT), pack);
}

/** dy is (n, F, OH, OW): dW, db from the patch rows forward left; then dx (n, C, H, W), which overwrites them. */
export function conv2dLayerBackward(L: usize, ws: usize, params: usize, g: usize, n: i32, training: bool, pack: usize): void {
  const C = int(L, CONV2D_CHANNELS), F = int(L, CONV2D_FILTERS), k = int(L, CONV2D_KERNEL);
  const OH = int(L, CONV2D_OUT_HEIGHT), OW = int(L, CONV2D_OUT_WIDTH);
  const dy = wsAt(ws, L, L_DY), dx = wsOpt(ws, L, L_DX), col = wsAt(ws, L, CONV2D_PATCHES), t = wsAt(ws, L, CONV2D_PATCH_OUT);
  conv2dBackwardWeights(paramAt(g, L, CONV2D_W), paramAt(g, L, CONV2D_B), dy, col, n, C, F, k, OH, OW, t, pack);
  if (dx != 0) {
    conv2dBackwardInput(dx, dy, paramAt(params, L, CONV2D_W), n, C, int(L, CONV2D_HEIGHT), int(L, CONV2D_WIDTH), F, k,
      int(L, CONV2D_STRIDE), int(L, CONV2D_PAD), OH, OW, col, t, pack);
  }
}
