import { ShapeError } from '../errors.js';
import { Model } from './model.js';

/** Multinomial (softmax) regression over `classes` ≥ 2 classes, cross-entropy loss. Parameters start at zero. */
export function softmax(options: { features: number; classes: number }): Model {
  const classes = options?.classes;
  if (!Number.isInteger(classes) || classes < 2) throw new ShapeError(`softmax: classes must be an integer ≥ 2, got ${classes}`);
  return new Model('softmax', options.features, classes);
}
