// Byte rows: a dataset whose features stay u8 in backend memory (one byte per pixel) and become f32 only
// when a network gathers a chunk's rows (assembly/rowgather.ts, js twin src/backends/js/rowgather.ts). Full
// MNIST, 70,000 × 784, is 55 MB this way and 220 MB as f32 rows; a standardized copy (what train() makes by
// default) of byte rows shares the bytes and carries only the per-feature mean and divisor, which the gather
// applies. Every value a byte dataset yields — gathered rows, `x`, `stats()` — is the value its f32 twin
// (Dataset.fromArrays of byte × scale) holds, bit for bit, because all of them go through the same gather.
import { DataError, DisposedError, HyperParameterError, ShapeError } from '../errors.js';
import { backend, type Backend } from '../runtime/index.js';
import { Block, disposeAll } from '../runtime/block.js';
import { Run } from '../runtime/run.js';
import { onlyKeys, show } from '../validate.js';
import { Dataset, F32_MAX, toTargets } from './dataset.js';
import { checkMeta, type DatasetMeta } from './meta.js';
import { arrayLike } from './matrix.js';
import { columnMoments } from './standardize.js';

/** Options of {@link ByteDataset.fromBytes}. */
export interface FromBytesOptions extends DatasetMeta {
  /** Bytes per row (784 for 28 × 28 images). Required. */
  features: number;
  /** What one byte stands for: value = byte × scale, rounded to f32. Default 1/255 (pixels in [0, 1]). */
  scale?: number;
}

/** Rows gathered per kernel call when a whole byte dataset is converted (x, stats): 2,048 × 784 f32 is 6.4 MB. */
const CONVERT_ROWS = 2048;

/** The byte block, shared by a dataset and its standardized copies, freed when the last of them lets go. */
class SharedBytes {
  readonly block: Block<'i32'>;
  private refs = 1;
  constructor(block: Block<'i32'>) {
    this.block = block;
  }
  retain(): this {
    this.refs++;
    return this;
  }
  release(): void {
    if (--this.refs === 0) this.block.dispose();
  }
}

/** A block of `n` bytes (an i32 block of ⌈n/4⌉ elements) and its Uint8Array view. */
function byteBlock(be: Backend, n: number): Block<'i32'> {
  return new Block(be, 'i32', Math.max(1, Math.ceil(n / 4)));
}

function byteView(b: Block<'i32'>, offset: number, n: number): Uint8Array {
  const v = b.view;
  return new Uint8Array(v.buffer, v.byteOffset + offset, n);
}

/**
 * Free space left in a wasm memory after a large byte block: the allocator grows memory by at least its size
 * so far (doubling), so the targets allocated right after 55 MB of pixels would take memory to 110 MB.
 * Reserving this much before the large block, and freeing it after, leaves room for them within the memory
 * the pixels needed anyway. (A training run's own buffers can still grow it: see docs/datasets.md.)
 */
const HEADROOM_BYTES = 2 * 2 ** 20;

/** The value of each byte: byte × scale, rounded to f32 once (what Float32Array.from(bytes, b => b * scale) holds). */
function byteValues(scale: number): Float32Array {
  return Float32Array.from({ length: 256 }, (_, k) => k * scale);
}

/**
 * How the gather can make the 256 values of `table` (run slots xConvert, xFactor): 1 = f32(byte) × f32(scale),
 * 2 = f32(byte) ÷ f32(1/scale) (1/255 is one), when that one f32 operation gives every entry bit for bit; else
 * 0, a lookup. (An f64 product or quotient of two f32, rounded to f32 once, is the f32 operation's result.)
 */
function conversion(table: Float32Array, scale: number): { xConvert: number; xFactor: number } {
  const m = Math.fround(scale), q = Math.fround(1 / scale);
  const all = (f: (b: number) => number): boolean => table.every((v, b) => v === Math.fround(f(b)));
  if (all((b) => b * m)) return { xConvert: 1, xFactor: m };
  if (Number.isFinite(q) && q > 0 && all((b) => b / q)) return { xConvert: 2, xFactor: q };
  return { xConvert: 0, xFactor: 0 };
}

