// Out-of-core CSV reading (Node): a file, or any stream of text chunks, read through csv-parse's
// streaming parser and handed out as batches of float32 rows. Only one batch (plus the parser's small
// buffers) is in memory at a time; for-await pulls, so a slow consumer pauses the file read
// (backpressure) instead of letting parsed rows pile up. Rows go through the same CsvSchema as
// Dataset.fromCSV, so the rules and the error messages are the same.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { DataError, HyperParameterError } from '../errors.js';
import { int, show } from '../validate.js';
import { Moments } from './moments.js';
import { csvParseOptions, isBlank, wrapCsvError } from './csv.js';
import { resolveCSVOptions, type CSVOptions } from './csv-options.js';
import { CsvSchema, type CsvRecord } from './csv-schema.js';

/** Options of {@link csvBatches}: the CSV options (missing values: `'error'` or `'drop'`), plus batching. */
export interface CSVBatchOptions extends Omit<CSVOptions, 'missing'> {
  /** What a missing cell does: `'error'` (default) or `'drop'`; `'mean'` needs the whole file first. */
  missing?: 'error' | 'drop';
  /** Rows per batch. Default 1024. */
  batch?: number;
  /** Keeps only the data rows (0-based, in file order) for which this returns true, e.g. `(r) => r % 5 !== 0`. */
  filter?: (row: number) => boolean;
  /** Standardizes every batch with these statistics (e.g. from {@link csvStats} over the training rows). */
  standardize?: { mean: ArrayLike<number>; std: ArrayLike<number> };
}

/** A batch of rows read from a CSV stream. */
export interface CSVBatch {
  /** Features, row-major (rows × features). */
  x: Float32Array;
  /** Targets (class indices when the labels are mapped through `classes`). */
  y: Float32Array;
  rows: number;
  features: number;
  /** The data row index (0-based, in file order) of the batch's first row. */
  firstRow: number;
  /** The feature columns' names. */
  featureNames: readonly string[];
  /** The target column's name (one-hot: names joined by '|'), or null without a target. */
  target: string | null;
  /** Class names, when labels are mapped. */
  classes?: readonly string[];
}

/** A CSV source: a file path, or chunks of CSV text (strings or UTF-8 bytes), sync or async. */
export type CSVSource = string | AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

function toError(e: unknown, source: string): unknown {
  const code = (e as { code?: unknown })?.code;
  if (code === 'ENOENT') return new DataError(`cannot read ${source}: no such file`);
  if (code === 'EISDIR') return new DataError(`cannot read ${source}: it is a directory`);
  if (code === 'EACCES' || code === 'EPERM') return new DataError(`cannot read ${source}: permission denied`);
  return wrapCsvError(e, source);
}

/**
 * Reads a CSV source as batches of float32 rows with bounded memory. Labels must be numbers unless
 * `classes` gives the class names (the whole-file reader can infer them; a stream cannot look ahead).
 * Errors are DataErrors naming the line and column, thrown from the iteration.
 */
