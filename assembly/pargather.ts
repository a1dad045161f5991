// A network batch's row gather split among the pool's threads (column mode). Before its first
// layer, thread 0 copied the batch's rows idx[s .. s+n) out of the dataset into the chunk's input, alone:
// 128 rows × 784 f32 (401 KB) for an MLP on MNIST, while the workers waited; and the worker's half of
// the first product then read all of them from thread 0's cache. Each thread now copies its own range of
// the rows (a copy: the same bytes whoever makes it), so the gather takes half as long and each half of
// the input starts in the cache of a thread that reads it.
import {
  POOL_THREADS, POOL_ERROR, POOL_GATHER_DST, POOL_GATHER_X, POOL_GATHER_IDX, POOL_GATHER_START, POOL_GATHER_ROWS,
  POOL_GATHER_D, POOL_GATHER_JOBS, JOB_GATHER,
} from "./abi.generated";
import { gemmSplit } from "./gemm";
import { batchPool } from "./pargemm";
import { startJob, finishJob } from "./barrier";
import { ptr, int } from "./slots";

/**
 * Gathers of fewer f32 run on thread 0 alone: 2^15 f32 (128 KB) copy in about the time a barrier and a
 * cold cache line cost. A constant, never derived from the thread count.
 */
const PAR_GATHER_MIN_FLOATS: i32 = 1 << 15;

/** Copies rows idx[start .. start+n) of X (d f32 each) into dst, one after the other. */
export function gather(dst: usize, X: usize, idx: usize, start: i32, n: i32, d: i32): void {
  const rowBytes = <usize>d << 2;
  for (let r = 0; r < n; r++) {
    const row = <usize>load<i32>(idx + (<usize>(start + r) << 2));
    memory.copy(dst + <usize>r * rowBytes, X + row * rowBytes, rowBytes);
  }
}

/** Thread `tid`'s range of the published gather's rows. */
export function gatherJob(pool: usize, tid: i32): void {
  const n = int(pool, POOL_GATHER_ROWS), d = int(pool, POOL_GATHER_D);
  const r = gemmSplit(n, 1, int(pool, POOL_THREADS), tid);
  const r0 = <i32>(r & 0xffffffff), r1 = <i32>(r >> 32);
  gather(ptr(pool, POOL_GATHER_DST) + (<usize>r0 * <usize>d << 2), ptr(pool, POOL_GATHER_X), ptr(pool, POOL_GATHER_IDX),
    int(pool, POOL_GATHER_START) + r0, r1 - r0, d);
}

/** gather (same arguments), split among the batch's pool threads by rows when it is large enough. */
export function parGather(dst: usize, X: usize, idx: usize, start: i32, n: i32, d: i32): void {
  const pool = batchPool();
  if (!ASC_FEATURE_THREADS || pool == 0 || n * d < PAR_GATHER_MIN_FLOATS || int(pool, POOL_THREADS) < 2
    || atomic.load<i32>(pool + POOL_ERROR) != 0) {
    gather(dst, X, idx, start, n, d);
    return;
  }
  store<f64>(pool + POOL_GATHER_DST, <f64>dst);
  store<f64>(pool + POOL_GATHER_X, <f64>X);
  store<f64>(pool + POOL_GATHER_IDX, <f64>idx);
  store<f64>(pool + POOL_GATHER_START, <f64>start);
  store<f64>(pool + POOL_GATHER_ROWS, <f64>n);
  store<f64>(pool + POOL_GATHER_D, <f64>d);
  store<f64>(pool + POOL_GATHER_JOBS, load<f64>(pool + POOL_GATHER_JOBS) + 1);
  startJob(pool, JOB_GATHER);
  gatherJob(pool, 0);
  finishJob(pool);
}
