// A pool of worker threads over the backend's one shared WebAssembly memory, for train({ threads }).
// The pool owns a control block (abi.json `pool`), one run descriptor per thread (the training run with
// the thread's own workspaces), the block-gradient slots and the workers; the kernels do the rest
// (assembly/threads.ts): thread 0 — the caller, inside runBatches — hands out each batch's blocks with an
// atomic generation counter and sums their gradients in block order, so the parameters do not depend on
// the thread count. Node runs the workers on worker_threads (node-host.ts), browsers on Web Workers (browser-host.ts).
import type { Backend } from '../backends/backend.js';
import { sharedWasm, sharedMemoryUnavailable, type SharedWasm } from '../backends/wasm.js';
import { POOL, POOL_LEN, RUN, RUN_LEN, NET, HOGWILD, HOGWILD_LEN, HYPER_LEN } from '../backends/abi.generated.js';
import { Block, disposeAll } from '../runtime/block.js';
import type { Run } from '../runtime/run.js';
import { Crew } from './crew.js';
import type { Trainable } from '../models/trainable.js';
import { threadHost, mainThreadReason } from '../backends/thread-host.js';

/** Rows per block of a linear model's batch (the SIMD logistic kernel's chunk): a constant, whatever the thread count. */
export const LINEAR_BLOCK_ROWS = 1024;
/**
 * Rows per block of a network's batch: a constant, whatever the thread count — the network's own chunk
 * (NET_CHUNK_ROWS), so a network trains bit-identically with or without `threads`. Smaller blocks would let
 * a batch of 128 use two threads, but each block pays a full weight-gradient pass: 4 blocks of 32 rows
 * took 20.2 ms per 5 MLP 784-128-10 batches against 12.6 ms for one 128-row chunk, so 2 threads only
 * matched one (docs/threads.md).
 */
export const NET_BLOCK_ROWS = 128;
/**
 * Column mode: products with fewer multiply-adds (m·n·k) run on thread 0 alone — a job's barrier costs
 * tens of µs, about what 2^20 multiply-adds take on one core. A constant, never derived from the thread
 * count. (MLP 784-128-10 at 128 rows: its 784×128 products, 12.8 M, are split; the 128×10 ones, 0.16 M, not.)
 */
export const PAR_GEMM_MIN_MACS = 2 ** 20;
let gemmMinMacs = PAR_GEMM_MIN_MACS;
/** @internal Tests: split every product (0) to exercise odd ranges on small models; null = the constant. */
export function setGemmMinMacs(macs: number | null): void {
  gemmMinMacs = macs ?? PAR_GEMM_MIN_MACS;
}
/**
 * Updates of fewer parameters run on thread 0 alone (assembly/paroptim.ts): splitting one costs a barrier
 * (a few µs while the workers poll); Adam takes about 1.4 ns per parameter on one core here, so 2^15
 * parameters (~45 µs) is where half of it clearly pays. A constant, never derived from the thread count.
 * (MLP 784-128-10: 101,770 parameters, split; a linear model with 100 features, not.)
 */
export const PAR_OPTIM_MIN_PARAMS = 2 ** 15;
let optimMinParams = PAR_OPTIM_MIN_PARAMS;
/** @internal Tests: split every update (0) to exercise odd ranges on small models; null = the constant. */
export function setOptimMinParams(params: number | null): void {
  optimMinParams = params ?? PAR_OPTIM_MIN_PARAMS;
}
/** f32 of the logistic kernel's workspace (assembly/losses.ts LOGISTIC_WORK_BYTES / 4). */
const LOGISTIC_WORK_FLOATS = 2048;
/** Bytes the block-gradient slots may take; a batch with more blocks runs in rounds. */
const SLOT_BYTES = 64 * 2 ** 20;
/**
 * How long a worker polls the pool's sync word before it sleeps on it (memory.atomic.wait32): longer than
 * any gap between two jobs of a run — thread 0's serial work between two split products or updates, the
 * fold between two batches: tens of µs for an MLP batch — since a wake costs tens of µs on every job, while
 * the spin costs nothing but the idle core it runs on. As a count of polls it was machine- and
 * clock-dependent: 200,000 polls lasted less than some gaps between jobs on a 2-core guest, and the workers slept through half
 * of a run's jobs (MLP batch 128 on 2 threads: step medians 1.6–1.8 ms instead of 1.1 ms). So it is a time,
 * turned into polls by timing the poll loop itself once ({@link pollsPerMs}). After a run, a worker spins
 * this long before it sleeps.
 */
