import { HyperParameterError } from '../errors.js';
import { Rng } from '../rng.js';

/**
 * The text corpora's split, reproducible in any language: the positions 0..n−1 are shuffled once with descent's
 * `Rng` (xoshiro128** seeded through splitmix32, Fisher–Yates as `Rng.shuffle`) and `seed`; the documents at
 * shuffled positions divisible by `every` form the test set, the others the training set, both in shuffled order.
 * `scripts/text-sklearn-baseline.py` re-implements it to give scikit-learn the same documents.
 */
export function shuffledSplit(n: number, options: { seed?: number; every?: number } = {}): { train: Int32Array; test: Int32Array } {
  const seed = options.seed ?? 13, every = options.every ?? 5;
  if (!Number.isInteger(n) || n < 0) throw new HyperParameterError('n', `must be an integer ≥ 0, got ${n}`);
  if (!Number.isInteger(seed)) throw new HyperParameterError('seed', `must be an integer, got ${seed}`);
  if (!Number.isInteger(every) || every < 2) throw new HyperParameterError('every', `must be an integer ≥ 2, got ${every}`);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  new Rng(seed).shuffle(order);
  const test = new Int32Array(Math.ceil(n / every));
  const train = new Int32Array(n - test.length);
  for (let p = 0, a = 0, b = 0; p < n; p++) {
    if (p % every === 0) test[a++] = order[p];
    else train[b++] = order[p];
  }
  return { train, test };
}
