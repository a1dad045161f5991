// CSV reading. Two readers live here:
// - parseNumericCSV: a strict, fast reader for the shipped built-in datasets (known clean: a header,
//   comma-separated numbers, target last). It stays because csv-parse is about 3× slower on clean files.
// - parseCSV and CsvSchema: user files through csv-parse (quoting, delimiters, BOM, CRLF, comments),
//   the target chosen by name or index, class names mapped to 0..k-1, and an explicit policy for
//   missing values. CsvSchema converts one record at a time, so the streaming reader (stream.ts) and
//   the whole-text reader share every rule and every error message.
// This module is browser-safe: it imports csv-parse's self-contained browser build by default; the
// Node entry swaps in csv-parse's native build (about 4× faster) through setRecordParser.
import { parse as parseBrowser } from 'csv-parse/browser/esm/sync';
import { DataError, HyperParameterError } from '../errors.js';
import { onlyKeys, show } from '../validate.js';

/** Parsed numeric table: features row-major, targets, and the header's names. */
export interface NumericTable {
  x: Float32Array;
  y: Float32Array;
  rows: number;
  features: number;
  columns: string[];
}

/** Parses a header + numeric rows CSV text whose last column is the target. */
export function parseNumericCSV(text: string, source = 'csv'): NumericTable {
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length < 2) throw new DataError(`${source}: needs a header row and at least one data row`);
  const columns = lines[0].split(',').map((s) => s.trim());
  const width = columns.length;
  if (width < 2) throw new DataError(`${source}: needs at least one feature column and a target column`);
  const rows = lines.length - 1;
  const d = width - 1;
  const x = new Float32Array(rows * d);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const cells = lines[r + 1].split(',');
    if (cells.length !== width) {
      throw new DataError(`${source}: line ${r + 2} has ${cells.length} cells, expected ${width}`, { row: r, line: r + 2 });
    }
    for (let c = 0; c < width; c++) {
      const s = cells[c].trim();
      const v = s === '' ? NaN : Number(s);
      if (!Number.isFinite(v)) {
        throw new DataError(`${source}: line ${r + 2}, column ${c + 1} (${columns[c]}): ${JSON.stringify(cells[c])} is not a finite number`, { row: r, column: c, line: r + 2 });
      }
      if (c < d) x[r * d + c] = v;
      else y[r] = v;
    }
  }
  return { x, y, rows, features: d, columns };
}

// ---------------------------------------------------------------------------------------------------
// User CSV files

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

/** Options of {@link parseCSV} and `Dataset.fromCSV`. */
export interface CSVOptions {
  /** The target column (name or index), the columns of a one-hot target, or `null` for none. Default: the last column. */
  target?: ColumnRef | readonly ColumnRef[] | null;
  /** The feature columns, in this order. Default: every column but the target. */
  features?: readonly ColumnRef[];
  /** Whether the first row names the columns. Default true; without a header, columns are named "0", "1", … */
  header?: boolean;
  /** The cell separator, one character such as `','`, `';'` or `'\t'`. Default `','`. */
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
}

/** The default cell texts that mean "missing". */
export const DEFAULT_MISSING_VALUES: readonly string[] = ['', 'NA', 'N/A', 'NaN', 'nan', 'null', '?'];

const KEYS = ['target', 'features', 'header', 'delimiter', 'labels', 'classes', 'missing', 'missingValues', 'comment', 'source'] as const;

/** Options after validation, with defaults. */
export interface ResolvedCSVOptions {
  target: ColumnRef | readonly ColumnRef[] | null | undefined;
  features: readonly ColumnRef[] | undefined;
  header: boolean;
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
  if (o.header !== undefined && typeof o.header !== 'boolean') throw new HyperParameterError('csv.header', `must be true or false, got ${show(o.header)}`);
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
    target: t, features: o.features, header: o.header ?? true, delimiter, labels, classes: o.classes,
    missing, missingValues: new Set(mv.map((s) => s.trim())), comment: o.comment, source: o.source ?? source,
  };
}

// A decimal number as people write it in CSV files. Number() alone would also accept hex ("0x10"),
// binary, "Infinity" and whitespace-only text, none of which should pass as data.
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** What one cell holds. */
const Cell = { Number: 0, Missing: 1, Text: 2 } as const;
type CellKind = (typeof Cell)[keyof typeof Cell];

/** One record as csv-parse hands it over with `info: true`. */
export interface CsvRecord {
  record: string[];
  info: { lines: number };
}

