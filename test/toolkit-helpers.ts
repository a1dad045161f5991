// Shared by the training-toolkit tests: the backends every kernel test body runs on, small data sets,
// and exact comparison of f32 parameter vectors.
import { init, Dataset } from '../src/index.ts';
import { Rng } from '../src/rng.ts';
import { loadBuiltin, type BuiltinName } from '../src/data/builtin.ts';

/** Every backend, in the order the tests visit them. */
export const BACKENDS = ['js', 'wasm-scalar', 'wasm-simd'] as const;
export type BackendId = (typeof BACKENDS)[number];

/** Selects a backend for the objects created next. */
export async function use(b: BackendId): Promise<void> {
  await init({ backend: b });
}

/** A built-in data set, standardized with its own statistics. */
export function builtin(name: BuiltinName): Dataset {
  const t = loadBuiltin(name);
  const ds = Dataset.fromArrays(t.x, t.y, { features: t.features });
  return ds.standardize(ds.stats());
}

/**
 * A sparse regression problem: y = 3·x0 − 2·x3 + 0.5 + 0.01·noise over `d` standard-normal features,
 * so the lasso solution has exactly two non-zero weights.
 */
export function sparseRegression(n = 400, d = 10, seed = 7): { ds: Dataset; x: Float32Array; y: Float32Array; d: number } {
  const rng = new Rng(seed);
  const x = new Float32Array(n * d), y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) x[i * d + j] = rng.normal();
    y[i] = 3 * x[i * d] - 2 * x[i * d + 3] + 0.5 + 0.01 * rng.normal();
  }
  return { ds: Dataset.fromArrays(x, y, { features: d }), x, y, d };
}

/** True when two f32 vectors are equal bit for bit (so −0 ≠ 0 and NaN payloads count). */
export function bitEqual(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return false;
  return true;
}

/** Largest |a_i − b_i|. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
