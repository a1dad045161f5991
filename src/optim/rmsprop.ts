import { OPT } from '../backends/codes.js';
import { block, type OptimizerSpec } from './spec.js';
import { bool, num, onlyKeys } from './validate.js';

/**
 * RMSprop, as torch.optim.RMSprop. With g the gradient, λ `weightDecay`, α `alpha`, μ `momentum`:
 *
 *     g ← g + λ·p;   s ← α·s + (1 − α)·g²
 *     d ← √(s − c²) + ε with c ← α·c + (1 − α)·g   (centered)   |   d ← √s + ε   (otherwise)
 *     b ← μ·b + g/d;  p ← p − lr·b   (μ > 0)                    |   p ← p − lr·g/d   (μ = 0)
 */
export interface RmspropOptions {
  name: 'rmsprop';
  /** Learning rate, ≥ 0. Default 0.01. */
  lr?: number;
  /** Smoothing constant α of the running average of g², in [0, 1]. Default 0.99. */
  alpha?: number;
  /** Added to the root in the denominator. > 0, default 1e-8. */
  eps?: number;
  /** L2 penalty λ added to the gradient (λ·p). ≥ 0, default 0. */
  weightDecay?: number;
  /** Momentum μ of the update buffer, ≥ 0. Default 0 (no buffer). */
  momentum?: number;
  /** Normalise by an estimate of the gradient's variance (s − c²) rather than s. Default false. */
  centered?: boolean;
}

const KEYS = ['name', 'lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered'] as const;

/**
 * The RMSprop spec: h = [lr, t, alpha, eps, weightDecay, momentum, centered], state = [s, c (centered),
 * b (momentum > 0)]: only the vectors the flags need are allocated.
 */
export const rmsprop: OptimizerSpec<RmspropOptions> = {
  name: 'rmsprop',
  code: OPT.rmsprop,
  hyper(o) {
    onlyKeys('optimizer', o, KEYS);
    const lr = num('optimizer.lr', o.lr, 1e-2, { min: 0 });
    // PyTorch checks only α ≥ 0; α > 1 makes (1 − α)·g² negative and the square root NaN, so it is refused.
    const alpha = num('optimizer.alpha', o.alpha, 0.99, { min: 0, max: 1 });
    const eps = num('optimizer.eps', o.eps, 1e-8, { gt: 0 });
    const wd = num('optimizer.weightDecay', o.weightDecay, 0, { min: 0 });
    const momentum = num('optimizer.momentum', o.momentum, 0, { min: 0 });
    const centered = bool('optimizer.centered', o.centered, false);
    return block(lr, alpha, eps, wd, momentum, centered ? 1 : 0);
  },
  stateVectors: (h) => 1 + (h[6] !== 0 ? 1 : 0) + (h[5] > 0 ? 1 : 0),
};