/**
 * The column layout of a CSV file and the rules that turn one record into a feature row and a label.
 * Built from the first record (the header, or the first data row without one).
 */
export class CsvSchema {
  /** Every column's name. */
  readonly names: string[];
  /** Number of cells each record must have. */
  readonly width: number;
  /** Indices of the feature columns, in output order. */
  readonly featureCols: number[];
  /** Indices of the target column(s): empty without a target, several for one-hot. */
  readonly targetCols: number[];
  /** Resolved options. */
  readonly options: ResolvedCSVOptions;
  /** How the label is read now: as a number, through the class map, or one-hot. */
  labelMode: 'number' | 'map' | 'onehot' | 'none' = 'number';
  /** Class names in label order (map and one-hot modes). */
  classes: string[] | undefined;
  private classIndex: Map<string, number> | undefined;
  /** Cells left NaN for the `'mean'` policy to fill, per feature. */
  readonly missingCounts: Float64Array;
  /** Rows dropped so far. */
  dropped = 0;
  private readonly hasNames: boolean;

  constructor(first: string[], options: ResolvedCSVOptions) {
    const o = options;
    this.options = o;
    this.width = first.length;
    this.hasNames = o.header;
    this.names = o.header ? first.map((s) => s.trim()) : first.map((_, i) => String(i));
    const target = o.target === undefined ? [-1] : o.target === null ? [] : Array.isArray(o.target) ? o.target : [o.target as ColumnRef];
    this.targetCols = target.map((ref) => this.column(ref, 'target'));
    if (new Set(this.targetCols).size !== this.targetCols.length) throw new HyperParameterError('csv.target', 'names a column twice');
    this.featureCols = o.features
      ? o.features.map((ref) => this.column(ref, 'features'))
      : this.names.map((_, i) => i).filter((i) => !this.targetCols.includes(i));
    if (new Set(this.featureCols).size !== this.featureCols.length) throw new HyperParameterError('csv.features', 'names a column twice');
    const clash = this.featureCols.find((c) => this.targetCols.includes(c));
    if (clash !== undefined) throw new HyperParameterError('csv.features', `column ${this.describe(clash)} is also the target`);
    if (this.featureCols.length === 0) {
      throw new DataError(`${o.source}: no feature columns (the file has ${this.width} column${this.width === 1 ? '' : 's'} and the target is one of them)`);
    }
    this.missingCounts = new Float64Array(this.featureCols.length);
    if (this.targetCols.length === 0) this.labelMode = 'none';
    else if (o.labels === 'onehot') {
      this.labelMode = 'onehot';
      this.classes = this.targetCols.map((c) => this.names[c]);
    } else if (o.classes) this.setClasses([...o.classes]);
    else this.labelMode = 'number';
  }

  /** The target column's name, one-hot names joined by '|', or null. */
  get targetName(): string | null {
    return this.targetCols.length ? this.targetCols.map((c) => this.names[c]).join('|') : null;
  }

  /** The feature columns' names. */
  get featureNames(): string[] {
    return this.featureCols.map((c) => this.names[c]);
  }

  /** Switches to mapping class names through `classes` (label i is classes[i]). */
  setClasses(classes: string[]): void {
    this.classes = classes;
    this.classIndex = new Map(classes.map((c, i) => [c.trim(), i]));
    this.labelMode = 'map';
  }

  private column(ref: ColumnRef, what: 'target' | 'features'): number {
    const w = this.width;
    let i: number | undefined;
    if (typeof ref === 'number') i = ref < 0 ? w + ref : ref;
    else {
      const hits = this.names.flatMap((n, j) => (n === ref ? [j] : []));
      if (hits.length > 1) throw new DataError(`${this.options.source}: the header names ${JSON.stringify(ref)} ${hits.length} times; choose the ${what} column by index`);
      if (hits.length === 1) i = hits[0];
      else if (/^-?\d+$/.test(ref.trim())) i = Number(ref) < 0 ? w + Number(ref) : Number(ref);
      else {
        const list = this.names.length > 12 ? this.names.slice(0, 12).join(', ') + ', …' : this.names.join(', ');
        throw new HyperParameterError(`csv.${what}`, `${this.options.source} has no column ${JSON.stringify(ref)}; its columns are ${list}`);
      }
    }
    if (!(i >= 0 && i < w)) throw new HyperParameterError(`csv.${what}`, `column index ${show(ref)} is out of range for ${this.options.source}, which has ${w} columns`);
    return i;
  }

