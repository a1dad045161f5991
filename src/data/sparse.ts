// Sparse rows: compressed sparse row form (CSR), for the linear models on hashed text features (2^18 columns, a
// few hundred stored per row). This file checks and builds what a sparse dataset is made of — CSR arrays, targets,
// names, the vectorizer of a text dataset — without allocating anything: a bad row start or column would
// otherwise be an out-of-bounds read inside WASM. SparseDataset (data/dataset.ts, beside Dataset, whose
// fromSparse/fromText make it) puts the parts in backend memory, so the dependency runs one way: dataset.ts
// imports this file, never the reverse.
import { DataError, HyperParameterError, ShapeError } from '../errors.js';
import { show, onlyKeys } from '../validate.js';
import { F32_MAX, arrayLike, badValue, toTargets } from './matrix.js';
import type { Block } from '../runtime/block.js';
import type { DatasetMeta } from './meta.js';
import { HashingVectorizer, type HashingOptions } from '../text/hashing.js';

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

/** Checked CSR arrays, as the kernels take them. */
export interface CheckedCsr {
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
  rows: number;
}

/**
 * Checks CSR rows against `features` columns and copies them into typed arrays: indptr starts at 0, never
 * decreases and ends at the number of entries; indices and values have that many entries; each index is an
 * integer in [0, features), strictly ascending within its row (no repeats); each value is a finite float32.
 * Throws ShapeError (structure) or DataError (an entry) naming the row and the entry.
 */
export function checkCsr(csr: SparseRows, features: number, what = 'csr'): CheckedCsr {
  if (csr === null || typeof csr !== 'object') throw new ShapeError(`${what} must be { indptr, indices, values }, got ${show(csr)}`);
  for (const k of ['indptr', 'indices', 'values'] as const) {
    if (!arrayLike(csr[k])) throw new ShapeError(`${what}.${k} must be an array, got ${show(csr[k])}`);
  }
  if (!(Number.isInteger(features) && features >= 1 && features <= 2 ** 31 - 1)) {
    throw new ShapeError(`${what}: features must be an integer in [1, 2^31 − 1], got ${show(features)}`);
  }
  const ip = csr.indptr as ArrayLike<unknown>, ix = csr.indices as ArrayLike<unknown>, vs = csr.values as ArrayLike<unknown>;
  if (ip.length < 1) throw new ShapeError(`${what}.indptr is empty: it needs rows + 1 entries, starting at 0`);
  const rows = ip.length - 1;
  const nnz = ix.length;
  if (vs.length !== nnz) throw new ShapeError(`${what}: indices has ${nnz} entries but values has ${vs.length}`);
  if (ip[0] !== 0) throw new ShapeError(`${what}.indptr[0] is ${show(ip[0])}; it must be 0`);
  if (ip[rows] !== nnz) throw new ShapeError(`${what}.indptr[${rows}] (the last) is ${show(ip[rows])}; it must be the number of entries, ${nnz}`);
  const indptr = new Int32Array(rows + 1);
  for (let r = 1; r <= rows; r++) {
    const v = ip[r];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < indptr[r - 1] || v > nnz) {
      throw new ShapeError(`${what}.indptr[${r}] is ${show(v)}: row ${r - 1} would end before it starts (${indptr[r - 1]}) or past the ${nnz} entries; indptr must be integers that never decrease`);
    }
    indptr[r] = v;
  }
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  for (let r = 0; r < rows; r++) {
    for (let p = indptr[r], prev = -1; p < indptr[r + 1]; p++) {
      const c = ix[p];
      if (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c >= features) {
        throw new DataError(`${what}: row ${r}, entry ${p}: column ${show(c)} is not an integer in [0, ${features})`, { row: r, column: typeof c === 'number' ? c : undefined });
      }
      if (c <= prev) {
        throw new DataError(`${what}: row ${r}, entry ${p}: column ${c} comes after column ${prev}; columns must be strictly ascending within a row (sum repeats first)`, { row: r, column: c });
      }
      const v = vs[p];
      if (typeof v !== 'number' || !(Math.abs(v) <= F32_MAX)) {
        throw new DataError(`${what}: row ${r}, column ${c} (entry ${p}) is ${badValue(v)}`, { row: r, column: c });
      }
      indices[p] = c;
      values[p] = v;
      prev = c;
    }
  }
  return { indptr, indices, values, rows };
}

function checkOptions(o: unknown, who: string): void {
  if (o === null || typeof o !== 'object') throw new HyperParameterError('options', `${who}: must be an object, got ${show(o)}`);
}

/** Class indices in [0, k) when `classes` names k classes. */
function checkClassIndices(y: Float32Array, classes: readonly string[] | undefined, column: number): void {
  if (!classes) return;
  if (!Array.isArray(classes) || classes.length < 2 || !classes.every((c) => typeof c === 'string')) {
    throw new ShapeError('classes must be at least two class names (strings)');
  }
  for (let r = 0; r < y.length; r++) {
    if (!(Number.isInteger(y[r]) && y[r] >= 0 && y[r] < classes.length)) {
      throw new DataError(`y: row ${r} is ${y[r]}, not a class index in [0, ${classes.length - 1}] (classes has ${classes.length} names)`, { row: r, column });
    }
  }
}

/** What a sparse dataset is made of, checked: `Dataset.fromSparse` and `Dataset.fromText` allocate it. */
export interface SparseParts {
  csr: CheckedCsr;
  y: Float32Array;
  features: number;
  meta: DatasetMeta;
  vectorizer?: HashingVectorizer;
}

