// Pure-TS twin of assembly/optim/adam.ts (torch.optim.Adam, with amsgrad).
// Slots: lr, t, beta1, beta2, eps, weightDecay, amsgrad; state = [m (n), v (n), vmax (n)].
import { HYPER, HYPER_SLOTS } from '../../abi.generated.js';

const S = HYPER_SLOTS.adam;

/** The step shared by Adam (L2 weight decay in the gradient) and AdamW (decoupled decay). */
export function adamCore(
  params: Float32Array, grads: Float32Array, state: Float32Array, n: number, h: Float64Array, decoupled: boolean,
): void {
  const t = ++h[HYPER.t];
  const lr = h[HYPER.lr], b1 = h[S.beta1], b2 = h[S.beta2], eps = h[S.eps], lambda = h[S.weightDecay], amsgrad = h[S.amsgrad] !== 0;
  const decay = decoupled ? 1 - lr * lambda : 1;
  const wd = decoupled ? 0 : lambda;
  const stepSize = lr / (1 - Math.pow(b1, t));
  const bc2 = Math.sqrt(1 - Math.pow(b2, t));
  for (let i = 0; i < n; i++) {
    const p = params[i] * decay;
    const g = grads[i] + wd * p;
    const m = (state[i] = state[i] * b1 + g * (1 - b1));
    let v = (state[n + i] = state[n + i] * b2 + g * g * (1 - b2));
    if (amsgrad) v = state[2 * n + i] = Math.max(state[2 * n + i], v);
    params[i] = p - stepSize * (m / (Math.sqrt(v) / bc2 + eps));
  }
}

/** One Adam step; increments the step count (slot t). */
export function adamStep(params: Float32Array, grads: Float32Array, state: Float32Array, n: number, h: Float64Array): void {
  adamCore(params, grads, state, n, h, false);
}
