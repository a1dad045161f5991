import { OPT } from '../backends/codes.js';
import { HyperParameterError } from '../errors.js';
import { block, type OptimizerSpec } from './spec.js';
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

const KEYS = ['name', 'lr', 'momentum', 'dampening', 'nesterov', 'weightDecay'] as const;

/** The SGD spec. */
export const sgd: OptimizerSpec<SgdOptions> = {
  name: 'sgd',
  code: OPT.sgd,
  hyper(o) {
    onlyKeys('optimizer', o, KEYS);
    const lr = num('optimizer.lr', o.lr, 0.01, { min: 0 });
    const momentum = num('optimizer.momentum', o.momentum, 0, { min: 0 });
    const dampening = num('optimizer.dampening', o.dampening, 0, { min: 0, max: 1 });
    const nesterov = bool('optimizer.nesterov', o.nesterov, false);
    const wd = num('optimizer.weightDecay', o.weightDecay, 0, { min: 0 });
    if (nesterov && (momentum <= 0 || dampening !== 0)) {
      throw new HyperParameterError('optimizer.nesterov', 'Nesterov momentum requires momentum > 0 and dampening = 0');
    }
    return block(lr, momentum, dampening, nesterov ? 1 : 0, wd);
  },
  stateVectors: (h) => (h[2] !== 0 ? 1 : 0),
};