/**
 * Checks a standardization (mean, divisor) against every byte's value: f32((value − mean[c]) / div[c]) must
 * stay in the f32 range (for all 256 values, present in the data or not). A DataError names the column.
 */
function checkFits(values: Float32Array, mean: ArrayLike<number>, div: ArrayLike<number>, std: ArrayLike<number>): void {
  // The values grow with the byte (scale > 0), so the first and the last bound every column's.
  for (let c = 0; c < mean.length; c++) {
    for (const v of [values[0], values[255]]) {
      const q = (v - mean[c]) / div[c];
      if (!(Math.abs(q) <= F32_MAX)) {
        throw new DataError(`standardize: column ${c}: byte value ${v} becomes ${q} (std ${std[c]} is too small for float32)`, { column: c });
      }
    }
  }
}

/**
 * The reciprocals of the divisors when f32((value − mean) × (1 / div)) equals f32((value − mean) / div) in f64
 * for every feature and every byte's value (a product costs the gather a fifth of a division); else null.
 */
function reciprocals(values: Float32Array, mean: Float64Array, div: Float64Array): Float64Array | null {
  const r = div.map((v) => 1 / v);
  for (let c = 0; c < mean.length; c++) {
    for (let k = 0; k < 256; k++) {
      const t = values[k] - mean[c];
      if (Math.fround(t * r[c]) !== Math.fround(t / div[c])) return null;
    }
  }
  return r;
}

/**
 * A dataset of byte features (pixels) kept as u8 in backend memory: a quarter of the memory of f32 rows.
 * Networks train on it and predict from it as from any dataset: each chunk's rows are turned into f32 as
 * they are gathered, value = byte × `scale` (default 1/255), then standardized per feature when train()
 * standardizes (its default) — the same f32 values, bit for bit, as a {@link Dataset.fromArrays} of the
 * scaled bytes, without a second copy of the data. Linear models refuse it (a ShapeError): their kernels read
 * f32 rows; give them `Dataset.fromArrays(ds.x, ds.y, …)`.
 *
 * ```ts
 * const { train, test } = loadMnist({ storage: 'u8' });          // 55 MB in the backend instead of 220 MB
 * const own = ByteDataset.fromBytes(pixels, labels, { features: 784, imageShape: [1, 28, 28] });
 * ```
 */
export class ByteDataset extends Dataset {
  /** What one byte stands for: value = byte × scale (rounded to f32). */
  readonly scale: number;
  /** @internal the block holding the bytes (rows × features from `offset`), shared with standardized copies. */
  private readonly shared: SharedBytes;
  private readonly offset: number;
  /** @internal the standardization the gather applies (f64 × features each), when this is a standardized copy. */
  private readonly meanBlock: Block<'f64'> | undefined;
  /** The divisors, or their reciprocals when `recip` (see reciprocals). */
  private readonly divBlock: Block<'f64'> | undefined;
  private readonly recip: boolean;
  /** The statistics a standardized copy was made with, for its subsets. */
  private readonly given: { mean: Float64Array; div: Float64Array } | undefined;

  private constructor(be: Backend, shared: SharedBytes, offset: number, table: Block<'f32'>, y: Float32Array, rows: number, features: number,
    meta: DatasetMeta, scale: number, standardized?: { mean: Block<'f64'>; div: Block<'f64'>; recip: boolean; given: { mean: Float64Array; div: Float64Array } }) {
    // The base class's value block is the table: the f32 value of each byte, what the rows stand for.
    super(be, table, y, rows, features, meta);
    this.shared = shared;
    this.offset = offset;
    this.scale = scale;
    this.meanBlock = standardized?.mean;
    this.divBlock = standardized?.div;
    this.recip = standardized?.recip ?? false;
    this.given = standardized?.given;
  }

