// CsvSchema: the column layout of a CSV file and the conversion of one record into a feature row and a label
// (target by name or index, class names mapped to 0..k-1, missing values by policy). One record at a time, so
// the whole-text reader (csv.ts) and the streaming reader (stream.ts) give the same results and errors.
import { DataError, HyperParameterError } from '../../errors.js';
import { show } from '../../validate.js';
import type { ColumnRef, ResolvedCSVOptions } from './options.js';
import { canonicalLabel, clip, headerOf } from './guards.js';

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
  /** Whether the first record is a header (decided from it when the option is `'auto'`); if not, it is data. */
  readonly header: boolean;
  private readonly hasNames: boolean;

  constructor(first: string[], options: ResolvedCSVOptions) {
    this.width = first.length;
    const trimmed = first.map((s) => s.trim());
    this.header = headerOf(trimmed, options.header);
    const o = { ...options, header: this.header };
    this.options = o;
    this.hasNames = this.header;
    this.names = this.header ? trimmed : first.map((_, i) => String(i));
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
    const index = new Map<string, number>();
    classes.forEach((c, i) => {
      const key = c.trim();
      // Two names that differ only by spaces would leave one class unreachable.
      if (index.has(key)) throw new DataError(`${this.options.source}: the class names ${clip(classes[index.get(key)!])} and ${clip(c)} are the same after trimming spaces`);
      index.set(key, i);
    });
    this.classes = classes;
    this.classIndex = index;
    this.labelMode = 'map';
  }

  private column(ref: ColumnRef, what: 'target' | 'features'): number {
    const w = this.width;
    let i: number | undefined;
    if (typeof ref === 'number') i = ref < 0 ? w + ref : ref;
    else {
      const hits = this.names.flatMap((n, j) => (n === ref ? [j] : []));
      if (hits.length > 1) throw new DataError(`${this.options.source}: the header names ${clip(ref)} ${hits.length} times; choose the ${what} column by index`);
      if (hits.length === 1) i = hits[0];
      else if (/^-?\d+$/.test(ref.trim())) i = Number(ref) < 0 ? w + Number(ref) : Number(ref);
      else {
        const list = this.names.slice(0, 12).map((n) => (n.length > 40 ? n.slice(0, 40) + '…' : n)).join(', ') + (this.names.length > 12 ? ', …' : '');
        throw new HyperParameterError(`csv.${what}`, `${this.options.source} has no column ${clip(ref)}; its columns are ${list}`);
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
      throw new DataError(`${this.options.source}: line ${line}, column ${this.describe(c)}: ${s.length > 30 ? clip(s, 30) : s} is out of the float32 range`, { row, column, line });
    }
    return v;
  }

  private missingError(s: string, c: number, line: number, row: number, column: number): DataError {
    return new DataError(`${this.options.source}: line ${line}, column ${this.describe(c)} is missing (${clip(s)}); ` +
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
        if (kind === Cell.Text && this.scanning) break; // a class name, mapped once the scan has seen them all
        if (kind === Cell.Text) {
          throw new DataError(`${o.source}: line ${line}, column ${this.describe(c)}: target ${clip(s)} is not a number` +
            (o.labels === 'none' ? '' : '; to map class names to 0..k-1 pass the class names (classes: [...])'), { row, column: nf, line });
        }
        y = this.value(s, c, line, row, nf);
        break;
      }
      case 'map': {
        const c = this.targetCols[0], s = cells[c].trim();
        const i = this.classIndex!.get(s) ?? this.classIndex!.get(canonicalLabel(s));
        if (i !== undefined) {
          y = i;
          break;
        }
        if (this.classify(s) === Cell.Missing) {
          if (o.missing === 'error') throw this.missingError(s, c, line, row, nf);
          this.dropped++;
          return undefined;
        }
        throw new DataError(`${o.source}: line ${line}, column ${this.describe(c)}: class ${clip(s)} is not one of ${this.classes!.slice(0, 20).map((k) => clip(k)).join(', ')}${this.classes!.length > 20 ? ', …' : ''}`, { row, column: nf, line });
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
            throw new DataError(`${o.source}: line ${line}, column ${this.describe(c)}: one-hot target cell ${clip(s)} is not 0 or 1`, { row, column: nf, line });
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
        throw new DataError(`${o.source}: line ${line}, column ${this.describe(c)}: ${clip(s, 40)} is not a number` +
          ' (features must be numeric)', { row, column: j, line });
      }
    }
    if (o.missing === 'mean') for (let j = 0; j < nf; j++) if (Number.isNaN(x[off + j])) this.missingCounts[j]++;
    return y;
  }

  /** Distinct target cells seen by {@link noteLabel} (canonical numbers once every one is a number). */
  private seen: Set<string> | undefined;
  private allNumeric = true;
  /** More distinct target cells than {@link MAX_SCANNED_LABELS}: a value target, not class names. */
  private overflow = false;
  /** Set by {@link scanLabels}: a text target reads as 0 for now instead of failing. */
  private scanning = false;

  /** True when the target is read as numbers and its classes could still be inferred ('auto' or 'integer', no `classes`). */
  get labelsOpen(): boolean {
    const o = this.options;
    return this.labelMode === 'number' && (o.labels === 'auto' || o.labels === 'integer');
  }

  /**
   * Starts a first pass over a stream that collects the target cells ({@link noteLabel}) instead of
   * failing on a class name; {@link settleLabels} then decides as {@link inferLabels} does for a whole file.
   */
  scanLabels(): void {
    if (this.labelsOpen) this.scanning = true;
  }

  /** Notes one record's target cell for the label decision (records of the wrong width are reported elsewhere). */
  noteLabel(cells: string[]): void {
    if (!this.labelsOpen || cells.length !== this.width) return;
    const s = cells[this.targetCols[0]].trim();
    const kind = this.classify(s);
    if (kind === Cell.Missing) return;
    if (kind === Cell.Text) this.allNumeric = false;
    if (this.overflow) {
      if (!this.allNumeric) {
        throw new DataError(`${this.options.source}: the target column ${this.describe(this.targetCols[0])} holds more than ${MAX_SCANNED_LABELS} distinct values and the class name ${clip(s)}; pass the class names (classes: [...]), or labels: 'none' for values`);
      }
      return;
    }
    (this.seen ??= new Set()).add(s);
    if (this.seen.size > MAX_SCANNED_LABELS && this.allNumeric) {
      this.overflow = true;
      this.seen = undefined;
    }
  }

  /**
   * The distinct numeric labels noted so far, ascending, when every label is a number and there are at
   * most {@link MAX_SCANNED_LABELS} of them (undefined otherwise).
   */
  numericLabels(): number[] | undefined {
    if (!this.allNumeric || this.overflow) return undefined;
    return [...new Set([...(this.seen ?? [])].map(Number))].sort((a, b) => a - b);
  }

  /**
   * Decides how an `'auto'` or `'integer'` target is read from the labels noted: class names are
   * collected and sorted, numerically when every label is a number; an `'auto'` target of numbers
   * stays numeric.
   */
  settleLabels(): void {
    this.scanning = false;
    const o = this.options;
    if (!this.labelsOpen) return;
    if (o.labels === 'auto' && this.allNumeric) return;
    if (this.overflow) {
      throw new DataError(`${o.source}: the target column ${this.describe(this.targetCols[0])} holds more than ${MAX_SCANNED_LABELS} distinct values, too many for classes`);
    }
    // '1' and '1.0' are one class when every label is a number.
    const list = this.allNumeric ? [...new Set([...(this.seen ?? [])].map(canonicalLabel))] : [...(this.seen ?? [])];
    if (this.allNumeric) list.sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0));
    else list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (list.length < 2) {
      throw new DataError(`${o.source}: the target column ${this.describe(this.targetCols[0])} has ${list.length === 0 ? 'no labels' : `one class only (${clip(list[0])})`}; a classifier needs at least two`);
    }
    this.setClasses(list);
  }

  /** Decides how an `'auto'` or `'integer'` target is read, from all of its cells (whole-file reading). */
  inferLabels(records: string[][]): void {
    if (!this.labelsOpen) return;
    for (const cells of records) this.noteLabel(cells);
    this.settleLabels();
  }
}

/** At most this many distinct target values are collected while inferring classes (a stream holds them in memory). */
export const MAX_SCANNED_LABELS = 100_000;
