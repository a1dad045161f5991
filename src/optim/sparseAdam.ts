import { block, keysOf, type OptimizerSpec } from './spec.js';
import { betas, num, onlyKeys } from './validate.js';

/**
 * SparseAdam, as torch.optim.SparseAdam: Adam's update on the coordinates whose gradient is nonzero only —
 * on sparse rows (text), the batch's stored entries and the biases, so a step costs O(stored entries)
 * instead of O(features). Every other coordinate keeps its moments and its value (a "lazy" Adam). With t
 * the global step count:
 *
 *     m ← m + (1 − β1)·(g − m);  v ← v + (1 − β2)·(g² − v)
 *     p ← p − lr·√(1 − β2ᵗ)/(1 − β1ᵗ) · m / (√v + ε)
 *
 * The default optimizer of train() on sparse data (lr 0.01 with a cosine schedule). No weight decay (PyTorch
 * has none either): an L2 term makes every gradient coordinate nonzero, and so every step dense.
 */
export interface SparseAdamOptions {
  name: 'sparseAdam';
  /** Learning rate, ≥ 0. Default 0.001. */
  lr?: number;
  /** [β1, β2], each in [0, 1). Default [0.9, 0.999]. */
  betas?: [number, number];
  /** Added to √v. ≥ 0, default 1e-8. */
  eps?: number;
}

const DEFAULTS = { lr: 1e-3, betas: [0.9, 0.999] as [number, number], eps: 1e-8 } as const;
const KEYS = keysOf(DEFAULTS);

/** The SparseAdam spec: h = [lr, t, beta1, beta2, eps], state = [m, v]. */
export const sparseAdam: OptimizerSpec<SparseAdamOptions> = {
  name: 'sparseAdam',
  defaults: DEFAULTS,
  hyper(o) {
    onlyKeys('optimizer', o, KEYS);
    const lr = num('optimizer.lr', o.lr, DEFAULTS.lr, { min: 0 });
    const [b1, b2] = betas('optimizer.betas', o.betas, DEFAULTS.betas);
    const eps = num('optimizer.eps', o.eps, DEFAULTS.eps, { min: 0 });
    return block('sparseAdam', lr, { beta1: b1, beta2: b2, eps });
  },
  stateVectors: () => 2,
};
