import { block, keysOf, type OptimizerSpec } from './spec.js';
import { betas, num, onlyKeys } from './validate.js';

/**
 * Adamax (Adam with the infinity norm), as torch.optim.Adamax. With g the gradient, λ `weightDecay`:
 *
 *     g ← g + λ·p;   m ← β1·m + (1 − β1)·g;   u ← max(β2·u, |g| + ε);   p ← p − lr/(1 − β1ᵗ) · m/u
 */
export interface AdamaxOptions {
  name: 'adamax';
  /** Learning rate, ≥ 0. Default 2e-3. */
  lr?: number;
  /** [β1, β2], each in [0, 1): decay of the first moment and of the infinity norm. Default [0.9, 0.999]. */
  betas?: [number, number];
  /** Added to |g| in the infinity norm. > 0, default 1e-8. */
  eps?: number;
  /** L2 penalty λ added to the gradient (λ·p). ≥ 0, default 0. */
  weightDecay?: number;
}

const DEFAULTS = { lr: 2e-3, betas: [0.9, 0.999] as [number, number], eps: 1e-8, weightDecay: 0 } as const;
const KEYS = keysOf(DEFAULTS);

/** The Adamax spec: h = [lr, t, β1, β2, eps, weightDecay], state = [m, u]. */
export const adamax: OptimizerSpec<AdamaxOptions> = {
  name: 'adamax',
  defaults: DEFAULTS,
  hyper(o) {
    onlyKeys('optimizer', o, KEYS);
    const lr = num('optimizer.lr', o.lr, DEFAULTS.lr, { min: 0 });
    const [b1, b2] = betas('optimizer.betas', o.betas, DEFAULTS.betas);
    const eps = num('optimizer.eps', o.eps, DEFAULTS.eps, { min: 0 });
    const wd = num('optimizer.weightDecay', o.weightDecay, DEFAULTS.weightDecay, { min: 0 });
    return block('adamax', lr, { beta1: b1, beta2: b2, eps, weightDecay: wd });
  },
  stateVectors: () => 2,
};
