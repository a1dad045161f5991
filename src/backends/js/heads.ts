// Pure-TS twins of assembly/heads.ts: loss heads over a batch of outputs Z (count × k, stride ldz) with
// labels through an index window. Each returns the MEAN loss (PyTorch's reduction='mean') and writes
// dZ = ∂(mean loss)/∂Z (stride ldz; dZ may alias Z).

/** One row of k logits at Z[z]: dZ[g..] = (softmax − onehot(label))·inv (may alias Z); returns logsumexp − z[label]. */
function softmaxRow(dZ: Float32Array, g: number, Z: Float32Array, z: number, label: number, k: number, inv: number): number {
  let mx = Z[z];
  for (let c = 1; c < k; c++) mx = Math.max(mx, Z[z + c]);
  let s = 0;
  for (let c = 0; c < k; c++) s += Math.exp(Z[z + c] - mx);
  const loss = mx + Math.log(s) - Z[z + label];
  const is = inv / s;
  for (let c = 0; c < k; c++) {
    const p = Math.exp(Z[z + c] - mx) * is;
    dZ[g + c] = c === label ? p - inv : p;
  }
  return loss;
}

/** Softmax cross-entropy on logits; y holds one class index per data row. */
export function headSoftmax(dZ: Float32Array, dzOff: number, Z: Float32Array, zOff: number, y: Float32Array, idx: Int32Array,
  start: number, count: number, k: number, ldz: number): number {
  if (count <= 0) return 0;
  const inv = 1 / count;
  let loss = 0;
  for (let r = 0; r < count; r++) {
    const z = zOff + r * ldz, g = dzOff + r * ldz;
    loss += softmaxRow(dZ, g, Z, z, y[idx[start + r]] | 0, k, inv);
  }
  return loss * inv;
}

/** Binary cross-entropy on logits (BCEWithLogitsLoss), k logits per row, labels y[idx·k + c]. */
export function headLogistic(dZ: Float32Array, dzOff: number, Z: Float32Array, zOff: number, y: Float32Array, idx: Int32Array,
  start: number, count: number, k: number, ldz: number): number {
  if (count <= 0 || k <= 0) return 0;
  const inv = 1 / (count * k);
  let loss = 0;
  for (let r = 0; r < count; r++) {
    const z = zOff + r * ldz, g = dzOff + r * ldz, yr = idx[start + r] * k;
    for (let c = 0; c < k; c++) {
      const v = Z[z + c], t = y[yr + c];
      const e = Math.exp(-Math.abs(v));
      loss += (v > 0 ? v : 0) - t * v + Math.log1p(e);
      const sig = v >= 0 ? 1 / (1 + e) : e / (1 + e);
      dZ[g + c] = (sig - t) * inv;
    }
  }
  return loss * inv;
}

/** MSELoss (mean of (z − y)², no ½), k outputs per row, targets y[idx·k + c]. */
export function headSquared(dZ: Float32Array, dzOff: number, Z: Float32Array, zOff: number, y: Float32Array, idx: Int32Array,
  start: number, count: number, k: number, ldz: number): number {
  if (count <= 0 || k <= 0) return 0;
  const inv = 1 / (count * k);
  let loss = 0;
  for (let r = 0; r < count; r++) {
    const z = zOff + r * ldz, g = dzOff + r * ldz, yr = idx[start + r] * k;
    for (let c = 0; c < k; c++) {
      const e = Z[z + c] - y[yr + c];
      loss += e * e;
      dZ[g + c] = 2 * e * inv;
    }
  }
  return loss * inv;
}

/**
 * Softmax cross-entropy at each of T positions per row: Z[r, t, :] at zOff + r·ldz + t·k, label
 * y[idx·T + t]; the mean over count·T positions (PyTorch's cross_entropy on (count·T, k) logits).
 */
export function headSoftmaxSeq(dZ: Float32Array, dzOff: number, Z: Float32Array, zOff: number, y: Float32Array, idx: Int32Array,
  start: number, count: number, T: number, k: number, ldz: number): number {
  if (count <= 0 || T <= 0) return 0;
  const inv = 1 / (count * T);
  let loss = 0;
  for (let r = 0; r < count; r++) {
    const yr = idx[start + r] * T;
    for (let t = 0; t < T; t++) {
      const z = zOff + r * ldz + t * k, g = dzOff + r * ldz + t * k;
      loss += softmaxRow(dZ, g, Z, z, y[yr + t] | 0, k, inv);
    }
  }
  return loss * inv;
}
