// The options of the CSV readers (whole text and streaming), their validation and defaults, and the shape of
// a parsed table. Both readers and CsvSchema start from ResolvedCSVOptions, so they share every rule.
import { HyperParameterError } from '../../errors.js';
import { onlyKeys, show } from '../../validate.js';

/** A column named by its header name, or by its 0-based index (negative counts from the end: -1 is the last). */
export type ColumnRef = string | number;

/**
 * How the target column becomes numbers:
 * - `'auto'` (default): numbers are kept as they are (regression, or classes already 0..k-1); if any
 *   target cell is text, the column is read as `'integer'`.
 * - `'none'`: a numeric target, kept as it is (regression); text is an error.
 * - `'integer'`: class labels (numbers or names) mapped to 0..k-1 in sorted order (numeric order when
 *   all labels are numbers), the mapping kept in `classes`.
 * - `'onehot'`: the target is several 0/1 columns (`target: [...]`), exactly one 1 per row; the label is
 *   the index of the 1, and `classes` are those columns' names.
 */
export type LabelMode = 'auto' | 'none' | 'integer' | 'onehot';

/**
 * What a missing cell (empty, `NA`, `N/A`, `NaN`, `nan`, `null`, `?` — see `missingValues`) does:
 * - `'error'` (default): a DataError naming the line and column.
 * - `'drop'`: the row is skipped.
 * - `'mean'`: a missing feature takes its column's mean over the rows where it is present; a row whose
 *   target is missing is skipped (a target cannot be imputed). Needs the whole file, so not for streams.
 */
export type MissingPolicy = 'error' | 'drop' | 'mean';

/** Options of `Dataset.fromCSV` (and, but for `missing`, of `csvBatches`). */
export interface CSVOptions {
  /** The target column (name or index), the columns of a one-hot target, or `null` for none. Default: the last column. */
  target?: ColumnRef | readonly ColumnRef[] | null;
  /** The feature columns, in this order. Default: every column but the target. */
  features?: readonly ColumnRef[];
  /**
   * Whether the first row names the columns; without a header, columns are named "0", "1", … Default
   * `'auto'`: a first row whose cells are all numbers is data, any other is a header (the table's `header`
   * says which). Streams (csvBatches, csvStats) decide from the same first row, by the same rule.
   */
  header?: boolean | 'auto';
  /**
   * The cell separator, one character such as `','`, `';'`, `'\t'` or `'|'`. Default: sniffed from the first
   * line (',' when it holds a comma, else the one of ';', tab, '|' that splits it most; the table's
   * `delimiter` says which). Streams sniff the same first line.
   */
  delimiter?: string;
  /** How the target becomes numbers. Default `'auto'`. */
  labels?: LabelMode;
  /** The class names in label order: fixes the mapping of an `'integer'` target (other names are errors). */
  classes?: readonly string[];
  /** What a missing cell does. Default `'error'`. */
  missing?: MissingPolicy;
  /** The cell texts that mean "missing". Default `['', 'NA', 'N/A', 'NaN', 'nan', 'null', '?']`. */
  missingValues?: readonly string[];
  /** Lines starting with this character are comments. Default: none. */
  comment?: string;
  /** A name for the data in error messages. Default: the file's name, or `'csv'` for text. */
  source?: string;
}

/** A parsed user CSV: features row-major, targets, and what was learnt on the way. */
export interface CSVTable {
  /** Features, row-major, rows × features. */
  x: Float32Array;
  /** Targets: numbers, or class indices 0..k-1 when `classes` is set (zeros when there is no target). */
  y: Float32Array;
  rows: number;
  features: number;
  /** The feature columns' names, in order. */
  featureNames: string[];
  /** The target column's name (one-hot: the names joined by '|'), or null without a target. */
  target: string | null;
  /** Class names in label order, when the target was mapped (`'integer'` or `'onehot'`). */
  classes?: string[];
  /** Rows skipped by the `'drop'` policy (or for a missing target under `'mean'`). */
  dropped: number;
  /** Cells filled by the `'mean'` policy. */
  imputed: number;
  /** Whether the first row was read as a header (`header: 'auto'` guesses). */
  header: boolean;
  /** The delimiter used (given, or sniffed). */
  delimiter: string;
}

/** The default cell texts that mean "missing". */
export const DEFAULT_MISSING_VALUES: readonly string[] = ['', 'NA', 'N/A', 'NaN', 'nan', 'null', '?'];

