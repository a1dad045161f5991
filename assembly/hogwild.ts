// Asynchronous SGD on sparse rows (train({ threads: n, async: true }); Hogwild!, Niu et al. 2011): every
// thread of a pool runs plain SGD, one row per step, on its share of a round of batches (the round's
// ROUND rows cut into n contiguous shares; rounds are short, so the threads walk the learning-rate
// schedule side by side), reading and writing the ONE shared weight vector with plain loads and stores — no lock, no atomic. Text rows touch a
// few hundred of 2^18 weights, so two threads rarely write the same weight at once, and when they do one
// update is lost, which SGD tolerates (the bias, touched by every row, is where most collisions happen).
// The result depends on how the threads interleave: it is not deterministic.
//
// L2 (what differs from the synchronous run): the synchronous kernel (sparse.ts sparseSgdBatches) keeps
// w = scale·v and multiplies `scale` by (1 − lr·l2) at every step, which needs one writer of the scale.
// Here the scale S changes only between rounds of ROUND batches: during a round every thread reads the
// same S (z = S·v·x, and a step v += −lr·g/S is w += −lr·g) and multiplies its own steps' factors into its
// record; at the barrier thread 0 multiplies S by every thread's product, in O(1). A round's total
// shrinkage is the synchronous run's; its timing differs by at most a round: a step made during the round
// is shrunk by the whole round's factors, not only by those of the steps after it, and the gradients of a
// round see weights not yet shrunk by it. The (l2/2)·‖w‖² term of a batch's loss is taken from the start
// of its round (‖v‖² is kept up to date from each thread's own steps, and recomputed at each call).
import {
  H_LR, H_T, RUN_LOSS, RUN_PARAMS, RUN_HYPER, RUN_FEATURES, RUN_X, RUN_Y, RUN_IDX, RUN_ROWS, RUN_LOSSES, RUN_SCHED,
  RUN_L2, RUN_LOSS_PARAM, RUN_STEP, RUN_CSR_INDPTR, RUN_CSR_INDICES,
  POOL_THREADS, POOL_ERROR, POOL_RUN, POOL_START, POOL_COUNT, POOL_FIRST, POOL_HOGWILD,
  JOB_HOGWILD, HW_ROWS, HW_DECAY, HW_STOP, HW_DSQ, HW_SCALE, HOGWILD_LEN,
} from "./abi.generated";
import { spDot, codeOf, lossOf, slopeOf } from "./sparse";
import { dot } from "./linalg";
import { slot, ptr, int } from "./slots";
import { startJob, finishJob } from "./barrier";

/** Thread `tid`'s record (abi.json hogwild). */
// @ts-ignore: decorator
@inline
function record(pool: usize, tid: i32): usize {
  return ptr(pool, POOL_HOGWILD) + <usize>tid * (<usize>HOGWILD_LEN << 3);
}

/**
 * Thread `tid`'s share of the round: batches [count·tid/threads, count·(tid+1)/threads) (one row each,
 * row idx[start + b]), plain SGD on the shared weights. Writes each batch's loss (before its step, without the
 * L2 term) to the run's `losses`, and its rows, its L2 factors' product and its first non-finite batch to
 * its record.
 */
export function hogwildShare(pool: usize, tid: i32): void {
  const run = ptr(pool, POOL_RUN);
  const threads = int(pool, POOL_THREADS), start = int(pool, POOL_START), count = int(pool, POOL_COUNT);
  // Losses and learning rates are indexed from the trainer's run of batches, of which this round is a part.
  const first = int(pool, POOL_FIRST);
  const lossesOut = ptr(run, RUN_LOSSES) + (<usize>first << 3), sched = ptr(run, RUN_SCHED);
  // −1 for logistic, else the rowloss.ts code of a one-output loss (async mode has no softmax: options.ts).
  const code = codeOf(int(run, RUN_LOSS));
  const params = ptr(run, RUN_PARAMS), h = ptr(run, RUN_HYPER), d = int(run, RUN_FEATURES);
  const values = ptr(run, RUN_X), y = ptr(run, RUN_Y), idx = ptr(run, RUN_IDX), total = int(run, RUN_ROWS);
  const indptr = ptr(run, RUN_CSR_INDPTR), indices = ptr(run, RUN_CSR_INDICES);
  const l2 = <f64>(<f32>slot(run, RUN_L2)), eps = <f32>slot(run, RUN_LOSS_PARAM);
  const lr0 = load<f64>(h, H_LR);
  const bias = params + (<usize>d << 2);
  const scale = load<f64>(record(pool, 0) + HW_SCALE);
  const sf = <f32>scale;
  let decay: f64 = 1, dsq: f64 = 0;
  let rows = 0;
  // A contiguous share: interleaved rows would have the threads write neighbouring losses (one cache line).
  const lo = <i32>(<i64>count * tid / threads), hi = <i32>(<i64>count * (tid + 1) / threads);
  let stop = count;
  for (let b = lo; b < hi; b++) {
    const s = start + b;
    if (s >= total) break;
    const row = <usize>load<i32>(idx + (<usize>s << 2));
    const p0 = load<i32>(indptr + (row << 2)), p1 = load<i32>(indptr + (row << 2), 4);
    const yr = load<f32>(y + (row << 2));
    const z = sf * spDot(params, indices, values, p0, p1) + load<f32>(bias);
    const L = lossOf(code, z, yr, eps), e = slopeOf(code, z, yr, eps);
    store<f64>(lossesOut + (<usize>b << 3), L);
    if (!isFinite(L)) {
      stop = b;
      break;
    }
    const lr = sched != 0 ? load<f64>(sched + (<usize>(first + b) << 4)) : lr0;
    if (l2 != 0) decay *= 1 - lr * l2;
    if (e != 0) {
      const a = -lr / scale;
      for (let p = p0; p < p1; p++) {
        const o = params + (<usize>load<i32>(indices + (<usize>p << 2)) << 2);
        const g = e * load<f32>(values + (<usize>p << 2));
        if (g == 0) continue;
        const old = load<f32>(o);
        const nv = <f32>(<f64>old + a * <f64>g);
        store<f32>(o, nv);
        dsq += <f64>nv * <f64>nv - <f64>old * <f64>old;
      }
    }
    store<f32>(bias, <f32>(<f64>load<f32>(bias) - lr * <f64>e));
    rows++;
  }
  const rec = record(pool, tid);
  store<f64>(rec + HW_ROWS, load<f64>(rec + HW_ROWS) + <f64>rows);
  store<f64>(rec + HW_DECAY, decay);
  store<f64>(rec + HW_DSQ, dsq);
  store<f64>(rec + HW_STOP, <f64>stop);
}

