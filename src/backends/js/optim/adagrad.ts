// Pure-TS twin of assembly/optim/adagrad.ts (torch.optim.Adagrad).
// h = [lr, t, lrDecay, weightDecay, initialAccumulatorValue, eps]; state = [sum of squares (n)].

/** One Adagrad step; increments the step count h[1]. */
export function adagradStep(params: Float32Array, grads: Float32Array, state: Float32Array, n: number, h: Float64Array): void {
  const t = ++h[1];
  const lr = h[0], lrDecay = h[2], wd = h[3], eps = h[5];
  const clr = lr / (1 + (t - 1) * lrDecay);
  for (let i = 0; i < n; i++) {
    const g = grads[i] + wd * params[i];
    const s = (state[i] += g * g);
    params[i] -= (clr * g) / (Math.sqrt(s) + eps);
  }
}
