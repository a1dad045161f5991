// Pure-TS twin of assembly/optim/adagrad.ts (torch.optim.Adagrad).
// Slots: lr, t, lrDecay, weightDecay, initialAccumulatorValue, eps; state = [sum of squares (n)].
import { HYPER, HYPER_SLOTS } from '../../abi.generated.js';

const S = HYPER_SLOTS.adagrad;

/** One Adagrad step; increments the step count (slot t). */
export function adagradStep(params: Float32Array, grads: Float32Array, state: Float32Array, n: number, h: Float64Array): void {
  const t = ++h[HYPER.t];
  const lr = h[HYPER.lr], lrDecay = h[S.lrDecay], wd = h[S.weightDecay], eps = h[S.eps];
  const clr = lr / (1 + (t - 1) * lrDecay);
  for (let i = 0; i < n; i++) {
    const g = grads[i] + wd * params[i];
    const s = (state[i] += g * g);
    params[i] -= (clr * g) / (Math.sqrt(s) + eps);
  }
}
