// Pure-TS twins of assembly/gradtools.ts: clipping, Gaussian gradient noise, the two L1 treatments and
// Polyak averaging.
//
// The noise must be the same stream on every backend: the PRNG is integer-only (xoshiro128**, as
// src/rng.ts) and the Gaussian uses only IEEE-exact f64 operations in the same order as the kernel,
// with the noise term rounded to f32 before it is added, as the kernel does.

/** Scales g so that ‖g‖₂ ≤ maxNorm (coef = maxNorm/(‖g‖ + 1e−6) when < 1); returns ‖g‖ before. */
export function clipGradNorm(grads: Float32Array, n: number, maxNorm: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += grads[i] * grads[i];
    s1 += grads[i + 1] * grads[i + 1];
    s2 += grads[i + 2] * grads[i + 2];
    s3 += grads[i + 3] * grads[i + 3];
  }
  let s = (s0 + s1) + (s2 + s3);
  for (; i < n; i++) s += grads[i] * grads[i];
  const norm = Math.sqrt(s);
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) {
    const c = Math.fround(coef);
    for (let j = 0; j < n; j++) grads[j] *= c;
  }
  return norm;
}

/** Clamps every g_i to [−c, c]. */
export function clipGradValue(grads: Float32Array, n: number, c: number): void {
  for (let i = 0; i < n; i++) {
    const g = grads[i];
    grads[i] = g > c ? c : g < -c ? -c : g;
  }
}

/** ln(x) for x in (0, 1] from exact operations only (see assembly/gradtools.ts). */
export function lnPortable(x: number): number {
  let m = x;
  let e = 0;
  while (m < 0.7071067811865476) {
    m *= 2;
    e -= 1;
  }
  const f = (m - 1) / (m + 1);
  const f2 = f * f;
  let p = 1.0 / 29.0;
  for (let k = 13; k >= 0; k--) p = p * f2 + 1.0 / (2 * k + 1);
  return 2 * f * p + e * 0.6931471805599453;
}

/** g[i] += σ·z_i, z_i ~ N(0, 1) by Marsaglia's polar method; the PRNG words are rng[o .. o + 4). */
export function addGradNoise(grads: Float32Array, n: number, sigma: number, rng: Float64Array, o = 0): void {
  let s0 = rng[o] >>> 0, s1 = rng[o + 1] >>> 0, s2 = rng[o + 2] >>> 0, s3 = rng[o + 3] >>> 0;
  const next = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    s2 = (s2 ^ s0) >>> 0;
    s3 = (s3 ^ s1) >>> 0;
    s1 = (s1 ^ s2) >>> 0;
    s0 = (s0 ^ s3) >>> 0;
    s2 = (s2 ^ t) >>> 0;
    s3 = rotl(s3, 11);
    return result;
  };
  for (let i = 0; i < n; i += 2) {
    let u = 0, v = 0, s = 0;
    do {
      u = next() * 4.656612873077393e-10 - 1;
      v = next() * 4.656612873077393e-10 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt(-2 * lnPortable(s) / s);
    grads[i] = grads[i] + Math.fround(sigma * (u * f));
    if (i + 1 < n) grads[i + 1] = grads[i + 1] + Math.fround(sigma * (v * f));
  }
  rng[o] = s0;
  rng[o + 1] = s1;
  rng[o + 2] = s2;
  rng[o + 3] = s3;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** ‖w‖₁ over the first n entries. */
export function norm1(w: Float32Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.abs(w[i]);
  return s;
}

/** Tsuruoka et al.'s cumulative L1 penalty after the update (scikit-learn's l1penalty, dense). */
export function l1Cumulative(w: Float32Array, q: Float32Array, n: number, u: number): void {
  for (let i = 0; i < n; i++) {
    const z = w[i];
    const qi = q[i];
    let nw = z;
    if (z > 0) nw = Math.fround(Math.max(0, z - (u + qi)));
    else if (z < 0) nw = Math.fround(Math.min(0, z + (u - qi)));
    w[i] = nw;
    q[i] = qi + (nw - z);
  }
}

/** OWL-QN pseudo-gradient of λ‖w‖₁ added to g, and the orthant each weight must stay in. */
export function l1PseudoGrad(grads: Float32Array, w: Float32Array, orth: Float32Array, n: number, lambda: number): void {
  const l = Math.fround(lambda);
  for (let i = 0; i < n; i++) {
    const wi = w[i];
    let g = grads[i];
    let xi = 0;
    if (wi > 0) {
      g += l;
      xi = 1;
    } else if (wi < 0) {
      g -= l;
      xi = -1;
    } else if (g > l) {
      g -= l;
      xi = -1;
    } else if (g < -l) {
      g += l;
      xi = 1;
    } else {
      g = 0;
    }
    grads[i] = g;
    orth[i] = xi;
  }
}

/** Zeroes every weight that left its orthant. */
export function l1Project(w: Float32Array, orth: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) if (w[i] * orth[i] <= 0) w[i] = 0;
}

/** avg[i] += (w[i] − avg[i])·inv. */
export function averageStep(avg: Float32Array, w: Float32Array, n: number, inv: number): void {
  const c = Math.fround(inv);
  for (let i = 0; i < n; i++) avg[i] += (w[i] - avg[i]) * c;
}
