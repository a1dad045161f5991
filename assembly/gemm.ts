// Matrix products of dense layers over raw pointers (byte addresses of row-major f32 matrices, leading
// dimensions in elements): gemmNT (forward, with a fused bias + activation epilogue), gemmNN and gemmTN
// (backward), colSum (bias gradient). They never allocate and keep no static buffers, so several threads
// may share one memory: the caller passes `pack`, a scratch block of gemmPackFloats(m, n, k) f32.
//
// Design (GotoBLAS/XNNPACK shape, cf. XNNPACK's f32-gemm 4x8 wasmsimd "loadsplat" kernels). C is computed
// in MR×NR = 4×8 register tiles: in the SIMD build eight f32x4 accumulators (4 rows × 2 vectors); each k step
// broadcasts one A value per row (v128.load32_splat) and loads two packed B vectors: 6 loads for 8 mul +
// 8 add, which keeps the two FP ports busy (measured ≈ 28–30 GFLOP/s on these machines, the register
// mul+add rate; x86 without FMA). The micro-kernel reads A through a row stride and a k stride, so:
//   B is always packed: panels of NR columns, k-major (panel[p·8 + j]), zero-padded to 8 columns;
//   A is read in place by gemmNT/gemmNN (rows lda apart, k steps contiguous); gemmTN, whose A is k×m,
//   packs it into k-major panels of 4 rows (a contiguous copy); a last partial row panel (m % 4) is
//   always packed, zero-padded, so no row past m is ever read.
// Blocking: k in blocks of KC = 256 (a B panel is 8 KB and an A panel 4 KB, both in L1 while a tile runs),
// n in blocks of NC = 256 (the packed B block, ≤ 256 KB, stays in L2), m in blocks of MC = 128. Loop nest:
// jc (NC) → pc (KC, pack B) → ic (MC, pack A where needed) → B panel → A panel → tile.
// Edge tiles (m % 4, n % 8) run the same micro-kernel on a zero-padded 4×8 copy of C kept in `pack` and
// copy the valid part back, so the k loop has no edge code; k tails need none (the loop runs kc steps).
// The first k block starts its accumulators from C (beta = 1) or zero (beta = 0), later blocks from C;
// after the last block the epilogue adds the bias and applies the activation to the tile, in L1.
// Lessons measured with --print-wasm-code: with the epilogue inside the micro-kernel, or the k loop
// unrolled ×2, TurboFan spilled 4 of the 8 accumulators to the stack (≈ 23 instead of ≈ 28 GFLOP/s).
import { actForward, actPiecewise4 } from "./activations";
import { ACT_IDENTITY, ACT_RELU, ACT_LEAKY_RELU } from "./abi.generated";
import { micro4x8 } from "./gemm-4x8";

const MR: i32 = 4;
const NR: i32 = 8;
const KC: i32 = 256;
const MC: i32 = 128;
const NC: i32 = 256;
/** Floats after the packed panels: a 4×8 C tile and an 8-float bias row for edge tiles. */
const EDGE_FLOATS: i32 = 40;

// @ts-ignore: decorator
@inline
function imin(a: i32, b: i32): i32 {
  return a < b ? a : b;
}

/**
 * The number of f32 the `pack` argument of gemmNT/gemmNN/gemmTN must hold for an m×n result with inner
 * dimension k: one packed B block (min(k, 256) × min(n rounded up to 8, 256)), one packed A block
 * (min(m rounded up to 4, 128) × min(k, 256)) and 40 floats for edge tiles. Pure; mirrored in TS.
 */
export function gemmPackFloats(m: i32, n: i32, k: i32): i32 {
  const kc = imin(k > 0 ? k : 0, KC);
  const nc = imin((n + NR - 1) & ~(NR - 1), NC);
  const mc = imin((m + MR - 1) & ~(MR - 1), MC);
  return kc * (nc > 0 ? nc : 0) + kc * (mc > 0 ? mc : 0) + EDGE_FLOATS;
}

/**
 * Packs `rows` (≤ W) rows of a row-major source, kc elements each, transposed into a k-major panel of
 * width W: dst[p·W + r] = src[r·ld + p]. Full groups of 4 rows use a 4×4 f32x4 transpose.
 */
