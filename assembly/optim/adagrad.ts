// Adagrad, as torch.optim.Adagrad (PyTorch 1.13, dense single-tensor path):
//   g ← g + λ·p
//   clr ← lr / (1 + (t − 1)·lr_decay)
//   s ← s + g²
//   p ← p − clr·g / (√s + ε)
// Hyper-parameter slots (assembly/abi.json): lr, t, lrDecay, weightDecay, initialAccumulatorValue, eps.
// State: the sum of squares s (n f32). It starts at initialAccumulatorValue, which the TS side writes
// when the optimizer is created (OptimizerSpec.initState), so the kernel never needs to know t = 1.
// The f32 operations follow ATen's order (addcdiv: p + (c·g)/d) and are the same in both loops, so
// the SIMD and scalar binaries agree bit for bit.
import { H_LR, H_T, ADAGRAD_EPS, ADAGRAD_LR_DECAY, ADAGRAD_WEIGHT_DECAY } from "../abi.generated";
import { pin } from './pin';

/** One Adagrad step over parameters [lo, hi) of n (a thread's range, or 0..n); increments the step count (slot t). State: 1 × n f32. */
export function adagradStep(params: usize, grads: usize, state: usize, n: i32, h: usize, lo: i32, hi: i32): void {
  const t = load<f64>(h, H_T) + 1;
  store<f64>(h, t, H_T);
  const lr = load<f64>(h, H_LR);
  const lrDecay = load<f64>(h, ADAGRAD_LR_DECAY);
  const wd = <f32>load<f64>(h, ADAGRAD_WEIGHT_DECAY);
  const eps = <f32>load<f64>(h, ADAGRAD_EPS);
  const nclr = <f32>(-lr / (1 + (t - 1) * lrDecay));
  let i = lo;
  if (ASC_FEATURE_SIMD) {
    const vwd = f32x4.splat(wd), veps = f32x4.splat(eps), vclr = f32x4.splat(nclr);
    for (; i + 4 <= hi; i += 4) {
      const o = <usize>i << 2;
      const p = v128.load(params + o);
      const g = f32x4.add(v128.load(grads + o), f32x4.mul(vwd, p));
      const s = f32x4.add(v128.load(state + o), f32x4.mul(g, g));
      v128.store(state + o, s);
      const std = f32x4.add(f32x4.sqrt(s), veps);
      v128.store(params + o, f32x4.add(p, f32x4.div(f32x4.mul(vclr, g), std)));
    }
  }
  const kwd = pin(0, wd), keps = pin(1, eps), kclr = pin(2, nclr);
  for (; i < hi; i++) {
    const o = <usize>i << 2;
    const p = load<f32>(params + o);
    const g = load<f32>(grads + o) + kwd * p;
    const s = load<f32>(state + o) + g * g;
    store<f32>(state + o, s);
    const std = Mathf.sqrt(s) + keps;
    store<f32>(params + o, p + (kclr * g) / std);
  }
}
