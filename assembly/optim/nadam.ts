// NAdam, as torch.optim.NAdam in PyTorch 1.13 (single-tensor path), with ψ = momentum_decay:
//   g ← g + λ·p
//   μₜ ← β1·(1 − ½·0.96^(t·ψ));  μₜ₊₁ ← β1·(1 − ½·0.96^((t+1)·ψ));  Π ← Π·μₜ
//   m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²
//   d ← √(v / (1 − β2ᵗ)) + ε
//   p ← p − lr·(1 − μₜ)/(1 − Π) · g/d − lr·μₜ₊₁/(1 − Π·μₜ·μₜ₊₁) · m/d
// The factor μₜ in the last denominator is PyTorch 1.13's: its _single_tensor_nadam computes
// mu_product_next = mu_product * mu * mu_next after mu_product *= mu, so μₜ counts twice. The paper,
// PyTorch's docs, 1.13's own foreach path and PyTorch ≥ 2.0 use Π·μₜ₊₁. We follow the 1.13
// single-tensor code because that is what the reference trajectories (and 1.13 users) ran; the two
// differ by about 1e-3 relative in the first steps and converge as Π → 0.
// Hyper-parameter slots (assembly/abi.json): lr, t, beta1, beta2, eps, weightDecay, momentumDecay, Π.
// The running product Π (PyTorch's state['mu_product']) lives in slot muProduct, starting at 1, so it is saved
// and restored with the block like the step count. State: m, then v (2 × n f32).
// The two parameter updates are two roundings, as PyTorch's two addcdiv_ calls.
import { H_LR, H_T, NADAM_BETA1, NADAM_BETA2, NADAM_EPS, NADAM_MOMENTUM_DECAY, NADAM_MU_PRODUCT, NADAM_WEIGHT_DECAY } from "../abi.generated";
import { pin } from './pin';

/** One NAdam step over parameters [lo, hi) of n (a thread's range, or 0..n); increments the step count (slot t) and multiplies Π (slot muProduct) by μₜ. State: 2 × n f32. */
export function nadamStep(params: usize, grads: usize, state: usize, n: i32, h: usize, lo: i32, hi: i32): void {
  const t = load<f64>(h, H_T) + 1;
  store<f64>(h, t, H_T);
  const lr = load<f64>(h, H_LR);
  const b1 = load<f64>(h, NADAM_BETA1);
  const b2 = load<f64>(h, NADAM_BETA2);
  const eps = <f32>load<f64>(h, NADAM_EPS);
  const wd = <f32>load<f64>(h, NADAM_WEIGHT_DECAY);
  const psi = load<f64>(h, NADAM_MOMENTUM_DECAY);
  const mu = b1 * (1 - 0.5 * Math.pow(0.96, t * psi));
  const muNext = b1 * (1 - 0.5 * Math.pow(0.96, (t + 1) * psi));
  const prod = load<f64>(h, NADAM_MU_PRODUCT) * mu;
  store<f64>(h, prod, NADAM_MU_PRODUCT);
  const c1 = <f32>(-lr * (1 - mu) / (1 - prod));
  const c2 = <f32>(-lr * muNext / (1 - prod * mu * muNext));
  const bc2 = <f32>(1 - Math.pow(b2, t));
  const fb1 = <f32>b1, cb1 = <f32>(1 - b1), fb2 = <f32>b2, cb2 = <f32>(1 - b2);
  const m = state;
  const v = state + (<usize>n << 2);
  let i = lo;
  if (ASC_FEATURE_SIMD) {
    const vwd = f32x4.splat(wd), veps = f32x4.splat(eps), vbc2 = f32x4.splat(bc2);
    const vb1 = f32x4.splat(fb1), vcb1 = f32x4.splat(cb1), vb2 = f32x4.splat(fb2), vcb2 = f32x4.splat(cb2);
    const vc1 = f32x4.splat(c1), vc2 = f32x4.splat(c2);
    for (; i + 4 <= hi; i += 4) {
      const o = <usize>i << 2;
      const p = v128.load(params + o);
      const g = f32x4.add(v128.load(grads + o), f32x4.mul(vwd, p));
      const mi = f32x4.add(f32x4.mul(v128.load(m + o), vb1), f32x4.mul(vcb1, g));
      const vi = f32x4.add(f32x4.mul(v128.load(v + o), vb2), f32x4.mul(f32x4.mul(vcb2, g), g));
      v128.store(m + o, mi);
      v128.store(v + o, vi);
      const d = f32x4.add(f32x4.sqrt(f32x4.div(vi, vbc2)), veps);
      const p1 = f32x4.add(p, f32x4.div(f32x4.mul(vc1, g), d));
      v128.store(params + o, f32x4.add(p1, f32x4.div(f32x4.mul(vc2, mi), d)));
    }
  }
  const kwd = pin(0, wd), kb1 = pin(1, fb1), kcb1 = pin(2, cb1), kb2 = pin(3, fb2), kcb2 = pin(4, cb2);
  const kbc2 = pin(5, bc2), keps = pin(6, eps), kc1 = pin(7, c1), kc2 = pin(8, c2);
  for (; i < hi; i++) {
    const o = <usize>i << 2;
    const p = load<f32>(params + o);
    const g = load<f32>(grads + o) + kwd * p;
    const mi = load<f32>(m + o) * kb1 + kcb1 * g;
    const vi = load<f32>(v + o) * kb2 + (kcb2 * g) * g;
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    const d = Mathf.sqrt(vi / kbc2) + keps;
    const p1 = p + (kc1 * g) / d;
    store<f32>(params + o, p1 + (kc2 * mi) / d);
  }
}
