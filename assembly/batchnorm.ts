// Batch normalization per channel of n rows, each row C channels × S values (S = H·W for a C×H×W input,
// 1 for a flat input of C features), PyTorch's semantics: in training, each channel is normalized with the
// mean and the biased variance of the rows' N = n·S values, and the running estimates move by
// r ← (1 − momentum)·r + momentum·stat with the unbiased variance (N/(N − 1)); otherwise the running
// estimates normalize. y = γ·x̂ + β. Sums run in f64 (channel sums of up to 128·784 values).
// `aux` keeps each channel's mean and 1/√(var + eps) from the forward pass for the backward pass.
import {
  L_X, L_Y, L_DX, L_DY, BATCH_NORM_W, BATCH_NORM_B, BATCH_NORM_CHANNELS, BATCH_NORM_SPATIAL, BATCH_NORM_STATS,
  BATCH_NORM_MOMENTUM, BATCH_NORM_EPS, BATCH_NORM_XHAT, BATCH_NORM_MOMENTS,
} from "./abi.generated";
import { int, slot, wsAt, wsOpt, paramAt } from "./slots";

/**
 * y, xhat (n × C×S) from x; gamma, beta (C); mean, vr (C each: the running estimates, updated when
 * training); aux (2C: the statistics used).
 */
export function batchNormForward(y: usize, xhat: usize, x: usize, gamma: usize, beta: usize, mean: usize, vr: usize,
  aux: usize, n: i32, C: i32, S: i32, training: bool, momentum: f64, eps: f64): void {
  const N = n * S, row = C * S;
  for (let c = 0; c < C; c++) {
    const co = <usize>c << 2;
    let mu: f64, inv: f64;
    if (training) {
      let sum: f64 = 0;
      for (let i = 0; i < n; i++) {
        const p = x + (<usize>(i * row + c * S) << 2);
        for (let j = 0; j < S; j++) sum += <f64>load<f32>(p + (<usize>j << 2));
      }
      mu = N > 0 ? sum / <f64>N : 0;
      let ss: f64 = 0;
      for (let i = 0; i < n; i++) {
        const p = x + (<usize>(i * row + c * S) << 2);
        for (let j = 0; j < S; j++) {
          const d = <f64>load<f32>(p + (<usize>j << 2)) - mu;
          ss += d * d;
        }
      }
      const v = N > 0 ? ss / <f64>N : 0;
      inv = 1 / Math.sqrt(v + eps);
      if (N > 0) {
        const unbiased = N > 1 ? ss / <f64>(N - 1) : v;
        store<f32>(mean + co, <f32>((1 - momentum) * <f64>load<f32>(mean + co) + momentum * mu));
        store<f32>(vr + co, <f32>((1 - momentum) * <f64>load<f32>(vr + co) + momentum * unbiased));
      }
    } else {
      mu = <f64>load<f32>(mean + co);
      inv = 1 / Math.sqrt(<f64>load<f32>(vr + co) + eps);
    }
    store<f32>(aux + co, <f32>mu);
    store<f32>(aux + (<usize>(C + c) << 2), <f32>inv);
    const g = <f64>load<f32>(gamma + co), b = <f64>load<f32>(beta + co);
    for (let i = 0; i < n; i++) {
      const o = <usize>(i * row + c * S) << 2;
      for (let j = 0; j < S; j++) {
        const q = o + (<usize>j << 2);
        const h = <f32>((<f64>load<f32>(x + q) - mu) * inv);
        store<f32>(xhat + q, h);
        store<f32>(y + q, <f32>(g * <f64>h + b));
      }
    }
  }
}

/**
 * gg, gb (C, overwritten): Σ dy·x̂ and Σ dy per channel; dx (n × C×S, or 0 = not needed). With batch
 * statistics (training) dx = γ/σ·(dy − mean(dy) − x̂·mean(dy·x̂)); with the running ones dx = γ/σ·dy.
 */
export function batchNormBackward(dx: usize, gg: usize, gb: usize, dy: usize, xhat: usize, gamma: usize, aux: usize,
  n: i32, C: i32, S: i32, training: bool): void {
  const N = n * S, row = C * S;
  for (let c = 0; c < C; c++) {
    let sdy: f64 = 0, sdyx: f64 = 0;
    for (let i = 0; i < n; i++) {
      const o = <usize>(i * row + c * S) << 2;
      for (let j = 0; j < S; j++) {
        const q = o + (<usize>j << 2);
        const d = <f64>load<f32>(dy + q);
        sdy += d;
        sdyx += d * <f64>load<f32>(xhat + q);
      }
    }
    store<f32>(gg + (<usize>c << 2), <f32>sdyx);
    store<f32>(gb + (<usize>c << 2), <f32>sdy);
    if (dx == 0) continue;
    const k = <f64>load<f32>(gamma + (<usize>c << 2)) * <f64>load<f32>(aux + (<usize>(C + c) << 2));
    const a = training && N > 0 ? sdy / <f64>N : 0, bb = training && N > 0 ? sdyx / <f64>N : 0;
    for (let i = 0; i < n; i++) {
      const o = <usize>(i * row + c * S) << 2;
      for (let j = 0; j < S; j++) {
        const q = o + (<usize>j << 2);
        store<f32>(dx + q, <f32>(k * (<f64>load<f32>(dy + q) - a - <f64>load<f32>(xhat + q) * bb)));
      }
    }
  }
}

// The batch-norm layer over a network record (abi.json layerKinds `batchNorm`).

/** x, y are (n, C, S); γ, β (C); the running mean then variance (C each) at the record's offset in `stats`. */
export function batchNormLayerForward(L: usize, ws: usize, params: usize, stats: usize, n: i32, training: bool, pack: usize, rng: usize): void {
  const C = int(L, BATCH_NORM_CHANNELS);
  const m = stats + (<usize>int(L, BATCH_NORM_STATS) << 2);
  batchNormForward(wsAt(ws, L, L_Y), wsAt(ws, L, BATCH_NORM_XHAT), wsAt(ws, L, L_X), paramAt(params, L, BATCH_NORM_W),
    paramAt(params, L, BATCH_NORM_B), m, m + (<usize>C << 2), wsAt(ws, L, BATCH_NORM_MOMENTS), n, C,
    int(L, BATCH_NORM_SPATIAL), training, slot(L, BATCH_NORM_MOMENTUM), slot(L, BATCH_NORM_EPS));
}

/** dy is (n, C, S): dγ, dβ (C) and dx (n, C, S) when needed. */
export function batchNormLayerBackward(L: usize, ws: usize, params: usize, g: usize, n: i32, training: bool, pack: usize): void {
  batchNormBackward(wsOpt(ws, L, L_DX), paramAt(g, L, BATCH_NORM_W), paramAt(g, L, BATCH_NORM_B), wsAt(ws, L, L_DY),
    wsAt(ws, L, BATCH_NORM_XHAT), paramAt(params, L, BATCH_NORM_W), wsAt(ws, L, BATCH_NORM_MOMENTS), n,
    int(L, BATCH_NORM_CHANNELS), int(L, BATCH_NORM_SPATIAL), training);
}
