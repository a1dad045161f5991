import { ShapeError } from '../errors.js';
import { Model } from './model.js';
import { onlyKeys } from '../validate.js';

/** Multinomial (softmax) regression over `classes` ≥ 2 classes, cross-entropy loss. Parameters start at zero. */
export function softmax(options: { features: number; classes: number }): Model {
  if (options !== null && typeof options === 'object') onlyKeys('softmax', options, ['features', 'classes']);
  const classes = options?.classes;
  if (!Number.isInteger(classes) || classes < 2) throw new ShapeError(`softmax: classes must be an integer ≥ 2, got ${classes}`);
  return new Model('softmax', options.features, classes);
}
