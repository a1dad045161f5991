// The names that travel with a dataset (feature and target names, class names, image shape), checked
// once against the feature count when a dataset is made.
import { ShapeError } from '../errors.js';

/** Names that travel with a dataset through subset, split and save: what the columns and labels mean. */
export interface DatasetMeta {
  /** One name per feature column. */
  featureNames?: readonly string[];
  /** The target column's name. */
  targetName?: string;
  /** Class names in label order: label i means classes[i]. */
  classes?: readonly string[];
  /**
   * Image rows: [channels, height, width], whose product is the feature count; each row holds its pixels
   * channel by channel, row-major (feature c·h·w + i·w + j is channel c, row i, column j).
   */
  imageShape?: readonly number[];
}

/** Checks the optional names of Dataset.fromArrays's options against the feature count. */
export function checkMeta(o: DatasetMeta, features: number): DatasetMeta {
  const meta: DatasetMeta = {};
  if (o.featureNames !== undefined) {
    if (!Array.isArray(o.featureNames) || o.featureNames.length !== features || !o.featureNames.every((s) => typeof s === 'string')) {
      throw new ShapeError(`featureNames must be ${features} strings, one per feature`);
    }
    meta.featureNames = o.featureNames;
  }
  if (o.targetName !== undefined) {
    if (typeof o.targetName !== 'string') throw new ShapeError('targetName must be a string');
    meta.targetName = o.targetName;
  }
  if (o.classes !== undefined) {
    if (!Array.isArray(o.classes) || o.classes.length < 2 || !o.classes.every((s) => typeof s === 'string')) {
      throw new ShapeError('classes must be at least two class names (strings)');
    }
    meta.classes = o.classes;
  }
  if (o.imageShape !== undefined) {
    const s = o.imageShape;
    if (!Array.isArray(s) || s.length !== 3 || !s.every((v) => Number.isInteger(v) && v >= 1) || s[0] * s[1] * s[2] !== features) {
      throw new ShapeError(`imageShape must be [channels, height, width], positive integers whose product is features = ${features}, got ${JSON.stringify(s)}`);
    }
    meta.imageShape = s;
  }
  return meta;
}
