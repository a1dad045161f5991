import { DataError, HyperParameterError, ShapeError, checkKeys } from '../errors.js';
import { murmurhash3String } from './murmur3.js';
import { maxWords, utf8WordHashes } from './scan.js';
import { analyzerSpec, TOKENIZER_KEYS, type AnalyzeFn, type TokenizerOptions } from './tokenizer.js';

/**
 * A sparse matrix in compressed sparse row form: row r holds `indices[indptr[r]..indptr[r+1])` (ascending, no
 * repeats) with `values` beside them. The form `Dataset.fromSparse` takes.
 */
export interface Csr {
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
  rows: number;
  features: number;
}

/** Signed counts per row, as CSR. */
interface Counts {
  indptr: Int32Array;
  indices: Int32Array;
  values: Int32Array;
}

/** Options of {@link HashingVectorizer}: the tokenizer's, then the hashing and weighting ones. */
export interface HashingOptions extends TokenizerOptions {
  /** The hash space, the number of columns: a power of two ≥ 1 (default 2^18, as scikit-learn). */
  features?: number;
  /** The MurmurHash3 seed (default 0, scikit-learn's). */
  seed?: number;
  /** Add a token's count with the sign of its hash (+1 when the signed 32-bit hash is ≥ 0, else −1), so that
   * collisions cancel on average (default true, scikit-learn's `alternate_sign`). */
  alternateSign?: boolean;
  /** tf = 1 + ln|count| (keeping the count's sign) instead of the count (default false, scikit-learn's
   * `sublinear_tf`; scikit-learn would give NaN for a negative signed count). */
  sublinearTf?: boolean;
  /** Weight each column by an idf fitted on training texts with {@link HashingVectorizer.fit} (default false):
   * idf = ln((1 + n) / (1 + df)) + 1 (scikit-learn's `smooth_idf`), n the number of texts, df how many of them
   * have the column stored. */
  tfidf?: boolean;
  /** Scale each non-empty row to unit Euclidean norm, last (default 'l2'); null leaves the weights as they are. */
  norm?: 'l2' | null;
}

/** Every option {@link HashingVectorizer} reads. */
const HASHING_KEYS: readonly string[] = [...TOKENIZER_KEYS, 'features', 'seed', 'alternateSign', 'sublinearTf', 'tfidf', 'norm'];

/**
 * Texts to sparse rows without a vocabulary: each token's UTF-8 bytes are hashed with MurmurHash3_x86_32 (`seed`),
 * as a signed 32-bit h; its column is |h| mod `features` (h = −2^31 maps to (2^31 − features) mod features, as
 * scikit-learn) and its sign that of h (`alternateSign`). Per row the signed counts of a column are summed, then
 * `sublinearTf`, idf (`tfidf`) and `norm` apply in that order, in float64, rounded to float32 at the end. This is
 * scikit-learn's `HashingVectorizer` (and `TfidfTransformer` after `HashingVectorizer(norm=None)`). A column whose
 * signed counts cancel stays a stored zero, as in `HashingVectorizer` (`TfidfTransformer` drops it; the matrices are
 * equal), and counts towards that column's document frequency, as in scikit-learn.
 */
export class HashingVectorizer {
  readonly features: number;
  readonly options: Readonly<Required<Omit<HashingOptions, keyof TokenizerOptions>>>;
  /** The fitted idf per column (float64), or null before `fit` or without `tfidf`. */
  idf: Float64Array | null = null;
  private readonly analyze: AnalyzeFn;
  private readonly spec: ReturnType<typeof analyzerSpec>;
  private readonly mask: number;

  constructor(options: HashingOptions = {}) {
    checkKeys('options', options, HASHING_KEYS);
    const features = options.features ?? 2 ** 18;
    if (!Number.isInteger(features) || features < 1 || features > 2 ** 30 || (features & (features - 1)) !== 0) {
      throw new HyperParameterError('features', `must be a power of two in [1, 2^30], got ${String(features)}`);
    }
    const seed = options.seed ?? 0;
    // MurmurHash3 takes a u32 seed: -1 or 2^40 would silently hash as another seed.
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new HyperParameterError('seed', `must be an integer in [0, 2^32 - 1], got ${String(seed)}`);
    const flag = (name: 'alternateSign' | 'sublinearTf' | 'tfidf', fallback: boolean): boolean => {
      const v = options[name] ?? fallback;
      if (typeof v !== 'boolean') throw new HyperParameterError(name, `must be a boolean, got ${String(v)}`);
      return v;
    };
    const alternateSign = flag('alternateSign', true), sublinearTf = flag('sublinearTf', false);
    const tfidf = flag('tfidf', false);
    const norm = options.norm === undefined ? 'l2' : options.norm;
    if (norm !== 'l2' && norm !== null) throw new HyperParameterError('norm', `must be 'l2' or null, got ${String(norm)}`);
    this.spec = analyzerSpec(options);
    this.analyze = this.spec.analyze;
    this.features = features;
    this.mask = features - 1;
    this.options = { features, seed, alternateSign, sublinearTf, tfidf, norm };
  }

