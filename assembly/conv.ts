// 2-D convolution of NCHW images (one image per row, C·H·W f32) by im2col and the matrix products of
// gemm.ts. Per image, the patches are written as rows — patch row p = oh·OW + ow holds the C·k·k inputs
// under the kernel at that position, in PyTorch's weight order (c, ki, kj), zeros where the padding is — so
// that with W the filters × C·k·k weight (PyTorch's layout, read in place):
//   forward        Y_img (F × P)   = W · colᵀ          gemmNT (col packed as B panels, W read in place)
//   weights        dW (F × CKK)   += dY_img · col       gemmNN (dY read in place)
//   input          dcol (P × CKK)  = dY_imgᵀ · W        gemmTN, then col2im adds each patch back
// The f32x4 work is in the products; im2col and col2im are copies. One image's patch rows live in the
// caller's `col` scratch (P × CKK f32), recomputed by the weight pass rather than kept per image, so the
// workspace holds one image's columns whatever the chunk; `pack` is the products' scratch. Nothing here
// allocates.
import { gemmNT, gemmNN, gemmTN, gemmPackFloats } from "./gemm";
import { ACT_IDENTITY } from "./abi.generated";

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
            memory.fill(dst, 0, <usize>k << 2);
          } else {
            const row = xc + (<usize>(ih * W) << 2);
            if (inside) {
              memory.copy(dst, row + (<usize>iw0 << 2), <usize>k << 2);
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
      for (let c = 0; c < C; c++) {
        const xc = dx + <usize>c * plane;
        for (let ki = 0; ki < k; ki++) {
          const ih = ih0 + ki;
          if (ih >= 0 && ih < H) {
            const row = xc + (<usize>(ih * W) << 2);
            for (let kj = 0; kj < k; kj++) {
              const iw = iw0 + kj;
              if (iw >= 0 && iw < W) {
                const p = row + (<usize>iw << 2);
                store<f32>(p, load<f32>(p) + load<f32>(src + (<usize>kj << 2)));
              }
            }
          }
          src += <usize>k << 2;
        }
      }
    }
  }
}

/** f32 of the `pack` scratch the three convolution passes need (the largest of their products'). */
export function convPackFloats(C: i32, F: i32, k: i32, OH: i32, OW: i32): i32 {
  const P = OH * OW, ckk = C * k * k;
  return max(gemmPackFloats(F, P, ckk), max(gemmPackFloats(F, ckk, P), gemmPackFloats(P, ckk, F)));
}

/**
 * Forward pass of n images: y (n × F×OH×OW) = conv(x (n × C×H×W), w (F × C×k×k)) + bias (F, or 0 = none).
 * col: OH·OW × C·k·k f32 scratch; pack: convPackFloats f32.
 */
export function conv2dForward(y: usize, x: usize, w: usize, bias: usize, n: i32, C: i32, H: i32, W: i32, F: i32,
  k: i32, s: i32, pad: i32, OH: i32, OW: i32, col: usize, pack: usize): void {
  const P = OH * OW, ckk = C * k * k;
  const inBytes = <usize>(C * H * W) << 2, outBytes = <usize>(F * P) << 2;
  for (let i = 0; i < n; i++) {
    const yi = y + <usize>i * outBytes;
    im2col(col, x + <usize>i * inBytes, C, H, W, k, s, pad, OH, OW);
    gemmNT(yi, w, col, F, P, ckk, ckk, ckk, P, 0, 0, ACT_IDENTITY, 0, pack);
    if (bias != 0) addRowBias(yi, bias, F, P);
  }
}

/** y[f, p] += bias[f] over an F × P block. */
function addRowBias(y: usize, bias: usize, F: i32, P: i32): void {
  for (let f = 0; f < F; f++) {
    const row = y + (<usize>(f * P) << 2);
    const b = load<f32>(bias + (<usize>f << 2));
    let p = 0;
    if (ASC_FEATURE_SIMD) {
      const bv = f32x4.splat(b);
      for (; p + 4 <= P; p += 4) {
        const q = row + (<usize>p << 2);
        v128.store(q, f32x4.add(v128.load(q), bv));
      }
    }
    for (; p < P; p++) {
      const q = row + (<usize>p << 2);
      store<f32>(q, load<f32>(q) + b);
    }
  }
}

/** out[f] (+)= Σ_p A[f, p] over an F × P block (the bias gradient); beta = 1 adds to out. */
function rowSum(out: usize, A: usize, F: i32, P: i32, beta: f32): void {
  for (let f = 0; f < F; f++) {
    const row = A + (<usize>(f * P) << 2);
    let p = 0;
    let s: f32 = 0;
    if (ASC_FEATURE_SIMD) {
      let acc = f32x4.splat(0);
      for (; p + 4 <= P; p += 4) acc = f32x4.add(acc, v128.load(row + (<usize>p << 2)));
      s = (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) + (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
    } else {
      let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
      for (; p + 4 <= P; p += 4) {
        const q = row + (<usize>p << 2);
        s0 += load<f32>(q); s1 += load<f32>(q, 4); s2 += load<f32>(q, 8); s3 += load<f32>(q, 12);
      }
      s = (s0 + s1) + (s2 + s3);
    }
    for (; p < P; p++) s += load<f32>(row + (<usize>p << 2));
    const o = out + (<usize>f << 2);
    store<f32>(o, beta != 0 ? load<f32>(o) + s : s);
  }
}

/**
 * Weight pass of n images: gw (F × C·k·k) = Σ_i dY_i · col_i and gb (F, or 0) = Σ_i Σ_p dY_i[f, p],
 * both overwritten (image 0 writes, the others add, in image order).
 */
export function conv2dBackwardWeights(gw: usize, gb: usize, dy: usize, x: usize, n: i32, C: i32, H: i32, W: i32, F: i32,
  k: i32, s: i32, pad: i32, OH: i32, OW: i32, col: usize, pack: usize): void {
  const P = OH * OW, ckk = C * k * k;
  const inBytes = <usize>(C * H * W) << 2, outBytes = <usize>(F * P) << 2;
  if (n == 0) {
    memory.fill(gw, 0, <usize>(F * ckk) << 2);
    if (gb != 0) memory.fill(gb, 0, <usize>F << 2);
  }
  for (let i = 0; i < n; i++) {
    const dyi = dy + <usize>i * outBytes;
    im2col(col, x + <usize>i * inBytes, C, H, W, k, s, pad, OH, OW);
    gemmNN(gw, dyi, col, F, ckk, P, P, ckk, ckk, i > 0 ? 1 : 0, pack);
    if (gb != 0) rowSum(gb, dyi, F, P, i > 0 ? 1 : 0);
  }
}

/** Input pass of n images: dx (n × C×H×W, overwritten) from dy and the weights; col is the dcol scratch. */
export function conv2dBackwardInput(dx: usize, dy: usize, w: usize, n: i32, C: i32, H: i32, W: i32, F: i32,
  k: i32, s: i32, pad: i32, OH: i32, OW: i32, col: usize, pack: usize): void {
  const P = OH * OW, ckk = C * k * k;
  const inBytes = <usize>(C * H * W) << 2, outBytes = <usize>(F * P) << 2;
  for (let i = 0; i < n; i++) {
    gemmTN(col, dy + <usize>i * outBytes, w, P, ckk, F, P, ckk, ckk, 0, pack);
    col2im(dx + <usize>i * inBytes, col, C, H, W, k, s, pad, OH, OW);
  }
}
