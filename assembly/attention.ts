// Multi-head self-attention (torch.nn.MultiheadAttention(d, heads, batch_first=True), no dropout) over a
// chunk of n rows of T positions × d features, forward and backward, on the packed gemm of gemm.ts.
// Shapes in the comments read (rows, positions, features); dk = d / heads, head h owns features
// [h·dk, (h+1)·dk) of q, k, v and of the concatenated heads.
//   qkv = x·Wᵀ + b                                   one product over the chunk's n·T positions
//   per row and head: S = Q·Kᵀ, P = softmax(S·scale) (scale = 1/√dk; causal: position t sees keys ≤ t),
//                     cat[:, head] = P·V
//   out = cat·W_outᵀ + b_out                         one product over n·T
// The two projections are single products over the chunk (split among a batch's pool threads by pargemm.ts);
// the per-head middle runs over (row, head) pairs, attentionHeadsForward/Backward of a range, which a
// thread job can split without changing a bit.
// The softmax runs in f32 by fastmath's expNeg, four lanes at a time in the SIMD build. Its two reductions
// (the row's sum of exponentials, and Σ dP·P backward) keep four partial sums, lane j%4 for element j of
// the full groups of four, combined as (s0 + s1) + (s2 + s3) before the tail is added one by one: the
// scalar build does exactly those f32 operations in that order, and the products are gemm's (identical
// in both builds), so the two builds agree bit for bit. The row maximum needs no such care (max is exact).
import {
  ACT_IDENTITY, L_X, L_Y, L_DX, L_DY, ATTENTION_W, ATTENTION_B, ATTENTION_W_OUT, ATTENTION_B_OUT, ATTENTION_STEPS,
  ATTENTION_DIM, ATTENTION_HEADS, ATTENTION_CAUSAL, ATTENTION_QKV, ATTENTION_PROBS, ATTENTION_CAT, ATTENTION_SCRATCH,
} from "./abi.generated";
import { int, wsAt, wsOpt, paramAt } from "./slots";
import { colSum, gemmNT, gemmNN, gemmTN } from "./gemm";
import { parGemmNT, parGemmNN, parGemmTN } from "./pargemm";
import { expNeg, expNeg4 } from "./fastmath";
import { at, ld, st } from "./elements";

/** (a0 + a1) + (a2 + a3) over the lanes of an f32x4: the scalar build's combination of its four sums. */
// @ts-ignore: decorator
@inline
function lanesSum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/**
 * One row of scores in place: row (T,) holds S[t, :] and becomes P[t, :] = softmax(S[t, :L]·scale),
 * zero at keys ≥ L (L = t + 1 when causal, else T).
 */
function softmaxRow(row: usize, T: i32, L: i32, scale: f32): void {
  let mx: f32 = -Infinity;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const vs = f32x4.splat(scale);
    let vm = f32x4.splat(-Infinity);
    for (; j + 4 <= L; j += 4) {
      const o = <usize>j << 2;
      const s = f32x4.mul(v128.load(row + o), vs);
      v128.store(row + o, s);
      vm = f32x4.max(vm, s);
    }
    mx = max(max(f32x4.extract_lane(vm, 0), f32x4.extract_lane(vm, 1)), max(f32x4.extract_lane(vm, 2), f32x4.extract_lane(vm, 3)));
  }
  for (; j < L; j++) {
    const s = ld(row, j) * scale;
    st(row, j, s);
    mx = max(mx, s);
  }
  let sum: f32 = 0;
  j = 0;
  if (ASC_FEATURE_SIMD) {
    const vm = f32x4.splat(mx);
    let acc = f32x4.splat(0);
    for (; j + 4 <= L; j += 4) {
      const o = <usize>j << 2;
      const e = expNeg4(f32x4.sub(v128.load(row + o), vm));
      v128.store(row + o, e);
      acc = f32x4.add(acc, e);
    }
    sum = lanesSum(acc);
  } else {
    let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
    for (; j + 4 <= L; j += 4) {
      const e0 = expNeg(ld(row, j) - mx), e1 = expNeg(ld(row, j + 1) - mx);
      const e2 = expNeg(ld(row, j + 2) - mx), e3 = expNeg(ld(row, j + 3) - mx);
      st(row, j, e0); st(row, j + 1, e1); st(row, j + 2, e2); st(row, j + 3, e3);
      s0 += e0; s1 += e1; s2 += e2; s3 += e3;
    }
    sum = (s0 + s1) + (s2 + s3);
  }
  for (; j < L; j++) {
    const e = expNeg(ld(row, j) - mx);
    st(row, j, e);
    sum += e;
  }
  const inv = <f32>1 / sum;
  j = 0;
  if (ASC_FEATURE_SIMD) {
    const vi = f32x4.splat(inv);
    for (; j + 4 <= L; j += 4) {
      const o = <usize>j << 2;
      v128.store(row + o, f32x4.mul(v128.load(row + o), vi));
    }
  }
  for (; j < L; j++) st(row, j, ld(row, j) * inv);
  for (j = L; j < T; j++) st(row, j, 0);
}