  /** The tokens of one text, as this vectorizer sees them. */
  tokens(text: string): string[] {
    return this.analyze(text);
  }

  /** Fits the idf on training texts (needed, and only allowed, with `tfidf`). Returns this. */
  fit(texts: readonly string[]): this {
    if (!this.options.tfidf) throw new HyperParameterError('tfidf', 'fit() needs { tfidf: true }');
    checkTexts(texts);
    this.fitCounts(this.counts(texts), texts.length);
    return this;
  }

  /** The weighted rows of `texts`, one per text (an empty text gives an empty row). */
  transform(texts: readonly string[]): Csr {
    checkTexts(texts);
    if (this.options.tfidf && !this.idf) throw new HyperParameterError('tfidf', 'call fit(trainingTexts) first');
    return this.weigh(this.counts(texts), texts.length);
  }

  /** `fit(texts)` (with `tfidf`) then `transform(texts)`, tokenizing once. */
  fitTransform(texts: readonly string[]): Csr {
    checkTexts(texts);
    const counts = this.counts(texts);
    if (this.options.tfidf) this.fitCounts(counts, texts.length);
    return this.weigh(counts, texts.length);
  }

  private fitCounts(counts: Counts, n: number): void {
    const df = new Float64Array(this.features);
    for (let j = 0; j < counts.indices.length; j++) df[counts.indices[j]]++;
    const idf = new Float64Array(this.features);
    for (let c = 0; c < idf.length; c++) idf[c] = Math.log((1 + n) / (1 + df[c])) + 1;
    this.idf = idf;
  }

  /** sublinear tf, idf and norm applied to the counts (row by row in float64), rounded once to float32. */
  private weigh({ indptr, indices, values }: Counts, rows: number): Csr {
    const { sublinearTf, norm } = this.options;
    const idf = this.options.tfidf ? this.idf : null;
    const out = new Float32Array(values.length);
    let w = new Float64Array(256);
    for (let r = 0; r < rows; r++) {
      const a = indptr[r], b = indptr[r + 1];
      if (w.length < b - a) w = new Float64Array(Math.max(b - a, 2 * w.length));
      for (let j = a; j < b; j++) {
        let v = values[j];
        if (sublinearTf && v !== 0) v = v > 0 ? 1 + Math.log(v) : -(1 + Math.log(-v));
        if (idf) v *= idf[indices[j]];
        w[j - a] = v;
      }
      let scale = 1;
      if (norm === 'l2') {
        let sum = 0;
        for (let j = 0; j < b - a; j++) sum += w[j] * w[j];
        scale = Math.sqrt(sum);
      }
      if (scale === 0) scale = 1;
      for (let j = a; j < b; j++) out[j] = w[j - a] / scale;
    }
    return { indptr, indices, values: out, rows, features: this.features };
  }

  /** Signed token counts per row and column, columns ascending. */
  private counts(texts: readonly string[]): Counts {
    const { seed, alternateSign } = this.options;
    const mask = this.mask;
    // Per column, BIAS + its signed count in the current row, or 0 when the row has not touched it: one array
    // says both whether a column is stored (a count that cancels to 0 is still stored) and its count.
    const cnt = new Int32Array(this.features);
    let hashes = new Int32Array(1024);
    let utf8 = new Uint8Array(4096);
    const indptr = new Int32Array(texts.length + 1);
    let indices = new Int32Array(1024);
    let values = new Int32Array(1024);
    let nnz = 0;
    const sorter = new BucketSort(this.features);
    const { plainWords, lowercase } = this.spec;
    for (let r = 0; r < texts.length; r++) {
      let nh: number;
      if (plainWords) {
        // The default words hashed straight from the text's UTF-8 bytes: no string per token.
        const text = lowercase ? texts[r].toLowerCase() : texts[r];
        if (utf8.length <= 3 * text.length) utf8 = new Uint8Array(Math.max(3 * text.length + 1, 2 * utf8.length));
        const bytes = encoder.encodeInto(text, utf8).written;
        if (hashes.length < maxWords(bytes)) hashes = new Int32Array(Math.max(maxWords(bytes), 2 * hashes.length));
        nh = utf8WordHashes(utf8, bytes, seed, hashes);
      } else {
        const tokens = this.analyze(texts[r]);
        if (hashes.length < tokens.length) hashes = new Int32Array(Math.max(tokens.length, 2 * hashes.length));
        for (let j = 0; j < tokens.length; j++) hashes[j] = murmurhash3String(tokens[j], seed);
        nh = tokens.length;
      }
      // At most nh new columns: the row's columns go straight to `indices`, sorted there.
      if (nnz + nh > indices.length) {
        const cap = Math.max(2 * indices.length, nnz + nh);
        indices = grow(indices, cap);
        values = grow(values, cap);
      }
      const first = nnz;
      // Without branches on the data (a new column or not, the sign): they would be mispredicted about as
      // often as taken. `fresh` is 1 for a column the row has not touched yet (cnt 0), else 0.
      const signed = alternateSign ? -1 : 0; // (h >> 31) & signed | 1 is then the sign of h, else 1
      for (let j = 0; j < nh; j++) {
        const h = hashes[j];
        const c = h === -2147483648 ? (2147483647 - mask) & mask : Math.abs(h) & mask;
        const v = cnt[c];
        const fresh = (v - 1) >>> 31;
        cnt[c] = v + (((h >> 31) & signed) | 1) + fresh * BIAS;
        indices[nnz] = c;
        nnz += fresh;
      }
      sorter.sort(indices, first, nnz);
      for (let j = first; j < nnz; j++) {
        const c = indices[j];
        values[j] = cnt[c] - BIAS;
        cnt[c] = 0;
      }
      indptr[r + 1] = nnz;
    }
    return { indptr, indices: indices.slice(0, nnz), values: values.slice(0, nnz) };
  }
}

