// Pure-TS twin of assembly/optim/rmsprop.ts (torch.optim.RMSprop).
// h = [lr, t, alpha, eps, weightDecay, momentum, centered];
// state = [square average (n), gradient average (n, centered only), momentum buffer (n, momentum > 0 only)].

/** One RMSprop step; increments the step count h[1]. */
export function rmspropStep(params: Float32Array, grads: Float32Array, state: Float32Array, n: number, h: Float64Array): void {
  h[1]++;
  const lr = h[0], alpha = h[2], eps = h[3], wd = h[4], mu = h[5], centered = h[6] !== 0;
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
