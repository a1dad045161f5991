// Column mode of the thread pool: one matrix product split among the pool's threads. A network's
// batch runs on thread 0 exactly as without threads (netLossGrad, its chunks, dropout, batch norm and
// sequence layers included); each product above PAR_GEMM_MIN_MACS is published in the pool's control
// block (abi.json pool `gemm…` slots) as a `gemm` job, and every thread computes its own range of C's
// columns (or rows) with its own pack workspace (gemm.ts gemmPart). An element of C is the same f32
// operations whatever range holds it, so the parameters are bit-identical for 1, 2, 3 or 4 threads and
// to a run without threads. Small products (fewer multiply-adds than the pool's gemmMinMacs, a constant
// of the run) stay on thread 0: a job costs a barrier (tens of µs).
//
// Which pool a product (or pargather.ts's gather) may use is a module global: globals belong to one
// instance, so it is thread-local — thread 0 sets it around a batch (threads.ts poolLossGrad), a worker's
// stays 0, and a product called from a worker (or outside a batch) runs alone.
import {
  POOL_THREADS, POOL_ERROR, POOL_THREAD_RUNS, POOL_GEMM_FORM, POOL_GEMM_BY_ROWS,
  POOL_GEMM_C, POOL_GEMM_A, POOL_GEMM_B, POOL_GEMM_M, POOL_GEMM_N, POOL_GEMM_K, POOL_GEMM_LDA, POOL_GEMM_LDB,
  POOL_GEMM_LDC, POOL_GEMM_BETA, POOL_GEMM_BIAS, POOL_GEMM_ACT, POOL_GEMM_SLOPE, POOL_GEMM_MIN_MACS, POOL_GEMM_JOBS, RUN_LEN, RUN_NET, RUN_WS, NET_PACK,
  ACT_IDENTITY,
} from "./abi.generated";
import { JOB_GEMM } from "./abi.generated";
import { gemmNT, gemmNN, gemmTN, gemmPart, gemmSplit, gemmAlign, GEMM_NT, GEMM_NN, GEMM_TN } from "./gemm";
import { ptr, int } from "./slots";
import { startJob, finishJob } from "./barrier";


/** The pool this thread's batch may split its work with (0 = none): thread-local, see the file's comment. */
let currentPool: usize = 0;

/** Thread 0: lets the products and the gather of the current batch use `pool` (0 = none again). */
export function setBatchPool(pool: usize): void {
  currentPool = pool;
}

/** The pool this thread's batch may split its work with (0 = none): see setBatchPool. */
export function batchPool(): usize {
  return currentPool;
}

/** Thread `tid`'s share of the published product, with the pack workspace `pack`. */
function gemmShare(pool: usize, tid: i32, pack: usize): void {
  const byRows = int(pool, POOL_GEMM_BY_ROWS) != 0;
  const m = int(pool, POOL_GEMM_M), n = int(pool, POOL_GEMM_N);
  const r = gemmSplit(byRows ? m : n, gemmAlign(byRows), int(pool, POOL_THREADS), tid);
  gemmPart(int(pool, POOL_GEMM_FORM), ptr(pool, POOL_GEMM_C), ptr(pool, POOL_GEMM_A), ptr(pool, POOL_GEMM_B), m, n,
    int(pool, POOL_GEMM_K), int(pool, POOL_GEMM_LDA), int(pool, POOL_GEMM_LDB), int(pool, POOL_GEMM_LDC),
    <f32>load<f64>(pool + POOL_GEMM_BETA), ptr(pool, POOL_GEMM_BIAS), int(pool, POOL_GEMM_ACT),
    <f32>load<f64>(pool + POOL_GEMM_SLOPE), pack, byRows, <i32>(r & 0xffffffff), <i32>(r >> 32));
}

/** A worker's part of a `gemm` job: its share with the pack workspace of its own thread run. */
export function gemmJob(pool: usize, tid: i32): void {
  const run = ptr(pool, POOL_THREAD_RUNS) + <usize>tid * (<usize>RUN_LEN << 3);
  const net = ptr(run, RUN_NET), ws = ptr(run, RUN_WS);
  gemmShare(pool, tid, ws + (<usize>int(net, NET_PACK) << 2));
}

