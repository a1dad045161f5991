// Loss heads of a network: the loss of a batch of outputs Z (count rows × k, row stride ldz) against
// labels picked through an index window, as assembly/losses.ts does for the linear models: row r of the
// batch (r < count) has the label(s) of data row idx[start + r]. Each head returns the MEAN loss over the
// batch (PyTorch's reduction='mean') in f64 and writes dZ = ∂(mean loss)/∂Z (count × k, stride ldz,
// overwritten; dZ may alias Z). Losses are accumulated in f64; gradients are rounded once to f32.

import { expNeg, expNeg4 } from "./fastmath";

// @ts-ignore: decorator
@inline
function labelRow(idx: usize, start: i32, r: i32): usize {
  return <usize>load<i32>(idx + (<usize>(start + r) << 2));
}

/**
 * One row of k logits at z with class `label`: writes g = (softmax(z) − onehot(label))·inv (g may alias z) and
 * returns logsumexp(z) − z[label]. The exponentials by expNeg in f32 (four lanes at a time; z − max ≤ 0),
 * their sum and the logarithm in f64.
 */
// @ts-ignore: decorator
@inline
function softmaxRow(g: usize, z: usize, label: i32, k: i32, inv: f64): f64 {
  // Read before the loop below overwrites z when g aliases it.
  const zLabel = load<f32>(z + (<usize>label << 2));
  let mx = load<f32>(z);
  for (let c = 1; c < k; c++) mx = max(mx, load<f32>(z + (<usize>c << 2)));
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    const vmx = f32x4.splat(mx);
    for (; c + 4 <= k; c += 4) {
      const o = <usize>c << 2;
      v128.store(g + o, expNeg4(f32x4.sub(v128.load(z + o), vmx)));
    }
  }
  for (; c < k; c++) {
    const o = <usize>c << 2;
    store<f32>(g + o, expNeg(load<f32>(z + o) - mx));
  }
  let s: f64 = 0;
  for (c = 0; c < k; c++) s += <f64>load<f32>(g + (<usize>c << 2));
  const is = <f32>(inv / s);
  c = 0;
  if (ASC_FEATURE_SIMD) {
    const vis = f32x4.splat(is);
    for (; c + 4 <= k; c += 4) {
      const o = <usize>c << 2;
      v128.store(g + o, f32x4.mul(v128.load(g + o), vis));
    }
  }
  for (; c < k; c++) {
    const o = <usize>c << 2;
    store<f32>(g + o, load<f32>(g + o) * is);
  }
  const gl = g + (<usize>label << 2);
  store<f32>(gl, <f32>(<f64>load<f32>(gl) - inv));
  return <f64>mx + Math.log(s) - <f64>zLabel;
}

/**
 * Softmax cross-entropy on logits (torch.nn.CrossEntropyLoss): y holds one class index per data row (as
 * f32). loss = mean_r (logsumexp(z_r) − z_r[y]), computed with the max subtracted so logits of ±1e4 stay
 * finite; dZ = (softmax(z_r) − onehot(y_r)) / count. The k exponentials run in f32 (expNeg of
 * assembly/fastmath.ts, four lanes at a time; the argument z − max is ≤ 0), each stored in dZ and scaled
 * there; their sum and the logarithm stay in f64. The f64 Math.exp of the js twin cost ~20 ns per logit.
 */
export function headSoftmax(dZ: usize, Z: usize, y: usize, idx: usize, start: i32, count: i32, k: i32, ldz: i32): f64 {
  if (count <= 0) return 0;
  const ldzB = <usize>ldz << 2;
  const inv = 1.0 / <f64>count;
  let loss: f64 = 0;
  for (let r = 0; r < count; r++) {
    const z = Z + <usize>r * ldzB;
    const g = dZ + <usize>r * ldzB;
    loss += softmaxRow(g, z, <i32>load<f32>(y + (labelRow(idx, start, r) << 2)), k, inv);
  }
  return loss * inv;
}

