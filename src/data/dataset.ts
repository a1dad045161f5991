// A Dataset: a row-major f32 matrix X (rows × features) and f32 targets y in backend memory, checked on the way in
// (no NaN, Infinity or ragged row reaches a kernel). Its subclass SparseDataset (CSR rows, made by Dataset.fromSparse
// and fromText from sparse.ts's checked parts) lives here too: a base class that makes its subclass needs both.
import { DataError, DisposedError, HyperParameterError, ShapeError } from '../errors.js';
import { backend, type Backend } from '../runtime/index.js';
import { onlyKeys, show } from '../validate.js';
import { Block, disposeAll } from '../runtime/block.js';
import { parseCSV } from './csv/read.js';
import { parseNumericCSV } from './csv/numeric.js';
import type { CSVOptions } from './csv/options.js';
import { builtinCatalog, builtinNames, isBuiltinName, type BuiltinName } from './catalog.js';
import { fileHost } from './host.js';
import { columnStats, standardizeRows } from './standardize.js';
import { checkMeta, type DatasetMeta } from './meta.js';
import type { HashingVectorizer } from '../text/hashing.js';
import { sparseParts, textParts, type CheckedCsr, type FromSparseOptions, type FromTextOptions, type SparseParts, type SparseRows } from './sparse.js';
import type { ImageFolderOptions } from './image.js';
import { F32_MAX, arrayLike, badValue, toFlatMatrix, toRowTargets, toTargets, type Matrix } from './matrix.js';
import { splitRows, type SplitOptions } from './split-rows.js';

export type { DatasetMeta } from './meta.js';
export { F32_MAX, badValue, toFlatMatrix, toTargets, type Matrix };

/** Options of {@link Dataset.fromArrays}. */
export interface FromArraysOptions extends DatasetMeta {
  /** Number of features (columns); required for a flat x, checked against rows for number[][]. */
  features?: number;
}

/** Options of {@link Dataset.fromCSV}: the CSV reading options (see {@link CSVOptions}). */
export type FromCSVOptions = CSVOptions;

function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

/** Samples for training and evaluation, in backend memory. Call dispose() when done. */
export class Dataset {
  /** Number of samples. */
  readonly rows: number;
  /** Number of features per sample. */
  readonly features: number;
  /** Targets per sample: 1, or T for a sequence model's label at each of T positions (y holds rows × T). */
  readonly targetsPerRow: number;
  /** Feature names, when known (CSV header, built-ins). */
  readonly featureNames?: readonly string[];
  /** The target column's name, when known. */
  readonly targetName?: string;
  /** Class names in label order, when labels were mapped from names (label i is classes[i]). */
  readonly classes?: readonly string[];
  /** [channels, height, width] when the rows are images (mnist: [1, 28, 28], digits: [1, 8, 8]). */
  readonly imageShape?: readonly number[];
  /** How {@link fromCSV} read its text: whether the first row was a header (`header: 'auto'` guesses) and the delimiter. */
  csv?: { readonly header: boolean; readonly delimiter: string };
  /** The vectorizer of a text dataset ({@link Dataset.fromText}): `vectorizer.transform(texts)` gives rows for predict. */
  readonly vectorizer?: HashingVectorizer;
  /** @internal */ readonly xBlock: Block<'f32'>;
  /** @internal */ readonly yBlock: Block<'f32'>;
  /**
   * @internal Label rules this dataset already passed ('logistic', 'classes:k'): the targets never
   * change after construction, so a model checks them once, not on every train() call.
   */
  readonly labelsChecked = new Set<string>();
  /**
   * @internal stats() of the rows as they are: computed once (a pass over every value, which train() asks for
   * on each call by default), forgotten when standardize() changes the rows.
   */
  protected statsMemo: { mean: Float64Array; std: Float64Array } | null = null;

