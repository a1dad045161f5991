import { HYPER_SLOTS } from '../backends/abi.generated.js';
import { HyperParameterError } from '../errors.js';
import { block, keysOf, type OptimizerSpec } from './spec.js';
import { bool, num, onlyKeys } from './validate.js';

/**
 * SGD with momentum, as torch.optim.SGD. With g the gradient, λ weightDecay, μ momentum, τ dampening:
 *
 *     g ← g + λ·p;   b ← g (first step) | μ·b + (1 − τ)·g;   g ← nesterov ? g + μ·b : b;   p ← p − lr·g
 *
 * Defaults as PyTorch, except `lr` (required there) which defaults to 0.01.
 */
export interface SgdOptions {
  name: 'sgd';
  lr?: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

const DEFAULTS = { lr: 0.01, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 } as const;
const KEYS = keysOf(DEFAULTS);

/** The SGD spec. */
export const sgd: OptimizerSpec<SgdOptions> = {
  name: 'sgd',
  defaults: DEFAULTS,
  hyper(o) {
    onlyKeys('optimizer', o, KEYS);
    const lr = num('optimizer.lr', o.lr, DEFAULTS.lr, { min: 0 });
    const momentum = num('optimizer.momentum', o.momentum, DEFAULTS.momentum, { min: 0 });
    const dampening = num('optimizer.dampening', o.dampening, DEFAULTS.dampening, { min: 0, max: 1 });
    const nesterov = bool('optimizer.nesterov', o.nesterov, DEFAULTS.nesterov);
    const wd = num('optimizer.weightDecay', o.weightDecay, DEFAULTS.weightDecay, { min: 0 });
    if (nesterov && (momentum <= 0 || dampening !== 0)) {
      throw new HyperParameterError('optimizer.nesterov', 'Nesterov momentum requires momentum > 0 and dampening = 0');
    }
    return block('sgd', lr, { momentum, dampening, nesterov, weightDecay: wd });
  },
  stateVectors: (h) => (h[HYPER_SLOTS.sgd.momentum] !== 0 ? 1 : 0),
};