const encoder = new TextEncoder();

/**
 * Sorts distinct columns in [0, features) ascending: one bucket pass on the top bits (about as many buckets as
 * columns, so a bucket holds about one), then an insertion sort, which only has the few inversions inside buckets
 * left to undo. A row's few hundred columns sort several times faster so than with TypedArray.prototype.sort.
 */
class BucketSort {
  private readonly bits: number;
  private counts = new Int32Array(0);
  private tmp = new Int32Array(1024);

  constructor(features: number) {
    this.bits = Math.log2(features);
  }

  /** Sorts a[from..to) in place. */
  sort(a: Int32Array, from: number, to: number): void {
    const n = to - from;
    if (n > 32) {
      // 2^b buckets, the least power of two ≥ n (at most one per column): digit = column >>> (bits − b).
      const b = Math.min(this.bits, 32 - Math.clz32(n - 1));
      const shift = this.bits - b, size = 1 << b;
      if (this.counts.length < size) this.counts = new Int32Array(size);
      if (this.tmp.length < n) this.tmp = new Int32Array(Math.max(n, 2 * this.tmp.length));
      const counts = this.counts, tmp = this.tmp;
      counts.fill(0, 0, size);
      for (let i = from; i < to; i++) counts[a[i] >>> shift]++;
      for (let d = 0, sum = 0; d < size; d++) {
        const c = counts[d];
        counts[d] = sum;
        sum += c;
      }
      for (let i = from; i < to; i++) tmp[counts[a[i] >>> shift]++] = a[i];
      a.set(tmp.subarray(0, n), from);
    }
    for (let i = from + 1; i < to; i++) {
      const v = a[i];
      let j = i - 1;
      while (j >= from && a[j] > v) a[j + 1] = a[j--];
      a[j + 1] = v;
    }
  }
}

// A row's count of a column lies in (−2^30, 2^30): a string holds fewer than 2^30 UTF-16 units.
const BIAS = 2 ** 30;

/**
 * Texts and labels to CSR rows and a label vector, validated before anything is allocated: what
 * `Dataset.fromText(texts, labels, options)` builds on. Labels must be finite numbers, one per text.
 */
export function vectorizeLabeled(
  texts: readonly string[],
  labels: ArrayLike<number>,
  options: HashingOptions = {},
): { x: Csr; y: Float32Array; vectorizer: HashingVectorizer } {
  checkTexts(texts);
  if (labels === null || typeof labels !== 'object' || typeof labels.length !== 'number') {
    throw new ShapeError('labels must be an array of numbers');
  }
  if (labels.length !== texts.length) {
    throw new ShapeError(`labels has ${labels.length} values for ${texts.length} texts`);
  }
  for (let r = 0; r < labels.length; r++) {
    const v = labels[r];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new DataError(`label of row ${r} is ${String(v)}, not a finite number`, { row: r });
  }
  const vectorizer = new HashingVectorizer(options);
  return { x: vectorizer.fitTransform(texts), y: Float32Array.from(labels), vectorizer };
}

/** Throws a DataError unless `texts` is a non-empty array of strings (naming the first bad row). */
export function checkTexts(texts: readonly string[]): void {
  if (!Array.isArray(texts)) throw new DataError('texts must be an array of strings');
  if (texts.length === 0) throw new DataError('texts is empty: there is nothing to vectorize');
  for (let r = 0; r < texts.length; r++) {
    if (typeof texts[r] !== 'string') {
      throw new DataError(`text of row ${r} is ${texts[r] === null ? 'null' : typeof texts[r]}, not a string`, { row: r });
    }
  }
}

function grow(a: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
