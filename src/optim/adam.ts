import { HYPER_SLOTS } from '../backends/abi.generated.js';
import { block, keysOf, type OptimizerSpec } from './spec.js';
import { betas, bool, num, onlyKeys } from './validate.js';

/**
 * Adam (and AMSGrad with `amsgrad: true`), as torch.optim.Adam:
 *
 *     g ← g + λ·p;  m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;  v̂ ← max(v̂, v) (amsgrad)
 *     p ← p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)
 */
export interface AdamOptions {
  name: 'adam';
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
}

const DEFAULTS = { lr: 1e-3, betas: [0.9, 0.999] as [number, number], eps: 1e-8, weightDecay: 0, amsgrad: false } as const;
const KEYS = keysOf(DEFAULTS);

/** Adam's defaults (PyTorch's), shared with AdamW. */
export const ADAM_DEFAULTS = DEFAULTS;

/** Validates Adam-family options into the block of `rule` (Adam and AdamW share the slots). */
export function adamHyper(rule: 'adam' | 'adamw', o: Omit<AdamOptions, 'name'>, defaultDecay: number): Float64Array {
  onlyKeys('optimizer', o, KEYS);
  const lr = num('optimizer.lr', o.lr, DEFAULTS.lr, { min: 0 });
  const [b1, b2] = betas('optimizer.betas', o.betas, DEFAULTS.betas);
  const eps = num('optimizer.eps', o.eps, DEFAULTS.eps, { min: 0 });
  const wd = num('optimizer.weightDecay', o.weightDecay, defaultDecay, { min: 0 });
  const amsgrad = bool('optimizer.amsgrad', o.amsgrad, DEFAULTS.amsgrad);
  return block(rule, lr, { beta1: b1, beta2: b2, eps, weightDecay: wd, amsgrad });
}

/** The Adam spec. */
export const adam: OptimizerSpec<AdamOptions> = {
  name: 'adam',
  defaults: DEFAULTS,
  hyper: (o) => adamHyper('adam', o, DEFAULTS.weightDecay),
  stateVectors: (h) => (h[HYPER_SLOTS.adam.amsgrad] !== 0 ? 3 : 2),
};