const SPIN_MS = 1;
/** Polls of the sync word per millisecond on this machine (the workers' own loop, timed once), or null before. */
let pollRate: number | null = null;
/**
 * The poll loop's rate: the fastest of short timed runs of assembly/barrier.ts spinPolls on a word that does not
 * change. A fresh module first runs the baseline compiler's code, about 4× slower here (0.42–0.50 M polls/ms,
 * then 1.7 M), until V8's optimizing tier takes over; a rate taken then would make the spin 4× too short. So the
 * runs go on until three in a row improve on the fastest by less than 10% (the optimized code runs), at most 30 ms.
 */
function pollsPerMs(sw: SharedWasm, word: number): number {
  if (pollRate === null) {
    const polls = 500_000;
    let best = Infinity, near = 0;
    const t0 = performance.now();
    while (near < 3 && performance.now() - t0 < 30) {
      const t = performance.now();
      sw.spinPolls!(word, polls);
      const ms = performance.now() - t;
      if (ms < best / 1.1) near = 0;
      else near++;
      best = Math.min(best, ms);
    }
    pollRate = polls / Math.max(best, 0.01);
  }
  return pollRate;
}

/** Workers started and not yet exited, over every pool of the process (tests count them). */
export function liveWorkers(): number {
  return threadHost()?.live() ?? 0;
}

/** Why `threads` cannot run on this backend and model, or null when it can. */
export function threadsUnavailable(be: Backend, model: Trainable, sparse = false, async = false): string | null {
  if (be.name === 'js') return 'the js backend runs on one thread';
  if (mainThreadReason()) return mainThreadReason();
  if (!sharedWasm(be)) return sharedMemoryUnavailable() ?? 'this backend was created without shared memory';
  if (!threadHost()) return "no thread host: threads run in Node through the package's node entry ('descent-ml' under the node condition, or 'descent-ml/node'), and in browsers inside trainInWorker";
  if (sparse && !async) return 'sparse (CSR) data: synchronous threads split dense rows only (async: true runs it on threads, non-deterministically)';
  return null;
}

/**
 * Pools not yet disposed. A pool's blocks must outlive its workers (they sleep on its control block): held
 * here, a pool dropped without dispose() leaks like any undisposed block instead of being collected, freed
 * and reused under a worker that could still wake on it.
 */
const openPools = new Set<ThreadPool>();

const warned = new Set<string>();
function warnOnce(reason: string): void {
  if (warned.has(reason)) return;
  warned.add(reason);
  console.warn(`descent: threads fall back to 1: ${reason}`);
}

/** What {@link planThreads} decides for a run. */
export interface ThreadPlan {
  /** Threads that run (the caller's thread included). */
  threads: number;
  /** Rows per block. */
  blockRows: number;
  /**
   * Column mode (networks): each batch runs on thread 0 as without threads and every large
   * matrix product is split among the threads (assembly/pargemm.ts); false = row blocks.
   */
  colSplit: boolean;
}

/**
 * Batches of a network with at least this many rows run as row blocks: two or more 128-row
 * blocks share the threads with one barrier per batch; smaller batches split each product's columns
 * (a barrier per large product). Measured on MLP 784-128-10 (docs/threads.md). A network whose chunks
 * are smaller (chunkRows: attention's ~256 positions) needs two of its own chunks.
 */
