// RAdam, as torch.optim.RAdam (PyTorch 1.13, single-tensor path):
//   g ← g + λ·p
//   m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²
//   ρ∞ ← 2/(1 − β2) − 1;  ρₜ ← ρ∞ − 2t·β2ᵗ/(1 − β2ᵗ)
//   ρₜ > 5:  r ← √((ρₜ − 4)(ρₜ − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρₜ))
//            p ← p − lr·r·√(1 − β2ᵗ)/(1 − β1ᵗ) · m / (√v + ε)
//   else:    p ← p − lr/(1 − β1ᵗ) · m
// Hyper-parameter slots (assembly/abi.json): lr, t, beta1, beta2, eps, weightDecay. State: m, then v.
// PyTorch multiplies m/(1 − β1ᵗ), lr, √(1 − β2ᵗ)/(√v + ε) and r elementwise; here the scalar
// factors are folded into one f64 constant first (fewer f32 roundings, same value to a few ulps).
import { H_LR, H_T, RADAM_BETA1, RADAM_BETA2, RADAM_EPS, RADAM_WEIGHT_DECAY } from "../abi.generated";
import { pin } from './pin';

// Inlined with a constant `rectified`, so each branch of radamStep gets its own loop.
// @ts-ignore: decorator
@inline
function radamLoop(
  params: usize, grads: usize, state: usize, n: i32, lo: i32, hi: i32,
  c: f32, eps: f32, wd: f32, fb1: f32, cb1: f32, fb2: f32, cb2: f32, rectified: bool,
): void {
  const m = state;
  const v = state + (<usize>n << 2);
  let i = lo;
  if (ASC_FEATURE_SIMD) {
    const vwd = f32x4.splat(wd), veps = f32x4.splat(eps), vc = f32x4.splat(c);
    const vb1 = f32x4.splat(fb1), vcb1 = f32x4.splat(cb1), vb2 = f32x4.splat(fb2), vcb2 = f32x4.splat(cb2);
    for (; i + 4 <= hi; i += 4) {
      const o = <usize>i << 2;
      const p = v128.load(params + o);
      const g = f32x4.add(v128.load(grads + o), f32x4.mul(vwd, p));
      const mi = f32x4.add(f32x4.mul(v128.load(m + o), vb1), f32x4.mul(vcb1, g));
      const vi = f32x4.add(f32x4.mul(v128.load(v + o), vb2), f32x4.mul(f32x4.mul(vcb2, g), g));
      v128.store(m + o, mi);
      v128.store(v + o, vi);
      const u = rectified ? f32x4.div(mi, f32x4.add(f32x4.sqrt(vi), veps)) : mi;
      v128.store(params + o, f32x4.add(p, f32x4.mul(vc, u)));
    }
  }
  const kwd = pin(0, wd), kb1 = pin(1, fb1), kcb1 = pin(2, cb1), kb2 = pin(3, fb2), kcb2 = pin(4, cb2);
  const keps = pin(5, eps), kc = pin(6, c);
  for (; i < hi; i++) {
    const o = <usize>i << 2;
    const p = load<f32>(params + o);
    const g = load<f32>(grads + o) + kwd * p;
    const mi = load<f32>(m + o) * kb1 + kcb1 * g;
    const vi = load<f32>(v + o) * kb2 + (kcb2 * g) * g;
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    const u = rectified ? mi / (Mathf.sqrt(vi) + keps) : mi;
    store<f32>(params + o, p + kc * u);
  }
}

/** One RAdam step over parameters [lo, hi) of n (a thread's range, or 0..n); increments the step count (slot t). State: 2 × n f32. */
export function radamStep(params: usize, grads: usize, state: usize, n: i32, h: usize, lo: i32, hi: i32): void {
  const t = load<f64>(h, H_T) + 1;
  store<f64>(h, t, H_T);
  const lr = load<f64>(h, H_LR);
  const b1 = load<f64>(h, RADAM_BETA1);
  const b2 = load<f64>(h, RADAM_BETA2);
  const eps = <f32>load<f64>(h, RADAM_EPS);
  const wd = <f32>load<f64>(h, RADAM_WEIGHT_DECAY);
  const bc1 = 1 - Math.pow(b1, t);
  const b2t = Math.pow(b2, t);
  const bc2 = 1 - b2t;
  const rhoInf = 2 / (1 - b2) - 1;
  const rhoT = rhoInf - 2 * t * b2t / bc2;
  const fb1 = <f32>b1, cb1 = <f32>(1 - b1), fb2 = <f32>b2, cb2 = <f32>(1 - b2);
  if (rhoT > 5) {
    const r = Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
    const c = <f32>(-lr * r * Math.sqrt(bc2) / bc1);
    radamLoop(params, grads, state, n, lo, hi, c, eps, wd, fb1, cb1, fb2, cb2, true);
  } else {
    radamLoop(params, grads, state, n, lo, hi, <f32>(-lr / bc1), eps, wd, fb1, cb1, fb2, cb2, false);
  }
}
