// The hyper-parameters the demo pre-fills for each update rule: PyTorch's defaults under descent's camelCase
// names (lr has its own field). A rule added to descent later appears in the list from `optimizerNames` and
// starts from `{}`, i.e. the library's own defaults; test/demo.test.ts checks every entry is accepted.
export const HYPER_DEFAULTS: Record<string, object> = {
  sgd: { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 },
  adam: { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false },
  adamw: { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, amsgrad: false },
  rmsprop: { alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false },
  adagrad: { lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10 },
  adadelta: { rho: 0.9, eps: 1e-6, weightDecay: 0 },
  adamax: { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 },
  nadam: { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, momentumDecay: 0.004 },
  radam: { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 },
};

/** The JSON shown for a rule. */
export function hyperText(name: string): string {
  return JSON.stringify(HYPER_DEFAULTS[name] ?? {});
}