  /** @internal the dataset's part of a run descriptor: its matrix and targets (f32 rows: xStorage 0, see data/bytes.ts). */
  runFields(): { X: number; y: number; csrIndptr: number; csrIndices: number; xStorage?: number } {
    return { X: this.xBlock.ptr, y: this.yBlock.ptr, csrIndptr: 0, csrIndices: 0, xStorage: 0 };
  }

  /** True for a sparse (CSR) dataset, made by {@link Dataset.fromSparse} or {@link Dataset.fromText}. */
  get sparse(): boolean {
    return false;
  }

  /** @internal `x` is the dense matrix, or (a sparse dataset) the already filled block of its stored values. */
  protected constructor(be: Backend, x: Float32Array | Block<'f32'>, y: Float32Array, rows: number, features: number, meta: DatasetMeta = {}) {
    this.rows = rows;
    this.features = features;
    this.targetsPerRow = rows > 0 ? y.length / rows : 1;
    if (meta.featureNames) this.featureNames = Object.freeze([...meta.featureNames]);
    if (meta.targetName !== undefined) this.targetName = meta.targetName;
    if (meta.classes) this.classes = Object.freeze([...meta.classes]);
    if (meta.imageShape) this.imageShape = Object.freeze([...meta.imageShape]);
    const xb = x instanceof Block ? x : new Block(be, 'f32', rows * features);
    let yb: Block<'f32'>;
    try {
      yb = new Block(be, 'f32', y.length);
    } catch (e) {
      xb.dispose();
      throw e;
    }
    if (!(x instanceof Block)) xb.view.set(x);
    yb.view.set(y);
    this.xBlock = xb;
    this.yBlock = yb;
  }

  /**
   * Builds a dataset from a matrix and targets: x as a row-major Float32Array with `{ features }`,
   * or as number[][]; y one number per row (class index for classifiers, value for regression), or T per
   * row for a network that predicts at each of T positions (number[][] of T, or flat rows·T; see
   * {@link targetsPerRow}). Every value must be finite; errors name the row and column.
   */
  static fromArrays(x: Matrix, y: ArrayLike<number>, options: FromArraysOptions = {}): Dataset {
    return Dataset.fromArraysOn(backend(), x, y, options);
  }

  /**
   * @internal {@link fromArrays} on a given backend: objects derived from a model or a dataset (a batch
   * of partialFit, a stream's batch) are made on that object's backend, not the current one.
   */
  static fromArraysOn(be: Backend, x: Matrix, y: ArrayLike<number>, options: FromArraysOptions = {}): Dataset {
    if (options === null || typeof options !== 'object') throw new HyperParameterError('options', `must be an object, got ${show(options)}`);
    onlyKeys('options', options, ['features', 'featureNames', 'targetName', 'classes', 'imageShape']);
    const m = toFlatMatrix(x, options.features);
    if (m.rows === 0) throw new ShapeError('x has zero rows; a dataset needs at least one sample');
    const { y: yf } = toRowTargets(y, m.rows, m.features);
    const meta = checkMeta(options, m.features);
    if (meta.classes) {
      const k = meta.classes.length, T = yf.length / m.rows;
      for (let i = 0; i < yf.length; i++) {
        if (!(Number.isInteger(yf[i]) && yf[i] >= 0 && yf[i] < k)) {
          const r = Math.floor(i / T), at = T > 1 ? `row ${r}, position ${i - r * T}` : `row ${r}`;
          throw new DataError(`y: ${at} is ${yf[i]}, not a class index in [0, ${k - 1}] (classes has ${k} names)`, { row: r, column: m.features });
        }
      }
    }
    return new Dataset(be, m.data, yf, m.rows, m.features, meta);
  }

  /** CSR rows and one target per row, kept as CSR in backend memory (checks: data/sparse.ts); linear models only. */
  static fromSparse(csr: SparseRows, y: ArrayLike<number>, options: FromSparseOptions): Dataset {
    return SparseDataset.of(backend(), sparseParts(csr, y, options));
  }

