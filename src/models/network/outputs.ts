// From a network's raw outputs (rows × outputs f32) to what predict and predictProba return.

/** The index of the largest of each group of k values (a class per row, or per position of a [T, k] output). */
export function argmaxGroups(z: Float32Array, k: number): Float32Array {
  const out = new Float32Array(z.length / k);
  for (let g = 0; g < out.length; g++) {
    const o = g * k;
    let best = 0;
    for (let c = 1; c < k; c++) if (z[o + c] > z[o + best]) best = c;
    out[g] = best;
  }
  return out;
}

/** The softmax of each group of k logits, in f64 (the max subtracted first, so large logits stay finite). */
export function softmaxGroups(z: Float32Array, k: number): Float64Array {
  const p = new Float64Array(z.length);
  for (let o = 0; o < z.length; o += k) {
    let mx = -Infinity, s = 0;
    for (let c = 0; c < k; c++) mx = Math.max(mx, z[o + c]);
    for (let c = 0; c < k; c++) s += (p[o + c] = Math.exp(z[o + c] - mx));
    for (let c = 0; c < k; c++) p[o + c] /= s;
  }
  return p;
}

/** σ(z) of each logit, in f64, computed on the side where exp does not overflow. */
export function sigmoids(z: Float32Array): Float64Array {
  const p = new Float64Array(z.length);
  for (let i = 0; i < z.length; i++) p[i] = z[i] >= 0 ? 1 / (1 + Math.exp(-z[i])) : Math.exp(z[i]) / (1 + Math.exp(z[i]));
  return p;
}
