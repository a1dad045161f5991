import { Model } from './model.js';

/** Binary logistic regression P(y = 1) = σ(w·x + b), labels 0/1, logistic loss. Parameters start at zero. */
export function logistic(options: { features: number }): Model {
  return new Model('logistic', options?.features, 1);
}
