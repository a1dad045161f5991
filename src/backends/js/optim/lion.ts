// Pure-TS twin of assembly/optim/lion.ts (Lion, Chen et al. 2023). Slots: lr, t, beta1, beta2, weightDecay; state = [m].
import { HYPER, HYPER_SLOTS } from '../../abi.generated.js';

const S = HYPER_SLOTS.lion;

/** One Lion step; increments the step count (slot t). sign(0) = 0, as torch.sign. */
export function lionStep(params: Float32Array, grads: Float32Array, state: Float32Array, n: number, h: Float64Array): void {
  h[HYPER.t]++;
  const lr = h[HYPER.lr], b1 = h[S.beta1], b2 = h[S.beta2];
  const decay = 1 - lr * h[S.weightDecay];
  for (let i = 0; i < n; i++) {
    const g = grads[i], m = state[i];
    params[i] = params[i] * decay - lr * Math.sign(b1 * m + (1 - b1) * g);
    state[i] = b2 * m + (1 - b2) * g;
  }
}