  /**
   * Builds a dataset from bytes (a Uint8Array, Uint8ClampedArray or array of integers 0–255), row-major, and
   * one target per row; `{ features }` is required, `scale` (default 1/255) says what a byte stands for, and
   * the names of {@link DatasetMeta} travel along. The bytes are copied into backend memory once.
   */
  static fromBytes(bytes: ArrayLike<number>, y: ArrayLike<number>, options: FromBytesOptions): ByteDataset {
    const be = backend();
    if (options === null || typeof options !== 'object') throw new HyperParameterError('options', `must be { features, scale?, imageShape?, … }, got ${show(options)}`);
    onlyKeys('options', options, ['features', 'scale', 'featureNames', 'targetName', 'classes', 'imageShape']);
    if (!arrayLike(bytes)) throw new ShapeError(`fromBytes: bytes must be a Uint8Array (or an array of integers 0–255), got ${show(bytes)}`);
    const d = options.features;
    if (!(Number.isInteger(d) && d >= 1)) throw new ShapeError(`fromBytes: features must be an integer ≥ 1, got ${show(d)}`);
    if (bytes.length === 0 || bytes.length % d !== 0) throw new ShapeError(`fromBytes: ${bytes.length} bytes are not whole rows of ${d} features`);
    const scale = options.scale ?? 1 / 255;
    if (typeof scale !== 'number' || !(scale > 0) || !(255 * scale <= F32_MAX)) {
      throw new HyperParameterError('scale', `must be a number > 0 with 255 × scale a finite float32, got ${show(scale)}`);
    }
    const rows = bytes.length / d;
    if (!(bytes instanceof Uint8Array || bytes instanceof Uint8ClampedArray)) {
      for (let i = 0; i < bytes.length; i++) {
        const v = bytes[i];
        if (!(Number.isInteger(v) && v >= 0 && v <= 255)) {
          throw new DataError(`fromBytes: row ${Math.floor(i / d)}, column ${i % d} is ${show(v)}, not a byte (an integer 0–255)`, { row: Math.floor(i / d), column: i % d });
        }
      }
    }
    const yf = toTargets(y, rows, d);
    const meta = checkMeta(options, d);
    if (meta.classes) {
      const k = meta.classes.length;
      for (let r = 0; r < rows; r++) {
        if (!(Number.isInteger(yf[r]) && yf[r] >= 0 && yf[r] < k)) {
          throw new DataError(`y: row ${r} is ${yf[r]}, not a class index in [0, ${k - 1}] (classes has ${k} names)`, { row: r, column: d });
        }
      }
    }
    return ByteDataset.allocate(be, [{ bytes, y: yf, meta }], d, scale)[0];
  }

  /**
   * @internal Datasets of checked parts (bytes, targets and names each; `features` bytes per row) whose bytes
   * share one block, allocated once between a reserve of {@link HEADROOM_BYTES} and its release: the loaders'
   * training and test sets grow a wasm memory once, by what they need.
   */
  static allocate(be: Backend, parts: readonly { bytes: ArrayLike<number>; y: Float32Array; meta: DatasetMeta }[], features: number, scale: number): ByteDataset[] {
    const blocks: Block[] = [];
    const out: ByteDataset[] = [];
    let shared: SharedBytes | undefined;
    try {
      const total = parts.reduce((n, p) => n + p.bytes.length, 0);
      const reserve = total >= HEADROOM_BYTES ? new Block(be, 'i32', HEADROOM_BYTES / 4) : undefined;
      let b: Block<'i32'>;
      try {
        b = byteBlock(be, total);
      } finally {
        reserve?.dispose();
      }
      shared = new SharedBytes(b);
      let offset = 0;
      for (const p of parts) {
        byteView(b, offset, p.bytes.length).set(p.bytes);
        const table = new Block(be, 'f32', 256);
        blocks.push(table);
        table.view.set(byteValues(scale));
        const rows = p.bytes.length / features;
        out.push(new ByteDataset(be, out.length === 0 ? shared : shared.retain(), offset, table, p.y, rows, features, p.meta, scale));
        blocks.pop();
        offset += p.bytes.length;
      }
      return out;
    } catch (e) {
      disposeAll(...blocks);
      for (const d of out) d.dispose();
      if (out.length === 0) shared?.release();
      throw e;
    }
  }

