// Pure-TS twin of assembly/optim/radam.ts (torch.optim.RAdam).
// Slots: lr, t, beta1, beta2, eps, weightDecay; state = [m (n), v (n)].
import { HYPER, HYPER_SLOTS } from '../../abi.generated.js';

const S = HYPER_SLOTS.radam;

/** One RAdam step; increments the step count (slot t). */
export function radamStep(params: Float32Array, grads: Float32Array, state: Float32Array, n: number, h: Float64Array): void {
  const t = ++h[HYPER.t];
  const lr = h[HYPER.lr], b1 = h[S.beta1], b2 = h[S.beta2], eps = h[S.eps], wd = h[S.weightDecay];
  const bc1 = 1 - Math.pow(b1, t);
  const bc2 = 1 - Math.pow(b2, t);
  const rhoInf = 2 / (1 - b2) - 1;
  const rhoT = rhoInf - (2 * t * Math.pow(b2, t)) / bc2;
  // Variance rectification only once the approximated SMA length is past 5 (PyTorch's threshold).
  const rectified = rhoT > 5;
  const rect = rectified ? Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 0;
  const stepSize = rectified ? (lr * rect * Math.sqrt(bc2)) / bc1 : lr / bc1;
  for (let i = 0; i < n; i++) {
    const g = grads[i] + wd * params[i];
    const m = (state[i] = state[i] * b1 + (1 - b1) * g);
    const v = (state[n + i] = state[n + i] * b2 + (1 - b2) * g * g);
    params[i] -= rectified ? (stepSize * m) / (Math.sqrt(v) + eps) : stepSize * m;
  }
}
