// The shape of streamed data, shared by the shuffle buffer (data/shuffle.ts) and online training (partial.ts).
// It lives in data/ so that the data layer does not import the training code that consumes it.
import type { Dataset, Matrix } from './dataset.js';

/** A batch of rows as plain arrays: x row-major (rows × model.features) or one array per row; y one target per row. */
export interface Batch {
  x: Matrix;
  y: ArrayLike<number>;
}

/** Batches as trainStream takes them: arrays or Datasets, from a sync or async iterable. */
export type BatchSource = AsyncIterable<Batch | Dataset> | Iterable<Batch | Dataset>;
