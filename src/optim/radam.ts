import { block, keysOf, type OptimizerSpec } from './spec.js';
import { betas, num, onlyKeys } from './validate.js';

/**
 * RAdam (rectified Adam), as torch.optim.RAdam. With g the gradient, λ `weightDecay`,
 * ρ∞ = 2/(1 − β2) − 1 and ρₜ = ρ∞ − 2t·β2ᵗ/(1 − β2ᵗ):
 *
 *     g ← g + λ·p;   m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²
 *     ρₜ > 5:  p ← p − lr·r·√(1 − β2ᵗ)/(1 − β1ᵗ) · m/(√v + ε),  r = √((ρₜ−4)(ρₜ−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρₜ))
 *     else:    p ← p − lr/(1 − β1ᵗ) · m
 */
export interface RadamOptions {
  name: 'radam';
  /** Learning rate, ≥ 0. Default 1e-3. */
  lr?: number;
  /** [β1, β2], each in [0, 1): decay of the first and second moments. Default [0.9, 0.999]. */
  betas?: [number, number];
  /** Added to √v in the denominator. > 0, default 1e-8. */
  eps?: number;
  /** L2 penalty λ added to the gradient (λ·p). ≥ 0, default 0. */
  weightDecay?: number;
}

const DEFAULTS = { lr: 1e-3, betas: [0.9, 0.999] as [number, number], eps: 1e-8, weightDecay: 0 } as const;
const KEYS = keysOf(DEFAULTS);

/** The RAdam spec: h = [lr, t, β1, β2, eps, weightDecay], state = [m, v]. */
export const radam: OptimizerSpec<RadamOptions> = {
  name: 'radam',
  defaults: DEFAULTS,
  hyper(o) {
    onlyKeys('optimizer', o, KEYS);
    const lr = num('optimizer.lr', o.lr, DEFAULTS.lr, { min: 0 });
    const [b1, b2] = betas('optimizer.betas', o.betas, DEFAULTS.betas);
    const eps = num('optimizer.eps', o.eps, DEFAULTS.eps, { min: 0 });
    const wd = num('optimizer.weightDecay', o.weightDecay, DEFAULTS.weightDecay, { min: 0 });
    return block('radam', lr, { beta1: b1, beta2: b2, eps, weightDecay: wd });
  },
  stateVectors: () => 2,
};
