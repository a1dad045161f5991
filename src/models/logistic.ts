import { onlyKeys } from '../validate.js';
import { Model, type ClassifierLoss } from './model.js';

/** Options of {@link logistic}. */
export interface LogisticOptions {
  /** Number of input features. */
  features: number;
  /** Training loss, default `'logistic'`; `'hinge'` gives a linear SVM (see {@link ClassifierLoss}). */
  loss?: ClassifierLoss;
}

/**
 * Binary linear classifier on labels 0/1, z = w·x + b, predicting 1 when z > 0. With the default
 * logistic loss it is logistic regression, P(y = 1) = σ(z); `loss: 'hinge' | 'squaredHinge' |
 * 'modifiedHuber'` trains scikit-learn's SGDClassifier losses (labels mapped to ±1 inside the kernel).
 * Parameters start at zero.
 */
export function logistic(options: LogisticOptions): Model {
  // A typo such as `epslion` must not silently train with the default.
  if (options !== null && typeof options === 'object') onlyKeys('logistic', options, ['features', 'loss']);
  return new Model('logistic', options?.features, 1, { loss: options?.loss });
}
