import { HYPER_SLOTS } from '../backends/abi.generated.js';
import { ADAM_DEFAULTS, adamHyper, type AdamOptions } from './adam.js';
import type { OptimizerSpec } from './spec.js';

/** AdamW: Adam with decoupled weight decay p ← p·(1 − lr·λ) (torch.optim.AdamW; λ defaults to 0.01). */
export interface AdamWOptions extends Omit<AdamOptions, 'name'> {
  name: 'adamw';
}

const DEFAULTS = { ...ADAM_DEFAULTS, weightDecay: 1e-2 } as const;

/** The AdamW spec: PyTorch's default weight decay 0.01, applied decoupled from the gradient. */
export const adamw: OptimizerSpec<AdamWOptions> = {
  name: 'adamw',
  defaults: DEFAULTS,
  hyper: (o) => adamHyper('adamw', o, DEFAULTS.weightDecay),
  stateVectors: (h) => (h[HYPER_SLOTS.adamw.amsgrad] !== 0 ? 3 : 2),
};
