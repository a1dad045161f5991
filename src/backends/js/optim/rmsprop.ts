// Pure-TS twin of assembly/optim/rmsprop.ts (torch.optim.RMSprop).
// Slots: lr, t, alpha, eps, weightDecay, momentum, centered;
// state = [square average (n), gradient average (n, centered only), momentum buffer (n, momentum > 0 only)].
import { HYPER, HYPER_SLOTS } from '../../abi.generated.js';

const S = HYPER_SLOTS.rmsprop;

/** One RMSprop step; increments the step count (slot t). */
export function rmspropStep(params: Float32Array, grads: Float32Array, state: Float32Array, n: number, h: Float64Array): void {
  h[HYPER.t]++;
  const lr = h[HYPER.lr], alpha = h[S.alpha], eps = h[S.eps], wd = h[S.weightDecay], mu = h[S.momentum], centered = h[S.centered] !== 0;
  const avg = n;
  const buf = centered ? 2 * n : n;
  for (let i = 0; i < n; i++) {
    const g = grads[i] + wd * params[i];
    const s = (state[i] = state[i] * alpha + (1 - alpha) * g * g);
    let d: number;
    if (centered) {
      const c = (state[avg + i] = state[avg + i] * alpha + (1 - alpha) * g);
      d = Math.sqrt(s - c * c) + eps;
    } else {
      d = Math.sqrt(s) + eps;
    }
    if (mu > 0) {
      const b = (state[buf + i] = state[buf + i] * mu + g / d);
      params[i] -= lr * b;
    } else {
      params[i] -= (lr * g) / d;
    }
  }
}
