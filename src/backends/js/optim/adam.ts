// Pure-TS twin of assembly/optim/adam.ts (torch.optim.Adam, with amsgrad).
// h = [lr, t, beta1, beta2, eps, weightDecay, amsgrad]; state = [m (n), v (n), vmax (n)].

/** The step shared by Adam (L2 weight decay in the gradient) and AdamW (decoupled decay). */
export function adamCore(
  params: Float32Array, grads: Float32Array, state: Float32Array, n: number, h: Float64Array, decoupled: boolean,
): void {
  const t = ++h[1];
  const lr = h[0], b1 = h[2], b2 = h[3], eps = h[4], lambda = h[5], amsgrad = h[6] !== 0;
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

/** One Adam step; increments the step count h[1]. */
export function adamStep(params: Float32Array, grads: Float32Array, state: Float32Array, n: number, h: Float64Array): void {
  adamCore(params, grads, state, n, h, false);
}
