// SparseAdam, as torch.optim.SparseAdam: Adam's moments and step on the coordinates where the gradient is
// nonzero only; every other coordinate keeps its m, v and parameter. With g ≠ 0 and t the global step count
// (every step counts, whatever it touched: PyTorch's `state['step']`):
//   m ← m + (g − m)·(1 − β1)
//   v ← v + (g² − v)·(1 − β2)
//   p ← p − (lr·√(1 − β2ᵗ) / (1 − β1ᵗ)) · m / (√v + ε)
// ε is added to √v itself, not to the bias-corrected √v̂ as Adam does. This is the dense form (every
// coordinate tested); sparse rows update only their stored entries through sparseAdamAt
// (assembly/sparse-adaptive.ts), which runs the same f32 operations, so both give the same bits.
// Hyper-parameter slots (assembly/abi.json): lr, t, beta1, beta2, eps. State: m, v (2 × n f32).
import { H_LR, H_T, SPARSE_ADAM_BETA1, SPARSE_ADAM_BETA2, SPARSE_ADAM_EPS } from "../abi.generated";
import { pin } from './pin';

/** −lr·√(1 − β2ᵗ)/(1 − β1ᵗ) for step t (f32), PyTorch's step_size, negated. */
// @ts-ignore: decorator
@inline
export function sparseAdamStepSize(h: usize, t: f64): f32 {
  const b1 = load<f64>(h, SPARSE_ADAM_BETA1), b2 = load<f64>(h, SPARSE_ADAM_BETA2);
  return <f32>(-load<f64>(h, H_LR) * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t)));
}

/**
 * One coordinate's update at byte offset o (g ≠ 0): m at state + o, v at v0 + o, the parameter at params + o,
 * with cb1 = 1 − β1, cb2 = 1 − β2 and nstep from sparseAdamStepSize, in the f32 order of the SIMD loop below.
 */
// @ts-ignore: decorator
@inline
export function sparseAdamAt(params: usize, m0: usize, v0: usize, o: usize, g: f32, cb1: f32, cb2: f32, eps: f32, nstep: f32): void {
  const m = load<f32>(m0 + o), v = load<f32>(v0 + o);
  const mi = m + (g - m) * cb1;
  const vi = v + (g * g - v) * cb2;
  store<f32>(m0 + o, mi);
  store<f32>(v0 + o, vi);
  store<f32>(params + o, load<f32>(params + o) + nstep * (mi / (Mathf.sqrt(vi) + eps)));
}

/** One SparseAdam step over parameters [lo, hi) of n (a thread's range, or 0..n); increments the step count (slot t). State: m, v (2 × n f32). */
export function sparseAdamStep(params: usize, grads: usize, state: usize, n: i32, h: usize, lo: i32, hi: i32): void {
  const t = load<f64>(h, H_T) + 1;
  store<f64>(h, t, H_T);
  const nstep = sparseAdamStepSize(h, t);
  const eps = <f32>load<f64>(h, SPARSE_ADAM_EPS);
  const cb1 = <f32>(1 - load<f64>(h, SPARSE_ADAM_BETA1)), cb2 = <f32>(1 - load<f64>(h, SPARSE_ADAM_BETA2));
  const m = state, v = state + (<usize>n << 2);
  let i = lo;
  if (ASC_FEATURE_SIMD) {
    const vcb1 = f32x4.splat(cb1), vcb2 = f32x4.splat(cb2), veps = f32x4.splat(eps), vstep = f32x4.splat(nstep);
    const zero = f32x4.splat(0);
    for (; i + 4 <= hi; i += 4) {
      const o = <usize>i << 2;
      const g = v128.load(grads + o);
      // Lanes with g = 0 keep their m, v and parameter (bitselect takes the new value where the mask is set).
      const live = f32x4.ne(g, zero);
      const mo = v128.load(m + o), vo = v128.load(v + o), po = v128.load(params + o);
      const mi = f32x4.add(mo, f32x4.mul(f32x4.sub(g, mo), vcb1));
      const vi = f32x4.add(vo, f32x4.mul(f32x4.sub(f32x4.mul(g, g), vo), vcb2));
      const pi = f32x4.add(po, f32x4.mul(vstep, f32x4.div(mi, f32x4.add(f32x4.sqrt(vi), veps))));
      v128.store(m + o, v128.bitselect(mi, mo, live));
      v128.store(v + o, v128.bitselect(vi, vo, live));
      v128.store(params + o, v128.bitselect(pi, po, live));
    }
  }
  if (i < hi) {
    // Pinned before the loop (pin.ts): V8 would otherwise redo the conversions per element.
    const kcb1 = pin(0, cb1), kcb2 = pin(1, cb2), keps = pin(2, eps), kstep = pin(3, nstep);
    for (; i < hi; i++) {
      const o = <usize>i << 2;
      const g = load<f32>(grads + o);
      if (g != 0) sparseAdamAt(params, m, v, o, g, kcb1, kcb2, keps, kstep);
    }
  }
}
