// Adadelta, as torch.optim.Adadelta (PyTorch 1.13, single-tensor path):
//   g ← g + λ·p
//   a ← ρ·a + (1 − ρ)·g²
//   δ ← √(u + ε) / √(a + ε) · g
//   u ← ρ·u + (1 − ρ)·δ²
//   p ← p − lr·δ
// Hyper-parameter slots (assembly/abi.json): lr, t, rho, eps, weightDecay; t only counts steps (the rule
// has no bias correction). State: the square average a, then the accumulated update u (2 × n f32).
// Same f32 operations, same order in the SIMD and scalar loops (bit-identical binaries).
import { H_LR, H_T, ADADELTA_EPS, ADADELTA_RHO, ADADELTA_WEIGHT_DECAY } from "../abi.generated";
import { pin } from './pin';

/** One Adadelta step over parameters [lo, hi) of n (a thread's range, or 0..n); increments the step count (slot t). State: 2 × n f32. */
export function adadeltaStep(params: usize, grads: usize, state: usize, n: i32, h: usize, lo: i32, hi: i32): void {
  const t = load<f64>(h, H_T) + 1;
  store<f64>(h, t, H_T);
  const nlr = <f32>-load<f64>(h, H_LR);
  const rho64 = load<f64>(h, ADADELTA_RHO);
  const rho = <f32>rho64, crho = <f32>(1 - rho64);
  const eps = <f32>load<f64>(h, ADADELTA_EPS);
  const wd = <f32>load<f64>(h, ADADELTA_WEIGHT_DECAY);
  const sq = state;
  const acc = state + (<usize>n << 2);
  let i = lo;
  if (ASC_FEATURE_SIMD) {
    const vrho = f32x4.splat(rho), vcrho = f32x4.splat(crho), veps = f32x4.splat(eps);
    const vwd = f32x4.splat(wd), vlr = f32x4.splat(nlr);
    for (; i + 4 <= hi; i += 4) {
      const o = <usize>i << 2;
      const p = v128.load(params + o);
      const g = f32x4.add(v128.load(grads + o), f32x4.mul(vwd, p));
      const a = f32x4.add(f32x4.mul(v128.load(sq + o), vrho), f32x4.mul(f32x4.mul(vcrho, g), g));
      v128.store(sq + o, a);
      const std = f32x4.sqrt(f32x4.add(a, veps));
      const u = v128.load(acc + o);
      const d = f32x4.mul(f32x4.div(f32x4.sqrt(f32x4.add(u, veps)), std), g);
      v128.store(acc + o, f32x4.add(f32x4.mul(u, vrho), f32x4.mul(f32x4.mul(vcrho, d), d)));
      v128.store(params + o, f32x4.add(p, f32x4.mul(vlr, d)));
    }
  }
  const kwd = pin(0, wd), krho = pin(1, rho), kcrho = pin(2, crho), keps = pin(3, eps), klr = pin(4, nlr);
  for (; i < hi; i++) {
    const o = <usize>i << 2;
    const p = load<f32>(params + o);
    const g = load<f32>(grads + o) + kwd * p;
    const a = load<f32>(sq + o) * krho + (kcrho * g) * g;
    store<f32>(sq + o, a);
    const std = Mathf.sqrt(a + keps);
    const u = load<f32>(acc + o);
    const d = (Mathf.sqrt(u + keps) / std) * g;
    store<f32>(acc + o, u * krho + (kcrho * d) * d);
    store<f32>(params + o, p + klr * d);
  }
}
