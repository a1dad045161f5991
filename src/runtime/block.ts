// A Block owns one allocation in a backend and hands out views that survive memory growth: the view is
// re-made whenever the backend's memory buffer changed. Public results are copies made from it.
import type { Backend } from '../backends/backend.js';
import { DisposedError, ShapeError } from '../errors.js';

type Kind = 'f32' | 'i32' | 'f64';
type ViewOf<K extends Kind> = K extends 'f32' ? Float32Array : K extends 'i32' ? Int32Array : Float64Array;

const BYTES: Record<Kind, number> = { f32: 4, i32: 4, f64: 8 };

// A safety net only: a Block dropped without dispose() returns its memory when collected. Engines run
// these callbacks as a task after a garbage collection, so a program that never yields to its event loop
// (a synchronous loop of create/train) never gets them: dispose() is the rule, see warnUndisposed.
const registry = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry<{ backend: Backend; ptr: number; bytes: number }>(({ backend, ptr, bytes }) => {
    undisposed.set(backend, (undisposed.get(backend) ?? 0) - bytes);
    backend.free(ptr);
  })
  : null;

/** Bytes of blocks alive (neither disposed nor collected) per backend. */
const undisposed = new WeakMap<Backend, number>();
/** Live bytes past which one warning names an allocation site: a quarter of a wasm32 memory. */
export const UNDISPOSED_WARN_BYTES = 2 ** 30;
let warnAt = UNDISPOSED_WARN_BYTES;
let warned = false;

/** @internal Tests lower the threshold and re-arm the warning. */
export function setUndisposedWarning(bytes: number): void {
  warnAt = bytes;
  warned = false;
}

/**
 * Warns once per process when the blocks alive in one backend pass {@link UNDISPOSED_WARN_BYTES}, naming
 * the allocation that crossed it: the usual cause is objects dropped without dispose() in a loop.
 */
function warnUndisposed(backend: Backend, live: number): void {
  if (warned || live < warnAt) return;
  warned = true;
  const site = (new Error().stack ?? '').split('\n').slice(3, 8).map((l) => l.trim()).join(' <- ');
  console.warn(`descent: ${(live / 2 ** 30).toFixed(2)} GiB of ${backend.name} memory is held by datasets, models ` +
    `or optimizers not disposed. Objects dropped without dispose() are freed only after a garbage collection ` +
    `and a turn of the event loop; call dispose() when done. Allocated at: ${site.slice(0, 600)}`);
}

/** Bytes of an allocation of `length` elements of `kind`, checked to be a whole, non-negative count. */
function byteSize(kind: Kind, length: number): number {
  if (!Number.isSafeInteger(length) || length < 0) throw new ShapeError(`cannot allocate ${length} values: not a whole number ≥ 0`);
  return length * BYTES[kind];
}

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
    const bytes = byteSize(kind, length);
    // The backend checks the size against its limit before allocating anything (wasm32: 4 GiB).
    this.ptr_ = backend.alloc(bytes);
    this.bytes = bytes;
    const live = (undisposed.get(backend) ?? 0) + bytes;
    undisposed.set(backend, live);
    warnUndisposed(backend, live);
    registry?.register(this, { backend, ptr: this.ptr_, bytes }, this);
  }

  private readonly bytes: number;

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
    undisposed.set(this.backend, (undisposed.get(this.backend) ?? 0) - this.bytes);
    const view = this.view;
    // wasm: poisoned before the free, which writes the allocator's links into the range; js: detached after
    // it, since the js backend reads the buffer's length when freeing.
    if (this.backend.name !== 'js') poison(this.backend, view);
    this.backend.free(this.ptr_);
    if (this.backend.name === 'js') poison(this.backend, view);
    this.ptr_ = 0;
    this.view_ = null;
  }
}

/**
 * Makes a view a caller kept past dispose() harmless where the engine allows it: a js block's buffer is
 * detached (the view reads as empty and ignores writes); wasm memory cannot be detached, so the freed
 * range is filled with NaN (i32: -1), so that a stale read is visibly wrong rather than silently the next
 * owner's data. Writes through such a view still land in memory that may be reused: never keep one.
 */
function poison(backend: Backend, view: Float32Array | Int32Array | Float64Array): void {
  if (backend.name === 'js') {
    if (typeof structuredClone === 'function') {
      try {
        structuredClone(view.buffer, { transfer: [view.buffer as ArrayBuffer] });
      } catch {
        // An engine without transferable ArrayBuffers keeps the buffer; it belongs to no one else anyway.
      }
    }
    return;
  }
  if (view instanceof Int32Array) view.fill(-1);
  else view.fill(NaN);
}

/** Disposes every block given (skipping undefined), e.g. in a `finally`. */
export function disposeAll(...blocks: (Block | undefined | null)[]): void {
  for (const b of blocks) b?.dispose();
}
