// Pure-TS twin of assembly/optim/sgd.ts (torch.optim.SGD). h = [lr, t, momentum, dampening, nesterov, weightDecay].

/** One SGD step; increments the step count h[1]; `state` is the momentum buffer. */
export function sgdStep(params: Float32Array, grads: Float32Array, state: Float32Array, n: number, h: Float64Array): void {
  const t = ++h[1];
  const lr = h[0], mu = h[2], damp = 1 - h[3], nesterov = h[4] !== 0, wd = h[5];
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
