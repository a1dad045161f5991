// The three descent backends as benchmark contenders, with the binary each one runs.
import { loadBackend, type Backend, type BackendName } from '../../src/runtime/index.js';
import { simdWasm, scalarWasm } from '../../src/backends/binaries.generated.js';

export const BACKENDS: readonly BackendName[] = ['js', 'wasm-scalar', 'wasm-simd'];

/** Which code runs for a contender: the WASM file (with its SHA-256 prefix) or the TS twins. */
export function binaryOf(name: string): string {
  if (name === 'wasm-simd') return `descent.simd.wasm ${simdWasm.sha256.slice(0, 8)}`;
  if (name === 'wasm-scalar') return `descent.scalar.wasm ${scalarWasm.sha256.slice(0, 8)}`;
  if (name === 'js') return 'src/backends/js';
  return name;
}

export async function backends(): Promise<Backend[]> {
  return Promise.all(BACKENDS.map((n) => loadBackend(n)));
}

/** Allocations in one backend, freed together. */
export class Arena {
  private ptrs: number[] = [];
  constructor(readonly be: Backend) {}
  f32(src: ArrayLike<number> | number): number {
    const n = typeof src === 'number' ? src : src.length;
    const p = this.be.alloc(Math.max(1, n) * 4);
    this.ptrs.push(p);
    if (typeof src !== 'number') this.be.f32(p, n).set(src);
    else this.be.f32(p, n).fill(0);
    return p;
  }
  i32(src: ArrayLike<number>): number {
    const p = this.be.alloc(Math.max(1, src.length) * 4);
    this.ptrs.push(p);
    this.be.i32(p, src.length).set(src);
    return p;
  }
  f64(src: ArrayLike<number> | number): number {
    const n = typeof src === 'number' ? src : src.length;
    const p = this.be.alloc(Math.max(1, n) * 8);
    this.ptrs.push(p);
    if (typeof src !== 'number') this.be.f64(p, n).set(src);
    else this.be.f64(p, n).fill(0);
    return p;
  }
  free(): void {
    for (const p of this.ptrs) this.be.free(p);
    this.ptrs = [];
  }
}

/** 0, 1, …, n − 1 */
export function iota(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}
