import { OPT } from '../backends/codes.js';
import { block, type OptimizerSpec } from './spec.js';
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

/** AdamW: Adam with decoupled weight decay p ← p·(1 − lr·λ) (torch.optim.AdamW; λ defaults to 0.01). */
export interface AdamWOptions extends Omit<AdamOptions, 'name'> {
  name: 'adamw';
}

const KEYS = ['name', 'lr', 'betas', 'eps', 'weightDecay', 'amsgrad'] as const;

/** Validates Adam-family options into [lr, t, β1, β2, ε, λ, amsgrad]. */
export function adamHyper(o: AdamOptions | AdamWOptions, defaultDecay: number): Float64Array {
  onlyKeys('optimizer', o, KEYS);
  const lr = num('optimizer.lr', o.lr, 1e-3, { min: 0 });
  const [b1, b2] = betas('optimizer.betas', o.betas, [0.9, 0.999]);
  const eps = num('optimizer.eps', o.eps, 1e-8, { gt: 0 });
  const wd = num('optimizer.weightDecay', o.weightDecay, defaultDecay, { min: 0 });
  const amsgrad = bool('optimizer.amsgrad', o.amsgrad, false);
  return block(lr, b1, b2, eps, wd, amsgrad ? 1 : 0);
}

/** The Adam spec. */
export const adam: OptimizerSpec<AdamOptions> = {
  name: 'adam',
  code: OPT.adam,
  hyper: (o) => adamHyper(o, 0),
  stateVectors: (h) => (h[6] !== 0 ? 3 : 2),
};