  /** "3 (petal_width)", 1-based, for messages. */
  describe(c: number): string {
    return this.hasNames ? `${c + 1} (${this.names[c]})` : String(c + 1);
  }

  private classify(s: string): CellKind {
    if (this.options.missingValues.has(s)) return Cell.Missing;
    return NUMBER.test(s) ? Cell.Number : Cell.Text;
  }

  /** A numeric cell's value, checked to be finite in float32. */
  private value(s: string, c: number, line: number, row: number, column: number): number {
    const v = Number(s);
    if (!Number.isFinite(Math.fround(v))) {
      throw new DataError(`${this.options.source}: line ${line}, column ${this.describe(c)}: ${s} is out of the float32 range`, { row, column, line });
    }
    return v;
  }

  private missingError(s: string, c: number, line: number, row: number, column: number): DataError {
    return new DataError(`${this.options.source}: line ${line}, column ${this.describe(c)} is missing (${JSON.stringify(s)}); ` +
      `choose a missing-value policy: 'drop' (skip the row) or 'mean' (fill features with the column mean)`, { row, column, line });
  }

  /** Throws unless the record has the schema's width. */
  checkWidth(cells: string[], line: number, row: number): void {
    if (cells.length !== this.width) {
      throw new DataError(`${this.options.source}: line ${line} has ${cells.length} cell${cells.length === 1 ? '' : 's'}, expected ${this.width} ` +
        `(as ${this.hasNames ? 'the header' : 'the first row'})`, { row, line });
    }
  }

  /**
   * Reads record `cells` (data row `row`, ending on `line`) into x[off .. off + features). Returns the
   * label (0 without a target), or undefined when the missing-value policy drops the row.
   */
  read(cells: string[], line: number, row: number, x: Float32Array, off: number): number | undefined {
    this.checkWidth(cells, line, row);
    const o = this.options;
    const nf = this.featureCols.length;
    let y = 0;
    // The target first: under 'drop' and 'mean' a missing target skips the row, so it is checked before
    // any feature is written or counted as imputed.
    switch (this.labelMode) {
      case 'none': break;
      case 'number': {
        const c = this.targetCols[0], s = cells[c].trim();
        const kind = this.classify(s);
        if (kind === Cell.Missing) {
          if (o.missing === 'error') throw this.missingError(s, c, line, row, nf);
          this.dropped++;
          return undefined;
        }
        if (kind === Cell.Text) {
          throw new DataError(`${o.source}: line ${line}, column ${this.describe(c)}: target ${JSON.stringify(s)} is not a number` +
            (o.labels === 'none' ? '' : '; to map class names to 0..k-1 pass the class names (classes: [...])'), { row, column: nf, line });
        }
        y = this.value(s, c, line, row, nf);
        break;
      }
      case 'map': {
        const c = this.targetCols[0], s = cells[c].trim();
        const i = this.classIndex!.get(s);
        if (i !== undefined) {
          y = i;
          break;
        }
        if (this.classify(s) === Cell.Missing) {
          if (o.missing === 'error') throw this.missingError(s, c, line, row, nf);
          this.dropped++;
          return undefined;
        }
        throw new DataError(`${o.source}: line ${line}, column ${this.describe(c)}: class ${JSON.stringify(s)} is not one of ${this.classes!.map((k) => JSON.stringify(k)).join(', ')}`, { row, column: nf, line });
      }
      case 'onehot': {
        let hot = -1;
        for (let j = 0; j < this.targetCols.length; j++) {
          const c = this.targetCols[j], s = cells[c].trim();
          const kind = this.classify(s);
          if (kind === Cell.Missing) {
            if (o.missing === 'error') throw this.missingError(s, c, line, row, nf);
            this.dropped++;
            return undefined;
          }
          const v = kind === Cell.Number ? Number(s) : NaN;
          if (v !== 0 && v !== 1) {
            throw new DataError(`${o.source}: line ${line}, column ${this.describe(c)}: one-hot target cell ${JSON.stringify(s)} is not 0 or 1`, { row, column: nf, line });
          }
          if (v === 1) {
            if (hot >= 0) throw new DataError(`${o.source}: line ${line}: the one-hot target has more than one 1 (columns ${this.describe(this.targetCols[hot])} and ${this.describe(c)})`, { row, column: nf, line });
            hot = j;
          }
        }
        if (hot < 0) throw new DataError(`${o.source}: line ${line}: the one-hot target has no 1`, { row, column: nf, line });
        y = hot;
        break;
      }
    }
    // Features: check all before writing any imputation count, so a dropped row leaves no trace.
    for (let j = 0; j < nf; j++) {
      const c = this.featureCols[j], s = cells[c].trim();
      const kind = this.classify(s);
      if (kind === Cell.Number) {
        x[off + j] = this.value(s, c, line, row, j);
      } else if (kind === Cell.Missing) {
        if (o.missing === 'error') throw this.missingError(s, c, line, row, j);
        if (o.missing === 'drop') {
          this.dropped++;
          return undefined;
        }
        x[off + j] = NaN;
      } else {
        throw new DataError(`${o.source}: line ${line}, column ${this.describe(c)}: ${JSON.stringify(s.length > 40 ? s.slice(0, 37) + '...' : s)} is not a number` +
          ' (features must be numeric)', { row, column: j, line });
      }
    }
    if (o.missing === 'mean') for (let j = 0; j < nf; j++) if (Number.isNaN(x[off + j])) this.missingCounts[j]++;
    return y;
  }