/**
 * Batches per round: each round ends with a barrier, where thread 0 updates the weights' scale. Short
 * rounds keep the L2 shrinkage close to the synchronous run's timing; a barrier costs a few microseconds.
 */
const ROUND: i32 = 256;

/** v[0..n) *= s (f32), and returns ‖v‖² after, in f64 (as sparse.ts multiplyOut). */
function multiplyOut(v: usize, n: i32, s: f64): f64 {
  const f = <f32>s;
  let sq: f64 = 0;
  for (let i = 0; i < n; i++) {
    const o = v + (<usize>i << 2);
    const w = load<f32>(o) * f;
    store<f32>(o, w);
    sq += <f64>w * <f64>w;
  }
  return sq;
}

/**
 * Thread 0's side of `nBatches` one-row batches from idx[start], in rounds of ROUND batches: hands each
 * round to the workers, runs its own share, waits for them (the barrier), then folds the round's L2
 * factors into the scale and adds the penalty to the round's batch losses; the weights are multiplied out
 * (scale 1) before it returns. The same contract as runBatches: each batch's loss in the run's `losses`,
 * the number of batches before the first non-finite loss returned (other threads may have stepped past
 * it: the trainer then restores the last finite epoch), the rule's step count and the run's step written
 * back. Returns 0 when a worker failed (its error is in the pool's `error`).
 */
export function hogwildBatches(pool: usize, start: i32, nBatches: i32): i32 {
  if (!ASC_FEATURE_THREADS) return 0;
  const run = ptr(pool, POOL_RUN);
  const threads = int(pool, POOL_THREADS);
  const params = ptr(run, RUN_PARAMS), h = ptr(run, RUN_HYPER), nW = int(run, RUN_FEATURES);
  const lossesOut = ptr(run, RUN_LOSSES), sched = ptr(run, RUN_SCHED);
  const l2 = <f64>(<f32>slot(run, RUN_L2));
  const scaleAt = record(pool, 0) + HW_SCALE;
  let scale: f64 = 1;
  let sq: f64 = l2 != 0 ? <f64>dot(params, params, nW) : 0;
  let applied = 0;
  for (let first = 0; first < nBatches; first += ROUND) {
    const count = min(ROUND, nBatches - first);
    store<f64>(scaleAt, scale);
    store<f64>(pool + POOL_START, <f64>(start + first));
    store<f64>(pool + POOL_FIRST, <f64>first);
    store<f64>(pool + POOL_COUNT, <f64>count);
    if (threads > 1) startJob(pool, JOB_HOGWILD);
    hogwildShare(pool, 0);
    if (threads > 1) {
      finishJob(pool);
      if (atomic.load<i32>(pool + POOL_ERROR) != 0) {
        if (scale != 1) multiplyOut(params, nW, scale);
        return 0;
      }
    }
    let decay: f64 = 1;
    let stop = count;
    const pen = 0.5 * l2 * scale * scale * sq;
    for (let t = 0; t < threads; t++) {
      const rec = record(pool, t);
      decay *= load<f64>(rec + HW_DECAY);
      sq += load<f64>(rec + HW_DSQ);
      stop = min(stop, <i32>load<f64>(rec + HW_STOP));
    }
    if (l2 != 0) {
      for (let b = first; b < first + count; b++) {
        const o = lossesOut + (<usize>b << 3);
        store<f64>(o, load<f64>(o) + pen);
      }
      // A factor ≤ 0 sends w to 0 or through it, which no scale can carry: it is applied to v (as sparse.ts).
      if (decay > 0) scale *= decay;
      else {
        sq = multiplyOut(params, nW, scale * decay);
        scale = 1;
      }
      if (scale < 1e-9) {
        sq = multiplyOut(params, nW, scale);
        scale = 1;
      }
    }
    applied = first + stop;
    if (stop < count) break;
  }
  if (scale != 1) multiplyOut(params, nW, scale);
  if (applied > 0 && sched != 0) store<f64>(h, load<f64>(sched + (<usize>(applied - 1) << 4)), H_LR);
  store<f64>(h, load<f64>(h, H_T) + <f64>applied, H_T);
  store<f64>(run + RUN_STEP, slot(run, RUN_STEP) + <f64>applied);
  return applied;
}
