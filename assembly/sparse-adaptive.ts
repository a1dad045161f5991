// Adaptive rules on sparse rows in O(stored entries) per batch: SparseAdam (optim/sparseAdam.ts) and Adagrad
// without weight decay. Both leave a coordinate whose gradient is zero exactly as it was (SparseAdam by
// definition; Adagrad because s + 0² = s and p − clr·0/(√s + ε) = p), so a batch need only visit the
// coordinates its rows store, and the biases. Each batch sums its rows' gradient into the run's `grads` at
// those coordinates (kept all zero between batches, as sparse.ts's SGD loop does), then walks the same entries
// again: the first visit of a coordinate applies the rule to its gradient and clears it, later visits find 0
// and skip — which is also the dense step's rule of skipping zero gradients, so a coordinate listed twice
// (two rows of a batch, or a repeated column) is updated once. The per-coordinate f32 operations are the
// dense kernels' (sparseAdamAt; adagradStep's scalar loop with weight decay 0), and the gradient is theirs
// (the loss kernels' sum over rows, times 1/count as finish() does), so the lazy run gives the dense run's
// bits. The step count t advances once per batch, as PyTorch's global step. A one-row batch of a one-output loss
// whose columns strictly increase (Dataset.fromText's rows, sorted and unique) skips the accumulator: each entry's
// gradient e·x is applied as it is read, the same f32 value the accumulator would have held (0 + e·x). Needs no L2 term: (l2)·w would
// make every coordinate's gradient nonzero (the trainer keeps such runs on the dense path).
import {
  H_LR, H_T, RULE_SPARSE_ADAM, ADAGRAD_EPS, ADAGRAD_LR_DECAY, SPARSE_ADAM_BETA1, SPARSE_ADAM_BETA2, SPARSE_ADAM_EPS,
  RUN_LOSS, RUN_RULE, RUN_PARAMS, RUN_GRADS, RUN_STATE, RUN_HYPER, RUN_FEATURES, RUN_OUTPUTS, RUN_SCRATCH, RUN_X,
  RUN_Y, RUN_IDX, RUN_ROWS, RUN_BATCH_SIZE, RUN_LOSSES, RUN_SCHED, RUN_LOSS_PARAM, RUN_STEP, RUN_CSR_INDPTR,
  RUN_CSR_INDICES,
} from "./abi.generated";
import { codeOf, rowTerm, spDot, lossOf, slopeOf } from "./sparse";
import { zero } from "./losses/common";
import { sparseAdamAt, sparseAdamStepSize } from "./optim/sparseAdam";
import { pin } from "./optim/pin";
import { slot, ptr, int } from "./slots";

/**
 * One coordinate's Adagrad update at byte offset o (g ≠ 0): adagradStep's scalar loop with weight decay 0
 * (g + 0·p is g for any finite p, so the term is left out).
 */
// @ts-ignore: decorator
@inline
function adagradAt(params: usize, s0: usize, o: usize, g: f32, eps: f32, nclr: f32): void {
  const s = load<f32>(s0 + o) + g * g;
  store<f32>(s0 + o, s);
  store<f32>(params + o, load<f32>(params + o) + (nclr * g) / (Mathf.sqrt(s) + eps));
}

/** True when indices[p0 .. p1) strictly increase (no column twice in the row). */
// @ts-ignore: decorator
@inline
function increasing(indices: usize, p0: i32, p1: i32): bool {
  for (let p = p0 + 1; p < p1; p++) {
    if (load<i32>(indices + (<usize>p << 2)) <= load<i32>(indices + (<usize>(p - 1) << 2))) return false;
  }
  return true;
}

/**
 * Up to nBatches batches of SparseAdam or Adagrad (weight decay 0) on the run's sparse rows, with no L2 term
 * and none of the batch loop's tools; the contract of runBatches: each batch's loss before its update to the
 * run's `losses`, the number of batches applied returned, the rule's step count and the run's step written back.
 */
