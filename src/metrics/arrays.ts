// Input checks and the f64 helpers every metric shares: labels as integers, score matrices as rows × k, and a
// compensated sum so a mean of many terms stays within a few ulps of the exact value (as numpy's pairwise sum).
import { DataError, ShapeError } from '../errors.js';

/** A score matrix: rows × k, flat row-major (`k` given by its length) or one array per row. */
export type ScoreMatrix = ArrayLike<number> | ArrayLike<ArrayLike<number>>;

/** Neumaier's compensated sum of `n` terms `f(i)`. */
export function sumOf(n: number, f: (i: number) => number): number {
  let s = 0, c = 0;
  for (let i = 0; i < n; i++) {
    const v = f(i), t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? (s - t) + v : (v - t) + s;
    s = t;
  }
  return s + c;
}

/** Checks a vector of numbers (finite) of length `n` (when given); `what` names it in errors. */
export function vector(what: string, a: unknown, n?: number): ArrayLike<number> {
  if (a === null || typeof a !== 'object' || typeof (a as ArrayLike<unknown>).length !== 'number') {
    throw new ShapeError(`${what} must be an array of numbers`);
  }
  const v = a as ArrayLike<unknown>;
  if (n !== undefined && v.length !== n) throw new ShapeError(`${what} has ${v.length} values, expected ${n} (one per row)`);
  if (v.length === 0) throw new ShapeError(`${what} is empty; a metric needs at least one row`);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new DataError(`${what}: value ${i} is ${String(x)}, not a finite number`, { row: i });
  }
  return v as ArrayLike<number>;
}

/** Checks labels: integers ≥ 0 (class indices). */
export function labelVector(what: string, a: unknown, n?: number): ArrayLike<number> {
  const v = vector(what, a, n);
  for (let i = 0; i < v.length; i++) {
    if (!Number.isInteger(v[i]) || v[i] < 0) throw new DataError(`${what}: value ${i} is ${v[i]}, not a class index (an integer ≥ 0)`, { row: i });
  }
  return v;
}

/** A score matrix of `n` rows as a flat Float64Array and its width k (≥ 1). */
export function scoreMatrix(what: string, a: unknown, n: number): { s: Float64Array; k: number } {
  if (a === null || typeof a !== 'object' || typeof (a as ArrayLike<unknown>).length !== 'number') {
    throw new ShapeError(`${what} must be an array of scores (rows × classes, flat or one array per row)`);
  }
  const m = a as ArrayLike<unknown>;
  if (m.length > 0 && typeof m[0] === 'object' && m[0] !== null) {
    if (m.length !== n) throw new ShapeError(`${what} has ${m.length} rows, expected ${n}`);
    const k = (m[0] as ArrayLike<number>).length;
    const s = new Float64Array(n * k);
    for (let r = 0; r < n; r++) {
      const row = vector(`${what} row ${r}`, m[r], k);
      for (let c = 0; c < k; c++) s[r * k + c] = row[c];
    }
    return { s, k };
  }
  const v = vector(what, a);
  if (v.length % n !== 0) throw new ShapeError(`${what} has ${v.length} values, not a multiple of the ${n} rows`);
  return { s: Float64Array.from(v), k: v.length / n };
}

/** The sorted distinct values of the given label vectors (scikit-learn's unique_labels). */
export function uniqueLabels(...vs: ArrayLike<number>[]): number[] {
  const set = new Set<number>();
  for (const v of vs) for (let i = 0; i < v.length; i++) set.add(v[i]);
  return [...set].sort((a, b) => a - b);
}
