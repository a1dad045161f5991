import { block, keysOf, type OptimizerSpec } from './spec.js';
import { betas, num, onlyKeys } from './validate.js';

/**
 * Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"), as the authors'
 * lion-pytorch. With g the gradient, λ `weightDecay` (decoupled, as AdamW):
 *
 *     p ← p·(1 − lr·λ);   p ← p − lr·sign(β1·m + (1 − β1)·g);   m ← β2·m + (1 − β2)·g
 *
 * Every coordinate moves by ±lr, so Lion wants a learning rate 3–10× smaller than Adam's and a
 * weight decay 3–10× larger (the paper's advice). One state vector, against Adam's two.
 */
export interface LionOptions {
  name: 'lion';
  /** Learning rate, ≥ 0. Default 1e-4. */
  lr?: number;
  /** [β1, β2], each in [0, 1): β1 interpolates the update's direction, β2 is the momentum's decay. Default [0.9, 0.99]. */
  betas?: [number, number];
  /** Decoupled weight decay λ: p ← p·(1 − lr·λ) before the step. ≥ 0, default 0. */
  weightDecay?: number;
}

const DEFAULTS = { lr: 1e-4, betas: [0.9, 0.99] as [number, number], weightDecay: 0 } as const;
const KEYS = keysOf(DEFAULTS);

/** The Lion spec: h = [lr, t, β1, β2, weightDecay], state = [m]. */
export const lion: OptimizerSpec<LionOptions> = {
  name: 'lion',
  defaults: DEFAULTS,
  hyper(o) {
    onlyKeys('optimizer', o, KEYS);
    const lr = num('optimizer.lr', o.lr, DEFAULTS.lr, { min: 0 });
    const [b1, b2] = betas('optimizer.betas', o.betas, DEFAULTS.betas);
    const wd = num('optimizer.weightDecay', o.weightDecay, DEFAULTS.weightDecay, { min: 0 });
    return block('lion', lr, { beta1: b1, beta2: b2, weightDecay: wd });
  },
  stateVectors: () => 1,
};