  /** Hashed text features (HashingVectorizer, 2^18 by default) and labels (numbers, or strings via `classes`), sparse. */
  static fromText(texts: readonly string[], labels: ArrayLike<number> | readonly string[], options: FromTextOptions = {}): Dataset {
    return SparseDataset.of(backend(), textParts(texts, labels, options));
  }

  /**
   * Reads a CSV file (Node) or CSV text (a string with a line break; in a browser, fetch the text and pass it).
   * By default the delimiter is sniffed (',', ';', tab, '|'), a first row of numbers only is data, any other
   * names the columns (`ds.csv` says what was found), and the target is the last column; {@link CSVOptions}
   * chooses the target, class names (kept in `classes`), one-hot targets and missing values. Every error is a
   * DataError (or HyperParameterError for a bad option) naming the line and column.
   */
  static fromCSV(pathOrText: string, options: FromCSVOptions = {}): Dataset {
    if (typeof pathOrText !== 'string') throw new HyperParameterError('fromCSV', `expects a path or CSV text, got ${typeof pathOrText}`);
    const isText = /[\r\n]/.test(pathOrText);
    const text = isText ? pathOrText : fileHost('Dataset.fromCSV(path)').readText(pathOrText);
    const source = options?.source ?? (isText ? 'csv' : baseName(pathOrText));
    const t = parseCSV(text, { ...options, source });
    const ds = Dataset.fromArrays(t.x, t.y, {
      features: t.features, featureNames: t.featureNames, targetName: t.target ?? undefined, classes: t.classes,
    });
    ds.csv = Object.freeze({ header: t.header, delimiter: t.delimiter });
    return ds;
  }

  /**
   * A built-in dataset (Node; data/README.md gives the sources): `'digits'`, `'breast-cancer'`, `'diabetes'`, `'wine'`,
   * `'iris'`, `'mnist'` (pixels byte/255, px0…px783, with `imageShape`), or `'mnist-full'`/`'fashion-mnist'` (60,000 training
   * then 10,000 test rows; see descent-ml/datasets). Raw features; `split({ every: 5 })` is {@link builtinCatalog}'s split.
   */
  static builtin(name: BuiltinName): Dataset {
    if (!isBuiltinName(name)) {
      throw new HyperParameterError('dataset', `unknown built-in dataset ${JSON.stringify(name)}; expected one of ${builtinNames.join(', ')}`);
    }
    const info = builtinCatalog[name];
    const host = fileHost('a built-in dataset');
    const imageShape = { ...(info.imageShape ? { imageShape: info.imageShape } : {}), ...(info.classNames ? { classes: info.classNames } : {}) };
    if (info.format) {
      // Decoded by the Node entry's host (data/mnist-node.ts, data/mnist-full.ts), so the decoders stay out of browser bundles.
      if (!host.builtinImages) throw new DataError(`built-in dataset ${name} needs the Node entry (descent/node)`);
      const t = host.builtinImages(name);
      return Dataset.fromArrays(t.x, t.y, {
        features: t.features, featureNames: Array.from({ length: t.features }, (_, i) => `px${i}`), targetName: info.target, ...imageShape,
      });
    }
    const t = parseNumericCSV(host.builtinText(name), `${name}.csv`);
    return Dataset.fromArrays(t.x, t.y, {
      features: t.features, featureNames: t.columns.slice(0, t.features), targetName: info.target, ...imageShape,
    });
  }

  /**
   * Node: PNG images in `dir/<class>/*.png` (classes: the sorted folder names) as [C, H, W] rows, as imageToRow
   * makes them; a corrupted PNG, a wrong size (without `resize: true`) or an empty folder is a DataError naming it.
   */
  static fromImageFolder(dir: string, options: ImageFolderOptions = {}): Dataset {
    const host = fileHost('Dataset.fromImageFolder');
    if (!host.imageFolder) throw new DataError('Dataset.fromImageFolder needs the Node entry (descent-ml/node)');
    const t = host.imageFolder(dir, options);
    return Dataset.fromArrays(t.x, t.y, { features: t.features, classes: t.classes, imageShape: t.imageShape, targetName: 'class' });
  }

