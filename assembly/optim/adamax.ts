// Adamax, as torch.optim.Adamax (PyTorch 1.13, single-tensor path):
//   g ← g + λ·p
//   m ← β1·m + (1 − β1)·g
//   u ← max(β2·u, |g| + ε)
//   p ← p − lr/(1 − β1ᵗ) · m / u
// Hyper-parameter slots (assembly/abi.json): lr, t, beta1, beta2, eps, weightDecay.
// State: m, then the infinity norm u (2 × n f32). f32x4.max and f32.max share the NaN-propagating
// semantics of torch.amax, and both loops run the same operations (bit-identical binaries).
import { H_LR, H_T, ADAMAX_BETA1, ADAMAX_BETA2, ADAMAX_EPS, ADAMAX_WEIGHT_DECAY } from "../abi.generated";
import { pin } from './pin';

/** One Adamax step over parameters [lo, hi) of n (a thread's range, or 0..n); increments the step count (slot t). State: 2 × n f32. */
export function adamaxStep(params: usize, grads: usize, state: usize, n: i32, h: usize, lo: i32, hi: i32): void {
  const t = load<f64>(h, H_T) + 1;
  store<f64>(h, t, H_T);
  const lr = load<f64>(h, H_LR);
  const b1 = load<f64>(h, ADAMAX_BETA1);
  const b2 = load<f64>(h, ADAMAX_BETA2);
  const eps = <f32>load<f64>(h, ADAMAX_EPS);
  const wd = <f32>load<f64>(h, ADAMAX_WEIGHT_DECAY);
  const nclr = <f32>(-lr / (1 - Math.pow(b1, t)));
  const fb1 = <f32>b1, cb1 = <f32>(1 - b1), fb2 = <f32>b2;
  const m = state;
  const u = state + (<usize>n << 2);
  let i = lo;
  if (ASC_FEATURE_SIMD) {
    const vwd = f32x4.splat(wd), veps = f32x4.splat(eps), vclr = f32x4.splat(nclr);
    const vb1 = f32x4.splat(fb1), vcb1 = f32x4.splat(cb1), vb2 = f32x4.splat(fb2);
    for (; i + 4 <= hi; i += 4) {
      const o = <usize>i << 2;
      const p = v128.load(params + o);
      const g = f32x4.add(v128.load(grads + o), f32x4.mul(vwd, p));
      const mi = f32x4.add(f32x4.mul(v128.load(m + o), vb1), f32x4.mul(vcb1, g));
      v128.store(m + o, mi);
      const ui = f32x4.max(f32x4.mul(v128.load(u + o), vb2), f32x4.add(f32x4.abs(g), veps));
      v128.store(u + o, ui);
      v128.store(params + o, f32x4.add(p, f32x4.div(f32x4.mul(vclr, mi), ui)));
    }
  }
  const kwd = pin(0, wd), kb1 = pin(1, fb1), kcb1 = pin(2, cb1), kb2 = pin(3, fb2), keps = pin(4, eps);
  const kclr = pin(5, nclr);
  for (; i < hi; i++) {
    const o = <usize>i << 2;
    const p = load<f32>(params + o);
    const g = load<f32>(grads + o) + kwd * p;
    const mi = load<f32>(m + o) * kb1 + kcb1 * g;
    store<f32>(m + o, mi);
    const ui = Mathf.max(load<f32>(u + o) * kb2, Mathf.abs(g) + keps);
    store<f32>(u + o, ui);
    store<f32>(params + o, p + (kclr * mi) / ui);
  }
}
