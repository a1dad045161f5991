// Layer normalization over the last axis (torch.nn.LayerNorm(D)): each position of a row (D values) is
// normalized by its own mean and biased variance, then scaled and shifted per feature. Sums run in f64 and
// the code has no SIMD branch, so both builds give the same bits.
import { L_X, L_Y, L_DX, L_DY, L_OUT_SIZE, LAYER_NORM_W, LAYER_NORM_B, LAYER_NORM_FEATURES, LAYER_NORM_EPS, LAYER_NORM_XHAT, LAYER_NORM_RSTD } from "./abi.generated";
import { int, slot, wsAt, wsOpt, paramAt } from "./slots";

/**
 * x is (P, D): P positions of D values. xhat (P, D) = (x − mean)·rstd, rstd (P) = 1/√(var + eps),
 * y (P, D) = γ·xhat + β with γ, β (D).
 */
export function layerNormForward(y: usize, xhat: usize, rstd: usize, x: usize, gamma: usize, beta: usize, P: i32, D: i32, eps: f64): void {
  for (let p = 0; p < P; p++) {
    const row = <usize>(p * D) << 2;
    let sum: f64 = 0;
    for (let j = 0; j < D; j++) sum += <f64>load<f32>(x + row + (<usize>j << 2));
    const mean = sum / <f64>D;
    let sq: f64 = 0;
    for (let j = 0; j < D; j++) {
      const d = <f64>load<f32>(x + row + (<usize>j << 2)) - mean;
      sq += d * d;
    }
    const r = 1 / Math.sqrt(sq / <f64>D + eps);
    store<f32>(rstd + (<usize>p << 2), <f32>r);
    for (let j = 0; j < D; j++) {
      const o = row + (<usize>j << 2);
      const h = <f32>((<f64>load<f32>(x + o) - mean) * r);
      store<f32>(xhat + o, h);
      store<f32>(y + o, load<f32>(gamma + (<usize>j << 2)) * h + load<f32>(beta + (<usize>j << 2)));
    }
  }
}

/**
 * dy is (P, D): gγ (D) = Σ_p dy·xhat, gβ (D) = Σ_p dy (overwritten), and when dx ≠ 0, with g = γ·dy,
 * dx (P, D) = rstd·(g − mean_j(g) − xhat·mean_j(g·xhat)).
 */
export function layerNormBackward(dx: usize, gg: usize, gb: usize, dy: usize, xhat: usize, rstd: usize, gamma: usize, P: i32, D: i32): void {
  for (let j = 0; j < D; j++) {
    let sg: f64 = 0, sb: f64 = 0;
    for (let p = 0; p < P; p++) {
      const o = <usize>(p * D + j) << 2;
      const d = <f64>load<f32>(dy + o);
      sg += d * <f64>load<f32>(xhat + o);
      sb += d;
    }
    store<f32>(gg + (<usize>j << 2), <f32>sg);
    store<f32>(gb + (<usize>j << 2), <f32>sb);
  }
  if (dx == 0) return;
  for (let p = 0; p < P; p++) {
    const row = <usize>(p * D) << 2;
    let m1: f64 = 0, m2: f64 = 0;
    for (let j = 0; j < D; j++) {
      const o = row + (<usize>j << 2);
      const g = <f64>load<f32>(gamma + (<usize>j << 2)) * <f64>load<f32>(dy + o);
      m1 += g;
      m2 += g * <f64>load<f32>(xhat + o);
    }
    m1 /= <f64>D;
    m2 /= <f64>D;
    const r = <f64>load<f32>(rstd + (<usize>p << 2));
    for (let j = 0; j < D; j++) {
      const o = row + (<usize>j << 2);
      const g = <f64>load<f32>(gamma + (<usize>j << 2)) * <f64>load<f32>(dy + o);
      store<f32>(dx + o, <f32>(r * (g - m1 - <f64>load<f32>(xhat + o) * m2)));
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