export async function* csvBatches(source: CSVSource, options: CSVBatchOptions = {}): AsyncGenerator<CSVBatch> {
  const { batch, filter, standardize, ...csv } = options ?? {};
  const name = typeof source === 'string' ? source.split(/[\\/]/).pop() || source : 'csv stream';
  const o = resolveCSVOptions(csv, name);
  if ((o.missing as string) === 'mean') {
    throw new HyperParameterError('csv.missing', `'mean' needs the whole file before the first batch; in a stream use 'drop', or Dataset.fromCSV`);
  }
  const size = int('batch', batch, 1024, 1);
  if (filter !== undefined && typeof filter !== 'function') throw new HyperParameterError('filter', `must be a function, got ${show(filter)}`);
  const input = typeof source === 'string' ? createReadStream(source) : Readable.from(source);
  const parser = parse(csvParseOptions(o));
  const records = input.pipe(parser);
  // A read error (missing file) reaches the parser's iterator through this forwarding.
  input.on('error', (e: Error) => parser.destroy(e));
  let schema: CsvSchema | undefined;
  let nf = 0;
  let x = new Float32Array(0), y = new Float32Array(0);
  let n = 0, row = 0, first = 0;
  const flush = (): CSVBatch => {
    const out: CSVBatch = {
      x: n * nf === x.length ? x : x.slice(0, n * nf), y: n === y.length ? y : y.slice(0, n),
      rows: n, features: nf, firstRow: first, featureNames: schema!.featureNames, target: schema!.targetName,
    };
    if (schema!.classes) out.classes = schema!.classes;
    if (standardize) standardizeRows(out.x, nf, standardize);
    x = new Float32Array(size * nf);
    y = new Float32Array(size);
    n = 0;
    return out;
  };
  try {
    for await (const rec of records as AsyncIterable<CsvRecord>) {
      if (isBlank(rec.record)) continue;
      if (!schema) {
        schema = new CsvSchema(rec.record, o);
        nf = schema.featureCols.length;
        if (standardize && (standardize.mean.length !== nf || standardize.std.length !== nf)) {
          throw new HyperParameterError('standardize', `statistics have ${standardize.mean.length} features, the CSV has ${nf}`);
        }
        x = new Float32Array(size * nf);
        y = new Float32Array(size);
        if (o.header) continue;
      }
      const r = row++;
      if (filter && !filter(r)) {
        schema.checkWidth(rec.record, rec.info.lines, r);
        continue;
      }
      if (n === 0) first = r;
      const label = schema.read(rec.record, rec.info.lines, r, x, n * nf);
      if (label === undefined) continue;
      y[n++] = label;
      if (n === size) yield flush();
    }
  } catch (e) {
    throw toError(e, name);
  } finally {
    input.destroy();
    parser.destroy();
  }
  if (!schema) throw new DataError(`${name}: the CSV is empty`);
  if (row === 0) throw new DataError(`${name}: no data rows after the header`);
  if (n > 0) yield flush();
}

/** Standardizes row-major rows in place: (x − mean) / std, a zero std only centring (as Dataset.standardize). */
export function standardizeRows(x: Float32Array, features: number, stats: { mean: ArrayLike<number>; std: ArrayLike<number> }): void {
  const d = features;
  for (let i = 0; i < x.length; i++) {
    const c = i % d;
    const s = stats.std[c] > 0 ? stats.std[c] : 1;
    x[i] = (x[i] - stats.mean[c]) / s;
  }
}

/** What {@link csvStats} returns. */
export interface CSVStats {
  /** Per-feature mean. */
  mean: Float64Array;
  /** Per-feature population standard deviation (as Dataset.stats). */
  std: Float64Array;
  /** Rows read. */
  rows: number;
  /** Smallest and largest target. */
  yMin: number;
  yMax: number;
  /** Whether every target is an integer (a hint for classification). */
  yIntegers: boolean;
  featureNames: readonly string[];
  target: string | null;
  classes?: readonly string[];
}

/**
 * One streaming pass over a CSV for the statistics standardization needs (Welford's update, as
 * Dataset.stats, so the two agree bit for bit on the same rows), plus the target's range. Same options
 * as {@link csvBatches}.
 */
export async function csvStats(source: CSVSource, options: Omit<CSVBatchOptions, 'standardize'> = {}): Promise<CSVStats> {
  let moments: Moments | undefined;
  let yMin = Infinity, yMax = -Infinity, yIntegers = true;
  let names: readonly string[] = [];
  let target: string | null = null;
  let classes: readonly string[] | undefined;
  for await (const b of csvBatches(source, options)) {
    if (!moments) {
      moments = new Moments(b.features);
      names = b.featureNames;
      target = b.target;
      classes = b.classes;
    }
    moments.push(b.x, b.rows);
    for (let r = 0; r < b.rows; r++) {
      const t = b.y[r];
      if (t < yMin) yMin = t;
      if (t > yMax) yMax = t;
      if (!Number.isInteger(t)) yIntegers = false;
    }
  }
  if (!moments) throw new DataError('csvStats: no rows were read');
  const out: CSVStats = { ...moments.result(), rows: moments.rows, yMin, yMax, yIntegers, featureNames: names, target };
  if (classes) out.classes = classes;
  return out;
}
