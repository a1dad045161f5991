// Per-feature mean and standard deviation by Welford's update: one pass, stable on long streams, and
// the same arithmetic whether the rows sit in a Dataset or arrive batch by batch from a file, so a
// streamed standardization is bit for bit the in-memory one.

import { colMoments } from '../backends/js/preprocess.js';

/** Running per-feature mean and (population) variance over rows of `features` values. */
export class Moments {
  /** Rows seen. */
  rows = 0;
  readonly mean: Float64Array;
  private readonly m2: Float64Array;

  constructor(readonly features: number) {
    this.mean = new Float64Array(features);
    this.m2 = new Float64Array(features);
  }

  /** Adds `count` rows of x (row-major) starting at row `first`. */
  push(x: ArrayLike<number>, count = x.length / this.features, first = 0): void {
    colMoments(this.mean, this.m2, x, first * this.features, count, this.features, this.rows);
    this.rows += count;
  }

  /** The mean and population standard deviation (as scikit-learn's StandardScaler). */
  result(): { mean: Float64Array; std: Float64Array } {
    const n = this.rows;
    return { mean: this.mean.slice(), std: this.m2.map((v) => Math.sqrt(v / n)) };
  }
}