  /** The names carried along (feature names, target name, classes). */
  get meta(): DatasetMeta {
    const m: DatasetMeta = {};
    if (this.featureNames) m.featureNames = this.featureNames;
    if (this.targetName !== undefined) m.targetName = this.targetName;
    if (this.classes) m.classes = this.classes;
    if (this.imageShape) m.imageShape = this.imageShape;
    return m;
  }

  /** A copy of the features, row-major. */
  get x(): Float32Array {
    return this.xBlock.view.slice();
  }

  /** A copy of the targets. */
  get y(): Float32Array {
    return this.yBlock.view.slice();
  }

  /** The backend that holds this dataset. */
  get backendName(): string {
    return this.xBlock.backend.name;
  }

  /** A new dataset of the given rows, in that order. */
  subset(rows: ArrayLike<number>): Dataset {
    if (rows === null || typeof rows !== 'object' || typeof rows.length !== 'number') {
      throw new ShapeError(`subset: rows must be an array of row indices, got ${show(rows)}`);
    }
    if (this.xBlock.disposed) throw new DisposedError('the dataset was disposed');
    const d = this.features, T = this.targetsPerRow;
    const xs = this.xBlock.view;
    const ys = this.yBlock.view;
    const x = new Float32Array(rows.length * d);
    const y = new Float32Array(rows.length * T);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (!Number.isInteger(r) || r < 0 || r >= this.rows) throw new ShapeError(`subset: row ${r} is out of range [0, ${this.rows})`);
      x.set(xs.subarray(r * d, r * d + d), i * d);
      y.set(ys.subarray(r * T, r * T + T), i * T);
    }
    if (rows.length === 0) throw new ShapeError('subset: zero rows');
    // On this dataset's backend, whatever init() chose since: split halves must train with models made beside it.
    return new Dataset(this.xBlock.backend, x, y, rows.length, d, this.meta);
  }

  /**
   * Splits into train and test. `{ every: 5 }` puts rows whose index is divisible by 5 in the test set
   * (the rule of data/README.md); `{ testFraction, seed }` draws a seeded random split.
   */
  split(options: SplitOptions): { train: Dataset; test: Dataset } {
    const { trainRows, testRows } = splitRows(this.rows, options);
    const train = this.subset(trainRows);
    try {
      return { train, test: this.subset(testRows) };
    } catch (e) {
      train.dispose();
      throw e;
    }
  }

  /** Per-feature mean and standard deviation (population, as scikit-learn's StandardScaler), in one stable pass. */
  stats(): { mean: Float64Array; std: Float64Array } {
    // Welford's one-pass update (the streaming Moments' arithmetic), so streamed and in-memory agree bit for bit.
    if (this.xBlock.disposed) throw new DisposedError('the dataset was disposed');
    this.statsMemo ??= columnStats(this.xBlock.backend, this.xBlock, this.rows, this.features);
    return { mean: this.statsMemo.mean.slice(), std: this.statsMemo.std.slice() };
  }

  /**
   * Standardizes features in place with the given statistics (fit them on the training set: `train.stats()`).
   * A constant feature (std 0) is only centred, as scikit-learn does.
   */
  standardize(stats: { mean: ArrayLike<number>; std: ArrayLike<number> }): this {
    if (stats === null || typeof stats !== 'object' || !stats.mean || !stats.std) {
      throw new ShapeError('standardize: statistics must be { mean, std }, as stats() returns');
    }
    const d = this.features;
    if (stats.mean.length !== d || stats.std.length !== d) {
      throw new ShapeError(`standardize: statistics have ${stats.mean.length} features, dataset has ${d}`);
    }
    for (let c = 0; c < d; c++) {
      // A NaN or infinite statistic would silently turn every value of the column into garbage.
      for (const [name, v] of [['mean', stats.mean[c]], ['std', stats.std[c]]] as const) {
        if (typeof v !== 'number' || !(Math.abs(v) <= F32_MAX) || (name === 'std' && v < 0)) {
          throw new DataError(`standardize: ${name}[${c}] is ${show(v)}; it must be a finite number${name === 'std' ? ' ≥ 0' : ''}`, { column: c });
        }
      }
    }
    const div = Float64Array.from(stats.std, (s) => (s > 0 ? s : 1));
    // Into a fresh block, kept only when every value fits: a tiny std (1e-40) would turn values into
    // ±Infinity half-way through the data.
    const t = this.standardizedX(stats.mean, div, stats.std);
    this.xBlock.view.set(t.view);
    t.dispose();
    this.statsMemo = null;
    return this;
  }

  /**
   * @internal A copy standardized with mean and divisor (the preprocessing train() fits) in one pass in the
   * backend, its targets mapped by `scaleY`; the caller disposes it. Values leaving the f32 range: a DataError.
   */
  standardizedCopy(mean: ArrayLike<number>, div: ArrayLike<number>, std: ArrayLike<number>, scaleY: (y: Float32Array) => void): Dataset {
    if (this.xBlock.disposed) throw new DisposedError('the dataset was disposed');
    if (this.sparse) throw new ShapeError('standardize: a sparse dataset is not standardized (centring would fill every column)');
    const x = this.standardizedX(mean, div, std);
    try {
      const y = this.yBlock.view.slice();
      scaleY(y);
      return new Dataset(this.xBlock.backend, x, y, this.rows, this.features, this.meta);
    } catch (e) {
      x.dispose();
      throw e;
    }
  }

  /** The standardized features in a new block (freed, and a DataError naming row and column, on overflow). */
  private standardizedX(mean: ArrayLike<number>, div: ArrayLike<number>, std: ArrayLike<number>): Block<'f32'> {
    const be = this.xBlock.backend, d = this.features;
    const t = new Block(be, 'f32', this.rows * d);
    const bad = standardizeRows(be, t, this.xBlock, this.rows, d, mean, div);
    if (bad < 0) return t;
    t.dispose();
    const r = Math.floor(bad / d), c = bad % d;
    const v = (this.xBlock.view[bad] - mean[c]) / div[c];
    throw new DataError(`standardize: row ${r}, column ${c} becomes ${v} (std ${std[c]} is too small for float32)`, { row: r, column: c });
  }

  /** Frees the dataset's memory; safe to call twice. */
  dispose(): void {
    disposeAll(this.xBlock, this.yBlock);
  }
}

