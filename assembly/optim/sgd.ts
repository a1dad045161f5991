// SGD with momentum, dampening, Nesterov and weight decay, as torch.optim.SGD:
//   g ← g + λ·p
//   b ← g                       (first step)
//   b ← μ·b + (1 − τ)·g         (later steps)
//   g ← g + μ·b  (nesterov)  or  g ← b
//   p ← p − lr·g
// Hyper-parameter slots (assembly/abi.json): lr, t, momentum, dampening, nesterov, weightDecay.
// State: the momentum buffer b (n f32), unused when momentum = 0.
import { H_LR, H_T, SGD_DAMPENING, SGD_MOMENTUM, SGD_NESTEROV, SGD_WEIGHT_DECAY } from "../abi.generated";

/** One SGD step over parameters [lo, hi) of n (a thread's range, or 0..n); increments the step count (slot t). State: the momentum buffer (n f32). */
export function sgdStep(params: usize, grads: usize, state: usize, n: i32, h: usize, lo: i32, hi: i32): void {
  const t = load<f64>(h, H_T) + 1;
  store<f64>(h, t, H_T);
  const nlr = <f32>-load<f64>(h, H_LR);
  const mu = <f32>load<f64>(h, SGD_MOMENTUM);
  const damp = <f32>1 - <f32>load<f64>(h, SGD_DAMPENING);
  const nesterov = load<f64>(h, SGD_NESTEROV) != 0;
  const wd = <f32>load<f64>(h, SGD_WEIGHT_DECAY);
  let i = lo;
  if (mu == 0) {
    if (ASC_FEATURE_SIMD) {
      const vl = f32x4.splat(nlr), vw = f32x4.splat(wd);
      for (; i + 4 <= hi; i += 4) {
        const o = <usize>i << 2;
        const p = v128.load(params + o);
        const g = f32x4.add(v128.load(grads + o), f32x4.mul(vw, p));
        v128.store(params + o, f32x4.add(p, f32x4.mul(vl, g)));
      }
    }
    for (; i < hi; i++) {
      const o = <usize>i << 2;
      const p = load<f32>(params + o);
      const g = load<f32>(grads + o) + wd * p;
      store<f32>(params + o, p + nlr * g);
    }
    return;
  }
  const first = t == 1;
  // One loop per (first, nesterov) case keeps the element loop free of branches.
  const cb: f32 = first ? 0 : mu;   // b ← cb·b + cg·g reproduces b ← g on the first step
  const cg: f32 = first ? 1 : damp;
  const cn: f32 = nesterov ? mu : 0; // g_out = (nesterov ? g + μ·b : b)
  if (ASC_FEATURE_SIMD) {
    const vl = f32x4.splat(nlr), vw = f32x4.splat(wd);
    const vcb = f32x4.splat(cb), vcg = f32x4.splat(cg), vcn = f32x4.splat(cn);
    for (; i + 4 <= hi; i += 4) {
      const o = <usize>i << 2;
      const p = v128.load(params + o);
      const g = f32x4.add(v128.load(grads + o), f32x4.mul(vw, p));
      const b = first ? g : f32x4.add(f32x4.mul(vcb, v128.load(state + o)), f32x4.mul(vcg, g));
      v128.store(state + o, b);
      const u = nesterov ? f32x4.add(g, f32x4.mul(vcn, b)) : b;
      v128.store(params + o, f32x4.add(p, f32x4.mul(vl, u)));
    }
  }
  for (; i < hi; i++) {
    const o = <usize>i << 2;
    const p = load<f32>(params + o);
    const g = load<f32>(grads + o) + wd * p;
    const b = first ? g : cb * load<f32>(state + o) + cg * g;
    store<f32>(state + o, b);
    const u = nesterov ? g + cn * b : b;
    store<f32>(params + o, p + nlr * u);
  }
}
