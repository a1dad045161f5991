// Gradient tools that the batch loop (train.ts) applies between the gradient and the update, and after
// the update: clipping, annealed Gaussian noise, the two L1 treatments and Polyak averaging. Each is
// a plain kernel over pointers (output first, never allocating) so that `minimize` can call them too.
//
// The noise PRNG's four words live in the caller's memory (the run descriptor's rng slots, or a block
// of minimize), as f64 slots, so they are saved and resumed with the rest of a run.

// ------------------------------------------------------------------------------------------------
// Clipping

/**
 * Scales the gradient so that its global L2 norm is at most maxNorm, as torch.nn.utils.clip_grad_norm_:
 * coef = maxNorm / (‖g‖ + 1e−6), g ← coef·g when coef < 1. The norm is accumulated in f64 (four
 * accumulators, fixed order) so that a large gradient cannot overflow it. Returns ‖g‖ before clipping.
 */
export function clipGradNorm(grads: usize, n: i32, maxNorm: f64): f64 {
  let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const a = <f64>load<f32>(grads + o), b = <f64>load<f32>(grads + o, 4);
    const c = <f64>load<f32>(grads + o, 8), e = <f64>load<f32>(grads + o, 12);
    s0 += a * a; s1 += b * b; s2 += c * c; s3 += e * e;
  }
  let s = (s0 + s1) + (s2 + s3);
  for (; i < n; i++) {
    const a = <f64>load<f32>(grads + (<usize>i << 2));
    s += a * a;
  }
  const norm = Math.sqrt(s);
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) scaleF32(grads, n, <f32>coef);
  return norm;
}

/** Clamps every component of the gradient to [−c, c] (torch.nn.utils.clip_grad_value_). */
export function clipGradValue(grads: usize, n: i32, c: f32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const hi = f32x4.splat(c), lo = f32x4.splat(-c);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(grads + o, f32x4.max(lo, f32x4.min(hi, v128.load(grads + o))));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(grads + o, Mathf.max(-c, Mathf.min(c, load<f32>(grads + o))));
  }
}

