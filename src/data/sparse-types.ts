// The shapes the sparse constructors take, apart from their code (data/sparse.ts) so that dataset.ts can name
// them in Dataset.fromSparse / Dataset.fromText without importing the file that builds on it.
import type { HashingOptions } from '../text/hashing.js';

/**
 * Rows in compressed sparse row form: row r holds columns `indices[indptr[r] .. indptr[r+1])` (strictly
 * ascending within the row) with `values` beside them. `indptr` has rows + 1 entries, starts at 0 and ends at
 * the number of stored entries. The form scikit-learn's `csr_matrix` and {@link HashingVectorizer} give.
 */
export interface SparseRows {
  indptr: ArrayLike<number>;
  indices: ArrayLike<number>;
  values: ArrayLike<number>;
}

/** Options of `Dataset.fromSparse`. */
export interface FromSparseOptions {
  /** The number of columns (the hash space of hashed text); every index must be below it. Required. */
  features: number;
  /** The target column's name. */
  targetName?: string;
  /** Class names in label order: label i means classes[i] (labels must then be class indices). */
  classes?: readonly string[];
}

/** Options of `Dataset.fromText`: the hashing vectorizer's (tokenizer, hash space, weighting) and the labels'. */
export interface FromTextOptions extends HashingOptions {
  /**
   * Class names when the labels are strings: label `classes[i]` becomes i. Default: the distinct labels sorted
   * (so two classes 'ham', 'spam' give ham = 0, spam = 1). Numeric labels are kept as they are.
   */
  classes?: readonly string[];
  /** The target column's name, carried along. */
  targetName?: string;
}

/**
 * @internal The sparse constructors, registered by data/sparse.ts: that file builds on dataset.ts, so dataset.ts
 * reaches it through this table rather than an import (no import cycles). The package's entries load it.
 */
export const sparseConstructors: {
  fromSparse?: (csr: SparseRows, y: ArrayLike<number>, options: FromSparseOptions) => object;
  fromText?: (texts: readonly string[], labels: ArrayLike<number> | readonly string[], options: FromTextOptions) => object;
} = {};

/** @internal The registered constructor `name`, or an error saying what to import. */
export function sparseConstructor<K extends keyof typeof sparseConstructors>(name: K): NonNullable<(typeof sparseConstructors)[K]> {
  const f = sparseConstructors[name];
  if (!f) throw new Error(`Dataset.${name} needs descent-ml's entry loaded (it registers data/sparse.js)`);
  return f as NonNullable<(typeof sparseConstructors)[K]>;
}