const KEYS = ['target', 'features', 'header', 'delimiter', 'labels', 'classes', 'missing', 'missingValues', 'comment', 'source'] as const;

/** Options after validation, with defaults. */
export interface ResolvedCSVOptions {
  target: ColumnRef | readonly ColumnRef[] | null | undefined;
  features: readonly ColumnRef[] | undefined;
  /** `'auto'` until a reader sees the first record (see {@link headerOf}). */
  header: boolean | 'auto';
  delimiter: string;
  labels: LabelMode;
  classes: readonly string[] | undefined;
  missing: MissingPolicy;
  missingValues: ReadonlySet<string>;
  comment: string | undefined;
  source: string;
}

function isRef(v: unknown): v is ColumnRef {
  return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
}

/** Validates CSV options (throwing a HyperParameterError that names the option) and fills in defaults. */
export function resolveCSVOptions(options: CSVOptions = {}, source = 'csv'): ResolvedCSVOptions {
  if (options === null || typeof options !== 'object') throw new HyperParameterError('csv', `options must be an object, got ${show(options)}`);
  onlyKeys('csv', options, KEYS);
  const o = options;
  const t = o.target;
  if (t !== undefined && t !== null && !isRef(t) && !(Array.isArray(t) && t.length > 0 && t.every(isRef))) {
    throw new HyperParameterError('csv.target', `must be a column name, an integer index, a non-empty list of them (one-hot) or null, got ${show(t)}`);
  }
  if (o.features !== undefined && !(Array.isArray(o.features) && o.features.length > 0 && o.features.every(isRef))) {
    throw new HyperParameterError('csv.features', `must be a non-empty list of column names or indices, got ${show(o.features)}`);
  }
  if (o.header !== undefined && typeof o.header !== 'boolean' && o.header !== 'auto') {
    throw new HyperParameterError('csv.header', `must be true, false or 'auto', got ${show(o.header)}`);
  }
  const delimiter = o.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || /["\r\n]/.test(delimiter)) {
    throw new HyperParameterError('csv.delimiter', `must be one character other than a quote or a newline, got ${show(delimiter)}`);
  }
  const labels = o.labels ?? 'auto';
  if (!['auto', 'none', 'integer', 'onehot'].includes(labels)) {
    throw new HyperParameterError('csv.labels', `must be 'auto', 'none', 'integer' or 'onehot', got ${show(labels)}`);
  }
  if (labels === 'onehot' && !Array.isArray(t)) {
    throw new HyperParameterError('csv.labels', `'onehot' needs target: [the one-hot columns], got target ${show(t)}`);
  }
  if (Array.isArray(t) && labels !== 'onehot') {
    throw new HyperParameterError('csv.target', `a list of target columns is a one-hot target: pass labels: 'onehot'`);
  }
  if (o.classes !== undefined) {
    const c = o.classes;
    if (!Array.isArray(c) || c.length < 2 || !c.every((s) => typeof s === 'string') || new Set(c).size !== c.length) {
      throw new HyperParameterError('csv.classes', `must be a list of at least two distinct class names, got ${show(c)}`);
    }
    if (labels === 'none' || labels === 'onehot') throw new HyperParameterError('csv.classes', `does not go with labels: '${labels}'`);
  }
  const missing = o.missing ?? 'error';
  if (!['error', 'drop', 'mean'].includes(missing)) {
    throw new HyperParameterError('csv.missing', `must be 'error', 'drop' or 'mean', got ${show(missing)}`);
  }
  const mv = o.missingValues ?? DEFAULT_MISSING_VALUES;
  if (!Array.isArray(mv) || !mv.every((s) => typeof s === 'string')) {
    throw new HyperParameterError('csv.missingValues', `must be a list of strings, got ${show(mv)}`);
  }
  if (o.comment !== undefined && (typeof o.comment !== 'string' || o.comment.length !== 1 || o.comment === delimiter)) {
    throw new HyperParameterError('csv.comment', `must be one character other than the delimiter, got ${show(o.comment)}`);
  }
  if (o.source !== undefined && typeof o.source !== 'string') throw new HyperParameterError('csv.source', `must be a string, got ${show(o.source)}`);
  return {
    target: t, features: o.features, header: o.header ?? 'auto', delimiter, labels, classes: o.classes,
    missing, missingValues: new Set(mv.map((s) => s.trim())), comment: o.comment, source: o.source ?? source,
  };
}
