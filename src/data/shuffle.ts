// A seeded shuffle buffer over a stream of row batches (as tf.data's shuffle(bufferSize)): the first
// `buffer` rows fill the buffer, then each incoming row takes the place of a uniformly drawn buffered
// row, which is emitted; at the end the buffer drains in random order. Memory is the buffer (buffer ×
// features floats plus buffer targets) and one output batch, whatever the stream's length. Every row is
// emitted exactly once, and no row is emitted before it was read, so a row moves at most `buffer`
// positions earlier than in file order (later it may move arbitrarily). A buffer as large as the stream
// gives a uniform random permutation; a buffer of 1 keeps file order. Browser-safe (no Node imports).
import { HyperParameterError, ShapeError } from '../errors.js';
import { int, onlyKeys, show } from '../validate.js';
import { Rng } from '../rng.js';
import { Dataset } from './dataset.js';
import type { Batch, BatchSource } from './batch.js';

/** Options of {@link shuffleBatches}. */
export interface ShuffleBufferOptions {
  /**
   * Rows held in the buffer (≥ 1). Larger mixes better; a buffer of at least the stream's rows is a full
   * shuffle. Allocated in full (buffer × features floats) when the first row arrives, even for a shorter stream.
   */
  buffer: number;
  /** Seed of the shuffle (u32). Default 0. */
  seed?: number;
  /** 0-based pass number: each epoch of the same seed draws a different permutation. Default 0. */
  epoch?: number;
  /** Rows per emitted batch (the last may be smaller). Default: the row count of the source's first non-empty batch. */
  batch?: number;
  /** Features per row; required only for a flat x without a `features` field, when rows cannot tell. */
  features?: number;
}

/** A batch emitted by {@link shuffleBatches}: fresh arrays the consumer may keep. */
export interface ShuffledBatch extends Batch {
  /** Features, row-major (rows × features). */
  x: Float32Array;
  /** Targets, one per row. */
  y: Float32Array;
  rows: number;
  features: number;
}

const KEYS = ['buffer', 'seed', 'epoch', 'batch', 'features'] as const;

/**
 * The random generator of one pass: the seed itself for epoch 0 (so `new Rng(seed)` reproduces it),
 * else a murmur3-finalised mix of seed and epoch, which Rng's splitmix32 spreads further.
 */
