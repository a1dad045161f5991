// Adam and AMSGrad, as torch.optim.Adam (weight decay added to the gradient, L2 style):
//   g ← g + λ·p
//   m ← β1·m + (1 − β1)·g
//   v ← β2·v + (1 − β2)·g²
//   v̂ ← max(v̂, v)                       (amsgrad)
//   p ← p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)
// AdamW (adamw.ts) calls the same core with decoupled decay: p ← p·(1 − lr·λ) first, g unchanged.
// Hyper-parameter slots (assembly/abi.json): lr, t, beta1, beta2, eps, weightDecay, amsgrad.
// State: m, v and, with amsgrad, v̂: three vectors of n f32.
import { H_LR, H_T, ADAM_AMSGRAD, ADAM_BETA1, ADAM_BETA2, ADAM_EPS, ADAM_WEIGHT_DECAY } from "../abi.generated";
import { pin } from './pin';

/** Shared by Adam and AdamW: decoupled decay scales p by (1 − lr·λ) first; otherwise λ·p is added to the gradient. */
// @ts-ignore: decorator
@inline
export function adamCore(params: usize, grads: usize, state: usize, n: i32, h: usize, lo: i32, hi: i32, decoupled: bool): void {
  const t = load<f64>(h, H_T) + 1;
  store<f64>(h, t, H_T);
  const lr = load<f64>(h, H_LR);
  const b1 = load<f64>(h, ADAM_BETA1);
  const b2 = load<f64>(h, ADAM_BETA2);
  const eps = <f32>load<f64>(h, ADAM_EPS);
  const lambda = load<f64>(h, ADAM_WEIGHT_DECAY);
  const amsgrad = load<f64>(h, ADAM_AMSGRAD) != 0;
  const decay = <f32>(decoupled ? 1 - lr * lambda : 1);
  const wd = <f32>(decoupled ? 0 : lambda);
  // m / (√v / √bc2 + ε) = √bc2 · m / (√v + ε·√bc2): one division per element instead of two (the
  // divider is the bottleneck of this loop once the data is in cache). Both builds use this form, so
  // they stay bit-identical; it differs from PyTorch's grouping by a rounding.
  const sbc2 = Math.sqrt(1 - Math.pow(b2, t));
  const nstep = <f32>(-lr / (1 - Math.pow(b1, t)) * sbc2);
  const epsb = <f32>(<f64>eps * sbc2);
  const fb1 = <f32>b1, cb1 = <f32>(1 - b1);
  const fb2 = <f32>b2, cb2 = <f32>(1 - b2);
  const m = state;
  const v = state + (<usize>n << 2);
  const vmax = v + (<usize>n << 2);
  let i = lo;
  if (ASC_FEATURE_SIMD) {
    const vdecay = f32x4.splat(decay), vwd = f32x4.splat(wd);
    const vb1 = f32x4.splat(fb1), vcb1 = f32x4.splat(cb1);
    const vb2 = f32x4.splat(fb2), vcb2 = f32x4.splat(cb2);
    const veps = f32x4.splat(epsb), vstep = f32x4.splat(nstep);
    for (; i + 4 <= hi; i += 4) {
      const o = <usize>i << 2;
      const p = f32x4.mul(v128.load(params + o), vdecay);
      const g = f32x4.add(v128.load(grads + o), f32x4.mul(vwd, p));
      const mi = f32x4.add(f32x4.mul(v128.load(m + o), vb1), f32x4.mul(g, vcb1));
      let vi = f32x4.add(f32x4.mul(v128.load(v + o), vb2), f32x4.mul(f32x4.mul(g, g), vcb2));
      v128.store(m + o, mi);
      v128.store(v + o, vi);
      if (amsgrad) {
        vi = f32x4.max(v128.load(vmax + o), vi);
        v128.store(vmax + o, vi);
      }
      const den = f32x4.add(f32x4.sqrt(vi), veps);
      v128.store(params + o, f32x4.add(p, f32x4.mul(vstep, f32x4.div(mi, den))));
    }
  }
  if (i < hi) {
    // Pinned before the loop (see pin.ts): unpinned, this loop ran 20× slower than the SIMD one.
    const kdecay = pin(0, decay), kwd = pin(1, wd), kb1 = pin(2, fb1), kcb1 = pin(3, cb1);
    const kb2 = pin(4, fb2), kcb2 = pin(5, cb2), keps = pin(6, epsb), kstep = pin(7, nstep);
    for (; i < hi; i++) {
      const o = <usize>i << 2;
      const p = load<f32>(params + o) * kdecay;
      const g = load<f32>(grads + o) + kwd * p;
      const mi = load<f32>(m + o) * kb1 + g * kcb1;
      let vi = load<f32>(v + o) * kb2 + (g * g) * kcb2;
      store<f32>(m + o, mi);
      store<f32>(v + o, vi);
      if (amsgrad) {
        vi = Mathf.max(load<f32>(vmax + o), vi);
        store<f32>(vmax + o, vi);
      }
      const den = Mathf.sqrt(vi) + keps;
      store<f32>(params + o, p + kstep * (mi / den));
    }
  }
}

/** One Adam step over parameters [lo, hi) of n (a thread's range, or 0..n); increments the step count (slot t). State: m, v, v̂ (3 × n f32). */
export function adamStep(params: usize, grads: usize, state: usize, n: i32, h: usize, lo: i32, hi: i32): void {
  adamCore(params, grads, state, n, h, lo, hi, false);
}
