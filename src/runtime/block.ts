// A Block owns one allocation in a backend and hands out views that survive memory growth: the view is
// re-made whenever the backend's memory buffer changed. Public results are copies made from it.
import type { Backend } from '../backends/backend.js';
import { DisposedError } from '../errors.js';

type Kind = 'f32' | 'i32' | 'f64';
type ViewOf<K extends Kind> = K extends 'f32' ? Float32Array : K extends 'i32' ? Int32Array : Float64Array;

const BYTES: Record<Kind, number> = { f32: 4, i32: 4, f64: 8 };

// A safety net only: a Block dropped without dispose() returns its memory when collected.
const registry = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry<{ backend: Backend; ptr: number }>(({ backend, ptr }) => backend.free(ptr))
  : null;

/** One typed allocation in a backend's memory. */
export class Block<K extends Kind = Kind> {
  readonly backend: Backend;
  readonly kind: K;
  readonly length: number;
  private ptr_: number;
  private view_: ViewOf<K> | null = null;

  constructor(backend: Backend, kind: K, length: number) {
    this.backend = backend;
    this.kind = kind;
    this.length = length;
    this.ptr_ = backend.alloc(length * BYTES[kind]);
    registry?.register(this, { backend, ptr: this.ptr_ }, this);
  }

  /** The pointer to hand to kernels; throws after dispose(). */
  get ptr(): number {
    if (this.ptr_ === 0) throw new DisposedError('this buffer was disposed');
    return this.ptr_;
  }

  /** A live view into backend memory, fresh after any memory growth. Do not keep it across calls that allocate. */
  get view(): ViewOf<K> {
    const v = this.view_;
    if (v !== null && !this.backend.stale(v)) return v;
    const p = this.ptr;
    const b = this.backend;
    const nv = (this.kind === 'f32' ? b.f32(p, this.length) : this.kind === 'i32' ? b.i32(p, this.length) : b.f64(p, this.length)) as ViewOf<K>;
    this.view_ = nv;
    return nv;
  }

  /** True once dispose() ran. */
  get disposed(): boolean {
    return this.ptr_ === 0;
  }

  /** Frees the allocation; safe to call twice. */
  dispose(): void {
    if (this.ptr_ === 0) return;
    registry?.unregister(this);
    this.backend.free(this.ptr_);
    this.ptr_ = 0;
    this.view_ = null;
  }
}

/** Disposes every block given (skipping undefined), e.g. in a `finally`. */
export function disposeAll(...blocks: (Block | undefined | null)[]): void {
  for (const b of blocks) b?.dispose();
}
