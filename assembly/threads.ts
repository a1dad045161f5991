// Data-parallel batches over one shared memory: the same module instantiated in several threads
// (src/threads/pool.ts). A batch is cut into blocks of a fixed number of rows (the pool's blockRows, a
// constant of the run, never derived from the thread count); block i of a round goes to thread
// i mod threads, which writes its gradient into slot i with its own workspaces (its thread run). The
// calling thread (0) then sums the slots in block order, so every gradient element is the same
// sequence of f32 operations whatever the number of threads: the parameters are bit-identical for 1,
// 2, 3 or 4 threads. Thread 0 then runs the rest of the batch (assembly/train.ts runBatches), the update
// rule split among the threads again by ranges of the parameters when the model is large (paroptim.ts).
//
// Threads meet on two atomic words (not a message per batch; assembly/barrier.ts): thread 0 bumps `gen`
// to hand out a job and waits for `done` to reach threads − 1; a worker waits for `gen` to change, polls
// it for the pool's spin budget first (1 ms: the next job usually comes within microseconds) and then
// sleeps in memory.atomic.wait32.
// Workers never allocate: only the main instance owns the TLSF heap.
import {
  POOL_THREADS, POOL_GEN, POOL_DONE, POOL_QUIT, POOL_ERROR, POOL_FAULT, POOL_RUN, POOL_THREAD_RUNS,
  POOL_START, POOL_COUNT, POOL_FIRST, POOL_BLOCKS, POOL_BLOCK_ROWS, POOL_SLOTS, POOL_SLOT_STRIDE, POOL_SLOT_CAP,
  POOL_BLOCK_LOSS, POOL_SPIN, POOL_JOB, POOL_COL_SPLIT, RUN_LEN, RUN_NET, RUN_GRADS, RUN_PARAMS, RUN_N_PARAMS, RUN_N_WEIGHTS, RUN_L2,
} from "./abi.generated";
import { netChunkGrad } from "./net";
import { runLossGrad } from "./lossgrad";
import { axpy, dot } from "./linalg";
import { slot, int } from "./slots";
import { JOB_BLOCKS, JOB_GEMM, JOB_HOGWILD, JOB_OPTIM, JOB_GATHER, JOB_GATHER_BYTES } from "./abi.generated";
import { gatherJob } from "./pargather";
import { gatherBytesJob } from "./rowgather";
import { optimJob } from "./paroptim";
import { hogwildShare } from "./hogwild";
import { setBatchPool, gemmJob } from "./pargemm";
import { waitChange, startJob, finishJob } from "./barrier";

/** Thread `tid`'s run descriptor: the run with the thread's own workspaces. */
// @ts-ignore: decorator
@inline
function threadRun(pool: usize, tid: i32): usize {
  return <usize>slot(pool, POOL_THREAD_RUNS) + <usize>tid * (<usize>RUN_LEN << 3);
}

/**
 * Block `b` of the batch (rows idx[start + b·blockRows …)) into slot `i`: a network's chunk gradient
 * (already its share of the batch mean) or a linear model's block mean without L2. Returns the block's
 * summed loss.
 */
function blockGrad(pool: usize, run: usize, i: i32, b: i32): f64 {
  const start = int(pool, POOL_START), count = int(pool, POOL_COUNT), rows = int(pool, POOL_BLOCK_ROWS);
  const s = start + b * rows;
  const n = min(rows, start + count - s);
  const g = <usize>slot(pool, POOL_SLOTS) + <usize>i * <usize>int(pool, POOL_SLOT_STRIDE);
  if (slot(run, RUN_NET) != 0) return netChunkGrad(run, g, s, n, count);
  return runLossGrad(run, g, s, n, 0) * <f64>n;
}

/** Thread `tid`'s blocks of the current round: i = tid, tid + threads, … */
function ownBlocks(pool: usize, tid: i32): void {
  const threads = int(pool, POOL_THREADS), first = int(pool, POOL_FIRST), blocks = int(pool, POOL_BLOCKS);
  const run = threadRun(pool, tid);
  const losses = <usize>slot(pool, POOL_BLOCK_LOSS);
  for (let i = tid; i < blocks; i += threads) store<f64>(losses + (<usize>i << 3), blockGrad(pool, run, i, first + i));
}

/**
 * Thread 0's side of one batch: hands out the blocks round by round, computes its own, waits for the
 * others and sums the slots in block order into the run's gradient; adds the L2 term once. Returns the
 * batch's mean loss plus the penalty, or NaN when a worker failed (its error is in the pool's `error`).
 */
