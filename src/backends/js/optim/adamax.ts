// Pure-TS twin of assembly/optim/adamax.ts (torch.optim.Adamax).
// h = [lr, t, beta1, beta2, eps, weightDecay]; state = [m (n), infinity norm u (n)].

/** One Adamax step; increments the step count h[1]. */
export function adamaxStep(params: Float32Array, grads: Float32Array, state: Float32Array, n: number, h: Float64Array): void {
  const t = ++h[1];
  const lr = h[0], b1 = h[2], b2 = h[3], eps = h[4], wd = h[5];
  const clr = lr / (1 - Math.pow(b1, t));
  for (let i = 0; i < n; i++) {
    const g = grads[i] + wd * params[i];
    const m = (state[i] = state[i] * b1 + (1 - b1) * g);
    const u = (state[n + i] = Math.max(state[n + i] * b2, Math.abs(g) + eps));
    params[i] -= (clr * m) / u;
  }
}
