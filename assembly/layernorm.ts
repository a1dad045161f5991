// Layer normalization over the last axis (torch.nn.LayerNorm(D)): each position of a row (D values) is
// normalized by its own mean and biased variance, then scaled and shifted per feature. In f32, as
// PyTorch's CPU kernel: a position's sums run in four lanes (j mod 4, f32x4 in the SIMD build, four
// scalars in the other) combined as (l0 + l1) + (l2 + l3), then the D mod 4 tail in order; per-feature
// sums over positions run position by position. Both builds do the same f32 operations in the same order.
import { L_X, L_Y, L_DX, L_DY, L_OUT_SIZE, LAYER_NORM_W, LAYER_NORM_B, LAYER_NORM_FEATURES, LAYER_NORM_EPS, LAYER_NORM_XHAT, LAYER_NORM_RSTD } from "./abi.generated";
import { int, slot, wsAt, wsOpt, paramAt } from "./slots";

// @ts-ignore: decorator
@inline
function lanes(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** Σ_j x[j] over D f32: four lanes, then the tail. */
function rowSum(x: usize, D: i32): f32 {
  let j = 0, s: f32 = 0;
  if (ASC_FEATURE_SIMD) {
    let v = f32x4.splat(0);
    for (; j + 4 <= D; j += 4) v = f32x4.add(v, v128.load(x + (<usize>j << 2)));
    s = lanes(v);
  } else {
    let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
    for (; j + 4 <= D; j += 4) {
      const o = x + (<usize>j << 2);
      s0 += load<f32>(o); s1 += load<f32>(o, 4); s2 += load<f32>(o, 8); s3 += load<f32>(o, 12);
    }
    s = (s0 + s1) + (s2 + s3);
  }
  for (; j < D; j++) s += load<f32>(x + (<usize>j << 2));
  return s;
}

/** Σ_j (x[j] − m)² over D f32: four lanes, then the tail. */
function rowSquares(x: usize, m: f32, D: i32): f32 {
  let j = 0, s: f32 = 0;
  if (ASC_FEATURE_SIMD) {
    const vm = f32x4.splat(m);
    let v = f32x4.splat(0);
    for (; j + 4 <= D; j += 4) {
      const d = f32x4.sub(v128.load(x + (<usize>j << 2)), vm);
      v = f32x4.add(v, f32x4.mul(d, d));
    }
    s = lanes(v);
  } else {
    let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
    for (; j + 4 <= D; j += 4) {
      const o = x + (<usize>j << 2);
      const d0 = load<f32>(o) - m, d1 = load<f32>(o, 4) - m, d2 = load<f32>(o, 8) - m, d3 = load<f32>(o, 12) - m;
      s0 += d0 * d0; s1 += d1 * d1; s2 += d2 * d2; s3 += d3 * d3;
    }
    s = (s0 + s1) + (s2 + s3);
  }
  for (; j < D; j++) {
    const d = load<f32>(x + (<usize>j << 2)) - m;
    s += d * d;
  }
  return s;
}

/**
 * x is (P, D): P positions of D values. mean = Σx / D, var = Σ(x − mean)² / D, rstd (P) = 1/√(var + eps)
 * (the root in f64, rounded once), xhat (P, D) = (x − mean)·rstd, y (P, D) = γ·xhat + β with γ, β (D).
 */
export function layerNormForward(y: usize, xhat: usize, rstd: usize, x: usize, gamma: usize, beta: usize, P: i32, D: i32, eps: f64): void {
  const fD = <f32>D;
  for (let p = 0; p < P; p++) {
    const row = <usize>(p * D) << 2;
    const mean = rowSum(x + row, D) / fD;
    const r = <f32>(1 / Math.sqrt(<f64>(rowSquares(x + row, mean, D) / fD) + eps));
    store<f32>(rstd + (<usize>p << 2), r);
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      const vm = f32x4.splat(mean), vr = f32x4.splat(r);
      for (; j + 4 <= D; j += 4) {
        const o = row + (<usize>j << 2), c = <usize>j << 2;
        const h = f32x4.mul(f32x4.sub(v128.load(x + o), vm), vr);
        v128.store(xhat + o, h);
        v128.store(y + o, f32x4.add(f32x4.mul(v128.load(gamma + c), h), v128.load(beta + c)));
      }
    }
    for (; j < D; j++) {
      const o = row + (<usize>j << 2), c = <usize>j << 2;
      const h = (load<f32>(x + o) - mean) * r;
      store<f32>(xhat + o, h);
      store<f32>(y + o, load<f32>(gamma + c) * h + load<f32>(beta + c));
    }
  }
}

/**
 * dy is (P, D): gγ (D) = Σ_p dy·xhat, gβ (D) = Σ_p dy (overwritten; summed position after position), and
 * when dx ≠ 0, with g = γ·dy, dx (P, D) = rstd·((g − mean_j(g)) − xhat·mean_j(g·xhat)).
 */
