// The batch loop, inside WASM: TypeScript writes a run descriptor once (pointers, shapes, options and
// the little state carried between runs; slots named in abi.json) and hands over a run of batches
// (windows of the index array), getting control back only when the run ends, so stochastic gradient
// descent does not cross the JS↔WASM boundary per sample. Loss and rule are integer codes read once
// per call; the switches run once per batch, never per element.
import {
  L1_CUMULATIVE, L1_ORTHANT, H_LR,
  RUN_LOSS, RUN_RULE, RUN_PARAMS, RUN_GRADS, RUN_STATE, RUN_HYPER, RUN_N_PARAMS, RUN_FEATURES, RUN_OUTPUTS,
  RUN_SCRATCH, RUN_X, RUN_Y, RUN_IDX, RUN_ROWS, RUN_BATCH_SIZE, RUN_LOSSES, RUN_SCHED, RUN_L2, RUN_LOSS_PARAM,
  RUN_CLIP_NORM, RUN_CLIP_VALUE, RUN_L1, RUN_L1_MODE, RUN_L1BUF, RUN_AVG, RUN_AVG_START, RUN_NOISE, RUN_L1_U,
  RUN_AVG_COUNT, RUN_STEP, RUN_RNG, RUN_N_WEIGHTS, RUN_NET, RUN_WORK, RUN_POOL,
  RUN_CSR_INDPTR, RULE_SGD, RULE_ADAGRAD, RULE_SPARSE_ADAM, SGD_MOMENTUM, SGD_WEIGHT_DECAY, ADAGRAD_WEIGHT_DECAY,
} from "./abi.generated";
import { sparseLossGrad, sparseSgdBatches } from "./sparse";
import { sparseAdaptiveBatches } from "./sparse-adaptive";
import {
  clipGradNorm, clipGradValue, addGradNoise, norm1, l1Cumulative, l1PseudoGrad, l1Project, averageStep,
} from "./gradtools";
import { parOptimStep } from "./paroptim";
import { netLossGrad, netForward } from "./net";
import { poolLossGrad } from "./threads";
import { runLossGrad, lossGradRows, MAIN_WORK } from "./lossgrad";
import { slot, ptr, int } from "./slots";

/**
 * Loss (with the run's L2 term) and its gradient, written to the run's `grads`, over rows
 * idx[start .. start+count) of the run's data, at the run's `params`. Evaluation uses it with l2 = 0.
 */
export function lossGrad(run: usize, start: i32, count: i32): f64 {
  return runLossGrad(run, ptr(run, RUN_GRADS), start, count, <f32>slot(run, RUN_L2));
}

/**
 * Runs up to `nBatches` batches of the run's batchSize rows, the first starting at idx[start]; the last
 * may be shorter when it reaches the run's `rows`. Writes each batch's loss (before its update) to the
 * run's `losses` (f64). Returns the number of batches whose update was applied: fewer than asked means a
 * batch loss was not finite, and that batch left the parameters untouched.
 *
 * Per batch: loss + gradient (with the L2 term) → L1 term added to the loss → noise → clip by norm →
 * clip by value → L1 pseudo-gradient (orthant mode) → lr into the hyper block → update → L1 truncation →
 * average. The tools are off when their slots are 0; `sched` (per-batch [lr, σ]) is optional. The state
 * slots (l1U, avgCount, step, rng) are written back on return.
 */