  /** How the features are stored: always `'u8'` here. */
  get storage(): 'u8' {
    return 'u8';
  }

  /** True for a standardized copy (train() makes one by default): the gather standardizes each value. */
  get standardized(): boolean {
    return this.meanBlock !== undefined;
  }

  /** Bytes this dataset holds in backend memory: rows × features (shared with its standardized copies). */
  get byteLength(): number {
    return this.rows * this.features;
  }

  /** A copy of the stored bytes, row-major. */
  get bytes(): Uint8Array {
    this.checkAlive();
    return byteView(this.shared.block, this.offset, this.rows * this.features).slice();
  }

  /** @internal the run descriptor's data slots: the bytes as X, their table and standardization. */
  override runFields(): { X: number; y: number; csrIndptr: number; csrIndices: number; xStorage: number; xTable: number;
    xConvert: number; xFactor: number; xMean: number; xDiv: number; xRecip: number } {
    return {
      X: this.shared.block.ptr + this.offset, y: this.yBlock.ptr, csrIndptr: 0, csrIndices: 0, xStorage: 1, xTable: this.xBlock.ptr,
      ...conversion(this.xBlock.view, this.scale), xMean: this.meanBlock?.ptr ?? 0, xDiv: this.divBlock?.ptr ?? 0, xRecip: this.recip ? 1 : 0,
    };
  }

  private checkAlive(): void {
    if (this.xBlock.disposed) throw new DisposedError('the dataset was disposed');
  }

  /**
   * Calls `fn(block, rows, first)` for successive chunks of at most {@link CONVERT_ROWS} rows, each converted
   * to f32 into `block` by the networks' gather kernel.
   */
  private convert(fn: (block: Block<'f32'>, rows: number, first: number) => void): void {
    this.checkAlive();
    const be = this.xBlock.backend, d = this.features, n = Math.min(CONVERT_ROWS, this.rows);
    const blocks: Block[] = [];
    let run: Run | undefined;
    try {
      const idx = new Block(be, 'i32', this.rows);
      blocks.push(idx);
      be.iotaI32(idx.ptr, this.rows);
      const out = new Block(be, 'f32', n * d);
      blocks.push(out);
      run = new Run(be, { ...this.runFields(), idx: idx.ptr });
      for (let s = 0; s < this.rows; s += n) {
        const m = Math.min(n, this.rows - s);
        be.gatherInput(run.ptr, out.ptr, s, m, d, false);
        fn(out, m, s);
      }
    } finally {
      run?.dispose();
      disposeAll(...blocks);
    }
  }

  /** The features as f32 (byte × scale, standardized when this is a standardized copy), row-major: a copy. */
  override get x(): Float32Array {
    const x = new Float32Array(this.rows * this.features);
    this.convert((b, m, s) => x.set(b.view.subarray(0, m * this.features), s * this.features));
    return x;
  }

  /** Per-feature mean and standard deviation of the f32 values (those of {@link x}), as Dataset.stats computes them. */
  override stats(): { mean: Float64Array; std: Float64Array } {
    if (this.xBlock.disposed) throw new DisposedError('the dataset was disposed');
    this.statsMemo ??= this.byteStats();
    return { mean: this.statsMemo.mean.slice(), std: this.statsMemo.std.slice() };
  }

  private byteStats(): { mean: Float64Array; std: Float64Array } {
    const be = this.xBlock.backend, d = this.features;
    return columnMoments(be, this.rows, d, (mean, m2) => this.convert((b, m, s) => be.colMoments(mean, m2, b.ptr, m, d, s)));
  }

