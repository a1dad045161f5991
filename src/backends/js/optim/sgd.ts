// Pure-TS twin of assembly/optim/sgd.ts (torch.optim.SGD).
import { HYPER, HYPER_SLOTS } from '../../abi.generated.js';

const S = HYPER_SLOTS.sgd;

/** One SGD step; increments the step count (slot t); `state` is the momentum buffer. */
export function sgdStep(params: Float32Array, grads: Float32Array, state: Float32Array, n: number, h: Float64Array): void {
  const t = ++h[HYPER.t];
  const lr = h[HYPER.lr], mu = h[S.momentum], damp = 1 - h[S.dampening], nesterov = h[S.nesterov] !== 0, wd = h[S.weightDecay];
  for (let i = 0; i < n; i++) {
    let g = grads[i] + wd * params[i];
    if (mu !== 0) {
      const b = t === 1 ? g : mu * state[i] + damp * g;
      state[i] = b;
      g = nesterov ? g + mu * state[i] : state[i];
    }
    params[i] -= lr * g;
  }
}
