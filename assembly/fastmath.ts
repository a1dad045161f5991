// f32 exp and log1p on the ranges the losses need, and the sigmoid, tanh and GELU of the activations, as
// short polynomials (a few ulp, no table, no branch), in a scalar and an f32x4 version that compute the
// same formula lane by lane. The standard-library
// Mathf.exp / Mathf.log1p handle every corner case and cost tens of cycles per call; the logistic
// loss only needs e^u for u ≤ 0 and log1p(t) for t in [0, 1].

// Cephes expf: e^u = 2^k · e^r, k = round(u·log2 e), r = u − k·ln 2 (ln 2 split in two for accuracy),
// e^r ≈ 1 + r + r²·P(r) on |r| ≤ ln 2 / 2.
const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const P0: f32 = 1.9875691500e-4;
const P1: f32 = 1.3981999507e-3;
const P2: f32 = 8.3334519073e-3;
const P3: f32 = 4.1665795894e-2;
const P4: f32 = 1.6666665459e-1;
const P5: f32 = 5.0000001201e-1;
/** Below this, e^u is clamped to e^-87 ≈ 1.6e-38 (still a normal f32): no denormals, no underflow to 0. */
const EXP_MIN: f32 = -87.0;

// log1p(t) = 2·atanh(s) with s = t / (2 + t) ∈ [0, 1/3] for t ∈ [0, 1]:
// 2s·(1 + w/3 + w²/5 + … + w⁷/15), w = s² ≤ 1/9; the first omitted term is below 2^-26 relative.
const L1: f32 = 1.0 / 3.0;
const L2: f32 = 1.0 / 5.0;
const L3: f32 = 1.0 / 7.0;
const L4: f32 = 1.0 / 9.0;
const L5: f32 = 1.0 / 11.0;
const L6: f32 = 1.0 / 13.0;
const L7: f32 = 1.0 / 15.0;

/** e^u for u ≤ 0 (u > 0 is not supported), to about 2 ulp. */
// @ts-ignore: decorator
@inline
export function expNeg(u: f32): f32 {
  u = max(u, EXP_MIN);
  const k = nearest(u * LOG2E);
  const r = (u - k * LN2_HI) - k * LN2_LO;
  const p = ((((P0 * r + P1) * r + P2) * r + P3) * r + P4) * r + P5;
  const e = (p * (r * r) + r) + <f32>1;
  return reinterpret<f32>(reinterpret<i32>(e) + (<i32>k << 23));
}

/** log(1 + t) for t in [0, 1], accurate for tiny t. */
// @ts-ignore: decorator
@inline
export function log1pUnit(t: f32): f32 {
  const s = t / (<f32>2 + t);
  const w = s * s;
  const q = ((((((L7 * w + L6) * w + L5) * w + L4) * w + L3) * w + L2) * w + L1) * w;
  return (s + s) + (s + s) * q;
}

// tanh(t) for 0 ≤ t < TANH_SPLIT as t + t·w·P(w), w = t²: a least-squares fit of (tanh(t)/t − 1)/w at
// Chebyshev nodes, weighted by relative error, rounded to f32 (≤ 0.86 ulp on [0, 0.625] evaluated in f32).
// Above the split, (1 − e)/(1 + e) with e = e^−2t ≤ e^−1.25: 1 − e ≥ 0.71, so no cancellation (≤ 1.5 ulp).
const TANH_SPLIT: f32 = 0.625;
const T0: f32 = -0.3333328068256378;
const T1: f32 = 0.13331381976604462;
const T2: f32 = -0.05373531952500343;
const T3: f32 = 0.020626291632652283;
const T4: f32 = -0.005691985599696636;
// GELU (tanh approximation) as x·σ(2u), u = √(2/π)(x + 0.044715x³): 1 + tanh(u) = 2σ(2u) without the
// cancellation of 1 + tanh(u) for u ≪ 0. 2u = x·(G1 + G2·x²); d(2u)/dx = G1 + G3·x².
const G1: f32 = 1.5957691216057308; // 2√(2/π)
const G2: f32 = 0.07135481627159327; // 2√(2/π)·0.044715
const G3: f32 = 0.2140644488147798; // 3·G2