function packTransposed(dst: usize, src: usize, ld: i32, rows: i32, kc: i32, W: i32): void {
  const ldb = <usize>ld << 2;
  const step = <usize>W << 2;
  let r0 = 0;
  if (ASC_FEATURE_SIMD) {
    for (; r0 + 4 <= rows; r0 += 4) {
      const s = src + <usize>r0 * ldb;
      const d = dst + (<usize>r0 << 2);
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const o = <usize>p << 2;
        const x0 = v128.load(s + o), x1 = v128.load(s + ldb + o);
        const x2 = v128.load(s + 2 * ldb + o), x3 = v128.load(s + 3 * ldb + o);
        const t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5), t1 = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
        const t2 = i32x4.shuffle(x2, x3, 0, 4, 1, 5), t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
        const q = d + <usize>p * step;
        v128.store(q, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
        v128.store(q + step, i32x4.shuffle(t0, t2, 2, 3, 6, 7));
        v128.store(q + 2 * step, i32x4.shuffle(t1, t3, 0, 1, 4, 5));
        v128.store(q + 3 * step, i32x4.shuffle(t1, t3, 2, 3, 6, 7));
      }
      for (; p < kc; p++) {
        const o = <usize>p << 2;
        const q = d + <usize>p * step;
        store<f32>(q, load<f32>(s + o));
        store<f32>(q, load<f32>(s + ldb + o), 4);
        store<f32>(q, load<f32>(s + 2 * ldb + o), 8);
        store<f32>(q, load<f32>(s + 3 * ldb + o), 12);
      }
    }
  }
  for (let p = 0; p < kc; p++) {
    const q = dst + <usize>p * step;
    const o = <usize>p << 2;
    for (let r = r0; r < rows; r++) store<f32>(q + (<usize>r << 2), load<f32>(src + <usize>r * ldb + o));
    for (let r = rows; r < W; r++) store<f32>(q + (<usize>r << 2), 0);
  }
}

/** Packs kc rows of `cols` (≤ W) contiguous elements: dst[p·W + c] = src[p·ld + c], zero-padded to W. */
function packDirect(dst: usize, src: usize, ld: i32, cols: i32, kc: i32, W: i32): void {
  const ldb = <usize>ld << 2;
  const step = <usize>W << 2;
  if (cols == W) {
    for (let p = 0; p < kc; p++) {
      const s = src + <usize>p * ldb;
      const q = dst + <usize>p * step;
      if (ASC_FEATURE_SIMD) {
        v128.store(q, v128.load(s));
        if (W == 8) v128.store(q, v128.load(s, 16), 16);
      } else {
        for (let c = 0; c < W; c++) store<f32>(q + (<usize>c << 2), load<f32>(s + (<usize>c << 2)));
      }
    }
    return;
  }
  for (let p = 0; p < kc; p++) {
    const s = src + <usize>p * ldb;
    const q = dst + <usize>p * step;
    for (let c = 0; c < cols; c++) store<f32>(q + (<usize>c << 2), load<f32>(s + (<usize>c << 2)));
    for (let c = cols; c < W; c++) store<f32>(q + (<usize>c << 2), 0);
  }
}

/** Applies an activation to a 4×8 tile in memory, row by row through actForward (one copy of actElem). */
function tileAct(Ct: usize, ldcB: usize, act: i32, slope: f32): void {
  for (let r = 0; r < MR; r++) {
    const row = Ct + <usize>r * ldcB;
    actForward(row, row, NR, act, slope);
  }
}

/**
 * Bias and activation on a 4×8 tile in memory (the last k block only; the tile is in L1). Kept out of the
 * micro-kernel so its k loop holds nothing but the 8 accumulators, the 2 B vectors and a broadcast:
 * measured, V8 spilled accumulators when the epilogue's values shared the function.
 */