export const ROW_BLOCKS_MIN_BATCH = 2 * NET_BLOCK_ROWS;

/** A network's rows per block: its chunk (the blocks must be the chunks of a run without threads). */
function netBlockRows(model: Trainable): number {
  return (model as { chunkRows?: number }).chunkRows ?? NET_BLOCK_ROWS;
}


/** @internal Benchmarks: force a network's mode (null = the rule of {@link netColumnMode}). */
let forcedColumnMode: boolean | null = null;
/** @internal Benchmarks and tests: force column mode (true), row blocks (false) or the rule (null). */
export function forceColumnMode(mode: boolean | null): void {
  forcedColumnMode = mode;
}

/**
 * Whether a network's run splits each product's columns (true) or cuts batches into row blocks: from
 * the batch size and the model only, never from the thread count (both modes give the parameters of a
 * run without threads, bit for bit; the choice is about speed). Column mode when a layer's state
 * advances chunk after chunk (dropout's PRNG, batch norm's running statistics) or recurrent layers
 * make few chunks, and when a batch is a single block (fewer than two chunks: {@link ROW_BLOCKS_MIN_BATCH} rows
 * for 128-row chunks).
 */
export function netColumnMode(model: Trainable, batchSize: number): boolean {
  if ((model as { columnOnly?: boolean }).columnOnly === true) return true;
  if (forcedColumnMode !== null) return forcedColumnMode;
  return batchSize < 2 * netBlockRows(model);
}

/**
 * The threads a run uses. Row blocks: the request, clamped to the blocks of one batch (a thread without
 * a block would only wait); blocks have a fixed size, so the clamp never changes the result. Column
 * mode: the request (a product too small to share runs on thread 0 whatever the count).
 */
export function planThreads(requested: number, model: Trainable, batchSize: number): ThreadPlan {
  const net = (model as { layers?: unknown }).layers !== undefined;
  const blockRows = net ? netBlockRows(model) : LINEAR_BLOCK_ROWS;
  if (net && netColumnMode(model, batchSize)) return { threads: Math.max(1, requested), blockRows, colSplit: true };
  return { threads: Math.max(1, Math.min(requested, Math.ceil(batchSize / blockRows))), blockRows, colSplit: false };
}

/**
 * A pool attached to a training run: `openPool` returns null (after a one-time warning naming the
 * reason) where threads cannot run, and the run goes on on one thread.
 */
export class ThreadPool {
  private readonly be: Backend;
  private readonly sw: SharedWasm;
  private readonly blocks: Block[] = [];
  /** The workers and the control block they watch, kept across runs (crew.ts). */
  private readonly crew: Crew;
  private readonly block: Block<'f64'>;
  readonly threads: number;
  /** Asynchronous (Hogwild!) mode: the threads step the shared weights without locks (src/threads/hogwild.ts). */
  readonly async: boolean;
  /** Async mode: one record per thread (abi.json hogwild). */
  private records: Block<'f64'> | undefined;
  private closed = false;

  private constructor(be: Backend, sw: SharedWasm, crew: Crew, run: Run, model: Trainable, batchSize: number, plan: ThreadPlan, async: boolean) {
    this.be = be;
    this.sw = sw;
    this.crew = crew;
    this.block = crew.block;
    this.threads = plan.threads;
    this.async = async;
    try {
      this.layout(run, model, batchSize, plan);
    } catch (e) {
      disposeAll(...this.blocks);
      crew.release();
      throw e;
    }
  }