// The f32x4 versions read their constants from this table with one broadcast load each: V8 (TurboFan)
// rebuilds every f32x4.splat of a constant inside the loop that uses it, three instructions apiece.
const K4 = memory.data<f32>([
  EXP_MIN, LOG2E, LN2_HI, LN2_LO, P0, P1, P2, P3, P4, P5,
  1.0, 2.0, 12582912.0,
  L7, L6, L5, L4, L3, L2, L1,
  -0.0,
  TANH_SPLIT, T4, T3, T2, T1, T0,
  G1, G2, G3,
], 16);
const K_EXP_MIN = 0, K_LOG2E = 1, K_LN2_HI = 2, K_LN2_LO = 3, K_P0 = 4;
const K_ONE = 10, K_TWO = 11, K_ROUND = 12, K_L7 = 13, K_SIGN = 20;
const K_TANH_SPLIT = 21, K_T4 = 22, K_G1 = 27, K_G2 = 28, K_G3 = 29;

/** f32x4.splat(K4[i]) as one load. */
// @ts-ignore: decorator
@inline
export function k4(i: i32): v128 {
  return v128.load32_splat(K4 + (<usize>i << 2));
}

/** f32x4.splat(1) from the table. */
// @ts-ignore: decorator
@inline
export function one4(): v128 {
  return k4(K_ONE);
}

/** −|x| on four lanes (the sign bit set), the argument expNeg4 takes. */
// @ts-ignore: decorator
@inline
export function negAbs4(x: v128): v128 {
  return v128.or(x, k4(K_SIGN));
}

/**
 * expNeg on four lanes: the same operations in the same order, so each lane equals the scalar.
 * k = nearest(u·log2 e) is taken as (u·log2 e + 1.5·2^23) − 1.5·2^23, which rounds to nearest-even exactly
 * as `nearest` does for |k| < 2^22 (here |k| ≤ 126); the low bits of the biased sum are then k itself, so
 * shifting them left by 23 gives k << 23 without a float-to-int conversion. pmax equals max here (u ≤ 0,
 * and a NaN u stays NaN).
 */
// @ts-ignore: decorator
@inline
export function expNeg4(u: v128): v128 {
  u = f32x4.pmax(u, k4(K_EXP_MIN));
  const kb = f32x4.add(f32x4.mul(u, k4(K_LOG2E)), k4(K_ROUND));
  const k = f32x4.sub(kb, k4(K_ROUND));
  const r = f32x4.sub(f32x4.sub(u, f32x4.mul(k, k4(K_LN2_HI))), f32x4.mul(k, k4(K_LN2_LO)));
  let p = f32x4.add(f32x4.mul(k4(K_P0), r), k4(K_P0 + 1));
  p = f32x4.add(f32x4.mul(p, r), k4(K_P0 + 2));
  p = f32x4.add(f32x4.mul(p, r), k4(K_P0 + 3));
  p = f32x4.add(f32x4.mul(p, r), k4(K_P0 + 4));
  p = f32x4.add(f32x4.mul(p, r), k4(K_P0 + 5));
  const e = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), k4(K_ONE));
  return i32x4.add(e, i32x4.shl(kb, 23));
}

/** log1pUnit on four lanes. */
// @ts-ignore: decorator
@inline
export function log1pUnit4(t: v128): v128 {
  const s = f32x4.div(t, f32x4.add(k4(K_TWO), t));
  const w = f32x4.mul(s, s);
  let q = f32x4.add(f32x4.mul(k4(K_L7), w), k4(K_L7 + 1));
  q = f32x4.add(f32x4.mul(q, w), k4(K_L7 + 2));
  q = f32x4.add(f32x4.mul(q, w), k4(K_L7 + 3));
  q = f32x4.add(f32x4.mul(q, w), k4(K_L7 + 4));
  q = f32x4.add(f32x4.mul(q, w), k4(K_L7 + 5));
  q = f32x4.add(f32x4.mul(q, w), k4(K_L7 + 6));
  q = f32x4.mul(q, w);
  const s2 = f32x4.add(s, s);
  return f32x4.add(s2, f32x4.mul(s2, q));
}

/** σ(x) = 1/(1 + e^−x) in f32 (≤ 2.3 ulp where σ(x) > 1e-37; e^−x clamped below e^−87). */
// @ts-ignore: decorator
@inline
export function sigmoidF(x: f32): f32 {
  const e = expNeg(-abs(x));
  return (x >= 0 ? <f32>1 : e) / (<f32>1 + e);
}

