// Token-id rows for networks whose first layer reads token ids (an embedding): the check of a dataset's ids
// before anything runs, and the left padding of sequences of different lengths.
import { DataError, HyperParameterError } from '../../errors.js';
import { show } from '../../validate.js';
import { MAX_SEQUENCE_STEPS } from '../layers/embedding.js';
import { positiveInt, type PlannedLayer } from '../layers/layer.js';

/**
 * Checks the token ids of rows × T values (X, row-major) for a network whose first layer is `first`
 * (a layer that reads token ids, such as an embedding): integers in [0, vocab). A DataError names the row and the position, before anything runs.
 */
export function checkTokenIds(first: PlannedLayer, X: Float32Array, T: number): void {
  if (!first.def.tokenIds) return;
  const vocab = (first.spec as unknown as { vocab: number }).vocab;
  for (let i = 0; i < X.length; i++) {
    const v = X[i];
    if (!(Number.isInteger(v) && v >= 0 && v < vocab)) {
      const row = Math.floor(i / T), pos = i % T;
      throw new DataError(`row ${row}, position ${pos}: token id ${v} is not an integer in [0, ${vocab - 1}] (embedding vocab ${vocab})`, { row, column: pos });
    }
  }
}

/**
 * Token-id sequences of different lengths as rows × `length` values for a network with an embedding: each
 * sequence LEFT-padded with `paddingId` (padded steps are skipped, so the last state is the unpadded one's).
 * `length` defaults to the longest sequence. Every sequence is checked before anything is allocated: a DataError
 * names the row when it is not an array of integer ids in [0, vocab) (when `vocab` is given), or longer than
 * `length` or than {@link MAX_SEQUENCE_STEPS}.
 */
export function padSequences(sequences: readonly ArrayLike<number>[], options: { length?: number; paddingId?: number; vocab?: number } = {}): { x: Float32Array; rows: number; length: number } {
  if (!Array.isArray(sequences) || sequences.length === 0) throw new DataError(`sequences must be a non-empty array of token-id arrays, got ${show(sequences)}`);
  const pad = options.paddingId ?? 0;
  if (!Number.isInteger(pad) || pad < 0) throw new HyperParameterError('paddingId', `must be a non-negative integer, got ${show(pad)}`);
  if (options.vocab !== undefined) positiveInt('vocab', options.vocab);
  let longest = 0;
  sequences.forEach((s, row) => {
    if (s === null || typeof s !== 'object' || typeof (s as ArrayLike<number>).length !== 'number' || typeof s === 'string') {
      throw new DataError(`sequences[${row}] must be an array of token ids, got ${show(s)}`, { row });
    }
    if (s.length > MAX_SEQUENCE_STEPS) throw new DataError(`sequences[${row}] has ${s.length} tokens, over the limit of ${MAX_SEQUENCE_STEPS} steps (MAX_SEQUENCE_STEPS); cut it into windows`, { row });
    for (let t = 0; t < s.length; t++) {
      const v = s[t];
      if (!(Number.isInteger(v) && v >= 0 && (options.vocab === undefined || v < options.vocab))) {
        throw new DataError(`sequences[${row}], position ${t}: token id ${show(v)} is not an integer in [0, ${options.vocab === undefined ? '∞' : options.vocab - 1}]`, { row, column: t });
      }
    }
    longest = Math.max(longest, s.length);
  });
  const length = options.length ?? Math.max(1, longest);
  if (!Number.isInteger(length) || length < 1 || length > MAX_SEQUENCE_STEPS) {
    throw new HyperParameterError('length', `must be an integer in [1, ${MAX_SEQUENCE_STEPS}] (MAX_SEQUENCE_STEPS), got ${show(length)}`);
  }
  sequences.forEach((s, row) => {
    if (s.length > length) throw new DataError(`sequences[${row}] has ${s.length} tokens, more than length ${length}`, { row });
  });
  const x = new Float32Array(sequences.length * length).fill(pad);
  sequences.forEach((s, row) => {
    for (let t = 0; t < s.length; t++) x[row * length + length - s.length + t] = s[t];
  });
  return { x, rows: sequences.length, length };
}
