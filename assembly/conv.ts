// 2-D convolution of NCHW images (one image per row, C·H·W f32) by im2col and the matrix products of
// gemm.ts, one product per pass for the whole chunk. The patches are written as columns: `col` has one row
// per kernel tap q = (c, ki, kj) (PyTorch's weight order, C·k·k rows) and one column per (image, output
// position), i·P + oh·OW + ow (P = OH·OW), zeros in the padding. With stride 1 a tap's values along an
// output row are one contiguous run of the input, so im2col and its adjoint are runs of f32x4 copies and
// adds. With W the F × C·k·k weight (PyTorch's layout) and T an F × n·P scratch holding the planes of every
// image side by side (row f = plane f of image 0, then of image 1, …):
//   forward        T = W · col                 gemmNN; T → y plane by plane, the bias added on the way
//   weights        dWᵀ = col · Tᵀ, db = Σ T    gemmNT (col's rows in place, T packed) and row sums
//   input          dcol = Wᵀ · T               gemmTN, then col2im adds each tap's runs back
// with T = dy's planes side by side for both backward passes (one copy). Every element of a product is
// one running f32 sum over its inner index in order (the gemm's k blocks continue it), so these products
// give the bits the per-position form (patch rows, T = n·P × F) gave, and col2im adds each input's terms
// in the same order (decreasing tap = increasing position). One product of n·P columns keeps the f32x4 4×8
// tiles busy (per image, m = F = 8 rows and k = 9, tile set-up and packing dominated). The weight pass
// reads the patch columns the forward pass left in `col`; the input pass then overwrites `col` with dcol.
// Scratch comes from the caller: `col` (C·k·k × n·P f32), `t` (F × n·P f32), `pack` (convPackFloats f32).
// Nothing here allocates.
import { gemmPackFloats } from "./gemm";
import { parGemmNT, parGemmNN, parGemmTN } from "./pargemm";
import {
  ACT_IDENTITY, L_X, L_Y, L_DX, L_DY, CONV2D_W, CONV2D_B, CONV2D_CHANNELS, CONV2D_HEIGHT, CONV2D_WIDTH, CONV2D_FILTERS,
  CONV2D_OUT_HEIGHT, CONV2D_OUT_WIDTH, CONV2D_KERNEL, CONV2D_STRIDE, CONV2D_PAD, CONV2D_PATCHES, CONV2D_PATCH_OUT,
} from "./abi.generated";
import { int, wsAt, wsOpt, paramAt } from "./slots";

/**
 * dst[0..len) = src[0..len) (f32, the two apart): a plain loop, f32x4 where it can (memory.copy's call costs
 * more on these short runs); a run of 4 or more ends with one f32x4 over its last four (rewriting a few).
 */
// @ts-ignore: decorator
@inline
function copyRun(dst: usize, src: usize, len: i32): void {
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    if (len >= 4) {
      for (; j + 4 <= len; j += 4) v128.store(dst + (<usize>j << 2), v128.load(src + (<usize>j << 2)));
      if (j < len) v128.store(dst + (<usize>(len - 4) << 2), v128.load(src + (<usize>(len - 4) << 2)));
      return;
    }
  }
  for (; j < len; j++) store<f32>(dst + (<usize>j << 2), load<f32>(src + (<usize>j << 2)));
}

/** dst[j] += src[j] for j < len (f32, lane by lane: the same additions in both builds). */
// @ts-ignore: decorator
@inline
function addRun(dst: usize, src: usize, len: i32): void {
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    for (; j + 4 <= len; j += 4) {
      const q = dst + (<usize>j << 2);
      v128.store(q, f32x4.add(v128.load(q), v128.load(src + (<usize>j << 2))));
    }
  }
  for (; j < len; j++) {
    const q = dst + (<usize>j << 2);
    store<f32>(q, load<f32>(q) + load<f32>(src + (<usize>j << 2)));
  }
}

/** dst[0..len) = 0 (f32). */
// @ts-ignore: decorator
@inline
function zeroRun(dst: usize, len: i32): void {
  for (let j = 0; j < len; j++) store<f32>(dst + (<usize>j << 2), 0);
}

/** The first output column whose input column ow·s − pad + kj is inside [0, W). */
// @ts-ignore: decorator
@inline
function owFrom(kj: i32, s: i32, pad: i32): i32 {
  return pad > kj ? (pad - kj + s - 1) / s : 0;
}

