// Pure-TS twin of assembly/optim/nadam.ts (torch.optim.NAdam).
// Slots: lr, t, beta1, beta2, eps, weightDecay, momentumDecay, mu product (starts at 1); state = [m (n), v (n)].
import { HYPER, HYPER_SLOTS } from '../../abi.generated.js';

const S = HYPER_SLOTS.nadam;

/** One NAdam step; increments the step count (slot t) and multiplies the momentum product (slot muProduct) by μₜ. */
export function nadamStep(params: Float32Array, grads: Float32Array, state: Float32Array, n: number, h: Float64Array): void {
  const t = ++h[HYPER.t];
  const lr = h[HYPER.lr], b1 = h[S.beta1], b2 = h[S.beta2], eps = h[S.eps], wd = h[S.weightDecay], psi = h[S.momentumDecay];
  const mu = b1 * (1 - 0.5 * Math.pow(0.96, t * psi));
  const muNext = b1 * (1 - 0.5 * Math.pow(0.96, (t + 1) * psi));
  const prod = (h[S.muProduct] *= mu);
  const c1 = (lr * (1 - mu)) / (1 - prod);
  // PyTorch 1.13's single-tensor NAdam counts μₜ twice here (see assembly/optim/nadam.ts).
  const c2 = (lr * muNext) / (1 - prod * mu * muNext);
  const bc2 = 1 - Math.pow(b2, t);
  for (let i = 0; i < n; i++) {
    const g = grads[i] + wd * params[i];
    const m = (state[i] = state[i] * b1 + (1 - b1) * g);
    const v = (state[n + i] = state[n + i] * b2 + (1 - b2) * g * g);
    const d = Math.sqrt(v / bc2) + eps;
    params[i] -= (c1 * g) / d;
    params[i] -= (c2 * m) / d;
  }
}