/**
 * The softmax's backward on one row in place: p (T,) holds P[t, :] and becomes
 * dS[t, :] = P ⊙ (dP − Σ_j dP_j·P_j) · scale (the gradient of the unscaled scores Q·Kᵀ), zero at keys ≥ L.
 */
function softmaxBackwardRow(p: usize, dP: usize, T: i32, L: i32, scale: f32): void {
  let r: f32 = 0;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    let acc = f32x4.splat(0);
    for (; j + 4 <= L; j += 4) {
      const o = <usize>j << 2;
      acc = f32x4.add(acc, f32x4.mul(v128.load(dP + o), v128.load(p + o)));
    }
    r = lanesSum(acc);
  } else {
    let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
    for (; j + 4 <= L; j += 4) {
      s0 += ld(dP, j) * ld(p, j);
      s1 += ld(dP, j + 1) * ld(p, j + 1);
      s2 += ld(dP, j + 2) * ld(p, j + 2);
      s3 += ld(dP, j + 3) * ld(p, j + 3);
    }
    r = (s0 + s1) + (s2 + s3);
  }
  for (; j < L; j++) r += ld(dP, j) * ld(p, j);
  j = 0;
  if (ASC_FEATURE_SIMD) {
    const vr = f32x4.splat(r), vs = f32x4.splat(scale);
    for (; j + 4 <= L; j += 4) {
      const o = <usize>j << 2;
      v128.store(p + o, f32x4.mul(f32x4.mul(v128.load(p + o), f32x4.sub(v128.load(dP + o), vr)), vs));
    }
  }
  for (; j < L; j++) st(p, j, (ld(p, j) * (ld(dP, j) - r)) * scale);
  for (j = L; j < T; j++) st(p, j, 0);
}

/** 1/√dk in f32, the scores' scale. */
// @ts-ignore: decorator
@inline
function scoreScale(dk: i32): f32 {
  return <f32>(1.0 / Math.sqrt(<f64>dk));
}

/**
 * The per-head middle of attentionForward for the (row, head) pairs [lo, hi) of a chunk, pair r being row
 * r / heads, head r % heads: from qkv (n,T,3d), P[i, h] (T,T) = softmax(Q·Kᵀ·scale) and cat[i, :, head]
 * (T,dk) = P·V. Pairs write disjoint memory and each runs the same operations alone, so any split of the
 * pairs among threads (each with its own pack) gives the same bits.
 */
export function attentionHeadsForward(P: usize, cat: usize, qkv: usize, T: i32, d: i32, heads: i32, causal: bool,
  lo: i32, hi: i32, pack: usize): void {
  const D3 = 3 * d, dk = d / heads;
  const scale = scoreScale(dk);
  for (let r = lo; r < hi; r++) {
    const i = r / heads, h = r % heads;
    const q = at(qkv, i * T * D3 + h * dk), k = q + (<usize>d << 2), v = q + (<usize>(2 * d) << 2);
    const p = at(P, r * T * T);
    // S (T,T) = Q (T,dk) · Kᵀ (dk,T); Q, K, V are (T,dk) views of qkv with row stride 3d
    gemmNT(p, q, k, T, T, dk, D3, D3, T, 0, 0, ACT_IDENTITY, 0, pack);
    for (let t = 0; t < T; t++) softmaxRow(at(p, t * T), T, causal ? t + 1 : T, scale);
    // cat[i, :, head] (T,dk) = P (T,T) · V (T,dk)
    gemmNN(at(cat, i * T * d + h * dk), p, v, T, dk, T, T, D3, d, 0, pack);
  }
}