/** One past the last output column (at most OW) whose input column is inside [0, W). */
// @ts-ignore: decorator
@inline
function owTo(kj: i32, s: i32, pad: i32, W: i32, OW: i32): i32 {
  const t = W - 1 + pad - kj;
  return t < 0 ? 0 : min(OW, t / s + 1);
}

/**
 * Writes the patch columns of n C×H×W images to col (C·k·k rows × n·P columns, P = OH·OW): row q = (c, ki, kj)
 * in PyTorch's weight order, column i·P + oh·OW + ow holds the input under kernel tap q at output position
 * (oh, ow) of image i, zero in the padding. With stride 1 each output row's run is one contiguous input run.
 */
export function im2colT(col: usize, x: usize, n: i32, C: i32, H: i32, W: i32, k: i32, s: i32, pad: i32, OH: i32, OW: i32): void {
  const P = OH * OW, ld = n * P, plane = H * W;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < C; c++) {
      const xc = x + (<usize>((i * C + c) * plane) << 2);
      for (let ki = 0; ki < k; ki++) {
        for (let kj = 0; kj < k; kj++) {
          const q = (c * k + ki) * k + kj;
          const lo = min(OW, owFrom(kj, s, pad)), hi = max(lo, owTo(kj, s, pad, W, OW));
          let dst = col + (<usize>q * <usize>ld + <usize>(i * P) << 2);
          for (let oh = 0; oh < OH; oh++) {
            const ih = oh * s - pad + ki;
            if (ih < 0 || ih >= H) {
              zeroRun(dst, OW);
            } else {
              zeroRun(dst, lo);
              const src = xc + (<usize>(ih * W + lo * s - pad + kj) << 2);
              if (s == 1) copyRun(dst + (<usize>lo << 2), src, hi - lo);
              else for (let ow = lo; ow < hi; ow++) store<f32>(dst + (<usize>ow << 2), load<f32>(src + (<usize>((ow - lo) * s) << 2)));
              zeroRun(dst + (<usize>hi << 2), OW - hi);
            }
            dst += <usize>OW << 2;
          }
        }
      }
    }
  }
}

/**
 * The adjoint of im2colT: dx (n × C×H×W, overwritten) = every patch column of dcol added back in place. Each
 * input receives its terms in decreasing tap order (ki, kj), which is increasing output position (oh, ow): the
 * order of a loop over patch rows, so the sums are those of the per-position form.
 */
export function col2imT(dx: usize, dcol: usize, n: i32, C: i32, H: i32, W: i32, k: i32, s: i32, pad: i32, OH: i32, OW: i32): void {
  const P = OH * OW, ld = n * P, plane = H * W;
  memory.fill(dx, 0, <usize>(n * C * plane) << 2);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < C; c++) {
      const xc = dx + (<usize>((i * C + c) * plane) << 2);
      for (let ki = k - 1; ki >= 0; ki--) {
        for (let kj = k - 1; kj >= 0; kj--) {
          const q = (c * k + ki) * k + kj;
          const lo = owFrom(kj, s, pad), hi = owTo(kj, s, pad, W, OW);
          if (hi <= lo) continue;
          let src = dcol + (<usize>q * <usize>ld + <usize>(i * P + lo) << 2);
          for (let oh = 0; oh < OH; oh++) {
            const ih = oh * s - pad + ki;
            if (ih >= 0 && ih < H) {
              const dst = xc + (<usize>(ih * W + lo * s - pad + kj) << 2);
              if (s == 1) addRun(dst, src, hi - lo);
              else {
                for (let ow = lo; ow < hi; ow++) {
                  const d = dst + (<usize>((ow - lo) * s) << 2);
                  store<f32>(d, load<f32>(d) + load<f32>(src + (<usize>(ow - lo) << 2)));
                }
              }
            }
            src += <usize>OW << 2;
          }
        }
      }
    }
  }
}

/** f32 of the `pack` scratch the three convolution passes of n images need (their products', and dWᵀ after the weights'). */
export function convPackFloats(n: i32, C: i32, F: i32, k: i32, OH: i32, OW: i32): i32 {
  const nP = n * OH * OW, ckk = C * k * k;
  return max(gemmPackFloats(F, nP, ckk), max(gemmPackFloats(ckk, F, nP) + ckk * F, gemmPackFloats(ckk, nP, F)));
}

/** t (F × n·P) = dy (n × F × P) with the images side by side: row f is every image's plane f in turn. */
function planesSideBySide(t: usize, dy: usize, n: i32, F: i32, P: i32): void {
  const ld = n * P;
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < F; f++) copyRun(t + (<usize>(f * ld + i * P) << 2), dy + (<usize>((i * F + f) * P) << 2), P);
  }
}

