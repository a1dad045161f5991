// One optimizer update split among the pool's threads: after a batch's gradient, the update
// of every parameter was thread 0's alone — for an MLP 784-128-10 at batch 128, Adam over 101,770
// parameters is about half of what stays serial in column mode (docs/threads.md). The update rules are
// element-wise: parameter i's new value, and its state, depend on element i alone. So each thread applies
// the rule to its own range of the parameters (aligned to 16 elements: a 64-byte line, so no two threads
// write one line, and every SIMD group of 4 is the one a single-thread update makes), and the result is
// bit-identical to one thread's update, for any thread count.
//
// A rule advances the step count (and NAdam its product Π) in its hyper block as it starts; each thread
// must see the block as it was before the step, and it must advance once. Thread 0 copies the block into
// every worker's own copy (the pool's `optimHyper`) before the job, and runs its range on the run's real
// block; a worker's copy advances too, and is overwritten at the next update.
import {
  POOL_THREADS, POOL_ERROR, POOL_RUN, POOL_OPTIM_HYPER, POOL_OPTIM_MIN_PARAMS,
  POOL_OPTIM_JOBS, RUN_RULE, RUN_PARAMS, RUN_GRADS, RUN_STATE, RUN_N_PARAMS, HYPER_LEN, JOB_OPTIM,
} from "./abi.generated";
import { optimRange } from "./optim/index.generated";
import { gemmSplit } from "./gemm";
import { startJob, finishJob } from "./barrier";
import { ptr, int } from "./slots";

/** Elements per range unit: 16 f32 = one 64-byte cache line. */
const OPTIM_ALIGN = 16;

/** Thread `tid`'s range of the run's parameters under the rule, with the hyper block `h`. */
function optimShare(pool: usize, tid: i32, h: usize): void {
  const run = ptr(pool, POOL_RUN);
  const n = int(run, RUN_N_PARAMS);
  const r = gemmSplit(n, OPTIM_ALIGN, int(pool, POOL_THREADS), tid);
  optimRange(int(run, RUN_RULE), ptr(run, RUN_PARAMS), ptr(run, RUN_GRADS), ptr(run, RUN_STATE), n, h,
    <i32>(r & 0xffffffff), <i32>(r >> 32));
}

/** A worker's part of an `optim` job: its range, with its own copy of the hyper block. */
export function optimJob(pool: usize, tid: i32): void {
  optimShare(pool, tid, ptr(pool, POOL_OPTIM_HYPER) + <usize>tid * (<usize>HYPER_LEN << 3));
}

/**
 * Thread 0: optimStep (same arguments: the batch loop's run), split among the threads of `pool` (the run's,
 * or 0) when it has two or more, no worker failed and the model has at least the pool's `optimMinParams`
 * parameters; alone otherwise (a job's barrier costs microseconds, more than a small update).
 */
export function parOptimStep(pool: usize, rule: i32, params: usize, grads: usize, state: usize, n: i32, h: usize): void {
  if (ASC_FEATURE_THREADS && pool != 0 && int(pool, POOL_THREADS) > 1 && <f64>n >= load<f64>(pool + POOL_OPTIM_MIN_PARAMS)
    && atomic.load<i32>(pool + POOL_ERROR) == 0) {
    const threads = int(pool, POOL_THREADS);
    const copies = ptr(pool, POOL_OPTIM_HYPER);
    for (let t = 1; t < threads; t++) memory.copy(copies + <usize>t * (<usize>HYPER_LEN << 3), h, <usize>HYPER_LEN << 3);
    store<f64>(pool + POOL_OPTIM_JOBS, load<f64>(pool + POOL_OPTIM_JOBS) + 1);
    startJob(pool, JOB_OPTIM);
    optimShare(pool, 0, h);
    finishJob(pool);
    return;
  }
  optimRange(rule, params, grads, state, n, h, 0, n);
}
