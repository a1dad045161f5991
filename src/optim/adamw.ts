import { OPT } from '../backends/codes.js';
import { adamHyper, type AdamWOptions } from './adam.js';
import type { OptimizerSpec } from './spec.js';

export type { AdamWOptions };

/** The AdamW spec: PyTorch's default weight decay 0.01, applied decoupled from the gradient. */
export const adamw: OptimizerSpec<AdamWOptions> = {
  name: 'adamw',
  code: OPT.adamw,
  hyper: (o) => adamHyper(o, 1e-2),
  stateVectors: (h) => (h[6] !== 0 ? 3 : 2),
};