function epilogue(Ct: usize, ldc: i32, bias: usize, act: i32, slope: f32): void {
  const ldcB = <usize>ldc << 2;
  if (ASC_FEATURE_SIMD) {
    if (bias == 0 && act != ACT_RELU && act != ACT_LEAKY_RELU) {
      if (act != ACT_IDENTITY) tileAct(Ct, ldcB, act, slope);
      return;
    }
    const v0 = bias != 0 ? v128.load(bias) : f32x4.splat(0), v1 = bias != 0 ? v128.load(bias, 16) : f32x4.splat(0);
    const vs = f32x4.splat(slope);
    for (let r = 0; r < MR; r++) {
      const row = Ct + <usize>r * ldcB;
      let x0 = f32x4.add(v128.load(row), v0), x1 = f32x4.add(v128.load(row, 16), v1);
      if (act == ACT_RELU || act == ACT_LEAKY_RELU) {
        x0 = actPiecewise4(x0, act, vs);
        x1 = actPiecewise4(x1, act, vs);
      }
      v128.store(row, x0);
      v128.store(row, x1, 16);
    }
    if (act != ACT_IDENTITY && act != ACT_RELU && act != ACT_LEAKY_RELU) tileAct(Ct, ldcB, act, slope);
  } else {
    for (let r = 0; r < MR; r++) {
      const row = Ct + <usize>r * ldcB;
      if (bias != 0) {
        for (let c = 0; c < NR; c++) {
          const o = <usize>c << 2;
          store<f32>(row + o, load<f32>(row + o) + load<f32>(bias + o));
        }
      }
      if (act != ACT_IDENTITY) actForward(row, row, NR, act, slope);
    }
  }
}

/**
 * The blocked driver shared by the three forms. aByK: A is stored k×m (gemmTN), else m×k. bByN: B is
 * stored n×k (gemmNT), else k×n.
 */
function gemmDriver(C: usize, A: usize, B: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32,
  beta: f32, bias: usize, act: i32, slope: f32, pack: usize, aByK: bool, bByN: bool): void {
  if (m <= 0 || n <= 0) return;
  const ldcB = <usize>ldc << 2;
  if (k <= 0) {
    // No products: C = act(beta·C + bias).
    for (let i = 0; i < m; i++) {
      const row = C + <usize>i * ldcB;
      for (let j = 0; j < n; j++) {
        const o = <usize>j << 2;
        let v: f32 = beta != 0 ? load<f32>(row + o) : 0;
        if (bias != 0) v += load<f32>(bias + o);
        store<f32>(row + o, v);
      }
      actForward(row, row, n, act, slope);
    }
    return;
  }
  const kcMax = imin(k, KC);
  const ncMax = imin((n + NR - 1) & ~(NR - 1), NC);
  const packB = pack;
  const packA = pack + ((<usize>kcMax * <usize>ncMax) << 2);
  const mcMax = imin((m + MR - 1) & ~(MR - 1), MC);
  const tile = packA + ((<usize>kcMax * <usize>mcMax) << 2);
  const tileBias = tile + ((MR * NR) << 2);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = imin(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = imin(KC, k - pc);
      const loadC = pc > 0 || beta != 0;
      const epi = pc + kc >= k;
      // Pack B[pc.., jc..] into panels of 8 columns.
      for (let jr = 0; jr < nc; jr += NR) {
        const cols = imin(NR, nc - jr);
        const dst = packB + ((<usize>jr * <usize>kc) << 2);
        const j = jc + jr;
        if (bByN) packTransposed(dst, B + ((<usize>j * <usize>ldb + <usize>pc) << 2), ldb, cols, kc, NR);
        else packDirect(dst, B + ((<usize>pc * <usize>ldb + <usize>j) << 2), ldb, cols, kc, NR);
      }
      for (let ic = 0; ic < m; ic += MC) {
        const mc = imin(MC, m - ic);
        // A: gemmTN packs its row panels (a contiguous copy); gemmNT/gemmNN read full row panels in place
        // (rows lda apart, k steps 4 bytes apart: as fast as packed, and packing cost as much as the
        // products when n is small) and pack only a last partial panel, zero-padded.
        for (let ir = 0; ir < mc; ir += MR) {
          const rows = imin(MR, mc - ir);
          const dst = packA + ((<usize>ir * <usize>kc) << 2);
          const i = ic + ir;
          if (aByK) packDirect(dst, A + ((<usize>pc * <usize>lda + <usize>i) << 2), lda, rows, kc, MR);
          else if (rows < MR) packTransposed(dst, A + ((<usize>i * <usize>lda + <usize>pc) << 2), lda, rows, kc, MR);
        }
        for (let jr = 0; jr < nc; jr += NR) {
          const cols = imin(NR, nc - jr);
          const pb = packB + ((<usize>jr * <usize>kc) << 2);
          const j = jc + jr;
          const tb = epi && bias != 0 ? bias + (<usize>j << 2) : 0;
          for (let ir = 0; ir < mc; ir += MR) {
            const rows = imin(MR, mc - ir);
            const direct = !aByK && rows == MR;
            const pa = direct ? A + ((<usize>(ic + ir) * <usize>lda + <usize>pc) << 2) : packA + ((<usize>ir * <usize>kc) << 2);
            const rs: usize = direct ? <usize>lda << 2 : 4;
            const ks: usize = direct ? 4 : 16;
            const Ct = C + <usize>(ic + ir) * ldcB + (<usize>j << 2);
            if (rows == MR && cols == NR) {
              micro4x8(Ct, ldc, pa, rs, ks, pb, kc, loadC);
              if (epi && (tb != 0 || act != ACT_IDENTITY)) epilogue(Ct, ldc, tb, act, slope);
            } else {
              // Edge tile: run the full kernel on a 4×8 copy (zero-padded), copy the valid part back.
              for (let r = 0; r < MR; r++) {
                for (let c = 0; c < NR; c++) {
                  const v: f32 = loadC && r < rows && c < cols ? load<f32>(Ct + <usize>r * ldcB + (<usize>c << 2)) : 0;
                  store<f32>(tile + (<usize>(r * NR + c) << 2), v);
                }
              }
              if (tb != 0) {
                for (let c = 0; c < NR; c++) store<f32>(tileBias + (<usize>c << 2), c < cols ? load<f32>(tb + (<usize>c << 2)) : 0);
              }
              micro4x8(tile, NR, pa, rs, ks, pb, kc, loadC);
              if (epi && (tb != 0 || act != ACT_IDENTITY)) epilogue(tile, NR, tb != 0 ? tileBias : 0, act, slope);
              for (let r = 0; r < rows; r++) {
                for (let c = 0; c < cols; c++) {
                  store<f32>(Ct + <usize>r * ldcB + (<usize>c << 2), load<f32>(tile + (<usize>(r * NR + c) << 2)));
                }
              }
            }
          }
        }
      }
    }
  }
}