/** out[r] = Σ_j A[r, j] for r < m, j < len (rows len apart), each summed in j order: four rows at a time. */
function rowSums(out: usize, A: usize, m: i32, len: i32): void {
  const ldB = <usize>len << 2;
  let r = 0;
  if (ASC_FEATURE_SIMD) {
    for (; r + 4 <= m; r += 4) {
      const a0 = A + <usize>r * ldB, a1 = a0 + ldB, a2 = a1 + ldB, a3 = a2 + ldB;
      let acc = f32x4.splat(0);
      let j = 0;
      for (; j + 4 <= len; j += 4) {
        const o = <usize>j << 2;
        const x0 = v128.load(a0 + o), x1 = v128.load(a1 + o), x2 = v128.load(a2 + o), x3 = v128.load(a3 + o);
        const t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5), t1 = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
        const t2 = i32x4.shuffle(x2, x3, 0, 4, 1, 5), t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
        acc = f32x4.add(acc, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
        acc = f32x4.add(acc, i32x4.shuffle(t0, t2, 2, 3, 6, 7));
        acc = f32x4.add(acc, i32x4.shuffle(t1, t3, 0, 1, 4, 5));
        acc = f32x4.add(acc, i32x4.shuffle(t1, t3, 2, 3, 6, 7));
      }
      let s0 = f32x4.extract_lane(acc, 0), s1 = f32x4.extract_lane(acc, 1), s2 = f32x4.extract_lane(acc, 2), s3 = f32x4.extract_lane(acc, 3);
      for (; j < len; j++) {
        const o = <usize>j << 2;
        s0 += load<f32>(a0 + o); s1 += load<f32>(a1 + o); s2 += load<f32>(a2 + o); s3 += load<f32>(a3 + o);
      }
      store<f32>(out + (<usize>r << 2), s0); store<f32>(out + (<usize>r << 2), s1, 4);
      store<f32>(out + (<usize>r << 2), s2, 8); store<f32>(out + (<usize>r << 2), s3, 12);
    }
  } else {
    // Four independent running sums (the scalar build's way to the same per-row order).
    for (; r + 4 <= m; r += 4) {
      const a0 = A + <usize>r * ldB, a1 = a0 + ldB, a2 = a1 + ldB, a3 = a2 + ldB;
      let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
      for (let j = 0; j < len; j++) {
        const o = <usize>j << 2;
        s0 += load<f32>(a0 + o); s1 += load<f32>(a1 + o); s2 += load<f32>(a2 + o); s3 += load<f32>(a3 + o);
      }
      store<f32>(out + (<usize>r << 2), s0); store<f32>(out + (<usize>r << 2), s1, 4);
      store<f32>(out + (<usize>r << 2), s2, 8); store<f32>(out + (<usize>r << 2), s3, 12);
    }
  }
  for (; r < m; r++) {
    const a = A + <usize>r * ldB;
    let s: f32 = 0;
    for (let j = 0; j < len; j++) s += load<f32>(a + (<usize>j << 2));
    store<f32>(out + (<usize>r << 2), s);
  }
}

/**
 * Forward pass of n images: y (n × F×OH×OW) = conv(x (n × C×H×W), w (F × C×k×k)) + bias (F, or 0 = none).
 * Leaves the patch columns in col (C·k·k × n·OH·OW) for the weight pass; t: F × n·OH·OW scratch.
 */
export function conv2dForward(y: usize, x: usize, w: usize, bias: usize, n: i32, C: i32, H: i32, W: i32, F: i32,
  k: i32, s: i32, pad: i32, OH: i32, OW: i32, col: usize, t: usize, pack: usize): void {
  const P = OH * OW, ckk = C * k * k, ld = n * P;
  im2colT(col, x, n, C, H, W, k, s, pad, OH, OW);
  parGemmNN(t, w, col, F, ld, ckk, ckk, ld, ld, 0, pack);
  // Back to one image after another, the bias added to each plane (after the sum, as a fused epilogue would).
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < F; f++) {
      const dst = y + (<usize>((i * F + f) * P) << 2), src = t + (<usize>(f * ld + i * P) << 2);
      if (bias == 0) {
        copyRun(dst, src, P);
        continue;
      }
      const b = load<f32>(bias + (<usize>f << 2));
      let j = 0;
      if (ASC_FEATURE_SIMD) {
        const bv = f32x4.splat(b);
        for (; j + 4 <= P; j += 4) v128.store(dst + (<usize>j << 2), f32x4.add(v128.load(src + (<usize>j << 2)), bv));
      }
      for (; j < P; j++) store<f32>(dst + (<usize>j << 2), load<f32>(src + (<usize>j << 2)) + b);
    }
  }
}