export function layerNormBackward(dx: usize, gg: usize, gb: usize, dy: usize, xhat: usize, rstd: usize, gamma: usize, P: i32, D: i32): void {
  memory.fill(gg, 0, <usize>D << 2);
  memory.fill(gb, 0, <usize>D << 2);
  for (let p = 0; p < P; p++) {
    const row = <usize>(p * D) << 2;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 4 <= D; j += 4) {
        const o = row + (<usize>j << 2), c = <usize>j << 2;
        const d = v128.load(dy + o);
        v128.store(gg + c, f32x4.add(v128.load(gg + c), f32x4.mul(d, v128.load(xhat + o))));
        v128.store(gb + c, f32x4.add(v128.load(gb + c), d));
      }
    }
    for (; j < D; j++) {
      const o = row + (<usize>j << 2), c = <usize>j << 2;
      const d = load<f32>(dy + o);
      store<f32>(gg + c, load<f32>(gg + c) + d * load<f32>(xhat + o));
      store<f32>(gb + c, load<f32>(gb + c) + d);
    }
  }
  if (dx == 0) return;
  const fD = <f32>D;
  for (let p = 0; p < P; p++) {
    const row = <usize>(p * D) << 2;
    let j = 0, m1: f32 = 0, m2: f32 = 0;
    if (ASC_FEATURE_SIMD) {
      let v1 = f32x4.splat(0), v2 = v1;
      for (; j + 4 <= D; j += 4) {
        const o = row + (<usize>j << 2);
        const g = f32x4.mul(v128.load(gamma + (<usize>j << 2)), v128.load(dy + o));
        v1 = f32x4.add(v1, g);
        v2 = f32x4.add(v2, f32x4.mul(g, v128.load(xhat + o)));
      }
      m1 = lanes(v1);
      m2 = lanes(v2);
    } else {
      let a0: f32 = 0, a1: f32 = 0, a2: f32 = 0, a3: f32 = 0, b0: f32 = 0, b1: f32 = 0, b2: f32 = 0, b3: f32 = 0;
      for (; j + 4 <= D; j += 4) {
        const o = row + (<usize>j << 2), c = gamma + (<usize>j << 2);
        const g0 = load<f32>(c) * load<f32>(dy + o), g1 = load<f32>(c, 4) * load<f32>(dy + o, 4);
        const g2 = load<f32>(c, 8) * load<f32>(dy + o, 8), g3 = load<f32>(c, 12) * load<f32>(dy + o, 12);
        a0 += g0; a1 += g1; a2 += g2; a3 += g3;
        b0 += g0 * load<f32>(xhat + o); b1 += g1 * load<f32>(xhat + o, 4);
        b2 += g2 * load<f32>(xhat + o, 8); b3 += g3 * load<f32>(xhat + o, 12);
      }
      m1 = (a0 + a1) + (a2 + a3);
      m2 = (b0 + b1) + (b2 + b3);
    }
    for (; j < D; j++) {
      const o = row + (<usize>j << 2);
      const g = load<f32>(gamma + (<usize>j << 2)) * load<f32>(dy + o);
      m1 += g;
      m2 += g * load<f32>(xhat + o);
    }
    m1 /= fD;
    m2 /= fD;
    const r = load<f32>(rstd + (<usize>p << 2));
    j = 0;
    if (ASC_FEATURE_SIMD) {
      const vm1 = f32x4.splat(m1), vm2 = f32x4.splat(m2), vr = f32x4.splat(r);
      for (; j + 4 <= D; j += 4) {
        const o = row + (<usize>j << 2);
        const g = f32x4.mul(v128.load(gamma + (<usize>j << 2)), v128.load(dy + o));
        v128.store(dx + o, f32x4.mul(vr, f32x4.sub(f32x4.sub(g, vm1), f32x4.mul(v128.load(xhat + o), vm2))));
      }
    }
    for (; j < D; j++) {
      const o = row + (<usize>j << 2);
      const g = load<f32>(gamma + (<usize>j << 2)) * load<f32>(dy + o);
      store<f32>(dx + o, r * ((g - m1) - load<f32>(xhat + o) * m2));
    }
  }
}

// The layerNorm layer over a network record (abi.json layerKinds `layerNorm`).

/** x, y are (n, P, D) with P·D = outSize. */
export function layerNormLayerForward(L: usize, ws: usize, params: usize, stats: usize, n: i32, training: bool, pack: usize, rng: usize): void {
  const D = int(L, LAYER_NORM_FEATURES);
  layerNormForward(wsAt(ws, L, L_Y), wsAt(ws, L, LAYER_NORM_XHAT), wsAt(ws, L, LAYER_NORM_RSTD), wsAt(ws, L, L_X),
    paramAt(params, L, LAYER_NORM_W), paramAt(params, L, LAYER_NORM_B), n * (int(L, L_OUT_SIZE) / D), D, slot(L, LAYER_NORM_EPS));
}

/** dγ, dβ (D) and dx (n, P, D) when needed. */
export function layerNormLayerBackward(L: usize, ws: usize, params: usize, g: usize, n: i32, training: bool, pack: usize): void {
  const D = int(L, LAYER_NORM_FEATURES);
  layerNormBackward(wsOpt(ws, L, L_DX), paramAt(g, L, LAYER_NORM_W), paramAt(g, L, LAYER_NORM_B), wsAt(ws, L, L_DY),
    wsAt(ws, L, LAYER_NORM_XHAT), wsAt(ws, L, LAYER_NORM_RSTD), paramAt(params, L, LAYER_NORM_W), n * (int(L, L_OUT_SIZE) / D), D);
}