export function poolLossGrad(pool: usize, run: usize, start: i32, count: i32): f64 {
  const grads = <usize>slot(run, RUN_GRADS);
  const rows = int(pool, POOL_BLOCK_ROWS);
  const l2 = <f32>slot(run, RUN_L2);
  if (int(pool, POOL_COL_SPLIT) != 0) {
    // Column mode: the run's own single-thread path, its large products and its row gather
    // split among the threads (assembly/pargemm.ts, pargather.ts).
    setBatchPool(pool);
    const L = runLossGrad(run, grads, start, count, l2);
    setBatchPool(0);
    if (ASC_FEATURE_THREADS) {
      if (atomic.load<i32>(pool + POOL_ERROR) != 0) return NaN;
    }
    return L;
  }
  // One block: the single-thread path itself (the same operations as a run without a pool).
  if (count <= rows) return runLossGrad(threadRun(pool, 0), grads, start, count, l2);
  if (!ASC_FEATURE_THREADS) return NaN;
  const net = slot(run, RUN_NET) != 0;
  const threads = int(pool, POOL_THREADS), cap = int(pool, POOL_SLOT_CAP);
  const nParams = int(run, RUN_N_PARAMS);
  const slots = <usize>slot(pool, POOL_SLOTS), stride = <usize>int(pool, POOL_SLOT_STRIDE);
  const losses = <usize>slot(pool, POOL_BLOCK_LOSS);
  const nBlocks = (count + rows - 1) / rows;
  store<f64>(pool + POOL_START, <f64>start);
  store<f64>(pool + POOL_COUNT, <f64>count);
  let lossSum: f64 = 0;
  for (let first = 0; first < nBlocks; first += cap) {
    const blocks = min(cap, nBlocks - first);
    store<f64>(pool + POOL_FIRST, <f64>first);
    store<f64>(pool + POOL_BLOCKS, <f64>blocks);
    if (threads > 1) startJob(pool, JOB_BLOCKS);
    ownBlocks(pool, 0);
    if (threads > 1) {
      finishJob(pool);
      if (atomic.load<i32>(pool + POOL_ERROR) != 0) return NaN;
    }
    // The fold: the same f32 operations in block order whatever thread computed each block.
    for (let i = 0; i < blocks; i++) {
      const b = first + i;
      const g = slots + <usize>i * stride;
      const n = min(rows, count - b * rows);
      const a: f32 = net ? 1 : <f32>(<f64>n / <f64>count);
      if (b == 0) {
        if (net) memory.copy(grads, g, <usize>nParams << 2);
        else {
          memory.fill(grads, 0, <usize>nParams << 2);
          axpy(grads, a, g, nParams);
        }
      } else {
        axpy(grads, a, g, nParams);
      }
      lossSum += load<f64>(losses + (<usize>i << 3));
    }
  }
  let pen: f64 = 0;
  if (l2 != 0) {
    const params = <usize>slot(run, RUN_PARAMS), nW = int(run, RUN_N_WEIGHTS);
    axpy(grads, l2, params, nW);
    pen = 0.5 * <f64>l2 * <f64>dot(params, params, nW);
  }
  return lossSum / <f64>count + pen;
}

/**
 * A worker's loop (thread `tid` ≥ 1): waits for each job, computes its blocks and counts itself in
 * `done`, until `quit`; returns 0 then. (The worker's script counts itself in `ready` around this call.)
 */
export function poolWork(pool: usize, tid: i32): i32 {
  if (!ASC_FEATURE_THREADS) return -1;
  // `gen` starts at 0 and thread 0 bumps it only once every worker is counted in `ready`, which happens
  // before this call: a job may already be waiting here, and 0 is the generation this worker has seen.
  let gen = 0;
  const spin = int(pool, POOL_SPIN);
  while (true) {
    gen = waitChange(pool + POOL_GEN, gen, spin);
    if (atomic.load<i32>(pool + POOL_QUIT) != 0) return 0;
    // A test hook: the run must end with this thread's error, and every other thread must stop.
    if (atomic.load<i32>(pool + POOL_FAULT) == tid + 1) unreachable();
    const job = int(pool, POOL_JOB);
    if (job == JOB_GEMM) gemmJob(pool, tid);
    else if (job == JOB_HOGWILD) hogwildShare(pool, tid);
    else if (job == JOB_OPTIM) optimJob(pool, tid);
    else if (job == JOB_GATHER) gatherJob(pool, tid);
    else if (job == JOB_GATHER_BYTES) gatherBytesJob(pool, tid);
    else ownBlocks(pool, tid);
    atomic.add<i32>(pool + POOL_DONE, 1);
    atomic.notify(pool + POOL_DONE, 1);
  }
  return 0;
}
