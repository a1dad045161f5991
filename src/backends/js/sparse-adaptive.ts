// Pure-TS twin of assembly/sparse-adaptive.ts: SparseAdam and Adagrad (weight decay 0) on sparse rows, updating
// the batch's stored entries and the biases only. See the kernel file for the method; this twin follows it step
// by step, in f64 arithmetic rounded to f32 on store.
import { HYPER, HYPER_SLOTS, RULE, RUN } from '../abi.generated.js';
import { codeOf, rowTerm, spDot, lossOf, slopeOf } from './sparse.js';
import { sparseAdamAt, sparseAdamStepSize } from './optim/sparseAdam.js';
import type { JsMemory } from './memory.js';

/** True when indices[p0 .. p1) strictly increase (no column twice in the row). */
function increasing(indices: Int32Array, p0: number, p1: number): boolean {
  for (let p = p0 + 1; p < p1; p++) if (indices[p] <= indices[p - 1]) return false;
  return true;
}

/** SparseAdam or Adagrad batches on sparse rows in O(stored entries) each; the contract of runBatches. */
export function sparseAdaptiveBatches(mem: JsMemory, run: number, start: number, nBatches: number): number {
  const r = mem.f64(run);
  const code = codeOf(r[RUN.loss]), adam = r[RUN.rule] === RULE.sparseAdam;
  const w = mem.f32(r[RUN.params]), acc = mem.f32(r[RUN.grads]), state = mem.f32(r[RUN.state]), h = mem.f64(r[RUN.hyper]);
  const values = mem.f32(r[RUN.X]), y = mem.f32(r[RUN.y]), idx = mem.i32(r[RUN.idx]);
  const indptr = mem.i32(r[RUN.csrIndptr]), indices = mem.i32(r[RUN.csrIndices]), scratch = mem.f32(r[RUN.scratch]);
  const d = r[RUN.features], k = r[RUN.outputs], total = r[RUN.rows], batchSize = r[RUN.batchSize];
  const lossesOut = mem.f64(r[RUN.losses]);
  const sched = r[RUN.sched] ? mem.f64(r[RUN.sched]) : null;
  const eps = Math.fround(r[RUN.lossParam]);
  const nW = k * d, n = nW + k;
  const A = HYPER_SLOTS.sparseAdam, G = HYPER_SLOTS.adagrad;
  const b1 = h[A.beta1], b2 = h[A.beta2], ruleEps = adam ? h[A.eps] : h[G.eps], lrDecay = h[G.lrDecay];
  acc.fill(0, 0, n);
  const apply = (i: number, g: number, kstep: number): void => {
    if (adam) sparseAdamAt(w, state, n, i, g, b1, b2, ruleEps, kstep);
    else {
      const s = (state[i] += g * g);
      w[i] += (kstep * g) / (Math.sqrt(s) + ruleEps);
    }
  };
  let step = r[RUN.step];
  let b = 0;
  for (; b < nBatches; b++) {
    const s = start + b * batchSize;
    if (s >= total) break;
    const count = Math.min(batchSize, total - s);
    if (count === 1 && k === 1 && increasing(indices, indptr[idx[s]], indptr[idx[s] + 1])) {
      // One row of a one-output loss, no column twice: e·x applied as read (as the kernel).
      const row = idx[s], p0 = indptr[row], p1 = indptr[row + 1], yr = y[row];
      // As rowTerm: z and e in f64, each gradient entry rounded to f32 as the accumulator would store it.
      const z = spDot(w, 0, indices, values, p0, p1) + w[nW];
      const L = lossOf(code, z, yr, eps);
      lossesOut[b] = L;
      if (!Number.isFinite(L)) break;
      const e = slopeOf(code, z, yr, eps);
      let lr = h[HYPER.lr];
      if (sched) h[HYPER.lr] = lr = sched[2 * b];
      const t = ++h[HYPER.t];
      const kstep = adam ? sparseAdamStepSize(h, t) : -lr / (1 + (t - 1) * lrDecay);
      if (e !== 0) {
        for (let p = p0; p < p1; p++) {
          const g = Math.fround(e * values[p]);
          if (g !== 0) apply(indices[p], g, kstep);
        }
        const eb = Math.fround(e);
        if (eb !== 0) apply(nW, eb, kstep);
      }
      step += 1;
      continue;
    }
    let sum = 0;
    for (let i = s; i < s + count; i++) {
      const row = idx[i];
      sum += rowTerm(code, acc, w, 1, indices, values, indptr[row], indptr[row + 1], y[row], d, k, eps, scratch);
    }
    const L = sum / count;
    lossesOut[b] = L;
    const ok = Number.isFinite(L);
    let kstep = 0;
    if (ok) {
      let lr = h[HYPER.lr];
      if (sched) h[HYPER.lr] = lr = sched[2 * b];
      const t = ++h[HYPER.t];
      kstep = adam ? sparseAdamStepSize(h, t) : -lr / (1 + (t - 1) * lrDecay);
    }
    // As finish(): the mean gradient is the sum times 1/count, rounded to f32 as the dense gradient is stored.
    const inv = 1 / count;
    for (let i = s; i < s + count; i++) {
      const row = idx[i];
      for (let c = 0; c < k; c++) {
        for (let p = indptr[row]; p < indptr[row + 1]; p++) {
          const o = c * d + indices[p];
          const g = acc[o];
          if (g === 0) continue;
          acc[o] = 0;
          if (ok) apply(o, Math.fround(inv * g), kstep);
        }
      }
    }
    for (let c = nW; c < n; c++) {
      const g = acc[c];
      acc[c] = 0;
      if (ok && g !== 0) apply(c, Math.fround(g * inv), kstep);
    }
    if (!ok) break;
    step += 1;
  }
  r[RUN.step] = step;
  return b;
}

/** True when the run is SparseAdam, or Adagrad without weight decay, on sparse data with no L2 term and none of the loop's tools (as assembly/train.ts). */
export function sparseAdaptive(mem: JsMemory, run: number): boolean {
  const r = mem.f64(run);
  if (!r[RUN.csrIndptr] || r[RUN.net] || r[RUN.l2] !== 0) return false;
  const rule = r[RUN.rule];
  if (rule !== RULE.sparseAdam && !(rule === RULE.adagrad && mem.f64(r[RUN.hyper])[HYPER_SLOTS.adagrad.weightDecay] === 0)) return false;
  if (r[RUN.clipNorm] > 0 || r[RUN.clipValue] > 0) return false;
  if (r[RUN.l1] > 0 && r[RUN.l1buf]) return false;
  if (r[RUN.avg] && r[RUN.avgStart] > 0) return false;
  return !(r[RUN.sched] && r[RUN.noise] !== 0);
}