// @ts-ignore: decorator
@inline
function scaleF32(p: usize, n: i32, a: f32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const va = f32x4.splat(a);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(p + o, f32x4.mul(va, v128.load(p + o)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(p + o, a * load<f32>(p + o));
  }
}

// ------------------------------------------------------------------------------------------------
// Gaussian gradient noise (Neelakantan et al. 2015, as summarised by Ruder): g ← g + N(0, σ_t²).
// The stream must be the same on every backend, so it uses only integer arithmetic (xoshiro128**,
// the generator of src/rng.ts) and IEEE-exact f64 operations (+ − × ÷ √): the logarithm of the polar
// method is a short series written out here rather than Math.log, whose last bit may differ between
// engines. src/backends/js/gradtools.ts performs the same operations in the same order.

let r0: u32 = 0, r1: u32 = 0, r2: u32 = 0, r3: u32 = 0;

// @ts-ignore: decorator
@inline
function nextU32(): u32 {
  const result = rotl<u32>(r1 * 5, 7) * 9;
  const t = r1 << 9;
  r2 ^= r0;
  r3 ^= r1;
  r1 ^= r2;
  r0 ^= r3;
  r2 ^= t;
  r3 = rotl<u32>(r3, 11);
  return result;
}

/**
 * ln(x) for x in (0, 1] from exact operations only: x = m·2^e with m in [√½, √2) by exact doublings,
 * then ln m = 2·atanh(f) = 2·Σ f^(2k+1)/(2k+1) with f = (m − 1)/(m + 1), |f| ≤ 0.172 (14 terms reach
 * full f64 precision), plus e·ln 2.
 */
export function lnPortable(x: f64): f64 {
  let m = x;
  let e: f64 = 0;
  while (m < 0.7071067811865476) {
    m *= 2;
    e -= 1;
  }
  const f = (m - 1) / (m + 1);
  const f2 = f * f;
  let p: f64 = 1.0 / 29.0;
  for (let k = 13; k >= 0; k--) p = p * f2 + 1.0 / <f64>(2 * k + 1);
  return 2 * f * p + e * 0.6931471805599453;
}

/**
 * g[i] += σ·z_i for i < n, z_i standard normal from Marsaglia's polar method, drawn in pairs
 * (an odd n drops the last spare, so each call starts afresh). The PRNG words are the four f64 at `rng`.
 */
export function addGradNoise(grads: usize, n: i32, sigma: f64, rng: usize): void {
  loadRng(rng);
  for (let i = 0; i < n; i += 2) {
    let u: f64 = 0, v: f64 = 0, s: f64 = 0;
    do {
      u = <f64>nextU32() * 4.656612873077393e-10 - 1; // 2^-31: [0, 2^32) → [−1, 1)
      v = <f64>nextU32() * 4.656612873077393e-10 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    const f = Math.sqrt(-2 * lnPortable(s) / s);
    const o = <usize>i << 2;
    store<f32>(grads + o, load<f32>(grads + o) + <f32>(sigma * (u * f)));
    if (i + 1 < n) store<f32>(grads + o, load<f32>(grads + o, 4) + <f32>(sigma * (v * f)), 4);
  }
  storeRng(rng);
}

// @ts-ignore: decorator
@inline
function loadRng(p: usize): void {
  r0 = <u32>load<f64>(p);
  r1 = <u32>load<f64>(p, 8);
  r2 = <u32>load<f64>(p, 16);
  r3 = <u32>load<f64>(p, 24);
}

// @ts-ignore: decorator
@inline
function storeRng(p: usize): void {
  store<f64>(p, <f64>r0);
  store<f64>(p, <f64>r1, 8);
  store<f64>(p, <f64>r2, 16);
  store<f64>(p, <f64>r3, 24);
}

// ------------------------------------------------------------------------------------------------
// L1 penalty λ·‖w‖₁ on the weights (the first nW parameters; biases are never penalised).

/** ‖w‖₁ in f64. */
export function norm1(w: usize, n: i32): f64 {
  let s: f64 = 0;
  for (let i = 0; i < n; i++) s += <f64>Mathf.abs(load<f32>(w + (<usize>i << 2)));
  return s;
}

/**
 * The cumulative-penalty step of Tsuruoka, Tsujii & Ananiadou (2009), as scikit-learn's SGD, applied
 * after the update. u is the total penalty every weight could have received so far (Σ lr_t·λ) and q_i
 * what w_i actually received; each weight is pulled towards zero by what it is owed and clipped at zero:
 *
 *     w_i > 0:  w_i ← max(0, w_i − (u + q_i));   w_i < 0:  w_i ← min(0, w_i + (u − q_i));   q_i += w_i' − w_i
 *
 * so weights whose gradient does not outweigh the penalty become exactly zero.
 */
export function l1Cumulative(w: usize, q: usize, n: i32, u: f64): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const z = load<f32>(w + o);
    const qi = <f64>load<f32>(q + o);
    let nw: f32 = z;
    if (z > 0) nw = <f32>Math.max(0, <f64>z - (u + qi));
    else if (z < 0) nw = <f32>Math.min(0, <f64>z + (u - qi));
    store<f32>(w + o, nw);
    store<f32>(q + o, <f32>(qi + (<f64>nw - <f64>z)));
  }
}

/**
 * Orthant-wise L1 for rules other than plain SGD (OWL-QN's pseudo-gradient, Andrew & Gao 2007), before
 * the update: g_i ← g_i + λ·sign(w_i) for w_i ≠ 0; at w_i = 0, g_i ∓ λ when |g_i| > λ, else 0. Records
 * in `orth` the orthant the step may not leave: sign(w_i), or −sign(g_i) at zero.
 */
export function l1PseudoGrad(grads: usize, w: usize, orth: usize, n: i32, lambda: f32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const wi = load<f32>(w + o);
    let g = load<f32>(grads + o);
    let xi: f32 = 0;
    if (wi > 0) {
      g += lambda;
      xi = 1;
    } else if (wi < 0) {
      g -= lambda;
      xi = -1;
    } else if (g > lambda) {
      g -= lambda;
      xi = -1;
    } else if (g < -lambda) {
      g += lambda;
      xi = 1;
    } else {
      g = 0;
    }
    store<f32>(grads + o, g);
    store<f32>(orth + o, xi);
  }
}

/** After the update: a weight that left its orthant (or had none) is set to exactly zero. */
export function l1Project(w: usize, orth: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    if (load<f32>(w + o) * load<f32>(orth + o) <= 0) store<f32>(w + o, 0);
  }
}

// ------------------------------------------------------------------------------------------------
// Polyak–Ruppert averaging (scikit-learn's `average`): avg ← avg + (w − avg)/c for the c-th iterate.

/** avg[i] += (w[i] − avg[i])·inv, inv = 1/c. With c = 1 it copies w. */
export function averageStep(avg: usize, w: usize, n: i32, inv: f32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vi = f32x4.splat(inv);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const a = v128.load(avg + o);
      v128.store(avg + o, f32x4.add(a, f32x4.mul(f32x4.sub(v128.load(w + o), a), vi)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const a = load<f32>(avg + o);
    store<f32>(avg + o, a + (load<f32>(w + o) - a) * inv);
  }
}
