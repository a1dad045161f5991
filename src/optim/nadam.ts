import { block, keysOf, type OptimizerSpec } from './spec.js';
import { betas, num, onlyKeys } from './validate.js';

/**
 * NAdam (Adam with Nesterov momentum), as torch.optim.NAdam. With g the gradient, λ `weightDecay`,
 * ψ `momentumDecay`, μₜ = β1·(1 − ½·0.96^(t·ψ)) and Πₜ = μ₁·…·μₜ:
 *
 *     g ← g + λ·p;   m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²;   d ← √(v/(1 − β2ᵗ)) + ε
 *     p ← p − lr·(1 − μₜ)/(1 − Πₜ) · g/d − lr·μₜ₊₁/(1 − Πₜ·μₜ·μₜ₊₁) · m/d
 *
 * The μₜ in the last denominator is PyTorch 1.13's single-tensor code (`mu_product * mu * mu_next`),
 * kept so 1.13 recipes replay exactly; PyTorch ≥ 2.0 and the NAdam paper use Πₜ·μₜ₊₁, which gives a
 * slightly smaller momentum term in the first steps (about 1e-3 relative) and the same limit.
 */
export interface NadamOptions {
  name: 'nadam';
  /** Learning rate, ≥ 0. Default 2e-3. */
  lr?: number;
  /** [β1, β2], each in [0, 1): decay of the first and second moments. Default [0.9, 0.999]. */
  betas?: [number, number];
  /** Added to the root in the denominator. > 0, default 1e-8. */
  eps?: number;
  /** L2 penalty λ added to the gradient (λ·p). ≥ 0, default 0. */
  weightDecay?: number;
  /** ψ in the momentum schedule μₜ = β1·(1 − ½·0.96^(t·ψ)). ≥ 0, default 4e-3. */
  momentumDecay?: number;
}

const DEFAULTS = { lr: 2e-3, betas: [0.9, 0.999] as [number, number], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3 } as const;
const KEYS = keysOf(DEFAULTS);

/**
 * The NAdam spec: h = [lr, t, β1, β2, eps, weightDecay, momentumDecay, Π], state = [m, v]. The running
 * product Π starts at 1 in its slot (muProduct), so it travels with the step count wherever the block is saved.
 */
export const nadam: OptimizerSpec<NadamOptions> = {
  name: 'nadam',
  defaults: DEFAULTS,
  hyper(o) {
    onlyKeys('optimizer', o, KEYS);
    const lr = num('optimizer.lr', o.lr, DEFAULTS.lr, { min: 0 });
    const [b1, b2] = betas('optimizer.betas', o.betas, DEFAULTS.betas);
    const eps = num('optimizer.eps', o.eps, DEFAULTS.eps, { min: 0 });
    const wd = num('optimizer.weightDecay', o.weightDecay, DEFAULTS.weightDecay, { min: 0 });
    const psi = num('optimizer.momentumDecay', o.momentumDecay, DEFAULTS.momentumDecay, { min: 0 });
    return block('nadam', lr, { beta1: b1, beta2: b2, eps, weightDecay: wd, momentumDecay: psi, muProduct: 1 });
  },
  stateVectors: () => 2,
};