/**
 * The product `form` split among the pool's threads when this thread has a pool, the product is large
 * enough and no worker has failed (a failed worker no longer counts itself in `done`: the run ends with
 * its error after the batch); alone otherwise. Returns false when it ran alone.
 */
function parGemm(form: i32, C: usize, A: usize, B: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32,
  beta: f32, bias: usize, act: i32, slope: f32, pack: usize): bool {
  const pool = currentPool;
  if (!ASC_FEATURE_THREADS || pool == 0) return false;
  if (<f64>m * <f64>n * <f64>k < load<f64>(pool + POOL_GEMM_MIN_MACS)) return false;
  const threads = int(pool, POOL_THREADS);
  if (threads < 2 || atomic.load<i32>(pool + POOL_ERROR) != 0) return false;
  // Columns (ranges of 8) unless C has too few of them to share: then rows (ranges of 4). Column ranges
  // read A in place and pack only their own part of B.
  const byRows = n < 4 * gemmAlign(false) && m > n;
  store<f64>(pool + POOL_GEMM_FORM, <f64>form);
  store<f64>(pool + POOL_GEMM_BY_ROWS, byRows ? 1 : 0);
  store<f64>(pool + POOL_GEMM_C, <f64>C);
  store<f64>(pool + POOL_GEMM_A, <f64>A);
  store<f64>(pool + POOL_GEMM_B, <f64>B);
  store<f64>(pool + POOL_GEMM_M, <f64>m);
  store<f64>(pool + POOL_GEMM_N, <f64>n);
  store<f64>(pool + POOL_GEMM_K, <f64>k);
  store<f64>(pool + POOL_GEMM_LDA, <f64>lda);
  store<f64>(pool + POOL_GEMM_LDB, <f64>ldb);
  store<f64>(pool + POOL_GEMM_LDC, <f64>ldc);
  store<f64>(pool + POOL_GEMM_BETA, <f64>beta);
  store<f64>(pool + POOL_GEMM_BIAS, <f64>bias);
  store<f64>(pool + POOL_GEMM_ACT, <f64>act);
  store<f64>(pool + POOL_GEMM_SLOPE, <f64>slope);
  store<f64>(pool + POOL_GEMM_JOBS, load<f64>(pool + POOL_GEMM_JOBS) + 1);
  startJob(pool, JOB_GEMM);
  gemmShare(pool, 0, pack);
  finishJob(pool);
  return true;
}

/** gemmNT (same arguments), split among the batch's pool threads when large enough. */
export function parGemmNT(C: usize, A: usize, B: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32,
  beta: f32, bias: usize, act: i32, slope: f32, pack: usize): void {
  if (!parGemm(GEMM_NT, C, A, B, m, n, k, lda, ldb, ldc, beta, bias, act, slope, pack)) {
    gemmNT(C, A, B, m, n, k, lda, ldb, ldc, beta, bias, act, slope, pack);
  }
}

/** gemmNN (same arguments), split among the batch's pool threads when large enough. */
export function parGemmNN(C: usize, A: usize, B: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32,
  beta: f32, pack: usize): void {
  if (!parGemm(GEMM_NN, C, A, B, m, n, k, lda, ldb, ldc, beta, 0, ACT_IDENTITY, 0, pack)) {
    gemmNN(C, A, B, m, n, k, lda, ldb, ldc, beta, pack);
  }
}

/** gemmTN (same arguments), split among the batch's pool threads when large enough. */
export function parGemmTN(C: usize, A: usize, B: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32,
  beta: f32, pack: usize): void {
  if (!parGemm(GEMM_TN, C, A, B, m, n, k, lda, ldb, ldc, beta, 0, ACT_IDENTITY, 0, pack)) {
    gemmTN(C, A, B, m, n, k, lda, ldb, ldc, beta, pack);
  }
}
