// Pure-TS twin of assembly/optim/adamax.ts (torch.optim.Adamax).
// Slots: lr, t, beta1, beta2, eps, weightDecay; state = [m (n), infinity norm u (n)].
import { HYPER, HYPER_SLOTS } from '../../abi.generated.js';

const S = HYPER_SLOTS.adamax;

/** One Adamax step; increments the step count (slot t). */
export function adamaxStep(params: Float32Array, grads: Float32Array, state: Float32Array, n: number, h: Float64Array): void {
  const t = ++h[HYPER.t];
  const lr = h[HYPER.lr], b1 = h[S.beta1], b2 = h[S.beta2], eps = h[S.eps], wd = h[S.weightDecay];
  const clr = lr / (1 - Math.pow(b1, t));
  for (let i = 0; i < n; i++) {
    const g = grads[i] + wd * params[i];
    const m = (state[i] = state[i] * b1 + (1 - b1) * g);
    const u = (state[n + i] = Math.max(state[n + i] * b2, Math.abs(g) + eps));
    params[i] -= (clr * m) / u;
  }
}