  /**
   * Decides how an `'auto'` or `'integer'` target is read, from all of its cells (whole-file reading
   * only): class names are collected and sorted, numerically when every label is a number.
   */
  inferLabels(records: string[][]): void {
    const o = this.options;
    if (this.labelMode !== 'number' || (o.labels !== 'auto' && o.labels !== 'integer')) return;
    const c = this.targetCols[0];
    const seen = new Set<string>();
    let allNumeric = true;
    for (const cells of records) {
      if (cells.length !== this.width) continue; // reported by read(), with its line
      const s = cells[c].trim();
      const kind = this.classify(s);
      if (kind === Cell.Missing) continue;
      if (kind === Cell.Text) allNumeric = false;
      seen.add(s);
    }
    if (o.labels === 'auto' && allNumeric) return;
    const list = [...seen];
    if (allNumeric) list.sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0));
    else list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (list.length < 2) {
      throw new DataError(`${o.source}: the target column ${this.describe(c)} has ${list.length === 0 ? 'no labels' : `one class only (${JSON.stringify(list[0])})`}; a classifier needs at least two`);
    }
    this.setClasses(list);
  }
}

/** The record parser: csv-parse's sync API with `info: true`. */
export type RecordParser = (input: string, options: Record<string, unknown>) => CsvRecord[];

let recordParser: RecordParser = parseBrowser as unknown as RecordParser;

/** @internal The Node entry installs csv-parse's native build here (same results, faster). */
export function setRecordParser(p: RecordParser): void {
  recordParser = p;
}

/** csv-parse options shared by the whole-text and the streaming reader. */
export function csvParseOptions(o: ResolvedCSVOptions): Record<string, unknown> {
  return {
    delimiter: o.delimiter,
    bom: true,
    trim: true,
    info: true,
    skip_empty_lines: true,
    relax_column_count: true, // ragged rows are reported by CsvSchema, with line and expected width
    comment: o.comment,
  };
}

/** Turns a csv-parse error (unclosed quote, stray quote, …) into a DataError with its line. */
export function wrapCsvError(e: unknown, source: string): unknown {
  const err = e as { code?: unknown; message?: string; lines?: number };
  if (e instanceof Error && typeof err.code === 'string' && /^(CSV_|INVALID_)/.test(err.code)) {
    const line = typeof err.lines === 'number' ? err.lines : undefined;
    const msg = (err.message ?? '').replace(/\s+/g, ' ');
    return new DataError(`${source}: ${line !== undefined ? `line ${line}: ` : ''}malformed CSV: ${msg}`, { line });
  }
  return e;
}

/** A record that is only a blank cell (a line of spaces) carries nothing. */
export function isBlank(cells: string[]): boolean {
  return cells.length === 1 && cells[0].trim() === '';
}

/**
 * The first record of CSV text (the header, or the first data row without one), trimmed; reads no
 * further than that record. Useful to look at the columns before choosing the target.
 */
export function csvHeader(text: string, options: Pick<CSVOptions, 'delimiter' | 'comment' | 'source'> = {}): string[] {
  const o = resolveCSVOptions(options);
  let parsed: CsvRecord[];
  try {
    parsed = recordParser(text, { ...csvParseOptions(o), to: 1 });
  } catch (e) {
    throw wrapCsvError(e, o.source);
  }
  const first = parsed.find((r) => !isBlank(r.record));
  if (!first) throw new DataError(`${o.source}: the CSV is empty`);
  return first.record.map((s) => s.trim());
}