/** tanh(x) in f32 (≤ 1.5 ulp): the polynomial below TANH_SPLIT, (1 − e)/(1 + e) above, x's sign restored. */
// @ts-ignore: decorator
@inline
export function tanhF(x: f32): f32 {
  const t = abs(x);
  let y: f32;
  if (t < TANH_SPLIT) {
    const w = t * t;
    const p = (((T4 * w + T3) * w + T2) * w + T1) * w + T0;
    y = t + t * (w * p);
  } else {
    const e = expNeg(<f32>-2 * t);
    y = (<f32>1 - e) / (<f32>1 + e);
  }
  return reinterpret<f32>(reinterpret<u32>(y) | (reinterpret<u32>(x) & 0x80000000));
}

/** GELU, tanh approximation, in f32: x·σ(2u), 2u = x·(G1 + G2·x²). */
// @ts-ignore: decorator
@inline
export function geluF(x: f32): f32 {
  return x * sigmoidF(x * (G1 + G2 * (x * x)));
}

/**
 * ∂GELU/∂x in f32: s + x·s(1 − s)·(G1 + G3·x²), s = σ(2u) (1 + tanh u = 2s, 1 − tanh² u = 4s(1 − s)).
 * s(1 − s) is taken as e/(1 + e)², e = e^−|2u|, not from a rounded s: for s near 1, 1 − s would keep no
 * significant bit.
 */
// @ts-ignore: decorator
@inline
export function geluGradF(x: f32): f32 {
  const x2 = x * x;
  const z = x * (G1 + G2 * x2);
  const e = expNeg(-abs(z));
  const den = <f32>1 + e;
  const s = (z >= 0 ? <f32>1 : e) / den;
  return s + x * (e / (den * den)) * (G1 + G3 * x2);
}

/** sigmoidF on four lanes (each lane equals the scalar). */
// @ts-ignore: decorator
@inline
export function sigmoid4(x: v128): v128 {
  const e = expNeg4(negAbs4(x));
  const one = one4();
  const num = v128.bitselect(one, e, f32x4.ge(x, f32x4.splat(0)));
  return f32x4.div(num, f32x4.add(one, e));
}

/** tanhF on four lanes: both branches computed, the lane's one selected (each lane equals the scalar). */
// @ts-ignore: decorator
@inline
export function tanh4(x: v128): v128 {
  const sign = k4(K_SIGN);
  const t = v128.andnot(x, sign);
  const w = f32x4.mul(t, t);
  let p = f32x4.add(f32x4.mul(k4(K_T4), w), k4(K_T4 + 1));
  p = f32x4.add(f32x4.mul(p, w), k4(K_T4 + 2));
  p = f32x4.add(f32x4.mul(p, w), k4(K_T4 + 3));
  p = f32x4.add(f32x4.mul(p, w), k4(K_T4 + 4));
  const small = f32x4.add(t, f32x4.mul(t, f32x4.mul(w, p)));
  const one = one4();
  const e = expNeg4(f32x4.mul(f32x4.splat(-2), t));
  const large = f32x4.div(f32x4.sub(one, e), f32x4.add(one, e));
  const y = v128.bitselect(small, large, f32x4.lt(t, k4(K_TANH_SPLIT)));
  return v128.or(y, v128.and(x, sign));
}

/** geluF on four lanes. */
// @ts-ignore: decorator
@inline
export function gelu4(x: v128): v128 {
  const z = f32x4.mul(x, f32x4.add(k4(K_G1), f32x4.mul(k4(K_G2), f32x4.mul(x, x))));
  return f32x4.mul(x, sigmoid4(z));
}

/** geluGradF on four lanes. */
// @ts-ignore: decorator
@inline
export function geluGrad4(x: v128): v128 {
  const x2 = f32x4.mul(x, x);
  const z = f32x4.mul(x, f32x4.add(k4(K_G1), f32x4.mul(k4(K_G2), x2)));
  const e = expNeg4(negAbs4(z));
  const one = one4();
  const den = f32x4.add(one, e);
  const s = f32x4.div(v128.bitselect(one, e, f32x4.ge(z, f32x4.splat(0))), den);
  const ss = f32x4.div(e, f32x4.mul(den, den));
  return f32x4.add(s, f32x4.mul(f32x4.mul(x, ss), f32x4.add(k4(K_G1), f32x4.mul(k4(K_G3), x2))));
}