/**
 * C[i,j] = act(Σ_p A[i,p]·B[j,p] + beta·C[i,j] + bias[j]) for i < m, j < n: a dense layer's forward
 * Y = act(X·Wᵀ + b) with W in PyTorch's layout (units × inputs). A is m×k (lda), B is n×k (ldb), C is
 * m×n (ldc). beta is 0 or 1; bias = 0 means none; act is an ACT_ code (slope for leaky relu).
 * pack: gemmPackFloats(m, n, k) f32 of scratch, 16-byte aligned.
 */
export function gemmNT(C: usize, A: usize, B: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32,
  beta: f32, bias: usize, act: i32, slope: f32, pack: usize): void {
  gemmDriver(C, A, B, m, n, k, lda, ldb, ldc, beta, bias, act, slope, pack, false, true);
}

/** C = A·B (+ C when beta = 1): A m×k, B k×n (dX = dZ·W). pack: gemmPackFloats(m, n, k) f32. */
export function gemmNN(C: usize, A: usize, B: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32,
  beta: f32, pack: usize): void {
  gemmDriver(C, A, B, m, n, k, lda, ldb, ldc, beta, 0, ACT_IDENTITY, 0, pack, false, false);
}

/**
 * C = Aᵀ·B (+ C when beta = 1): A k×m, B k×n (dW = dZᵀ·X, k the batch). Within a k block of 256 rows
 * the products are summed in row order; blocks in order. pack: gemmPackFloats(m, n, k) f32.
 */
export function gemmTN(C: usize, A: usize, B: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32,
  beta: f32, pack: usize): void {
  gemmDriver(C, A, B, m, n, k, lda, ldb, ldc, beta, 0, ACT_IDENTITY, 0, pack, true, false);
}

