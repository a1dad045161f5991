import { block, keysOf, type OptimizerSpec } from './spec.js';
import { num, onlyKeys } from './validate.js';

/**
 * Adadelta, as torch.optim.Adadelta. With g the gradient, λ `weightDecay`, ρ `rho`, a and u starting
 * at zero:
 *
 *     g ← g + λ·p;   a ← ρ·a + (1 − ρ)·g²;   δ ← √(u + ε)/√(a + ε) · g;   u ← ρ·u + (1 − ρ)·δ²;   p ← p − lr·δ
 */
export interface AdadeltaOptions {
  name: 'adadelta';
  /** Scale applied to δ, ≥ 0. Default 1.0 (PyTorch's default). */
  lr?: number;
  /** Decay ρ of the running averages of g² and δ², in [0, 1]. Default 0.9. */
  rho?: number;
  /** Added inside both square roots. > 0, default 1e-6. */
  eps?: number;
  /** L2 penalty λ added to the gradient (λ·p). ≥ 0, default 0. */
  weightDecay?: number;
}

const DEFAULTS = { lr: 1.0, rho: 0.9, eps: 1e-6, weightDecay: 0 } as const;
const KEYS = keysOf(DEFAULTS);

/** The Adadelta spec: h = [lr, t, rho, eps, weightDecay], state = [a, u]. */
export const adadelta: OptimizerSpec<AdadeltaOptions> = {
  name: 'adadelta',
  defaults: DEFAULTS,
  hyper(o) {
    onlyKeys('optimizer', o, KEYS);
    const lr = num('optimizer.lr', o.lr, DEFAULTS.lr, { min: 0 });
    const rho = num('optimizer.rho', o.rho, DEFAULTS.rho, { min: 0, max: 1 });
    const eps = num('optimizer.eps', o.eps, DEFAULTS.eps, { min: 0 });
    const wd = num('optimizer.weightDecay', o.weightDecay, DEFAULTS.weightDecay, { min: 0 });
    return block('adadelta', lr, { rho, eps, weightDecay: wd });
  },
  stateVectors: () => 2,
};
