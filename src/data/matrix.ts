// Matrices and targets as the library accepts them, checked on the way in: numbers only, finite, within float32
// range, rows of one length. Every dense and sparse constructor and every predict() reads its input through here.
import { DataError, ShapeError } from '../errors.js';
import { show } from '../validate.js';

/** Feature matrix as accepted everywhere: a flat row-major array, or one array per row. */
export type Matrix = Float32Array | Float64Array | ArrayLike<number> | ArrayLike<ArrayLike<number>>;

/** True for an object with a numeric length: an array, a typed array or array-like. */
export function arrayLike(v: unknown): v is ArrayLike<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as ArrayLike<unknown>).length === 'number';
}

/** The largest finite float32 (2¹²⁸ − 2¹⁰⁴): anything larger in magnitude would be stored as ±Infinity. */
export const F32_MAX = 3.4028234663852886e38;

/**
 * Why a value cannot be stored as data (a short phrase naming it), or null when it can: numbers only (no
 * strings, booleans, null, arrays or bigints, which JavaScript would coerce), finite, within float32 range.
 */
export function badValue(v: unknown): string | null {
  if (typeof v !== 'number') return `${typeof v === 'bigint' ? `${v}n (a bigint)` : show(v)}, not a number`;
  if (Number.isNaN(v) || !Number.isFinite(v)) return `${v}; values must be finite`;
  if (Math.abs(v) > F32_MAX) return `${v}, which overflows float32 (|v| ≤ ${F32_MAX})`;
  return null;
}

function badCell(what: string, r: number, c: number, why: string): DataError {
  return new DataError(`${what}: row ${r}, column ${c} is ${why}`, { row: r, column: c });
}

/**
 * Turns a matrix into a flat Float32Array of rows × features, checking shape and values (numbers only,
 * finite, float32-representable). Throws ShapeError / DataError before allocating anything in backend memory.
 */
export function toFlatMatrix(x: Matrix, features: number | undefined, what = 'x'): { data: Float32Array; rows: number; features: number } {
  if (x === null || typeof x !== 'object' || typeof (x as ArrayLike<unknown>).length !== 'number') {
    throw new ShapeError(`${what} must be a Float32Array (row-major) or an array of rows`);
  }
  if (features !== undefined && !(Number.isInteger(features) && features >= 1)) {
    throw new ShapeError(`${what}: features must be a positive integer, got ${show(features)}`);
  }
  const first = (x as ArrayLike<unknown>)[0] as ArrayLike<unknown> | number | undefined;
  let data: Float32Array;
  let rows: number;
  let d: number;
  if (typeof first === 'object' && first !== null) {
    const xr = x as ArrayLike<ArrayLike<unknown>>;
    rows = xr.length;
    d = features ?? first.length;
    if (!Number.isInteger(d) || d < 1) throw new ShapeError(`${what}: row 0 must hold at least one value, got ${show(first.length)}`);
    if (features !== undefined && first.length !== features) {
      throw new ShapeError(`${what}: row 0 has ${first.length} values, expected features = ${features}`);
    }
    data = new Float32Array(rows * d);
    for (let r = 0; r < rows; r++) {
      const row = xr[r];
      if (row === null || typeof row !== 'object' || row.length !== d) {
        throw new ShapeError(`${what}: row ${r} has ${(row as ArrayLike<unknown> | null)?.length ?? 0} values, expected ${d} (as row 0)`);
      }
      for (let c = 0; c < d; c++) {
        const v = row[c];
        // One comparison covers NaN, ±Infinity and float32 overflow; the type check refuses coercion.
        if (typeof v !== 'number' || !(Math.abs(v) <= F32_MAX)) throw badCell(what, r, c, badValue(v)!);
        data[r * d + c] = v;
      }
    }
  } else {
    const flat = x as ArrayLike<unknown>;
    if (features === undefined) throw new ShapeError(`${what}: a flat array needs { features }`);
    d = features;
    if (flat.length % d !== 0) {
      throw new ShapeError(`${what}: length ${flat.length} is not a multiple of features = ${d}`);
    }
    rows = flat.length / d;
    data = flat instanceof Float32Array ? flat : new Float32Array(flat.length);
    for (let i = 0; i < flat.length; i++) {
      const v = flat[i];
      if (typeof v !== 'number' || !(Math.abs(v) <= F32_MAX)) throw badCell(what, Math.floor(i / d), i % d, badValue(v)!);
      if (data !== flat) data[i] = v;
    }
  }
  return { data, rows, features: d };
}

/**
 * Checks targets (one number per row, as the features: numbers only, finite, float32-representable) and
 * copies them into a Float32Array. `column` is the label column reported in a DataError (the feature count).
 */
export function toTargets(y: unknown, rows: number, column: number, what = 'y'): Float32Array {
  if (y === null || typeof y !== 'object' || typeof (y as ArrayLike<unknown>).length !== 'number') {
    throw new ShapeError(`${what} must be an array of numbers, one per row`);
  }
  const ya = y as ArrayLike<unknown>;
  if (ya.length !== rows) throw new ShapeError(`${what} has ${ya.length} values but x has ${rows} rows`);
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const v = ya[r];
    if (typeof v !== 'number' || !(Math.abs(v) <= F32_MAX)) {
      throw new DataError(`${what}: row ${r} is ${badValue(v)}; targets must be finite numbers`, { row: r, column });
    }
    out[r] = v;
  }
  return out;
}

/**
 * Targets of dense rows: one number per row, or the same number T ≥ 1 per row (a sequence model's label at
 * every position) given as one array of T per row or flat (rows·T, row-major). Checked as {@link toTargets};
 * `perRow` is T. A flat array whose length is not a multiple of the rows is a ShapeError.
 */
export function toRowTargets(y: unknown, rows: number, column: number, what = 'y'): { y: Float32Array; perRow: number } {
  if (!arrayLike(y)) throw new ShapeError(`${what} must be an array of numbers: one per row, or the same number per row`);
  const first = y.length > 0 ? y[0] : undefined;
  if (arrayLike(first)) {
    if (y.length !== rows) throw new ShapeError(`${what} has ${y.length} rows of targets but x has ${rows} rows`);
    const T = first.length;
    if (!(T >= 1)) throw new ShapeError(`${what}: row 0 holds no targets`);
    const out = new Float32Array(rows * T);
    for (let r = 0; r < rows; r++) {
      const row = y[r];
      if (!arrayLike(row) || row.length !== T) {
        throw new ShapeError(`${what}: row ${r} has ${arrayLike(row) ? row.length : show(row)} targets, expected ${T} (as row 0)`);
      }
      for (let t = 0; t < T; t++) {
        const v = row[t];
        if (typeof v !== 'number' || !(Math.abs(v) <= F32_MAX)) {
          throw new DataError(`${what}: row ${r}, position ${t} is ${badValue(v)}; targets must be finite numbers`, { row: r, column });
        }
        out[r * T + t] = v;
      }
    }
    return { y: out, perRow: T };
  }
  if (y.length === rows || rows === 0 || y.length % rows !== 0) return { y: toTargets(y, rows, column, what), perRow: 1 };
  const T = y.length / rows;
  const out = new Float32Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (typeof v !== 'number' || !(Math.abs(v) <= F32_MAX)) {
      const r = Math.floor(i / T);
      throw new DataError(`${what}: row ${r}, position ${i - r * T} is ${badValue(v)}; targets must be finite numbers`, { row: r, column });
    }
    out[i] = v;
  }
  return { y: out, perRow: T };
}
