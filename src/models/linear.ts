import { Model } from './model.js';

/** Linear regression ŷ = w·x + b, trained on the squared error ½(ŷ − y)². Parameters start at zero. */
export function linear(options: { features: number }): Model {
  return new Model('linear', options?.features, 1);
}