export function sparseAdaptiveBatches(run: usize, start: i32, nBatches: i32): i32 {
  const code = codeOf(int(run, RUN_LOSS)), adam = int(run, RUN_RULE) == RULE_SPARSE_ADAM;
  const w = ptr(run, RUN_PARAMS), acc = ptr(run, RUN_GRADS), state = ptr(run, RUN_STATE), h = ptr(run, RUN_HYPER);
  const d = int(run, RUN_FEATURES), k = int(run, RUN_OUTPUTS);
  const values = ptr(run, RUN_X), y = ptr(run, RUN_Y), idx = ptr(run, RUN_IDX);
  const indptr = ptr(run, RUN_CSR_INDPTR), indices = ptr(run, RUN_CSR_INDICES);
  const total = int(run, RUN_ROWS), batchSize = int(run, RUN_BATCH_SIZE);
  const lossesOut = ptr(run, RUN_LOSSES), sched = ptr(run, RUN_SCHED);
  const eps = <f32>slot(run, RUN_LOSS_PARAM), scratch = ptr(run, RUN_SCRATCH);
  const nW = k * d, n = nW + k;
  const rowBytes = <usize>d << 2;
  // The rule's constants: SparseAdam's m and v (state, state + n), Adagrad's sum of squares (state).
  const m0 = state, v0 = state + (<usize>n << 2);
  const cb1 = pin(0, <f32>(1 - load<f64>(h, SPARSE_ADAM_BETA1))), cb2 = pin(1, <f32>(1 - load<f64>(h, SPARSE_ADAM_BETA2)));
  const ruleEps = pin(2, <f32>(adam ? load<f64>(h, SPARSE_ADAM_EPS) : load<f64>(h, ADAGRAD_EPS)));
  const lrDecay = load<f64>(h, ADAGRAD_LR_DECAY);
  zero(acc, n);
  let step = slot(run, RUN_STEP);
  let b = 0;
  for (; b < nBatches; b++) {
    const s = start + b * batchSize;
    if (s >= total) break;
    const count = min(batchSize, total - s);
    if (count == 1 && k == 1) {
      const row = <usize>load<i32>(idx + (<usize>s << 2));
      const p0 = load<i32>(indptr + (row << 2)), p1 = load<i32>(indptr + (row << 2), 4);
      if (increasing(indices, p0, p1)) {
        const yr = load<f32>(y + (row << 2));
        const z = spDot(w, indices, values, p0, p1) + load<f32>(w + (<usize>nW << 2));
        const L = lossOf(code, z, yr, eps);
        store<f64>(lossesOut + (<usize>b << 3), L);
        if (!isFinite(L)) break;
        const e = slopeOf(code, z, yr, eps);
        let lr = load<f64>(h, H_LR);
        if (sched != 0) {
          lr = load<f64>(sched + (<usize>b << 4));
          store<f64>(h, lr, H_LR);
        }
        const t = load<f64>(h, H_T) + 1;
        store<f64>(h, t, H_T);
        const kstep = pin(3, adam ? sparseAdamStepSize(h, t) : <f32>(-lr / (1 + (t - 1) * lrDecay)));
        if (e != 0) {
          for (let p = p0; p < p1; p++) {
            const g = e * load<f32>(values + (<usize>p << 2));
            if (g == 0) continue;
            const o = <usize>load<i32>(indices + (<usize>p << 2)) << 2;
            if (adam) sparseAdamAt(w, m0, v0, o, g, cb1, cb2, ruleEps, kstep);
            else adagradAt(w, m0, o, g, ruleEps, kstep);
          }
          const o = <usize>nW << 2;
          if (adam) sparseAdamAt(w, m0, v0, o, e, cb1, cb2, ruleEps, kstep);
          else adagradAt(w, m0, o, e, ruleEps, kstep);
        }
        step += 1;
        continue;
      }
    }
    let sum: f64 = 0;
    for (let r = s, end = s + count; r < end; r++) {
      const row = <usize>load<i32>(idx + (<usize>r << 2));
      const p0 = load<i32>(indptr + (row << 2)), p1 = load<i32>(indptr + (row << 2), 4);
      sum += rowTerm(code, acc, w, 1, indices, values, p0, p1, load<f32>(y + (row << 2)), d, k, eps, scratch);
    }
    const L = sum / <f64>count;
    store<f64>(lossesOut + (<usize>b << 3), L);
    const ok = isFinite(L);
    let kstep: f32 = 0;
    if (ok) {
      let lr = load<f64>(h, H_LR);
      if (sched != 0) {
        lr = load<f64>(sched + (<usize>b << 4));
        store<f64>(h, lr, H_LR);
      }
      const t = load<f64>(h, H_T) + 1;
      store<f64>(h, t, H_T);
      kstep = pin(3, adam ? sparseAdamStepSize(h, t) : <f32>(-lr / (1 + (t - 1) * lrDecay)));
    }
    // As finish(): the mean gradient is the sum times 1/count, in f32.
    const inv: f32 = <f32>1 / <f32>count;
    for (let r = s, end = s + count; r < end; r++) {
      const row = <usize>load<i32>(idx + (<usize>r << 2));
      const p0 = load<i32>(indptr + (row << 2)), p1 = load<i32>(indptr + (row << 2), 4);
      for (let c = 0; c < k; c++) {
        const base = <usize>c * rowBytes;
        for (let p = p0; p < p1; p++) {
          const o = base + (<usize>load<i32>(indices + (<usize>p << 2)) << 2);
          const g = load<f32>(acc + o);
          if (g == 0) continue;
          store<f32>(acc + o, 0);
          const gi = inv * g;
          if (!ok || gi == 0) continue;
          if (adam) sparseAdamAt(w, m0, v0, o, gi, cb1, cb2, ruleEps, kstep);
          else adagradAt(w, m0, o, gi, ruleEps, kstep);
        }
      }
    }
    for (let c = 0; c < k; c++) {
      const o = <usize>(nW + c) << 2;
      const gi = load<f32>(acc + o) * inv;
      store<f32>(acc + o, 0);
      if (!ok || gi == 0) continue;
      if (adam) sparseAdamAt(w, m0, v0, o, gi, cb1, cb2, ruleEps, kstep);
      else adagradAt(w, m0, o, gi, ruleEps, kstep);
    }
    if (!ok) break;
    step += 1;
  }
  store<f64>(run + RUN_STEP, step);
  return b;
}
