// Integer codes shared with assembly/train.ts: the TS side picks a loss and an update rule once per
// call, the kernels switch on the code once per batch.

/** Loss codes, as assembly/train.ts LOSS_*. */
export const LOSS = { squared: 0, logistic: 1, softmax: 2 } as const;
/** A loss name known to the kernels. */
export type LossName = keyof typeof LOSS;

/** Update-rule codes, as assembly/train.ts OPT_*. */
export const OPT = { sgd: 0, adam: 1, adamw: 2, adagrad: 3, adadelta: 4, rmsprop: 5, adamax: 6, nadam: 7, radam: 8 } as const;
/** An update-rule name known to the kernels. */
export type OptName = keyof typeof OPT;

/** Length of the f64 hyper-parameter block every rule reads: [lr, t, rule-specific…]. */
export const HYPER_LEN = 16;