/** Parses CSV text into a numeric table; see {@link CSVOptions}. Errors name the line and column. */
export function parseCSV(text: string, options: CSVOptions = {}): CSVTable {
  const o = resolveCSVOptions(options);
  if (typeof text !== 'string') throw new DataError(`${o.source}: expected CSV text, got ${show(text)}`);
  let parsed: CsvRecord[];
  try {
    parsed = recordParser(text, csvParseOptions(o));
  } catch (e) {
    throw wrapCsvError(e, o.source);
  }
  const records = parsed.filter((r) => !isBlank(r.record));
  if (records.length === 0) throw new DataError(`${o.source}: the CSV is empty`);
  const schema = new CsvSchema(records[0].record, o);
  const data = o.header ? records.slice(1) : records;
  if (data.length === 0) throw new DataError(`${o.source}: no data rows after the header`);
  schema.inferLabels(data.map((r) => r.record));
  const nf = schema.featureCols.length;
  let x = new Float32Array(data.length * nf);
  let y = new Float32Array(data.length);
  let n = 0;
  for (let r = 0; r < data.length; r++) {
    const label = schema.read(data[r].record, data[r].info.lines, r, x, n * nf);
    if (label === undefined) continue;
    y[n++] = label;
  }
  if (n === 0) throw new DataError(`${o.source}: every row has a missing value, so the 'drop' policy left no rows`);
  if (n < data.length) {
    x = x.slice(0, n * nf);
    y = y.slice(0, n);
  }
  let imputed = 0;
  if (o.missing === 'mean') imputed = imputeMeans(x, n, nf, schema);
  const table: CSVTable = {
    x, y, rows: n, features: nf, featureNames: schema.featureNames, target: schema.targetName,
    dropped: schema.dropped, imputed,
  };
  if (schema.classes) table.classes = schema.classes;
  return table;
}

/** Fills NaN features with their column's mean over the present values; returns how many were filled. */
function imputeMeans(x: Float32Array, n: number, nf: number, schema: CsvSchema): number {
  let filled = 0;
  for (let j = 0; j < nf; j++) {
    const missing = schema.missingCounts[j];
    if (missing === 0) continue;
    if (missing === n) {
      throw new DataError(`${schema.options.source}: column ${schema.describe(schema.featureCols[j])} has no values, so 'mean' cannot fill it`, { column: j });
    }
    let sum = 0;
    for (let r = 0; r < n; r++) {
      const v = x[r * nf + j];
      if (!Number.isNaN(v)) sum += v;
    }
    const mean = sum / (n - missing);
    for (let r = 0; r < n; r++) if (Number.isNaN(x[r * nf + j])) x[r * nf + j] = mean;
    filled += missing;
  }
  return filled;
}

/** A CSV cell for a number: the shortest text that reads back to the same float32. */
export function f32Text(v: number): string {
  const f = Math.fround(v);
  if (!Number.isFinite(f) || (Number.isInteger(f) && Math.abs(f) < 2 ** 24)) return String(f);
  // Random data mostly needs 7–9 digits: start at 6 and only search shorter texts when 6 suffices.
  const fits = (p: number) => Math.fround(Number(f.toPrecision(p))) === f;
  let p = 6;
  if (fits(p)) while (p > 1 && fits(p - 1)) p--;
  else while (p < 9 && !fits(p)) p++;
  return String(Number(f.toPrecision(p)));
}

/**
 * Formats a numeric table as CSV text (header, then rows; target last). By default every value is the
 * shortest text that reads back to the same float32 (exact round trip); `digits` (1–17) writes that many
 * significant digits instead, which is faster and shorter when exactness does not matter.
 */
export function formatCSV(x: ArrayLike<number>, y: ArrayLike<number>, features: number, names?: readonly string[], digits?: number): string {
  const cols = names ?? [...Array.from({ length: features }, (_, i) => `x${i}`), 'y'];
  if (cols.length !== features + 1) throw new HyperParameterError('names', `expected ${features + 1} names (features and target), got ${cols.length}`);
  if (digits !== undefined && !(Number.isInteger(digits) && digits >= 1 && digits <= 17)) {
    throw new HyperParameterError('digits', `must be an integer in [1, 17], got ${show(digits)}`);
  }
  const text = digits === undefined ? f32Text : (v: number) => String(Number(v.toPrecision(digits)));
  const lines = [cols.join(',')];
  const rows = y.length;
  const cells: string[] = new Array(features + 1);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < features; c++) cells[c] = text(x[r * features + c]);
    cells[features] = text(y[r]);
    lines.push(cells.join(','));
  }
  return lines.join('\n') + '\n';
}