  /** Fills the crew's control block and allocates the thread runs, the slots and the per-thread workspaces. */
  private layout(run: Run, model: Trainable, batchSize: number, plan: ThreadPlan): void {
    const be = this.be;
    const keep = <B extends Block>(b: B): B => {
      this.blocks.push(b);
      return b;
    };
    const n = plan.threads;
    const nParams = model.size;
    const stride = Math.ceil(nParams / 4) * 16;
    const batchBlocks = Math.ceil(batchSize / plan.blockRows);
    const cap = Math.min(batchBlocks, Math.max(n, Math.floor(SLOT_BYTES / stride)));
    const runs = keep(new Block(be, 'f64', n * RUN_LEN));
    const slots = keep(new Block(be, 'f32', (cap * stride) / 4));
    const losses = keep(new Block(be, 'f64', cap));
    const hyperCopies = keep(new Block(be, 'f64', n * HYPER_LEN));
    const main = run.block.view.slice();
    const net = main[RUN.net];
    // The thread runs: the training run with the thread's own scratch, logistic workspace and, for a
    // network, its own program (chunk = the block size) and workspace.
    const program = net !== 0 ? programOf(model) : null;
    for (let t = 0; t < n; t++) {
      const r = main.slice();
      r[RUN.pool] = 0;
      r[RUN.scratch] = keep(new Block(be, 'f32', Math.max(4, model.outputs))).ptr;
      r[RUN.work] = keep(new Block(be, 'f32', LOGISTIC_WORK_FLOATS)).ptr;
      if (program) {
        const prog = keep(new Block(be, 'f64', program.code.length));
        prog.view.set(program.code);
        prog.view[NET.chunk] = Math.min(program.code[NET.chunk], plan.blockRows);
        // Column mode: a thread only packs its share of each split product (assembly/pargemm.ts gemmJob), so its
        // workspace is the pack scratch alone, at offset 0; row blocks run whole chunks on the full workspace.
        const packFloats = program.code[NET.gpart] - program.code[NET.pack];
        if (plan.colSplit) prog.view[NET.pack] = 0;
        const ws = keep(new Block(be, 'f32', plan.colSplit ? Math.max(4, packFloats) : program.wsFloats));
        ws.view.fill(0);
        r[RUN.net] = prog.ptr;
        r[RUN.ws] = ws.ptr;
      }
      runs.view.set(r, t * RUN_LEN);
    }
    const v = this.block.view;
    // The crew's words stay: `gen` (the workers wait for it to change), `ready` (the workers in their loop), `spin`
    // (what they read when they started); everything else is this run's.
    // Never written here, not even for a moment: a kept worker still spinning on `gen` would take a changed word
    // for a job and start it on a half-written block (a zero thread count: divide by zero in hogwildShare).
    for (let i = 0; i < POOL_LEN; i++) if (i !== POOL.gen && i !== POOL.ready && i !== POOL.spin) v[i] = 0;
    v[POOL.threads] = n;
    v[POOL.run] = run.ptr;
    v[POOL.threadRuns] = runs.ptr;
    v[POOL.blockRows] = plan.blockRows;
    v[POOL.slots] = slots.ptr;
    v[POOL.slotStride] = stride;
    v[POOL.slotCap] = cap;
    v[POOL.blockLoss] = losses.ptr;
    v[POOL.job] = 0;
    v[POOL.colSplit] = plan.colSplit ? 1 : 0;
    v[POOL.gemmMinMacs] = gemmMinMacs;
    v[POOL.optimHyper] = hyperCopies.ptr;
    v[POOL.optimMinParams] = optimMinParams;
    if (this.async) {
      this.records = keep(new Block(be, 'f64', n * HOGWILD_LEN));
      this.records.view.fill(0);
      v[POOL.hogwild] = this.records.ptr;
    }
    for (const w of [POOL.done, POOL.quit, POOL.error, POOL.fault]) this.i32()[this.word(w)] = 0;
  }