export function runBatches(run: usize, start: i32, nBatches: i32): i32 {
  if (sparseLazy(run)) return sparseSgdBatches(run, start, nBatches);
  if (sparseAdaptive(run)) return sparseAdaptiveBatches(run, start, nBatches);
  const loss = int(run, RUN_LOSS), rule = int(run, RUN_RULE);
  const params = ptr(run, RUN_PARAMS), grads = ptr(run, RUN_GRADS), state = ptr(run, RUN_STATE);
  const h = ptr(run, RUN_HYPER), nParams = int(run, RUN_N_PARAMS);
  const d = int(run, RUN_FEATURES), k = int(run, RUN_OUTPUTS), scratch = ptr(run, RUN_SCRATCH);
  const X = ptr(run, RUN_X), y = ptr(run, RUN_Y), idx = ptr(run, RUN_IDX);
  const total = int(run, RUN_ROWS), batchSize = int(run, RUN_BATCH_SIZE);
  const lossesOut = ptr(run, RUN_LOSSES), sched = ptr(run, RUN_SCHED);
  const l2 = <f32>slot(run, RUN_L2), lossParam = <f32>slot(run, RUN_LOSS_PARAM);
  const clipNorm = slot(run, RUN_CLIP_NORM), clipValue = <f32>slot(run, RUN_CLIP_VALUE);
  const l1 = slot(run, RUN_L1), l1buf = ptr(run, RUN_L1BUF);
  const l1Mode = l1 > 0 && l1buf != 0 ? int(run, RUN_L1_MODE) : 0;
  const avg = ptr(run, RUN_AVG);
  const avgStart = avg != 0 ? slot(run, RUN_AVG_START) : 0;
  const noise = sched != 0 && slot(run, RUN_NOISE) != 0;
  const rng = run + RUN_RNG;
  let u = slot(run, RUN_L1_U);
  let avgCount = slot(run, RUN_AVG_COUNT);
  let step = slot(run, RUN_STEP);
  const net = ptr(run, RUN_NET);
  const nW = int(run, RUN_N_WEIGHTS);
  const csr = ptr(run, RUN_CSR_INDPTR) != 0;
  const work = ptr(run, RUN_WORK) != 0 ? ptr(run, RUN_WORK) : MAIN_WORK;
  const pool = ptr(run, RUN_POOL);
  let b = 0;
  for (; b < nBatches; b++) {
    const s = start + b * batchSize;
    if (s >= total) break;
    const count = min(batchSize, total - s);
    let L = pool != 0
      ? poolLossGrad(pool, run, s, count)
      : net != 0
        ? netLossGrad(run, grads, s, count)
        : csr
          ? sparseLossGrad(run, grads, s, count)
          : lossGradRows(loss, grads, params, X, y, idx, s, count, d, k, l2, scratch, lossParam, work);
    if (l1Mode != 0) L += l1 * norm1(params, nW);
    store<f64>(lossesOut + (<usize>b << 3), L);
    if (!isFinite(L)) break;
    let lr = load<f64>(h, H_LR);
    if (sched != 0) {
      const o = sched + (<usize>b << 4);
      lr = load<f64>(o);
      store<f64>(h, lr, H_LR);
      if (noise) {
        const sigma = load<f64>(o, 8);
        if (sigma > 0) addGradNoise(grads, nParams, sigma, rng);
      }
    }
    if (clipNorm > 0) clipGradNorm(grads, nParams, clipNorm);
    if (clipValue > 0) clipGradValue(grads, nParams, clipValue);
    if (l1Mode == L1_ORTHANT) l1PseudoGrad(grads, params, l1buf, nW, <f32>l1);
    parOptimStep(pool, rule, params, grads, state, nParams, h);
    if (l1Mode == L1_CUMULATIVE) {
      u += lr * l1;
      l1Cumulative(params, l1buf, nW, u);
    } else if (l1Mode == L1_ORTHANT) {
      l1Project(params, l1buf, nW);
    }
    step += 1;
    if (avgStart > 0 && step >= avgStart) {
      avgCount += 1;
      averageStep(avg, params, nParams, <f32>(1 / avgCount));
    }
  }
  store<f64>(run + RUN_L1_U, u);
  store<f64>(run + RUN_AVG_COUNT, avgCount);
  store<f64>(run + RUN_STEP, step);
  return b;
}

/**
 * True when the run is plain SGD on sparse data with none of the loop's tools on: sparse.ts's lazily
 * scaled loop then does the work in O(nnz) per batch. Anything else goes through the dense-gradient loop.
 */
function sparseLazy(run: usize): bool {
  if (ptr(run, RUN_CSR_INDPTR) == 0 || ptr(run, RUN_NET) != 0 || int(run, RUN_RULE) != RULE_SGD) return false;
  const h = ptr(run, RUN_HYPER);
  if (load<f64>(h, SGD_MOMENTUM) != 0 || load<f64>(h, SGD_WEIGHT_DECAY) != 0) return false;
  return noLoopTools(run);
}

/**
 * True when the run is SparseAdam, or Adagrad without weight decay, on sparse data without an L2 term and with
 * none of the loop's tools on: sparse-adaptive.ts's loop then updates the rows' stored entries only.
 */
function sparseAdaptive(run: usize): bool {
  if (ptr(run, RUN_CSR_INDPTR) == 0 || ptr(run, RUN_NET) != 0 || slot(run, RUN_L2) != 0) return false;
  const rule = int(run, RUN_RULE);
  if (rule != RULE_SPARSE_ADAM && !(rule == RULE_ADAGRAD && load<f64>(ptr(run, RUN_HYPER), ADAGRAD_WEIGHT_DECAY) == 0)) return false;
  return noLoopTools(run);
}

/** No clipping, L1 term, averaging or gradient noise: the per-batch tools that need the whole gradient. */
function noLoopTools(run: usize): bool {
  if (slot(run, RUN_CLIP_NORM) > 0 || slot(run, RUN_CLIP_VALUE) > 0) return false;
  if (slot(run, RUN_L1) > 0 && ptr(run, RUN_L1BUF) != 0) return false;
  if (ptr(run, RUN_AVG) != 0 && slot(run, RUN_AVG_START) > 0) return false;
  return !(ptr(run, RUN_SCHED) != 0 && slot(run, RUN_NOISE) != 0);
}

/**
 * Inference of a network over rows idx[start .. start+count): outputs to the run's `out`, and the mean
 * data loss when the run has targets.
 */
export function forward(run: usize, start: i32, count: i32): f64 {
  return netForward(run, start, count);
}
