// The worker threads of a pool, kept from one training run to the next. Starting them costs tens of ms (a thread,
// a WebAssembly instance over the shared memory, V8's tier-up: 35 ms for 2 threads here), which dominated small
// runs when every train() call started its own. A crew is the workers plus the pool's control block they watch
// (assembly/threads.ts poolWork reads its job from that block at every job, its spin once at start): a run's
// ThreadPool lays its own buffers out around the crew's block, and when the run ends the crew goes idle instead
// of quitting — workers asleep on the block's `gen` word (memory.atomic.wait32), unref'd, so they never keep a Node
// process alive — and the next run with the same backend and thread count takes it over. An idle crew quits after
// THREAD_IDLE_MS (idle.ts) without a run, or at once on disposeThreads(); a crew whose worker failed is never reused.
import type { Backend } from '../backends/backend.js';
import type { SharedWasm } from '../backends/wasm.js';
import { POOL, POOL_LEN } from '../backends/abi.generated.js';
import { Block } from '../runtime/block.js';
import { DescentError } from '../errors.js';
import { threadHost, type PoolWorker } from '../backends/thread-host.js';
import { idleCrewSet, threadIdleMs } from './idle.js';

/** How long quitting waits for the workers to leave their loop before it terminates them. */
const QUIT_MS = 1000;
/** How long a new crew waits for its workers to start. */
const START_MS = 30000;

/** Idle crews, at most one per (shared module, thread count): idle.ts's set, holding crews only. */
const idle = idleCrewSet as Set<Crew>;

/** A pool's workers and the control block they watch. */
export class Crew {
  readonly block: Block<'f64'>;
  readonly threads: number;
  private readonly sw: SharedWasm;
  private readonly workers: PoolWorker[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  private constructor(be: Backend, sw: SharedWasm, threads: number, spin: (word: number) => number) {
    this.sw = sw;
    this.threads = threads;
    this.block = new Block(be, 'f64', POOL_LEN);
    const v = this.block.view;
    v.fill(0);
    v[POOL.threads] = threads;
    // The workers read their spin once, when they start: it is the crew's for every run.
    v[POOL.spin] = spin(this.block.ptr + 8 * POOL.quit);
  }

  /**
   * An idle crew of `threads` over this shared module, or a new one with its workers started. `spin` turns the
   * address of a word that never changes into the workers' spin count (pool.ts times the poll loop on it).
   */
  static take(be: Backend, sw: SharedWasm, threads: number, spin: (word: number) => number): Crew {
    for (const c of idle) {
      if (c.sw === sw && c.threads === threads) {
        idle.delete(c);
        clearTimeout(c.timer);
        c.timer = undefined;
        return c;
      }
    }
    const c = new Crew(be, sw, threads, spin);
    try {
      c.start();
    } catch (e) {
      c.quit();
      throw e;
    }
    return c;
  }

  private i32(): Int32Array {
    return new Int32Array(this.sw.memory.buffer);
  }

  /** The Int32Array index of a control-block slot's sync word. */
  word(slot: number): number {
    return (this.block.ptr >> 2) + 2 * slot;
  }

  private start(): void {
    const host = threadHost()!;
    for (let tid = 1; tid < this.threads; tid++) this.workers.push(host.spawn(this.sw.module, this.sw.memory, this.block.ptr, tid));
    // Synchronous, as train() is: the workers start on their own threads while this one sleeps.
    const ready = this.word(POOL.ready), error = this.word(POOL.error);
    const t0 = performance.now();
    for (;;) {
      const a = this.i32();
      if (Atomics.load(a, error) !== 0) this.check();
      const r = Atomics.load(a, ready);
      if (r === this.threads - 1) return;
      const left = START_MS - (performance.now() - t0);
      if (left <= 0) throw new DescentError('E_THREAD', `threads: ${this.threads - 1 - r} of ${this.threads - 1} workers did not start within ${START_MS} ms`);
      Atomics.wait(a, ready, r, Math.min(left, 100));
    }
  }

  /** Throws the error of a thread that failed (the run must end); does nothing otherwise. */
  check(): void {
    const tid = Atomics.load(this.i32(), this.word(POOL.error)) - 1;
    if (tid < 0) return;
    const m = this.workers[tid - 1]?.failure();
    throw new DescentError('E_THREAD', `thread ${tid} of ${this.threads} failed: ${m ?? 'no message'}`);
  }

  /**
   * The run is over and its workers wait for the next job: the crew goes idle (or quits, when a worker failed
   * or an idle crew of the same kind is already waiting). Returns false when quitting left workers that did
   * not stop, so the run's buffers must be kept (a worker could still write into them).
   */
  release(): boolean {
    if (this.closed) return true;
    const a = this.i32();
    const broken = Atomics.load(a, this.word(POOL.error)) !== 0 || Atomics.load(a, this.word(POOL.fault)) !== 0;
    const twin = [...idle].some((c) => c.sw === this.sw && c.threads === this.threads);
    if (broken || twin || threadIdleMs() <= 0) return this.quit();
    idle.add(this);
    this.timer = setTimeout(() => this.quit(), threadIdleMs());
    // An idle crew must not keep a Node process alive: neither its timer nor its (unref'd) workers do.
    (this.timer as { unref?: () => void }).unref?.();
    return true;
  }

  /**
   * Ends the workers (they leave their loop at once; terminated after QUIT_MS if not) and frees the control
   * block; safe twice. Returns false when some did not stop in time (the block is then kept: they sleep on it).
   */
  quit(): boolean {
    if (this.closed) return true;
    this.closed = true;
    idle.delete(this);
    clearTimeout(this.timer);
    let a = this.i32();
    Atomics.store(a, this.word(POOL.quit), 1);
    Atomics.add(a, this.word(POOL.gen), 1);
    Atomics.notify(a, this.word(POOL.gen));
    const ready = this.word(POOL.ready);
    const t0 = performance.now();
    let left = 0;
    for (;;) {
      a = this.i32();
      left = Atomics.load(a, ready);
      if (left <= 0 || performance.now() - t0 > QUIT_MS) break;
      Atomics.wait(a, ready, left, 20);
    }
    for (const w of this.workers) w.terminate();
    if (left > 0) {
      console.warn(`descent: ${left} pool worker(s) did not stop within ${QUIT_MS} ms; terminated, their buffers kept`);
      return false;
    }
    this.block.dispose();
    return true;
  }
}