/** out[j] = Σ_i A[i,j] (+ out[j] when beta = 1) for j < n, summed in row order (the bias gradient). */
export function colSum(out: usize, A: usize, m: i32, n: i32, lda: i32, beta: f32): void {
  const ldaB = <usize>lda << 2;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    for (; j + 8 <= n; j += 8) {
      const o = <usize>j << 2;
      let s0 = f32x4.splat(0), s1 = s0;
      if (beta != 0) { s0 = v128.load(out + o); s1 = v128.load(out + o, 16); }
      let p = A + o;
      for (let i = 0; i < m; i++) {
        s0 = f32x4.add(s0, v128.load(p));
        s1 = f32x4.add(s1, v128.load(p, 16));
        p += ldaB;
      }
      v128.store(out + o, s0);
      v128.store(out + o, s1, 16);
    }
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      let s0 = beta != 0 ? v128.load(out + o) : f32x4.splat(0);
      let p = A + o;
      for (let i = 0; i < m; i++) {
        s0 = f32x4.add(s0, v128.load(p));
        p += ldaB;
      }
      v128.store(out + o, s0);
    }
  } else {
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
      if (beta != 0) {
        s0 = load<f32>(out + o); s1 = load<f32>(out + o, 4); s2 = load<f32>(out + o, 8); s3 = load<f32>(out + o, 12);
      }
      let p = A + o;
      for (let i = 0; i < m; i++) {
        s0 += load<f32>(p); s1 += load<f32>(p, 4); s2 += load<f32>(p, 8); s3 += load<f32>(p, 12);
        p += ldaB;
      }
      store<f32>(out + o, s0); store<f32>(out + o, s1, 4); store<f32>(out + o, s2, 8); store<f32>(out + o, s3, 12);
    }
  }
  for (; j < n; j++) {
    const o = <usize>j << 2;
    let s: f32 = beta != 0 ? load<f32>(out + o) : 0;
    let p = A + o;
    for (let i = 0; i < m; i++) {
      s += load<f32>(p);
      p += ldaB;
    }
    store<f32>(out + o, s);
  }
}

/** gemmPart's forms: the three products. */
export const GEMM_NT: i32 = 0, GEMM_NN: i32 = 1, GEMM_TN: i32 = 2;

/** Part t of `parts` of `dim` elements in whole units of `align` (the last may be partial): lo | hi << 32. */
export function gemmSplit(dim: i32, align: i32, parts: i32, t: i32): u64 {
  const units = (dim + align - 1) / align;
  const u0 = <i32>((<i64>units * t) / parts), u1 = <i32>((<i64>units * (t + 1)) / parts);
  const lo = imin(u0 * align, dim), hi = imin(u1 * align, dim);
  return <u64>lo | (<u64>hi << 32);
}

/**
 * Rows (byRows) or columns [lo, hi) of C of the product `form` (GEMM_NT/NN/TN, the arguments of that
 * function): the same driver over a sub-matrix. Every element of C is computed by the same f32 operations
 * as in the whole product, whatever the range: an element's sum runs over the same k blocks (KC, from
 * p = 0) in the same order, tile lanes are independent, and an edge tile (zero-padded copy) adds the same
 * terms as a full one. Ranges aligned to the tile (columns to NR = 8, rows to MR = 4) keep even the tiling
 * of the whole product: only the last range has the remainder tile (test/threads-colsplit.test.ts checks
 * odd sizes). pack: gemmPackFloats of the part (at most that of the whole).
 */
export function gemmPart(form: i32, C: usize, A: usize, B: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32,
  ldc: i32, beta: f32, bias: usize, act: i32, slope: f32, pack: usize, byRows: bool, lo: i32, hi: i32): void {
  if (hi <= lo) return;
  if (byRows) {
    C += (<usize>lo * <usize>ldc) << 2;
    A += form == GEMM_TN ? <usize>lo << 2 : (<usize>lo * <usize>lda) << 2;
    m = hi - lo;
  } else {
    C += <usize>lo << 2;
    B += form == GEMM_NT ? (<usize>lo * <usize>ldb) << 2 : <usize>lo << 2;
    if (bias != 0) bias += <usize>lo << 2;
    n = hi - lo;
  }
  gemmDriver(C, A, B, m, n, k, lda, ldb, ldc, beta, bias, act, slope, pack, form == GEMM_TN, form == GEMM_NT);
}

/** The tile width a split of C's rows (MR) or columns (NR) is aligned to. */
export function gemmAlign(byRows: bool): i32 {
  return byRows ? MR : NR;
}
