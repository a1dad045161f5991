import { HYPER_SLOTS } from '../backends/abi.generated.js';
import { block, keysOf, type OptimizerSpec } from './spec.js';
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

const DEFAULTS = { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false } as const;
const KEYS = keysOf(DEFAULTS);

/**
 * The RMSprop spec: h = [lr, t, alpha, eps, weightDecay, momentum, centered], state = [s, c (centered),
 * b (momentum > 0)]: only the vectors the flags need are allocated.
 */
export const rmsprop: OptimizerSpec<RmspropOptions> = {
  name: 'rmsprop',
  defaults: DEFAULTS,
  hyper(o) {
    onlyKeys('optimizer', o, KEYS);
    const lr = num('optimizer.lr', o.lr, DEFAULTS.lr, { min: 0 });
    // PyTorch checks only α ≥ 0; α > 1 makes (1 − α)·g² negative and the square root NaN, so it is refused.
    const alpha = num('optimizer.alpha', o.alpha, DEFAULTS.alpha, { min: 0, max: 1 });
    const eps = num('optimizer.eps', o.eps, DEFAULTS.eps, { min: 0 });
    const wd = num('optimizer.weightDecay', o.weightDecay, DEFAULTS.weightDecay, { min: 0 });
    const momentum = num('optimizer.momentum', o.momentum, DEFAULTS.momentum, { min: 0 });
    const centered = bool('optimizer.centered', o.centered, DEFAULTS.centered);
    return block('rmsprop', lr, { alpha, eps, weightDecay: wd, momentum, centered });
  },
  stateVectors: (h) => 1 + (h[HYPER_SLOTS.rmsprop.centered] !== 0 ? 1 : 0) + (h[HYPER_SLOTS.rmsprop.momentum] > 0 ? 1 : 0),
};
