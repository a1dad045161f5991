// Option checks shared by the optimizer specs, schedules, the data layer and training: each failure is a
// HyperParameterError that names the option and the accepted range. Neutral ground, so that data/ need not
// import optim/.
import { HyperParameterError } from './errors.js';

/** A finite number within [lo, hi] (or (lo, hi] with `open: 'lo'`, etc.); `def` when undefined. */
export function num(
  path: string, v: unknown, def: number,
  range: { min?: number; max?: number; gt?: number; lt?: number } = {},
): number {
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new HyperParameterError(path, `must be a finite number, got ${show(v)}`);
  }
  const { min, max, gt, lt } = range;
  if (min !== undefined && v < min) throw new HyperParameterError(path, `must be ≥ ${min}, got ${v}`);
  if (max !== undefined && v > max) throw new HyperParameterError(path, `must be ≤ ${max}, got ${v}`);
  if (gt !== undefined && !(v > gt)) throw new HyperParameterError(path, `must be > ${gt}, got ${v}`);
  if (lt !== undefined && !(v < lt)) throw new HyperParameterError(path, `must be < ${lt}, got ${v}`);
  return v;
}

/** A whole number within [min, max]. */
export function int(path: string, v: unknown, def: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new HyperParameterError(path, `must be an integer, got ${show(v)}`);
  }
  if (v < min || v > max) throw new HyperParameterError(path, `must be in [${min}, ${max}], got ${v}`);
  return v;
}

/** A boolean. */
export function bool(path: string, v: unknown, def: boolean): boolean {
  if (v === undefined) return def;
  if (typeof v !== 'boolean') throw new HyperParameterError(path, `must be true or false, got ${show(v)}`);
  return v;
}

/** Rejects keys outside `known`, so a typo such as `weight_decay` is an error, not a silent default. */
export function onlyKeys(path: string, o: object, known: readonly string[]): void {
  for (const key of Object.keys(o)) {
    if (!known.includes(key)) {
      throw new HyperParameterError(`${path}.${key}`, `unknown option; expected one of ${known.join(', ')}`);
    }
  }
}

/** A short printable form of any value for error messages. */
export function show(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'function') return 'a function';
  try {
    const s = JSON.stringify(v);
    return s.length > 60 ? s.slice(0, 57) + '...' : s;
  } catch {
    return Object.prototype.toString.call(v);
  }
}
