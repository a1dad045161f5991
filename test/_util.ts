// Shared by the tests: the backends every test body runs on, boundary lengths and seeded data.
import { Rng } from '../src/rng.js';
import type { BackendName } from '../src/runtime/index.js';

/** Every backend, in the order tests run them. */
export const BACKENDS: BackendName[] = ['js', 'wasm-scalar', 'wasm-simd'];

/** Lengths around the SIMD width and unroll factors. */
export const LENGTHS = [0, 1, 3, 4, 5, 7, 8, 15, 16, 17, 63, 64, 65, 1023];

/** n seeded uniform values in [lo, hi). */
export function uniform(rng: Rng, n: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rng.next();
  return a;
}

/** Largest |a − b| / max(1, |b|) over two arrays of equal length. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return m;
}

/** True when two float arrays hold the same bits. */
export function bitEqual(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length), ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return false;
  return true;
}

// PyTorch keyword → descent optimizer option, for replaying reference trajectories.
const TORCH_KEY: Record<string, string> = {
  lr: 'lr', momentum: 'momentum', dampening: 'dampening', nesterov: 'nesterov', weight_decay: 'weightDecay',
  betas: 'betas', eps: 'eps', alpha: 'alpha', centered: 'centered', rho: 'rho', amsgrad: 'amsgrad',
};

/** A reference case's PyTorch optimizer and keyword arguments as descent optimizer options. */
export function torchOptimizer<T>(name: string, hyper: Record<string, unknown>, where: string): T {
  const o: Record<string, unknown> = { name };
  for (const [k, v] of Object.entries(hyper)) {
    if (TORCH_KEY[k] === undefined) throw new Error(`${where}: PyTorch option ${k} has no descent equivalent`);
    o[TORCH_KEY[k]] = Array.isArray(v) ? [...v] : v;
  }
  return o as T;
}