/** The weight pass once t holds dy's planes side by side (planesSideBySide). */
function weightsFromPlanes(gw: usize, gb: usize, col: usize, n: i32, C: i32, F: i32, k: i32, P: i32, t: usize, pack: usize): void {
  const ckk = C * k * k, ld = n * P;
  // dWᵀ (C·k·k × F) = col · tᵀ: col's rows are read in place, t (F rows) is the packed operand. dWᵀ goes past the
  // product's own scratch in pack, then into gw transposed.
  const gt = pack + (<usize>gemmPackFloats(ckk, F, ld) << 2);
  parGemmNT(gt, col, t, ckk, F, ld, ld, ld, F, 0, 0, ACT_IDENTITY, 0, pack);
  for (let q = 0; q < ckk; q++) {
    for (let f = 0; f < F; f++) store<f32>(gw + (<usize>(f * ckk + q) << 2), load<f32>(gt + (<usize>(q * F + f) << 2)));
  }
  if (gb != 0) rowSums(gb, t, F, ld);
}

/** The input pass once t holds dy's planes side by side: dcol (in col) = wᵀ · t, then added back into dx. */
function inputFromPlanes(dx: usize, w: usize, n: i32, C: i32, H: i32, W: i32, F: i32, k: i32, s: i32, pad: i32,
  OH: i32, OW: i32, col: usize, t: usize, pack: usize): void {
  const ckk = C * k * k, ld = n * OH * OW;
  parGemmTN(col, w, t, ckk, ld, F, ckk, ld, ld, 0, pack);
  col2imT(dx, col, n, C, H, W, k, s, pad, OH, OW);
}

/**
 * Weight pass of n images: gw (F × C·k·k) = Σ over images and positions of dy ⊗ patch, gb (F, or 0 = none)
 * = Σ dy per filter, both overwritten; col holds the patch columns conv2dForward left; t: F × n·OH·OW scratch.
 * Every sum runs over (image, position) in order, as one long dot product.
 */
export function conv2dBackwardWeights(gw: usize, gb: usize, dy: usize, col: usize, n: i32, C: i32, F: i32, k: i32,
  OH: i32, OW: i32, t: usize, pack: usize): void {
  const P = OH * OW;
  planesSideBySide(t, dy, n, F, P);
  weightsFromPlanes(gw, gb, col, n, C, F, k, P, t, pack);
}

/** Input pass of n images: dx (n × C×H×W, overwritten) from dy and w; col and t are scratch (col is overwritten). */
export function conv2dBackwardInput(dx: usize, dy: usize, w: usize, n: i32, C: i32, H: i32, W: i32, F: i32,
  k: i32, s: i32, pad: i32, OH: i32, OW: i32, col: usize, t: usize, pack: usize): void {
  planesSideBySide(t, dy, n, F, OH * OW);
  inputFromPlanes(dx, w, n, C, H, W, F, k, s, pad, OH, OW, col, t, pack);
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

/** dy is (n, F, OH, OW): dW, db from the patch columns forward left; then dx (n, C, H, W), which overwrites them. */
export function conv2dLayerBackward(L: usize, ws: usize, params: usize, g: usize, n: i32, training: bool, pack: usize): void {
  const C = int(L, CONV2D_CHANNELS), F = int(L, CONV2D_FILTERS), k = int(L, CONV2D_KERNEL);
  const OH = int(L, CONV2D_OUT_HEIGHT), OW = int(L, CONV2D_OUT_WIDTH);
  const dy = wsAt(ws, L, L_DY), dx = wsOpt(ws, L, L_DX), col = wsAt(ws, L, CONV2D_PATCHES), t = wsAt(ws, L, CONV2D_PATCH_OUT);
  planesSideBySide(t, dy, n, F, OH * OW);
  weightsFromPlanes(paramAt(g, L, CONV2D_W), paramAt(g, L, CONV2D_B), col, n, C, F, k, OH * OW, t, pack);
  if (dx != 0) {
    inputFromPlanes(dx, paramAt(params, L, CONV2D_W), n, C, int(L, CONV2D_HEIGHT), int(L, CONV2D_WIDTH), F, k,
      int(L, CONV2D_STRIDE), int(L, CONV2D_PAD), OH, OW, col, t, pack);
  }
}