/**
 * Binary cross-entropy on logits (torch.nn.BCEWithLogitsLoss): k independent logits per row (k = 1 for
 * a binary classifier), labels y[idx·k + c] ∈ [0, 1]. loss = mean over rows and outputs of
 * max(z, 0) − y·z + log1p(exp(−|z|)) (stable); dZ = (σ(z) − y) / (count·k).
 */
export function headLogistic(dZ: usize, Z: usize, y: usize, idx: usize, start: i32, count: i32, k: i32, ldz: i32): f64 {
  if (count <= 0 || k <= 0) return 0;
  const ldzB = <usize>ldz << 2;
  const inv = 1.0 / (<f64>count * <f64>k);
  let loss: f64 = 0;
  for (let r = 0; r < count; r++) {
    const z = Z + <usize>r * ldzB;
    const g = dZ + <usize>r * ldzB;
    const yr = y + ((labelRow(idx, start, r) * <usize>k) << 2);
    for (let c = 0; c < k; c++) {
      const o = <usize>c << 2;
      const v = <f64>load<f32>(z + o);
      const t = <f64>load<f32>(yr + o);
      const e = Math.exp(-Math.abs(v));
      loss += (v > 0 ? v : 0) - t * v + Math.log1p(e);
      const sig = v >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
      store<f32>(g + o, <f32>((sig - t) * inv));
    }
  }
  return loss * inv;
}

/**
 * Squared error (torch.nn.MSELoss, reduction='mean'): k outputs per row, targets y[idx·k + c].
 * loss = mean over rows and outputs of (z − y)² (no ½, so trajectories match PyTorch);
 * dZ = 2(z − y) / (count·k).
 */
export function headSquared(dZ: usize, Z: usize, y: usize, idx: usize, start: i32, count: i32, k: i32, ldz: i32): f64 {
  if (count <= 0 || k <= 0) return 0;
  const ldzB = <usize>ldz << 2;
  const inv = 1.0 / (<f64>count * <f64>k);
  let loss: f64 = 0;
  for (let r = 0; r < count; r++) {
    const z = Z + <usize>r * ldzB;
    const g = dZ + <usize>r * ldzB;
    const yr = y + ((labelRow(idx, start, r) * <usize>k) << 2);
    for (let c = 0; c < k; c++) {
      const o = <usize>c << 2;
      const e = <f64>load<f32>(z + o) - <f64>load<f32>(yr + o);
      loss += e * e;
      store<f32>(g + o, <f32>(2.0 * e * inv));
    }
  }
  return loss * inv;
}

/**
 * Softmax cross-entropy at every position (a language model's next-token loss): row r of the batch holds
 * T positions of k logits, Z[r, t, :] at Z + r·ldz + t·k (ldz ≥ T·k), with label y[idx·T + t] (a class
 * index as f32). loss = mean over the count·T positions of logsumexp(z) − z[y] (PyTorch's cross_entropy
 * on the (count·T, k) logits); dZ = (softmax(z) − onehot(y)) / (count·T), dZ may alias Z. As headSoftmax:
 * exponentials by expNeg in f32 (four lanes at a time), their sum and the logarithm in f64.
 */
export function headSoftmaxSeq(dZ: usize, Z: usize, y: usize, idx: usize, start: i32, count: i32, T: i32, k: i32, ldz: i32): f64 {
  if (count <= 0 || T <= 0) return 0;
  const ldzB = <usize>ldz << 2;
  const inv = 1.0 / (<f64>count * <f64>T);
  let loss: f64 = 0;
  for (let r = 0; r < count; r++) {
    const yr = y + ((labelRow(idx, start, r) * <usize>T) << 2);
    for (let t = 0; t < T; t++) {
      const z = Z + <usize>r * ldzB + (<usize>(t * k) << 2);
      const g = dZ + <usize>r * ldzB + (<usize>(t * k) << 2);
      loss += softmaxRow(g, z, <i32>load<f32>(yr + (<usize>t << 2)), k, inv);
    }
  }
  return loss * inv;
}
