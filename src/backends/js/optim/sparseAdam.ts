// Pure-TS twin of assembly/optim/sparseAdam.ts (torch.optim.SparseAdam): coordinates with a nonzero
// gradient only. Slots: lr, t, beta1, beta2, eps; state = [m (n), v (n)].
import { HYPER, HYPER_SLOTS } from '../../abi.generated.js';

const S = HYPER_SLOTS.sparseAdam;

/** −lr·√(1 − β2ᵗ)/(1 − β1ᵗ): PyTorch's step_size for step t, negated. */
export function sparseAdamStepSize(h: Float64Array, t: number): number {
  return -h[HYPER.lr] * Math.sqrt(1 - Math.pow(h[S.beta2], t)) / (1 - Math.pow(h[S.beta1], t));
}

/** One coordinate's update (g ≠ 0): m = state[i], v = state[n + i]. */
export function sparseAdamAt(
  params: Float32Array, state: Float32Array, n: number, i: number, g: number, b1: number, b2: number, eps: number, nstep: number,
): void {
  const m = (state[i] += (g - state[i]) * (1 - b1));
  const v = (state[n + i] += (g * g - state[n + i]) * (1 - b2));
  params[i] += nstep * (m / (Math.sqrt(v) + eps));
}

/** One SparseAdam step; increments the step count (slot t). */
export function sparseAdamStep(params: Float32Array, grads: Float32Array, state: Float32Array, n: number, h: Float64Array): void {
  const t = ++h[HYPER.t];
  const nstep = sparseAdamStepSize(h, t), b1 = h[S.beta1], b2 = h[S.beta2], eps = h[S.eps];
  for (let i = 0; i < n; i++) if (grads[i] !== 0) sparseAdamAt(params, state, n, i, grads[i], b1, b2, eps, nstep);
}