/**
 * The per-head middle of attentionBackward for the (row, head) pairs [lo, hi), as attentionHeadsForward:
 * cat holds ∂/∂cat (n,T,d); writes ∂/∂S over P[i, h] and ∂/∂q, ∂/∂k, ∂/∂v over the pair's columns of qkv.
 * scratch: T·T + T·dk f32 of this thread's own (dP, then dQ).
 */
export function attentionHeadsBackward(qkv: usize, P: usize, cat: usize, scratch: usize, T: i32, d: i32, heads: i32,
  causal: bool, lo: i32, hi: i32, pack: usize): void {
  const D3 = 3 * d, dk = d / heads;
  const scale = scoreScale(dk);
  const dP = scratch, dq = at(scratch, T * T);
  for (let r = lo; r < hi; r++) {
    const i = r / heads, h = r % heads;
    const q = at(qkv, i * T * D3 + h * dk), k = q + (<usize>d << 2), v = q + (<usize>(2 * d) << 2);
    const p = at(P, r * T * T);
    const dc = at(cat, i * T * d + h * dk);
    // dP (T,T) = dcat[i, :, head] (T,dk) · Vᵀ (dk,T)
    gemmNT(dP, dc, v, T, T, dk, d, D3, T, 0, 0, ACT_IDENTITY, 0, pack);
    // dV (T,dk) = Pᵀ (T,T) · dcat[i, :, head] (T,dk), over V
    gemmTN(v, p, dc, T, dk, T, T, d, D3, 0, pack);
    // dS (T,T) over P
    for (let t = 0; t < T; t++) softmaxBackwardRow(at(p, t * T), at(dP, t * T), T, causal ? t + 1 : T, scale);
    // dQ (T,dk) = dS (T,T) · K (T,dk), kept aside: dK needs Q
    gemmNN(dq, p, k, T, dk, T, T, D3, dk, 0, pack);
    // dK (T,dk) = dSᵀ (T,T) · Q (T,dk), over K
    gemmTN(k, p, q, T, dk, T, T, D3, D3, 0, pack);
    for (let t = 0; t < T; t++) memory.copy(q + (<usize>(t * D3) << 2), dq + (<usize>(t * dk) << 2), <usize>dk << 2);
  }
}

/**
 * Forward of n rows. x is (n,T,d); W is (3d,d) (PyTorch's in_proj_weight: rows q, then k, then v), b (3d);
 * Wo is (d,d), bo (d) (out_proj). Writes out (n,T,d) and keeps what attentionBackward needs:
 * qkv (n,T,3d) = x·Wᵀ + b, P (n,heads,T,T) the attention probabilities (zero above the diagonal when
 * causal), cat (n,T,d) the heads' outputs side by side. d must be a multiple of heads.
 * pack: the attentionPackFloats of the TS side (the largest gemmPackFloats of the products used).
 */
export function attentionForward(out: usize, qkv: usize, P: usize, cat: usize, x: usize, W: usize, b: usize,
  Wo: usize, bo: usize, n: i32, T: i32, d: i32, heads: i32, causal: bool, pack: usize): void {
  if (n <= 0 || T <= 0) return;
  const D3 = 3 * d;
  // qkv (n·T,3d) = x (n·T,d) · Wᵀ (d,3d) + b
  parGemmNT(qkv, x, W, n * T, D3, d, d, d, D3, 0, b, ACT_IDENTITY, 0, pack);
  attentionHeadsForward(P, cat, qkv, T, d, heads, causal, 0, n * heads, pack);
  // out (n·T,d) = cat (n·T,d) · Woᵀ (d,d) + bo
  parGemmNT(out, cat, Wo, n * T, d, d, d, d, d, 0, bo, ACT_IDENTITY, 0, pack);
}