/** The checked parts of `Dataset.fromSparse(csr, y, options)`; nothing is allocated in backend memory. */
export function sparseParts(csr: SparseRows, y: ArrayLike<number>, options: FromSparseOptions): SparseParts {
  checkOptions(options, 'fromSparse');
  onlyKeys('options', options, ['features', 'targetName', 'classes']);
  if (options.features === undefined) throw new ShapeError('fromSparse: { features } (the number of columns) is required');
  const m = checkCsr(csr, options.features);
  if (m.rows === 0) throw new ShapeError('fromSparse: zero rows; a dataset needs at least one sample');
  const yf = toTargets(y, m.rows, options.features);
  checkClassIndices(yf, options.classes, options.features);
  const meta: DatasetMeta = {};
  if (options.targetName !== undefined) {
    if (typeof options.targetName !== 'string') throw new ShapeError('targetName must be a string');
    meta.targetName = options.targetName;
  }
  if (options.classes) meta.classes = options.classes;
  return { csr: m, y: yf, features: options.features, meta };
}

/** Labels to targets: numbers as they are, strings through `classes` (default: the distinct labels, sorted). */
function textTargets(labels: unknown, n: number, classes: readonly string[] | undefined, column: number): { y: Float32Array; classes?: readonly string[] } {
  if (!arrayLike(labels)) throw new ShapeError(`labels must be an array (numbers or strings), one per text, got ${show(labels)}`);
  if (labels.length !== n) throw new ShapeError(`labels has ${labels.length} values for ${n} texts`);
  if (n > 0 && typeof labels[0] === 'string') {
    for (let r = 0; r < n; r++) {
      if (typeof labels[r] !== 'string') throw new DataError(`labels: row ${r} is ${show(labels[r])}, but row 0 is a string; labels are all strings or all numbers`, { row: r });
    }
    const names: readonly string[] = classes ?? [...new Set(Array.from(labels as ArrayLike<string>))].sort();
    const index = new Map(names.map((c, i) => [c, i]));
    const y = new Float32Array(n);
    for (let r = 0; r < n; r++) {
      const i = index.get(labels[r] as string);
      if (i === undefined) throw new DataError(`labels: row ${r} is ${JSON.stringify(labels[r])}, not one of classes ${JSON.stringify(names)}`, { row: r });
      y[r] = i;
    }
    return { y, classes: names };
  }
  const y = toTargets(labels, n, column, 'labels');
  return classes ? { y, classes } : { y };
}

/** The checked parts of `Dataset.fromText(texts, labels, options)`: the hashed rows and their vectorizer. */
export function textParts(texts: readonly string[], labels: ArrayLike<number> | readonly string[], options: FromTextOptions = {}): SparseParts {
  checkOptions(options, 'fromText');
  const { classes, targetName, ...hashing } = options;
  if (!Array.isArray(texts)) throw new DataError(`texts must be an array of strings, got ${show(texts)}`);
  if (texts.length === 0) throw new ShapeError('texts is empty; a dataset needs at least one sample');
  for (let r = 0; r < texts.length; r++) {
    const t = texts[r] as unknown;
    if (typeof t !== 'string') throw new DataError(`texts: row ${r} is ${show(t)}, not a string`, { row: r });
    if (t.trim() === '') throw new DataError(`texts: row ${r} is empty; every text needs some content`, { row: r });
  }
  // The vectorizer checks its own options before the labels are read; nothing is allocated in backend memory yet.
  const vectorizer = new HashingVectorizer(hashing);
  const t = textTargets(labels, texts.length, classes, vectorizer.features);
  checkClassIndices(t.y, t.classes, vectorizer.features);
  const x = vectorizer.fitTransform(texts);
  const meta: DatasetMeta = {};
  if (t.classes) meta.classes = t.classes;
  if (targetName !== undefined) {
    if (typeof targetName !== 'string') throw new ShapeError('targetName must be a string');
    meta.targetName = targetName;
  }
  return { csr: { ...x }, y: t.y, features: vectorizer.features, meta, vectorizer };
}

/** True when `x` looks like CSR rows ({ indptr, indices, values }) rather than a dense matrix. */
export function isSparseRows(x: unknown): x is SparseRows {
  return x !== null && typeof x === 'object' && 'indptr' in x && 'indices' in x && 'values' in x;
}

/**
 * z = W·x + b for each CSR row (rows × k, f64), W class-major (k × d) then the k biases in `p`: the linear
 * models' decision on sparse rows, as Model.decisionOf on dense ones.
 */
export function csrDecision(p: Float32Array, d: number, k: number, csr: { indptr: Int32Array; indices: Int32Array; values: Float32Array }, rows: number): Float64Array {
  const { indptr, indices, values } = csr;
  const out = new Float64Array(rows * k);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < k; c++) {
      let s = p[k * d + c];
      for (let q = indptr[r]; q < indptr[r + 1]; q++) s += p[c * d + indices[q]] * values[q];
      out[r * k + c] = s;
    }
  }
  return out;
}

/** The decision of a model's parameters on a sparse dataset (a SparseDataset's blocks), read in place. */
export function datasetDecision(p: Float32Array, d: number, k: number,
  ds: { indptrBlock: Block<'i32'>; indicesBlock: Block<'i32'>; xBlock: Block<'f32'>; rows: number }): Float64Array {
  return csrDecision(p, d, k, { indptr: ds.indptrBlock.view, indices: ds.indicesBlock.view, values: ds.xBlock.view }, ds.rows);
}
