import { HYPER_SLOTS } from '../backends/abi.generated.js';
import { block, keysOf, type OptimizerSpec } from './spec.js';
import { num, onlyKeys } from './validate.js';

/**
 * Adagrad, as torch.optim.Adagrad. With g the gradient, λ `weightDecay`, η `lrDecay` and t the step
 * (from 1), s starting at `initialAccumulatorValue`:
 *
 *     g ← g + λ·p;   s ← s + g²;   p ← p − lr/(1 + (t − 1)·η) · g / (√s + ε)
 */
export interface AdagradOptions {
  name: 'adagrad';
  /** Learning rate, ≥ 0. Default 0.01. */
  lr?: number;
  /** Learning-rate decay η: step t uses lr / (1 + (t − 1)·η). ≥ 0, default 0. */
  lrDecay?: number;
  /** L2 penalty λ added to the gradient (λ·p). ≥ 0, default 0. */
  weightDecay?: number;
  /** Starting value of every sum of squared gradients. ≥ 0, default 0. */
  initialAccumulatorValue?: number;
  /** Added to √s in the denominator. > 0, default 1e-10. */
  eps?: number;
}

const DEFAULTS = { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10 } as const;
const KEYS = keysOf(DEFAULTS);

/** The Adagrad spec: h = [lr, t, lrDecay, weightDecay, initialAccumulatorValue, eps], state = [s]. */
export const adagrad: OptimizerSpec<AdagradOptions> = {
  name: 'adagrad',
  defaults: DEFAULTS,
  hyper(o) {
    onlyKeys('optimizer', o, KEYS);
    const lr = num('optimizer.lr', o.lr, DEFAULTS.lr, { min: 0 });
    const lrDecay = num('optimizer.lrDecay', o.lrDecay, DEFAULTS.lrDecay, { min: 0 });
    const wd = num('optimizer.weightDecay', o.weightDecay, DEFAULTS.weightDecay, { min: 0 });
    const init = num('optimizer.initialAccumulatorValue', o.initialAccumulatorValue, DEFAULTS.initialAccumulatorValue, { min: 0 });
    const eps = num('optimizer.eps', o.eps, DEFAULTS.eps, { min: 0 });
    return block('adagrad', lr, { lrDecay, weightDecay: wd, initialAccumulatorValue: init, eps });
  },
  stateVectors: () => 1,
  // PyTorch creates the accumulator with torch.full_like(p, initial_accumulator_value): the same f32 value.
  initState(h, state, n) {
    state.fill(h[HYPER_SLOTS.adagrad.initialAccumulatorValue], 0, n);
  },
};