/** A dataset of CSR rows in backend memory. Made by `Dataset.fromSparse` and `Dataset.fromText`; dispose() when done. */
export class SparseDataset extends Dataset {
  /** Stored entries (nonzeros) over all rows. */
  readonly nnz: number;
  /** The vectorizer that made the rows (`Dataset.fromText`): `vectorizer.transform(texts)` gives rows for predict. */
  declare readonly vectorizer?: HashingVectorizer;
  /** @internal */ readonly indptrBlock: Block<'i32'>;
  /** @internal */ readonly indicesBlock: Block<'i32'>;

  /** @internal allocates the three CSR blocks and the targets; `csr` and `y` are already checked. */
  constructor(be: Backend, csr: CheckedCsr, y: Float32Array, features: number, meta: DatasetMeta, vectorizer?: HashingVectorizer) {
    // Blocks of at least one element: a dataset of empty rows is legal, an allocation of 0 bytes is not.
    const nnz = csr.indices.length;
    const blocks: Block[] = [];
    let values: Block<'f32'>, indptr: Block<'i32'>, indices: Block<'i32'>;
    try {
      values = new Block(be, 'f32', Math.max(1, nnz));
      blocks.push(values);
      indptr = new Block(be, 'i32', csr.rows + 1);
      blocks.push(indptr);
      indices = new Block(be, 'i32', Math.max(1, nnz));
      blocks.push(indices);
    } catch (e) {
      disposeAll(...blocks);
      throw e;
    }
    values.view.set(csr.values);
    super(be, values, y, csr.rows, features, meta);
    indptr.view.set(csr.indptr);
    indices.view.set(csr.indices);
    this.indptrBlock = indptr;
    this.indicesBlock = indices;
    this.nnz = nnz;
    if (vectorizer) this.vectorizer = vectorizer;
  }

