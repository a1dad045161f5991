// Integer codes shared with assembly/train.ts: the TS side picks a loss and an update rule once per
// call, the kernels switch on the code once per batch.

/** Loss codes, as assembly/train.ts LOSS_*. */
export const LOSS = {
  squared: 0, logistic: 1, softmax: 2,
  hinge: 3, squaredHinge: 4, modifiedHuber: 5, huber: 6, epsilonInsensitive: 7,
} as const;
/** A loss name known to the kernels. */
export type LossName = keyof typeof LOSS;

/** Update-rule codes, as assembly/train.ts OPT_*. */
export const OPT = { sgd: 0, adam: 1, adamw: 2, adagrad: 3, adadelta: 4, rmsprop: 5, adamax: 6, nadam: 7, radam: 8 } as const;
/** An update-rule name known to the kernels. */
export type OptName = keyof typeof OPT;

/** Length of the f64 hyper-parameter block every rule reads: [lr, t, rule-specific…]. */
export const HYPER_LEN = 16;

/**
 * Slots of the f64 control block of runBatches, as assembly/gradtools.ts CTL_*: the run's options
 * (loss ε, clipping, L1, averaging, noise) and the state carried from run to run (u, averaging count,
 * step count, the noise PRNG's four u32 words).
 */
export const CTL = {
  lossParam: 0, clipNorm: 1, clipValue: 2, l1: 3, l1Mode: 4, l1U: 5,
  avgStart: 6, avgCount: 7, step: 8, noise: 9, rng: 10,
} as const;
/** Length of the control block. */
export const CTL_LEN = 16;
/** L1 treatments, as assembly/gradtools.ts L1_*. */
export const L1_MODE = { cumulative: 1, orthant: 2 } as const;
