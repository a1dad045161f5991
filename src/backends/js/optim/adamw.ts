// Pure-TS twin of assembly/optim/adamw.ts (torch.optim.AdamW): decoupled decay, then Adam.
import { adamCore } from './adam.js';

/** One AdamW step; increments the step count (slot t). */
export function adamwStep(params: Float32Array, grads: Float32Array, state: Float32Array, n: number, h: Float64Array): void {
  adamCore(params, grads, state, n, h, true);
}
