// The linear model families: regression, binary classification and multinomial classification, each a
// Model (./model.ts) with its loss. Parameters start at zero.
import { ShapeError } from '../../errors.js';
import { onlyKeys } from '../../validate.js';
import { Model, type ClassifierLoss, type RegressionLoss } from './model.js';

/** Options of {@link linear}. */
export interface LinearOptions {
  /** Number of input features. */
  features: number;
  /** Training loss, default `'squared'` (see {@link RegressionLoss}). */
  loss?: RegressionLoss;
  /** ε of the `'huber'` (> 0) and `'epsilonInsensitive'` (≥ 0) losses, default 0.1 as scikit-learn. */
  epsilon?: number;
}

/**
 * Linear regression ŷ = w·x + b, trained on the squared error ½(ŷ − y)² or, with `loss`, on the Huber
 * or epsilon-insensitive loss (scikit-learn's SGDRegressor losses). Parameters start at zero.
 */
export function linear(options: LinearOptions): Model {
  // A typo such as `epslion` must not silently train with the default.
  if (options !== null && typeof options === 'object') onlyKeys('linear', options, ['features', 'loss', 'epsilon']);
  return new Model('linear', options?.features, 1, { loss: options?.loss, epsilon: options?.epsilon });
}

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

/** Multinomial (softmax) regression over `classes` ≥ 2 classes, cross-entropy loss. Parameters start at zero. */
export function softmax(options: { features: number; classes: number }): Model {
  if (options !== null && typeof options === 'object') onlyKeys('softmax', options, ['features', 'classes']);
  const classes = options?.classes;
  if (!Number.isInteger(classes) || classes < 2) throw new ShapeError(`softmax: classes must be an integer ≥ 2, got ${classes}`);
  return new Model('softmax', options.features, classes);
}
