// Reading user CSV text through csv-parse (quoting, delimiters, BOM, CRLF, comments): parseCSV for a whole
// text, csvHeader for the first record, and the csv-parse settings and error wrapping that the streaming reader
// (stream.ts) shares. Options live in options.ts, the per-record rules in schema.ts.
// This module is browser-safe: it imports csv-parse's self-contained browser build by default; the
// Node entry swaps in csv-parse's native build (about 4× faster) through setRecordParser.
import { parse as parseBrowser } from 'csv-parse/browser/esm/sync';
import { DataError } from '../../errors.js';
import { show } from '../../validate.js';
import { resolveCSVOptions, type CSVOptions, type CSVTable, type ResolvedCSVOptions } from './options.js';
import { CsvSchema, type CsvRecord } from './schema.js';
import { checkColumnCount, delimiterName, delimiterOf, headerOf } from './guards.js';

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
    // csv-parse quotes the offending text; a message stays one readable line however long that text is.
    let msg = (err.message ?? '').replace(/\s+/g, ' ');
    if (msg.length > 200) msg = msg.slice(0, 200) + '…';
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
  if (typeof text !== 'string') throw new DataError(`${o.source}: expected CSV text, got ${show(text)}`);
  checkColumnCount(text, o.delimiter, o.source);
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

/**
 * The delimiter and header a text uses, as parseCSV reads it: given ones are kept; else the delimiter is
 * sniffed from the first line and a first record of numbers only is data (`header: 'auto'`, the default).
 */
export function csvLayout(text: string, options: Pick<CSVOptions, 'delimiter' | 'header' | 'comment' | 'source'> = {}): { delimiter: string; header: boolean } {
  const o = resolveCSVOptions({ ...options, header: undefined });
  if (typeof text !== 'string') throw new DataError(`${o.source}: expected CSV text, got ${show(text)}`);
  const delimiter = delimiterOf(text, options.delimiter);
  const h = options.header ?? 'auto';
  const header = h === 'auto' ? headerOf(csvHeader(text, { delimiter, comment: options.comment, source: o.source }), h) : h;
  return { delimiter, header };
}

/** Parses CSV text into a numeric table; see {@link CSVOptions}. Errors name the line and column. */
export function parseCSV(text: string, options: CSVOptions = {}): CSVTable {
  resolveCSVOptions(options); // every option checked before looking at the text
  // The delimiter from the first line; the header from the first record, inside CsvSchema (as streams decide).
  const o = resolveCSVOptions({ ...options, delimiter: delimiterOf(text, options.delimiter) });
  checkColumnCount(text, o.delimiter, o.source);
  let parsed: CsvRecord[];
  try {
    parsed = recordParser(text, csvParseOptions(o));
  } catch (e) {
    throw wrapCsvError(e, o.source);
  }
  const records = parsed.filter((r) => !isBlank(r.record));
  if (records.length === 0) throw new DataError(`${o.source}: the CSV is empty`);
  let schema: CsvSchema;
  try {
    schema = new CsvSchema(records[0].record, o);
  } catch (e) {
    // One column only, and a separator in it: the file uses another delimiter than the one read.
    if (e instanceof DataError && /no feature columns/.test(e.message) && /[;\t|,]/.test(records[0].record.join(''))) {
      throw new DataError(`${e.message}; ${DELIMITER_HINT}${delimiterName(o.delimiter)}: pass the delimiter option (e.g. delimiter: ';')`);
    }
    throw e;
  }
  const data = schema.header ? records.slice(1) : records;
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
    dropped: schema.dropped, imputed, header: schema.header, delimiter: o.delimiter,
  };
  if (schema.classes) table.classes = schema.classes;
  return table;
}

/** The start of the hint parseCSV adds when a one-column file holds another separator (the CLI rewords it). */
export const DELIMITER_HINT = 'the header holds a separator other than ';

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

/** Every non-blank record of CSV text as trimmed cells (the header too), for rewriting a file before parseCSV. */
export function csvRecords(text: string, options: Pick<CSVOptions, 'delimiter' | 'comment' | 'source'> = {}): string[][] {
  return csvRecordLines(text, options).map((r) => r.cells);
}

/** {@link csvRecords} with the line each record ends on, so that a rewrite can name the original lines in its errors. */
export function csvRecordLines(text: string, options: Pick<CSVOptions, 'delimiter' | 'comment' | 'source'> = {}): { cells: string[]; line: number }[] {
  const o = resolveCSVOptions(options);
  checkColumnCount(text, o.delimiter, o.source);
  let parsed: CsvRecord[];
  try {
    parsed = recordParser(text, csvParseOptions(o));
  } catch (e) {
    throw wrapCsvError(e, o.source);
  }
  return parsed.filter((r) => !isBlank(r.record)).map((r) => ({ cells: r.record.map((c) => c.trim()), line: r.info.lines }));
}
