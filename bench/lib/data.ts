// Deterministic synthetic data for the benches (descent's own seeded PRNG), cached per shape so every
// contender gets the very same bytes.
import { Rng } from '../../src/rng.js';

export interface Problem {
  rows: number;
  d: number;
  /** Row-major rows × d features in [-1, 1). */
  X: Float32Array;
  /** Binary labels (logistic), from a fixed linear rule plus noise, so the classes overlap. */
  yBin: Float32Array;
  /** Real targets (linear regression). */
  yReal: Float32Array;
  /** Class labels 0..9 (softmax), the argmax of ten fixed linear scores plus noise. */
  yClass: Float32Array;
}

const cache = new Map<string, Problem>();

/** The problem of the given shape (made once). */
export function problem(rows: number, d: number, seed = 1): Problem {
  const key = `${rows}x${d}:${seed}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const rng = new Rng(seed);
  const X = new Float32Array(rows * d);
  for (let i = 0; i < X.length; i++) X[i] = rng.next() * 2 - 1;
  const K = 10;
  const W = new Float64Array(K * d);
  for (let i = 0; i < W.length; i++) W[i] = rng.next() * 2 - 1;
  const yBin = new Float32Array(rows), yReal = new Float32Array(rows), yClass = new Float32Array(rows);
  const scale = 1 / Math.sqrt(d);
  for (let r = 0; r < rows; r++) {
    let best = 0, bestZ = -Infinity;
    for (let c = 0; c < K; c++) {
      let z = 0;
      for (let j = 0; j < d; j++) z += W[c * d + j] * X[r * d + j];
      z = z * scale + (rng.next() - 0.5);
      if (c === 0) {
        yBin[r] = z > 0 ? 1 : 0;
        yReal[r] = z;
      }
      if (z > bestZ) {
        bestZ = z;
        best = c;
      }
    }
    yClass[r] = best;
  }
  const p = { rows, d, X, yBin, yReal, yClass };
  cache.set(key, p);
  return p;
}

/** A vector of n values in [-scale, scale), deterministic. */
export function vector(n: number, seed: number, scale = 1): Float32Array {
  const rng = new Rng(seed);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = (rng.next() * 2 - 1) * scale;
  return v;
}

/** Drops cached problems (the big ones take hundreds of MB). */
export function forget(): void {
  cache.clear();
}

/** `100000×100` */
export function shape(rows: number, d: number): string {
  return `${rows.toLocaleString('en-US').replace(/,/g, ',')}×${d}`;
}