/**
 * Backward of attentionForward's n rows. dOut is (n,T,d). Writes (overwriting) gW (3d,d), gb (3d),
 * gWo (d,d), gbo (d), and dx (n,T,d) unless dx = 0 (dx may be dOut). Reads x, W, Wo and the forward's
 * qkv, P, cat, and overwrites them: cat with ∂/∂cat, P with ∂/∂S (the unscaled scores), qkv with
 * ∂/∂qkv. scratch: T·T + T·dk f32 (one head's dP and dQ). pack: as attentionForward.
 */
export function attentionBackward(gW: usize, gb: usize, gWo: usize, gbo: usize, dx: usize, dOut: usize, x: usize,
  qkv: usize, P: usize, cat: usize, scratch: usize, W: usize, Wo: usize, n: i32, T: i32, d: i32, heads: i32,
  causal: bool, pack: usize): void {
  const D3 = 3 * d;
  if (n <= 0 || T <= 0) {
    memory.fill(gW, 0, <usize>(D3 * d) << 2);
    memory.fill(gb, 0, <usize>D3 << 2);
    memory.fill(gWo, 0, <usize>(d * d) << 2);
    memory.fill(gbo, 0, <usize>d << 2);
    return;
  }
  const nT = n * T;
  // gWo (d,d) = dOutᵀ (d,n·T) · cat (n·T,d); gbo (d) = Σ_rows dOut
  parGemmTN(gWo, dOut, cat, d, d, nT, d, d, d, 0, pack);
  colSum(gbo, dOut, nT, d, d, 0);
  // dcat (n·T,d) = dOut (n·T,d) · Wo (d,d), over cat (no longer needed)
  parGemmNN(cat, dOut, Wo, nT, d, d, d, d, d, 0, pack);
  attentionHeadsBackward(qkv, P, cat, scratch, T, d, heads, causal, 0, n * heads, pack);
  // gW (3d,d) = dqkvᵀ (3d,n·T) · x (n·T,d); gb (3d) = Σ_rows dqkv
  parGemmTN(gW, qkv, x, D3, d, nT, D3, d, d, 0, pack);
  colSum(gb, qkv, nT, D3, D3, 0);
  // dx (n·T,d) = dqkv (n·T,3d) · W (3d,d)
  if (dx != 0) parGemmNN(dx, qkv, W, nT, d, D3, D3, d, d, 0, pack);
}

// The attention layer over a network record (abi.json layerKinds `attention`).

/** x, y are (n, T, d): y = MultiheadAttention(x, x, x). */
export function attentionLayerForward(L: usize, ws: usize, params: usize, stats: usize, n: i32, training: bool, pack: usize, rng: usize): void {
  attentionForward(wsAt(ws, L, L_Y), wsAt(ws, L, ATTENTION_QKV), wsAt(ws, L, ATTENTION_PROBS), wsAt(ws, L, ATTENTION_CAT),
    wsAt(ws, L, L_X), paramAt(params, L, ATTENTION_W), paramAt(params, L, ATTENTION_B), paramAt(params, L, ATTENTION_W_OUT),
    paramAt(params, L, ATTENTION_B_OUT), n, int(L, ATTENTION_STEPS), int(L, ATTENTION_DIM), int(L, ATTENTION_HEADS),
    int(L, ATTENTION_CAUSAL) != 0, pack);
}

/** dy is (n, T, d): the four tensors' gradients and dx (n, T, d) when needed. */
export function attentionLayerBackward(L: usize, ws: usize, params: usize, g: usize, n: i32, training: bool, pack: usize): void {
  attentionBackward(paramAt(g, L, ATTENTION_W), paramAt(g, L, ATTENTION_B), paramAt(g, L, ATTENTION_W_OUT),
    paramAt(g, L, ATTENTION_B_OUT), wsOpt(ws, L, L_DX), wsAt(ws, L, L_DY), wsAt(ws, L, L_X), wsAt(ws, L, ATTENTION_QKV),
    wsAt(ws, L, ATTENTION_PROBS), wsAt(ws, L, ATTENTION_CAT), wsAt(ws, L, ATTENTION_SCRATCH), paramAt(params, L, ATTENTION_W),
    paramAt(params, L, ATTENTION_W_OUT), n, int(L, ATTENTION_STEPS), int(L, ATTENTION_DIM), int(L, ATTENTION_HEADS),
    int(L, ATTENTION_CAUSAL) != 0, pack);
}
