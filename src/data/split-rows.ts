// Which rows of a dataset go to the training half and which to the test half (Dataset.split).
import { HyperParameterError, ShapeError } from '../errors.js';
import { Rng } from '../rng.js';
import { int, onlyKeys, show } from '../validate.js';

/** `{ every: k }`: rows whose index is divisible by k are test rows; `{ testFraction, seed? }`: a seeded random split. */
export type SplitOptions = { every: number } | { testFraction: number; seed?: number };

/** The train and test row indices (each ascending) of a dataset of `rows` rows. */
export function splitRows(rows: number, options: SplitOptions): { trainRows: number[]; testRows: number[] } {
  const trainRows: number[] = [];
  const testRows: number[] = [];
  if (options === null || typeof options !== 'object') throw new HyperParameterError('split', `must be { every } or { testFraction, seed? }, got ${show(options)}`);
  onlyKeys('split', options, 'every' in options ? ['every'] : ['testFraction', 'seed']);
  if ('every' in options) {
    const k = options.every;
    if (!Number.isInteger(k) || k < 2) throw new ShapeError(`split: every must be an integer ≥ 2, got ${k}`);
    for (let r = 0; r < rows; r++) (r % k === 0 ? testRows : trainRows).push(r);
  } else {
    const f = options.testFraction;
    if (!(f > 0 && f < 1)) throw new ShapeError(`split: testFraction must be in (0, 1), got ${f}`);
    const order = Array.from({ length: rows }, (_, i) => i);
    new Rng(int('split.seed', options.seed, 0, 0, 0xffffffff)).shuffle(order);
    const nTest = Math.round(f * rows);
    testRows.push(...order.slice(0, nTest).sort((a, b) => a - b));
    trainRows.push(...order.slice(nTest).sort((a, b) => a - b));
  }
  return { trainRows, testRows };
}
