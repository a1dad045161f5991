// Out-of-core CSV reading (Node): a file, or any stream of text chunks, read through csv-parse's
// streaming parser and handed out as batches of float32 rows. Only one batch (plus the parser's small
// buffers) is in memory at a time; for-await pulls, so a slow consumer pauses the file read
// (backpressure) instead of letting parsed rows pile up. Rows go through the same CsvSchema as
// Dataset.fromCSV, and the layout is decided by the same rules (delimiter sniffed from the first line,
// header from the first record), so both readers see the same columns, rows and errors.
import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { DataError, HyperParameterError } from '../../errors.js';
import { int, show } from '../../validate.js';
import { Moments } from '../moments.js';
import { csvParseOptions, isBlank, wrapCsvError } from './read.js';
import { resolveCSVOptions, type CSVOptions, type ResolvedCSVOptions } from './options.js';
import { CsvSchema, type CsvRecord } from './schema.js';
import { delimiterOf } from './guards.js';

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
  /** Whether the first record was read as a header (`header: 'auto'` decides from it). */
  header: boolean;
  /** The delimiter used (given, or sniffed from the first line). */
  delimiter: string;
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

/** A path that is a device (/dev/zero never ends), a FIFO or a socket is refused before it is opened. */
function checkRegular(path: string): void {
  let st;
  try {
    st = statSync(path);
  } catch {
    return; // missing: the read stream reports it
  }
  if (!st.isFile() && !st.isDirectory()) throw new DataError(`cannot read ${path}: not a regular file (a device, FIFO or socket)`);
}

/** Reading hooks of the statistics pass ({@link csvStats}): the schema once known, and a label scan. */
interface ReadHooks {
  /** Collect the target cells of every row (filtered out or not) instead of failing on class names. */
  scanLabels?: boolean;
  /** Called with the schema once the first record is read. */
  onSchema?: (schema: CsvSchema) => void;
}

/** Up to this many characters are read ahead to sniff the delimiter from the first line (as the whole-text reader). */
const SNIFF_LIMIT = 1 << 20;

/**
 * The source's chunks, and the text of its start up to the first line break (for the delimiter). The
 * chunks read ahead are handed out again first, so nothing is read twice.
 */
async function openSource(source: CSVSource, sniff: boolean): Promise<{ chunks: Readable; head: string }> {
  if (typeof source === 'string') checkRegular(source);
  const input = typeof source === 'string' ? createReadStream(source) : Readable.from(source);
  const it = input[Symbol.asyncIterator]() as AsyncIterator<string | Uint8Array>;
  const ahead: (string | Uint8Array)[] = [];
  let head = '';
  const decoder = new TextDecoder();
  try {
    while (sniff && !/[\r\n]/.test(head) && head.length < SNIFF_LIMIT) {
      const r = await it.next();
      if (r.done) break;
      ahead.push(r.value);
      head += typeof r.value === 'string' ? r.value : decoder.decode(r.value, { stream: true });
    }
  } catch (e) {
    input.destroy();
    throw e;
  }
  async function* all(): AsyncGenerator<string | Uint8Array> {
    try {
      yield* ahead;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    } finally {
      input.destroy();
    }
  }
  return { chunks: Readable.from(all(), { objectMode: true }), head };
}

/**
 * Reads a CSV source as batches of float32 rows with bounded memory. The layout is read as
 * `Dataset.fromCSV` reads it: the delimiter sniffed from the first line unless given, and a first record
 * of numbers only read as data (`header: 'auto'`). Labels must be numbers unless `classes` gives the
 * class names (the whole-file reader can infer them; a stream cannot look ahead, but {@link csvStats}
 * collects them in its pass). Errors are DataErrors naming the line and column, thrown from the iteration.
 */
export async function* csvBatches(source: CSVSource, options: CSVBatchOptions = {}): AsyncGenerator<CSVBatch> {
  yield* readBatches(source, options, {});
}

