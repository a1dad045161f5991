// Pure-TS twin of assembly/optim/adadelta.ts (torch.optim.Adadelta).
// Slots: lr, t, rho, eps, weightDecay; state = [square average (n), accumulated update (n)].
import { HYPER, HYPER_SLOTS } from '../../abi.generated.js';

const S = HYPER_SLOTS.adadelta;

/** One Adadelta step; increments the step count (slot t). */
export function adadeltaStep(params: Float32Array, grads: Float32Array, state: Float32Array, n: number, h: Float64Array): void {
  h[HYPER.t]++;
  const lr = h[HYPER.lr], rho = h[S.rho], eps = h[S.eps], wd = h[S.weightDecay];
  for (let i = 0; i < n; i++) {
    const g = grads[i] + wd * params[i];
    const a = (state[i] = state[i] * rho + (1 - rho) * g * g);
    const u = state[n + i];
    const delta = (Math.sqrt(u + eps) / Math.sqrt(a + eps)) * g;
    state[n + i] = u * rho + (1 - rho) * delta * delta;
    params[i] -= lr * delta;
  }
}