  /**
   * A pool of `requested` threads (clamped to the blocks of a batch) for `run`, its workers started;
   * null when threads cannot run here (the one-time warning says why). The run's `pool` slot is set.
   */
  static open(be: Backend, run: Run, model: Trainable, batchSize: number, requested: number, sparse = false, async = false): ThreadPool | null {
    // Async on one thread is plain sequential SGD: the synchronous run itself, without a pool.
    if (async && requested < 2) return null;
    const reason = threadsUnavailable(be, model, sparse, async);
    if (reason !== null) {
      // Async's own warning: its fallback is the deterministic synchronous run, not lock-free threads.
      if (requested > 1) warnOnce(async ? `${reason} (async: true runs the synchronous single-thread run)` : reason);
      return null;
    }
    // Async mode shares rows, not blocks of a batch: every thread asked for gets its share of each round.
    const plan = async ? { threads: requested, blockRows: LINEAR_BLOCK_ROWS, colSplit: false } : planThreads(requested, model, batchSize);
    const sw = sharedWasm(be)!;
    // Spinning helps only while every thread has a core of its own.
    const spin = (word: number) => (plan.threads <= threadHost()!.cores() ? Math.min(2 ** 31 - 1, Math.ceil(SPIN_MS * pollsPerMs(sw, word))) : 0);
    const pool = new ThreadPool(be, sw, Crew.take(be, sw, plan.threads, spin), run, model, batchSize, plan, async);
    run.set({ pool: pool.block.ptr });
    openPools.add(pool);
    return pool;
  }

  private i32(): Int32Array {
    return new Int32Array(this.sw.memory.buffer);
  }

  /** The Int32Array index of a pool slot's sync word. */
  private word(slot: number): number {
    return (this.block.ptr >> 2) + 2 * slot;
  }

  /** Throws the error of a thread that failed (the run must end); does nothing otherwise. */
  check(): void {
    this.crew.check();
  }

  /**
   * Async mode: runs `nBatches` one-row batches from index position `start` on every thread of the pool
   * (assembly/hogwild.ts hogwildBatches), the runBatches contract; 0 when a worker failed (check() throws).
   */
  hogwildBatches(start: number, nBatches: number): number {
    return this.sw.hogwildBatches!(this.block.ptr, start, nBatches);
  }

  /** Async mode: the rows each thread has stepped on so far (thread 0 first); empty otherwise. */
  rowsPerThread(): number[] {
    const r = this.records;
    if (!r || this.closed) return [];
    return Array.from({ length: this.threads }, (_, t) => r.view[t * HOGWILD_LEN + HOGWILD.rows]);
  }

  /** @internal Tests: the products split so far (column mode). */
  gemmJobs(): number {
    return this.block.view[POOL.gemmJobs];
  }

  /** @internal Tests: the row gathers split so far (column mode). */
  gatherJobs(): number {
    return this.block.view[POOL.gatherJobs];
  }

  /** @internal Tests: the updates split so far. */
  optimJobs(): number {
    return this.block.view[POOL.optimJobs];
  }

  /** Whether batches split each product's columns (true) or run as row blocks. */
  get colSplit(): boolean {
    return this.block.view[POOL.colSplit] === 1;
  }

  /** @internal Tests: worker `tid` traps at its next job. */
  injectFault(tid: number): void {
    Atomics.store(this.i32(), this.word(POOL.fault), tid + 1);
  }

  /**
   * Frees the run's buffers and hands the workers back to their crew, which keeps them for the next run (or ends
   * them when one failed; crew.ts); safe twice.
   */
  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    openPools.delete(this);
    // A worker that failed may still be inside the kernels: the crew quits first, and if a worker did not stop
    // the run's blocks are kept (leaked) rather than freed under it.
    if (this.crew.release()) disposeAll(...this.blocks);
  }
}

/** A network's program (f64 slots) and workspace size, read from the model's own blocks. */
function programOf(model: Trainable): { code: Float64Array; wsFloats: number } {
  const m = model as unknown as { program: Block<'f64'>; ws: Block<'f32'> };
  return { code: m.program.view.slice(), wsFloats: m.ws.length };
}
