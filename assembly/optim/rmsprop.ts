// RMSprop, as torch.optim.RMSprop (PyTorch 1.13, single-tensor path):
//   g ← g + λ·p
//   s ← α·s + (1 − α)·g²
//   c ← α·c + (1 − α)·g;  d ← √(s − c²) + ε      (centered)
//                         d ← √s + ε             (otherwise)
//   b ← μ·b + g/d;  p ← p − lr·b                 (momentum μ > 0)
//   p ← p − lr·g/d                               (otherwise)
// Hyper-parameter slots (assembly/abi.json): lr, t, alpha, eps, weightDecay, momentum, centered.
// State: s, then c when centered, then b when μ > 0 (1 to 3 vectors of n f32).
import { H_LR, H_T, RMSPROP_ALPHA, RMSPROP_CENTERED, RMSPROP_EPS, RMSPROP_MOMENTUM, RMSPROP_WEIGHT_DECAY } from "../abi.generated";

// Inlined with constant flags, so each of the four calls below compiles to a loop without the
// other variants' branches.
// @ts-ignore: decorator
@inline
function rmspropLoop(
  params: usize, grads: usize, state: usize, n: i32, lo: i32, hi: i32,
  nlr: f32, alpha: f32, calpha: f32, eps: f32, wd: f32, mu: f32, centered: bool, momentum: bool,
): void {
  const sq = state;
  const avg = state + (<usize>n << 2);
  const buf = state + (<usize>n << (centered ? 3 : 2));
  let i = lo;
  if (ASC_FEATURE_SIMD) {
    const vlr = f32x4.splat(nlr), va = f32x4.splat(alpha), vca = f32x4.splat(calpha);
    const veps = f32x4.splat(eps), vwd = f32x4.splat(wd), vmu = f32x4.splat(mu);
    for (; i + 4 <= hi; i += 4) {
      const o = <usize>i << 2;
      const p = v128.load(params + o);
      const g = f32x4.add(v128.load(grads + o), f32x4.mul(vwd, p));
      const s = f32x4.add(f32x4.mul(v128.load(sq + o), va), f32x4.mul(f32x4.mul(vca, g), g));
      v128.store(sq + o, s);
      let d: v128;
      if (centered) {
        const c = f32x4.add(f32x4.mul(v128.load(avg + o), va), f32x4.mul(vca, g));
        v128.store(avg + o, c);
        d = f32x4.add(f32x4.sqrt(f32x4.sub(s, f32x4.mul(c, c))), veps);
      } else {
        d = f32x4.add(f32x4.sqrt(s), veps);
      }
      if (momentum) {
        const b = f32x4.add(f32x4.mul(v128.load(buf + o), vmu), f32x4.div(g, d));
        v128.store(buf + o, b);
        v128.store(params + o, f32x4.add(p, f32x4.mul(vlr, b)));
      } else {
        v128.store(params + o, f32x4.add(p, f32x4.div(f32x4.mul(vlr, g), d)));
      }
    }
  }
  for (; i < hi; i++) {
    const o = <usize>i << 2;
    const p = load<f32>(params + o);
    const g = load<f32>(grads + o) + wd * p;
    const s = load<f32>(sq + o) * alpha + (calpha * g) * g;
    store<f32>(sq + o, s);
    let d: f32;
    if (centered) {
      const c = load<f32>(avg + o) * alpha + calpha * g;
      store<f32>(avg + o, c);
      d = Mathf.sqrt(s - c * c) + eps;
    } else {
      d = Mathf.sqrt(s) + eps;
    }
    if (momentum) {
      const b = load<f32>(buf + o) * mu + g / d;
      store<f32>(buf + o, b);
      store<f32>(params + o, p + nlr * b);
    } else {
      store<f32>(params + o, p + (nlr * g) / d);
    }
  }
}

/** One RMSprop step over parameters [lo, hi) of n (a thread's range, or 0..n); increments the step count (slot t). State: 1 to 3 × n f32 (see above). */
export function rmspropStep(params: usize, grads: usize, state: usize, n: i32, h: usize, lo: i32, hi: i32): void {
  const t = load<f64>(h, H_T) + 1;
  store<f64>(h, t, H_T);
  const nlr = <f32>-load<f64>(h, H_LR);
  const a64 = load<f64>(h, RMSPROP_ALPHA);
  const alpha = <f32>a64, calpha = <f32>(1 - a64);
  const eps = <f32>load<f64>(h, RMSPROP_EPS);
  const wd = <f32>load<f64>(h, RMSPROP_WEIGHT_DECAY);
  const mu64 = load<f64>(h, RMSPROP_MOMENTUM);
  const mu = <f32>mu64;
  const centered = load<f64>(h, RMSPROP_CENTERED) != 0;
  // Decided on the f64 value, as the spec sizes the state: a momentum that rounds to 0 in f32 still
  // takes PyTorch's momentum path.
  const momentum = mu64 > 0;
  if (centered) {
    if (momentum) rmspropLoop(params, grads, state, n, lo, hi, nlr, alpha, calpha, eps, wd, mu, true, true);
    else rmspropLoop(params, grads, state, n, lo, hi, nlr, alpha, calpha, eps, wd, mu, true, false);
  } else {
    if (momentum) rmspropLoop(params, grads, state, n, lo, hi, nlr, alpha, calpha, eps, wd, mu, false, true);
    else rmspropLoop(params, grads, state, n, lo, hi, nlr, alpha, calpha, eps, wd, mu, false, false);
  }
}
