// Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"), as the authors' lion-pytorch:
//   p ← p·(1 − lr·λ)                (decoupled weight decay, as AdamW)
//   c ← β1·m + (1 − β1)·g
//   p ← p − lr·sign(c)              (sign(0) = 0, as torch.sign)
//   m ← β2·m + (1 − β2)·g
// Every coordinate moves by exactly ±lr (or 0), which is why Lion wants a 3–10× smaller lr than Adam.
// Hyper-parameter slots (assembly/abi.json): lr, t, beta1, beta2, weightDecay. State: m (n f32).
// Same f32 operations, same order in the SIMD and scalar loops (bit-identical binaries).
import { H_LR, H_T, LION_BETA1, LION_BETA2, LION_WEIGHT_DECAY } from "../abi.generated";
import { pin } from './pin';

/** One Lion step over parameters [lo, hi) of n (a thread's range, or 0..n); increments the step count (slot t). State: the momentum m (n f32). */
export function lionStep(params: usize, grads: usize, state: usize, n: i32, h: usize, lo: i32, hi: i32): void {
  const t = load<f64>(h, H_T) + 1;
  store<f64>(h, t, H_T);
  const lr = load<f64>(h, H_LR);
  const b1 = load<f64>(h, LION_BETA1);
  const b2 = load<f64>(h, LION_BETA2);
  const decay = <f32>(1 - lr * load<f64>(h, LION_WEIGHT_DECAY));
  const nlr = <f32>-lr;
  const fb1 = <f32>b1, cb1 = <f32>(1 - b1);
  const fb2 = <f32>b2, cb2 = <f32>(1 - b2);
  let i = lo;
  if (ASC_FEATURE_SIMD) {
    const vdecay = f32x4.splat(decay), vlr = f32x4.splat(nlr);
    const vb1 = f32x4.splat(fb1), vcb1 = f32x4.splat(cb1);
    const vb2 = f32x4.splat(fb2), vcb2 = f32x4.splat(cb2);
    const zero = f32x4.splat(0), one = f32x4.splat(1);
    for (; i + 4 <= hi; i += 4) {
      const o = <usize>i << 2;
      const g = v128.load(grads + o);
      const m = v128.load(state + o);
      const c = f32x4.add(f32x4.mul(m, vb1), f32x4.mul(g, vcb1));
      // sign(c) as (c > 0) − (c < 0): the comparison masks select 1.0 or 0.0.
      const s = f32x4.sub(v128.and(f32x4.gt(c, zero), one), v128.and(f32x4.lt(c, zero), one));
      v128.store(params + o, f32x4.add(f32x4.mul(v128.load(params + o), vdecay), f32x4.mul(vlr, s)));
      v128.store(state + o, f32x4.add(f32x4.mul(m, vb2), f32x4.mul(g, vcb2)));
    }
  }
  if (i < hi) {
    // Pinned before the loop (see pin.ts).
    const kdecay = pin(0, decay), klr = pin(1, nlr), kb1 = pin(2, fb1), kcb1 = pin(3, cb1);
    const kb2 = pin(4, fb2), kcb2 = pin(5, cb2);
    for (; i < hi; i++) {
      const o = <usize>i << 2;
      const g = load<f32>(grads + o);
      const m = load<f32>(state + o);
      const c = m * kb1 + g * kcb1;
      const s: f32 = (c > 0 ? <f32>1 : <f32>0) - (c < 0 ? <f32>1 : <f32>0);
      store<f32>(params + o, load<f32>(params + o) * kdecay + klr * s);
      store<f32>(state + o, m * kb2 + g * kcb2);
    }
  }
}