  /** @internal allocates checked parts (sparse.ts's sparseParts / textParts). */
  static of(be: Backend, p: SparseParts): SparseDataset {
    return new SparseDataset(be, p.csr, p.y, p.features, p.meta, p.vectorizer);
  }

  override get sparse(): boolean {
    return true;
  }

  /** @internal the run descriptor's data slots: the values as X, and the CSR row starts and columns. */
  override runFields(): { X: number; y: number; csrIndptr: number; csrIndices: number } {
    return { X: this.xBlock.ptr, y: this.yBlock.ptr, csrIndptr: this.indptrBlock.ptr, csrIndices: this.indicesBlock.ptr };
  }

  /** A copy of the rows in CSR form. */
  get csr(): CheckedCsr {
    if (this.xBlock.disposed) throw new DisposedError('the dataset was disposed');
    return {
      indptr: this.indptrBlock.view.slice(), indices: this.indicesBlock.view.slice(0, this.nnz),
      values: this.xBlock.view.slice(0, this.nnz), rows: this.rows,
    };
  }

  /** A sparse dataset has no dense copy (rows × 2^18 floats would not fit): read `csr` instead. */
  override get x(): Float32Array {
    throw new ShapeError(`this dataset is sparse (${this.rows} × ${this.features}, ${this.nnz} stored); read .csr instead of .x`);
  }

  /** A new sparse dataset of the given rows, in that order (same vectorizer). */
  override subset(rows: ArrayLike<number>): Dataset {
    if (!arrayLike(rows)) throw new ShapeError(`subset: rows must be an array of row indices, got ${show(rows)}`);
    if (rows.length === 0) throw new ShapeError('subset: zero rows');
    if (this.xBlock.disposed) throw new DisposedError('the dataset was disposed');
    const ip = this.indptrBlock.view;
    let nnz = 0;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (!Number.isInteger(r) || r < 0 || r >= this.rows) throw new ShapeError(`subset: row ${r} is out of range [0, ${this.rows})`);
      nnz += ip[r + 1] - ip[r];
    }
    const out: CheckedCsr = { indptr: new Int32Array(rows.length + 1), indices: new Int32Array(nnz), values: new Float32Array(nnz), rows: rows.length };
    const ix = this.indicesBlock.view, vs = this.xBlock.view, ys = this.yBlock.view;
    const y = new Float32Array(rows.length);
    let q = 0;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      out.indices.set(ix.subarray(ip[r], ip[r + 1]), q);
      out.values.set(vs.subarray(ip[r], ip[r + 1]), q);
      q += ip[r + 1] - ip[r];
      out.indptr[i + 1] = q;
      y[i] = ys[r];
    }
    return new SparseDataset(this.xBlock.backend, out, y, this.features, this.meta, this.vectorizer);
  }

  /** Not for sparse rows: centring would store every column. */
  override stats(): { mean: Float64Array; std: Float64Array } {
    throw new ShapeError('stats: a sparse dataset is not standardized (centring would fill every column); hashed text rows are l2-normalized instead');
  }

  /** Not for sparse rows (see stats). */
  override standardize(): this {
    throw new ShapeError('standardize: a sparse dataset is not standardized (centring would fill every column)');
  }

  /** Frees the dataset's memory; safe to call twice. */
  override dispose(): void {
    super.dispose();
    disposeAll(this.indptrBlock, this.indicesBlock);
  }
}
