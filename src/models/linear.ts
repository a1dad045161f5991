import { onlyKeys } from '../validate.js';
import { Model, type RegressionLoss } from './model.js';

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