async function* readBatches(source: CSVSource, options: CSVBatchOptions, hooks: ReadHooks): AsyncGenerator<CSVBatch> {
  const { batch, filter, standardize, ...csv } = options ?? {};
  const name = typeof source === 'string' ? source.split(/[\\/]/).pop() || source : 'csv stream';
  const given = resolveCSVOptions(csv, name);
  if ((given.missing as string) === 'mean') {
    throw new HyperParameterError('csv.missing', `'mean' needs the whole file before the first batch; in a stream use 'drop', or Dataset.fromCSV`);
  }
  const size = int('batch', batch, 1024, 1);
  if (filter !== undefined && typeof filter !== 'function') throw new HyperParameterError('filter', `must be a function, got ${show(filter)}`);
  let input: Readable | undefined;
  let parser: ReturnType<typeof parse> | undefined;
  let schema: CsvSchema | undefined;
  let o: ResolvedCSVOptions = given;
  let nf = 0;
  let x = new Float32Array(0), y = new Float32Array(0);
  let n = 0, row = 0, first = 0;
  const flush = (): CSVBatch => {
    const out: CSVBatch = {
      x: n * nf === x.length ? x : x.slice(0, n * nf), y: n === y.length ? y : y.slice(0, n),
      rows: n, features: nf, firstRow: first, featureNames: schema!.featureNames, target: schema!.targetName,
      header: schema!.header, delimiter: o.delimiter,
    };
    if (schema!.classes) out.classes = schema!.classes;
    if (standardize) standardizeRows(out.x, nf, standardize);
    x = new Float32Array(size * nf);
    y = new Float32Array(size);
    n = 0;
    return out;
  };
  try {
    const opened = await openSource(source, csv.delimiter === undefined);
    input = opened.chunks;
    o = { ...given, delimiter: delimiterOf(opened.head, csv.delimiter) };
    const p = parse(csvParseOptions(o));
    parser = p;
    const records = input.pipe(p);
    // A read error (missing file) reaches the parser's iterator through this forwarding.
    input.on('error', (e: Error) => p.destroy(e));
    for await (const rec of records as AsyncIterable<CsvRecord>) {
      if (isBlank(rec.record)) continue;
      if (!schema) {
        schema = new CsvSchema(rec.record, o);
        if (hooks.scanLabels) schema.scanLabels();
        hooks.onSchema?.(schema);
        nf = schema.featureCols.length;
        if (standardize && (standardize.mean.length !== nf || standardize.std.length !== nf)) {
          throw new HyperParameterError('standardize', `statistics have ${standardize.mean.length} features, the CSV has ${nf}`);
        }
        x = new Float32Array(size * nf);
        y = new Float32Array(size);
        if (schema.header) continue;
      }
      const r = row++;
      if (hooks.scanLabels) schema.noteLabel(rec.record);
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
    input?.destroy();
    parser?.destroy();
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
  /** Rows read (those the filter keeps). */
  rows: number;
  /** Data rows in the file, the filter's or not (rows of a whole-file read, before any is dropped). */
  fileRows: number;
  /** Smallest and largest target (class indices when `classes` is set). */
  yMin: number;
  yMax: number;
  /** Whether every target is an integer (a hint for classification). */
  yIntegers: boolean;
  /** Mean and population standard deviation of the target over the rows read (for scaling a regression target). */
  yMean: number;
  yStd: number;
  /**
   * The distinct target values of the whole file, ascending, when every one is a number and there are
   * at most 100,000 of them (absent when the labels were mapped to classes).
   */
  labels?: number[];
  featureNames: readonly string[];
  target: string | null;
  /** Class names in label order: given, or collected from the whole file as Dataset.fromCSV collects them. */
  classes?: readonly string[];
  /** Whether the first record was a header, and the delimiter: pass both on to {@link csvBatches}. */
  header: boolean;
  delimiter: string;
}

/**
 * One streaming pass over a CSV for the statistics standardization needs (Welford's update, as
 * Dataset.stats, so the two agree bit for bit on the same rows), the target's range and moments, and the
 * layout and labels as `Dataset.fromCSV` reads them: class names (with `labels` `'auto'` or `'integer'`
 * and no `classes`) are collected from every row of the file, filtered or not, so passing the returned
 * `classes` to {@link csvBatches} maps them as the whole-file reader does. Same options as {@link csvBatches}.
 */
export async function csvStats(source: CSVSource, options: Omit<CSVBatchOptions, 'standardize'> = {}): Promise<CSVStats> {
  let moments: Moments | undefined;
  let yMin = Infinity, yMax = -Infinity, yIntegers = true, yMean = 0, yM2 = 0;
  let schema: CsvSchema | undefined;
  let fileRows = 0;
  const filter = options?.filter;
  const counting = { ...options, filter: (r: number) => { fileRows = r + 1; return filter ? filter(r) : true; } };
  if (filter !== undefined && typeof filter !== 'function') throw new HyperParameterError('filter', `must be a function, got ${show(filter)}`);
  for await (const b of readBatches(source, counting, { scanLabels: true, onSchema: (s) => { schema = s; } })) {
    moments ??= new Moments(b.features);
    moments.push(b.x, b.rows);
    for (let r = 0; r < b.rows; r++) {
      const t = b.y[r];
      if (t < yMin) yMin = t;
      if (t > yMax) yMax = t;
      if (!Number.isInteger(t)) yIntegers = false;
      // Welford on the target too: one pass, bounded memory.
      const d = t - yMean;
      yMean += d / (moments.rows - b.rows + r + 1);
      yM2 += d * (t - yMean);
    }
  }
  if (!moments || !schema) throw new DataError('csvStats: no rows were read');
  const open = schema.labelsOpen;
  const labels = open ? schema.numericLabels() : undefined;
  schema.settleLabels();
  if (open && schema.classes) {
    // The targets read were raw numbers or placeholders; as classes they span 0..k-1.
    yMin = 0;
    yMax = schema.classes.length - 1;
    yIntegers = true;
  }
  const out: CSVStats = {
    ...moments.result(), rows: moments.rows, fileRows, yMin, yMax, yIntegers, yMean, yStd: Math.sqrt(yM2 / moments.rows),
    featureNames: schema.featureNames, target: schema.targetName, header: schema.header, delimiter: schema.options.delimiter,
  };
  if (labels && !schema.classes) out.labels = labels;
  if (schema.classes) out.classes = schema.classes;
  return out;
}