  /** A new byte dataset of the given rows, in that order (same scale and standardization). */
  override subset(rows: ArrayLike<number>): Dataset {
    if (!arrayLike(rows)) throw new ShapeError(`subset: rows must be an array of row indices, got ${show(rows)}`);
    if (rows.length === 0) throw new ShapeError('subset: zero rows');
    this.checkAlive();
    const d = this.features;
    const src = byteView(this.shared.block, this.offset, this.rows * d), ys = this.yBlock.view;
    const out = new Uint8Array(rows.length * d), y = new Float32Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (!Number.isInteger(r) || r < 0 || r >= this.rows) throw new ShapeError(`subset: row ${r} is out of range [0, ${this.rows})`);
      out.set(src.subarray(r * d, r * d + d), i * d);
      y[i] = ys[r];
    }
    const be = this.xBlock.backend;
    const sub = ByteDataset.allocate(be, [{ bytes: out, y, meta: this.meta }], d, this.scale)[0];
    return this.given ? ByteDataset.restandardized(sub, this.given.mean, this.given.div) : sub;
  }

  /** `ds` standardized with (mean, div) as a copy sharing its bytes; `ds` itself is disposed. */
  private static restandardized(ds: ByteDataset, mean: ArrayLike<number>, div: ArrayLike<number>): ByteDataset {
    try {
      return ds.standardizedCopy(mean, div, div, () => {});
    } finally {
      ds.dispose();
    }
  }

  /**
   * Standardization of byte rows happens in the gather, on a copy that shares the bytes (what train() and
   * Preprocessing.dataset use); the bytes themselves cannot hold standardized values, so in place it is a
   * ShapeError: train with `standardize: { mean, std }` (or the default), or make an f32 dataset from `x`.
   */
  override standardize(): this {
    throw new ShapeError('standardize: a byte dataset keeps its bytes; train() standardizes it in the gather by default (or give standardize: { mean, std }), or make an f32 dataset with Dataset.fromArrays(ds.x, ds.y, …)');
  }

  /**
   * @internal A standardized copy sharing the bytes: f32((byte × scale − mean) / div) per feature in the gather,
   * as Dataset.standardizedCopy computes on f32 rows. A DataError when a value would leave the f32 range.
   */
  override standardizedCopy(mean: ArrayLike<number>, div: ArrayLike<number>, std: ArrayLike<number>, scaleY: (y: Float32Array) => void): ByteDataset {
    this.checkAlive();
    if (this.meanBlock) throw new ShapeError('standardize: this byte dataset is already standardized (the statistics of raw rows apply to raw rows)');
    const be = this.xBlock.backend, d = this.features;
    checkFits(this.xBlock.view, mean, div, std);
    const y = this.yBlock.view.slice();
    scaleY(y);
    const blocks: Block[] = [];
    try {
      const table = new Block(be, 'f32', 256);
      blocks.push(table);
      table.view.set(this.xBlock.view);
      const m = new Block(be, 'f64', d);
      blocks.push(m);
      const s = new Block(be, 'f64', d);
      blocks.push(s);
      const given = { mean: Float64Array.from(mean), div: Float64Array.from(div) };
      const r = reciprocals(this.xBlock.view, given.mean, given.div);
      m.view.set(given.mean);
      s.view.set(r ?? given.div);
      return new ByteDataset(be, this.shared.retain(), this.offset, table, y, this.rows, d, this.meta, this.scale, { mean: m, div: s, recip: r !== null, given });
    } catch (e) {
      disposeAll(...blocks);
      throw e;
    }
  }

  /** Frees this dataset's memory (the bytes once no standardized copy shares them); safe to call twice. */
  override dispose(): void {
    if (this.xBlock.disposed) return;
    super.dispose();
    disposeAll(this.meanBlock, this.divBlock);
    this.shared.release();
  }
}

/** A ShapeError when a model whose kernels read f32 rows (`who`) is given a byte dataset. */
export function refuseBytes(ds: Dataset, who: string): void {
  if (ds instanceof ByteDataset) {
    throw new ShapeError(`a ${who} model reads f32 rows; byte datasets (ByteDataset, storage 'u8') train networks only: make an f32 dataset with Dataset.fromArrays(ds.x, ds.y, { features: ds.features })`);
  }
}