export function shuffleRng(seed: number, epoch: number): Rng {
  if (epoch === 0) return new Rng(seed);
  let h = (seed ^ Math.imul(epoch, 0xcc9e2d51)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return new Rng((h ^ (h >>> 16) ^ epoch) >>> 0);
}

/**
 * The buffer itself: `capacity` rows of `features` floats and their targets, filled in arrival order
 * and then replaced at random slots. Allocated once, in full, at construction: `x.length` is
 * capacity × features whatever the stream's length.
 */
export class ShuffleBuffer {
  /** Buffered rows, row-major (capacity × features); only the first {@link size} rows are in use. */
  readonly x: Float32Array;
  /** Buffered targets. */
  readonly y: Float32Array;
  /** Rows buffered now. */
  size = 0;

  /**
   * @param capacity rows the buffer holds (≥ 1)
   * @param features floats per row
   * @param rng the generator that picks the slots (consumed as rows arrive)
   */
  constructor(readonly capacity: number, readonly features: number, private readonly rng: Rng) {
    this.x = new Float32Array(capacity * features);
    this.y = new Float32Array(capacity);
  }

  /**
   * Adds the row at `x[off .. off+features)` with target `t`. While the buffer fills, returns -1; once
   * full, the row replaces a uniformly drawn slot, whose old row is first copied to `out` at row `outRow`
   * (and its target to `outY[outRow]`), and returns that slot.
   */
  push(x: ArrayLike<number>, off: number, t: number, out: Float32Array, outY: Float32Array, outRow: number): number {
    const d = this.features;
    if (this.size < this.capacity) {
      const at = this.size++ * d;
      for (let c = 0; c < d; c++) this.x[at + c] = x[off + c];
      this.y[this.size - 1] = t;
      return -1;
    }
    const j = this.rng.below(this.capacity);
    const at = j * d;
    out.set(this.x.subarray(at, at + d), outRow * d);
    outY[outRow] = this.y[j];
    for (let c = 0; c < d; c++) this.x[at + c] = x[off + c];
    this.y[j] = t;
    return j;
  }

  /** Removes a uniformly drawn buffered row into `out` at row `outRow` (the last row fills its slot). */
  pop(out: Float32Array, outY: Float32Array, outRow: number): void {
    const d = this.features;
    const j = this.rng.below(this.size);
    const last = --this.size;
    out.set(this.x.subarray(j * d, j * d + d), outRow * d);
    outY[outRow] = this.y[j];
    if (j !== last) {
      this.x.copyWithin(j * d, last * d, last * d + d);
      this.y[j] = this.y[last];
    }
  }
}

/** One incoming batch as flat rows. */
function rowsOf(b: Batch | Dataset, features: number | undefined): { x: ArrayLike<number> | ArrayLike<ArrayLike<number>>; y: ArrayLike<number>; rows: number; features: number; nested: boolean } {
  if (b instanceof Dataset) return { x: b.x, y: b.y, rows: b.rows, features: b.features, nested: false };
  if (b === null || typeof b !== 'object' || !('x' in b) || !('y' in b)) {
    throw new HyperParameterError('batch', `must be a Dataset or { x, y }, got ${show(b)}`);
  }
  const y = b.y, x = b.x as ArrayLike<unknown>;
  const rows = y.length;
  if (rows === 0) return { x: [], y, rows: 0, features: features ?? 0, nested: false };
  const first = x[0];
  if (typeof first === 'object' && first !== null) {
    if (x.length !== rows) throw new ShapeError(`x has ${x.length} rows, y has ${rows} targets`);
    return { x: x as ArrayLike<ArrayLike<number>>, y, rows, features: (first as ArrayLike<number>).length, nested: true };
  }
  const d = features ?? (b as { features?: number }).features ?? x.length / rows;
  if (!Number.isInteger(d) || d < 1 || x.length !== rows * d) {
    throw new ShapeError(`x has ${x.length} values for ${rows} targets${features !== undefined ? ` and ${features} features` : ''}`);
  }
  return { x: x as ArrayLike<number>, y, rows, features: d, nested: false };
}

/**
 * Shuffles a stream of row batches through a seeded buffer of `buffer` rows and hands them out again
 * in batches of `batch` rows: tf.data's `shuffle(bufferSize)` for out-of-core training, e.g.
 * `shuffleBatches(csvBatches('big.csv'), { buffer: 100_000, seed: 1 })`. Every row comes out exactly
 * once; memory is O(buffer × features) whatever the stream's length. Deterministic for a seed and
 * epoch. Accepts the batches {@link trainStream} takes: `{ x, y }` (flat row-major or one array per
 * row), CSVBatches, or Datasets (copied out, not disposed).
 */
export async function* shuffleBatches(source: BatchSource, options: ShuffleBufferOptions): AsyncGenerator<ShuffledBatch> {
  if (options === null || typeof options !== 'object') throw new HyperParameterError('options', `must be an object { buffer, seed?, epoch?, batch? }, got ${show(options)}`);
  onlyKeys('options', options, KEYS);
  if (options.buffer === undefined) throw new HyperParameterError('buffer', 'is required: the rows the shuffle buffer holds, e.g. { buffer: 10000 }');
  const capacity = int('buffer', options.buffer, 1, 1);
  const seed = int('seed', options.seed, 0, 0, 0xffffffff);
  const epoch = int('epoch', options.epoch, 0, 0);
  let size = options.batch === undefined ? 0 : int('batch', options.batch, 1, 1);
  let features = options.features === undefined ? undefined : int('features', options.features, 1, 1);
  const rng = shuffleRng(seed, epoch);
  let buf: ShuffleBuffer | undefined;
  let out = new Float32Array(0), outY = new Float32Array(0), n = 0;
  const take = (): ShuffledBatch => {
    const b: ShuffledBatch = { x: n === size ? out : out.slice(0, n * features!), y: n === size ? outY : outY.slice(0, n), rows: n, features: features! };
    out = new Float32Array(size * features!);
    outY = new Float32Array(size);
    n = 0;
    return b;
  };
  for await (const batch of source) {
    const r = rowsOf(batch, features);
    if (r.rows === 0) continue;
    if (!buf) {
      features = r.features;
      if (size === 0) size = r.rows;
      buf = new ShuffleBuffer(capacity, features, rng);
      out = new Float32Array(size * features);
      outY = new Float32Array(size);
    } else if (r.features !== features) {
      throw new ShapeError(`a batch has ${r.features} features, the first had ${features}`);
    }
    const d = features!;
    for (let i = 0; i < r.rows; i++) {
      const row = r.nested ? (r.x as ArrayLike<ArrayLike<number>>)[i] : r.x as ArrayLike<number>;
      if (r.nested && row.length !== d) throw new ShapeError(`x: row ${i} has ${row.length} values, expected ${d} (as row 0)`);
      if (buf.push(row, r.nested ? 0 : i * d, r.y[i], out, outY, n) >= 0 && ++n === size) yield take();
    }
  }
  if (!buf) return;
  while (buf.size > 0) {
    buf.pop(out, outY, n);
    if (++n === size) yield take();
  }
  if (n > 0) yield { x: out.slice(0, n * features!), y: outY.slice(0, n), rows: n, features: features! };
}
