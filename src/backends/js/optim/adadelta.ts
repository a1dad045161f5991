// Pure-TS twin of assembly/optim/adadelta.ts (torch.optim.Adadelta).
// h = [lr, t, rho, eps, weightDecay]; state = [square average (n), accumulated update (n)].

/** One Adadelta step; increments the step count h[1]. */
export function adadeltaStep(params: Float32Array, grads: Float32Array, state: Float32Array, n: number, h: Float64Array): void {
  h[1]++;
  const lr = h[0], rho = h[2], eps = h[3], wd = h[4];
  for (let i = 0; i < n; i++) {
    const g = grads[i] + wd * params[i];
    const a = (state[i] = state[i] * rho + (1 - rho) * g * g);
    const u = state[n + i];
    const delta = (Math.sqrt(u + eps) / Math.sqrt(a + eps)) * g;
    state[n + i] = u * rho + (1 - rho) * delta * delta;
    params[i] -= lr * delta;
  }
}
