// Reading DATA for a command with the guesses a new user needs and every guess said on stderr: a first row of
// numbers is data, not a header; a file without commas is read with the delimiter its first line uses; integer
// labels that are not 0..k-1 (1-based, sparse) become classes with the mapping printed and kept as class names.
// Columns are chosen with --columns/--drop, and text columns one-hot encoded with --onehot.
import { DataError } from '../errors.js';
import { DELIMITER_HINT, csvHeader, csvLayout, csvRecordLines, parseCSV } from '../data/csv/read.js';
import type { CSVTable, LabelMode, MissingPolicy } from '../data/csv/options.js';
import { canonicalLabel, clip, delimiterName } from '../data/csv/guards.js';
import { oneHotRecords, type OneHotColumn } from '../data/csv/onehot.js';
import type { BuiltinInfo } from '../data/catalog.js';
import { choiceFlag, UsageError, type Parsed } from './args.js';
import { classesFlag, delimiterFlag, readData, type DataSource } from './common.js';
import { loadBuiltin } from '../data/builtin.js';

/** The data a command reads. */
export interface LoadedData {
  table: CSVTable;
  /** The name shown in output: the built-in's name or the file's path as given. */
  name: string;
  /** Catalogue entry, for built-ins. */
  builtin?: BuiltinInfo;
  /** Columns one-hot encoded by --onehot, with their categories (saved with the model). */
  onehot?: OneHotColumn[];
}

/** What a command fixes besides the flags (predict: the saved model's layout). */
export interface LoadExtras {
  target?: string | number | null;
  features?: readonly string[];
  classes?: readonly string[];
  /** Encode these columns with these categories (predict). */
  onehot?: readonly OneHotColumn[];
}

function say(command: string, s: string): void {
  process.stderr.write(`descent ${command}: ${s}\n`);
}

function listFlag(command: string, flag: string, v: Parsed['values'][string]): string[] | undefined {
  if (v === undefined) return undefined;
  const items = String(v).split(',').map((s) => s.trim()).filter(Boolean);
  if (!items.length) throw new UsageError(`descent ${command}: --${flag} needs a comma-separated list of columns`);
  return items;
}

/** --header / --no-header as the data layer's header option (`'auto'`: a first row of numbers is data). */
export function headerFlag(command: string, v: Parsed['values'], builtin: boolean): boolean | 'auto' {
  if (v.header && v['no-header']) throw new UsageError(`descent ${command}: --header and --no-header contradict each other`);
  return v['no-header'] ? false : v.header || builtin ? true : 'auto';
}

/** Says on stderr what the reader guessed about a file's layout (the same lines in memory and with --stream). */
export function sayLayout(command: string, name: string, layout: { delimiter: string; header: boolean }, v: Parsed['values'], headerOption: boolean | 'auto'): void {
  if (delimiterFlag(v) === undefined && layout.delimiter !== ',') {
    say(command, `${name} has no comma in its first line; reading it as ${delimiterName(layout.delimiter)}-separated (--delimiter to choose)`);
  }
  if (headerOption === 'auto' && !layout.header) {
    say(command, `the first row of ${name} is all numbers, so it is read as data and the columns are numbered 0, 1, …; pass --header if it names the columns`);
  }
}

/** Parses DATA with the CSV flags; see the module comment for the guesses. */
export function loadData(command: string, src: DataSource | string | undefined, v: Parsed['values'], extra: LoadExtras = {}): LoadedData {
  const s = typeof src === 'object' ? src : readData(command, src);
  const direct = imageBuiltin(s, v, extra);
  if (direct) return direct;
  // The data layer's guesses (csvLayout: Dataset.fromCSV's and csvStats's rules), said on stderr.
  const headerOption = headerFlag(command, v, !!s.builtin);
  const layout = csvLayout(s.text, { delimiter: delimiterFlag(v), header: headerOption, source: s.name });
  sayLayout(command, s.name, layout, v, headerOption);
  const header = layout.header;
  let delimiter: string | undefined = layout.delimiter;
  let text = s.text, onehot: OneHotColumn[] | undefined;
  let rewrite: Rewrite | undefined;
  const onehotNames = extra.onehot?.map((o) => o.column) ?? listFlag(command, 'onehot', v.onehot);
  if (onehotNames) {
    if (!header) throw new UsageError(`descent ${command}: --onehot names columns of the header, and this file has none`);
    const records = csvRecordLines(text, { delimiter, source: s.name });
    const r = oneHotRecords(records.map((c) => c.cells), onehotNames, delimiter ?? ',', s.name, extra.onehot);
    text = r.text;
    onehot = r.encoded;
    rewrite = { names: records[0].cells, lines: records.map((c) => c.line), encoded: r.encoded };
  }
  const target = extra.target !== undefined ? extra.target : (v.target as string | undefined);
  try {
    return readTable(command, s, v, extra, text, delimiter, header, target, onehot);
  } catch (e) {
    // Errors in the rewritten table name its lines and columns: put back the file's.
    if (rewrite && e instanceof DataError) throw new DataError(filePositions(e.message, rewrite), { row: e.row, line: e.line, column: e.column });
    throw e;
  }
}

/** What --onehot rewrote: the file's header and the line of each record (header first), and the encoded columns. */
interface Rewrite {
  names: string[];
  lines: number[];
  encoded: OneHotColumn[];
}

/**
 * A message about the rewritten table with the file's positions: its line N is the file's record N (header
 * first), and an encoded column "city=Rome" is the file's column "city".
 */
function filePositions(message: string, r: Rewrite): string {
  const expanded = r.names.flatMap((n) => r.encoded.find((o) => o.column === n)?.categories.map((k) => `${n}=${k}`) ?? [n]);
  const original = (name: string) => {
    const i = r.names.indexOf(name);
    if (i >= 0) return i;
    const col = r.encoded.find((o) => name.startsWith(`${o.column}=`));
    return col ? r.names.indexOf(col.column) : -1;
  };
  return message
    .replace(/\bline (\d+)/g, (m, n) => (r.lines[Number(n) - 1] !== undefined ? `line ${r.lines[Number(n) - 1]}` : m))
    .replace(/\bcolumn (\d+) \(([^)]*)\)/g, (m, n, name) => {
      if (expanded[Number(n) - 1] !== name) return m;
      const i = original(name);
      return i < 0 ? m : `column ${i + 1} (${r.names[i]})`;
    });
}

/** The CSV table of a (possibly rewritten) text with the flags' options. */
function readTable(command: string, s: DataSource, v: Parsed['values'], extra: LoadExtras, text: string, delimiter: string | undefined,
  header: boolean, target: string | number | null | undefined, onehot: OneHotColumn[] | undefined): LoadedData {
  const features = extra.features ?? selectColumns(command, v, text, delimiter, header, target, onehot, s.name);
  if (onehot && delimiter !== undefined && delimiter !== ',') delimiter = ','; // the rewrite writes commas
  try {
    const table = parseCSV(text, {
      target, features, header, delimiter,
      missing: choiceFlag<MissingPolicy>(command, 'missing', v.missing, ['error', 'drop', 'mean'], 'error'),
      labels: choiceFlag<LabelMode>(command, 'labels', v.labels, ['auto', 'none', 'integer'], 'auto'),
      classes: extra.classes ?? classesFlag(v),
      source: s.name,
    });
    return { table, name: s.name, builtin: s.builtin, onehot };
  } catch (e) {
    // One column only, and a separator in it: the file uses another delimiter than the one read.
    if (e instanceof DataError && /no feature columns/.test(e.message) && /[;\t|,]/.test(csvHeader(text, { delimiter, source: s.name }).join(''))) {
      throw new DataError(`${e.message.split(`; ${DELIMITER_HINT}`)[0]}; the header holds a separator other than ${delimiterName(delimiter ?? ',')}: pass --delimiter`);
    }
    throw e;
  }
}

/**
 * An image built-in (mnist, mnist-full, fashion-mnist) read as a table without going through CSV text, when no
 * flag chooses columns or changes how the text is parsed; undefined otherwise.
 */
function imageBuiltin(s: DataSource, v: Parsed['values'], extra: LoadExtras): LoadedData | undefined {
  const b = s.builtin;
  const csvFlags = ['columns', 'drop', 'onehot', 'target', 'delimiter', 'header', 'no-header', 'missing', 'labels', 'classes'];
  if (!b?.format || csvFlags.some((f) => v[f] !== undefined) || Object.values(extra).some((e) => e !== undefined)) return undefined;
  const t = loadBuiltin(b.name);
  const table: CSVTable = {
    x: t.x, y: t.y, rows: t.rows, features: t.features, featureNames: t.columns.slice(0, t.features), target: b.target,
    dropped: 0, imputed: 0, header: true, delimiter: ',', ...(b.classNames ? { classes: [...b.classNames] } : {}),
  };
  return { table, name: s.name, builtin: b };
}

/** The feature columns from --columns or --drop (undefined: every column but the target). */
function selectColumns(command: string, v: Parsed['values'], text: string, delimiter: string | undefined, header: boolean,
  target: string | number | null | undefined, onehot: OneHotColumn[] | undefined, source: string): string[] | undefined {
  const columns = listFlag(command, 'columns', v.columns), drop = listFlag(command, 'drop', v.drop);
  if (columns && drop) throw new UsageError(`descent ${command}: --columns and --drop contradict each other; give one`);
  if (!columns && !drop) return undefined;
  const names = header ? csvHeader(text, { delimiter: onehot ? ',' : delimiter, source }) : csvHeader(text, { delimiter, source }).map((_, i) => String(i));
  // A one-hot column named in --columns/--drop stands for all of its encoded columns.
  const expand = (c: string) => {
    const o = onehot?.find((k) => k.column === c);
    return o ? o.categories.map((k) => `${c}=${k}`) : [c];
  };
  const check = (flag: string, list: string[]) => list.flatMap(expand).map((c) => {
    if (names.includes(c)) return c;
    if (/^\d+$/.test(c) && Number(c) < names.length) return names[Number(c)];
    throw new UsageError(`descent ${command}: --${flag} names no column of ${source}: ${clip(c)}; its columns are ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', …' : ''}`);
  });
  const t = target === undefined ? names.length - 1 : target === null ? -1 : typeof target === 'number' ? (target < 0 ? names.length + target : target) : names.indexOf(String(target));
  const targetName = t >= 0 ? names[t] : undefined;
  if (columns) return check('columns', columns);
  const dropped = new Set(check('drop', drop!));
  return names.filter((n) => !dropped.has(n) && n !== targetName);
}

/**
 * Integer labels that are not 0..k-1 (1-based, sparse) as classes, when the model is a classifier (or, with
 * --model auto, when there are 2–20 distinct labels each seen on average three times or more): the
 * distinct `labels` (ascending) as class names, or undefined to keep the labels as numbers. `rows` is the
 * number of data rows. Said on stderr when it maps. The in-memory and the streamed run both decide here.
 */
export function integerClasses(command: string, labels: readonly number[], rows: number, target: string | null, kindFlag: Parsed['values'][string]): string[] | undefined {
  if (target === null || kindFlag === 'linear' || labels.length > 1000 || !labels.every(Number.isInteger)) return undefined;
  const k = labels.length;
  if (k === 0 || (labels[0] === 0 && labels[k - 1] === k - 1)) return undefined; // already 0..k-1
  const classifier = kindFlag === 'softmax' || kindFlag === 'logistic' || (k >= 2 && k <= 20 && rows >= 3 * k);
  if (!classifier || k < 2) return undefined;
  const shown = (a: (string | number)[]) => (a.length > 8 ? [...a.slice(0, 8), '…'] : a).join(', ');
  say(command, `target "${target}": integer labels ${shown([...labels])} read as classes ${shown(labels.map((_, i) => i))} ` +
    `(the labels are kept as class names, saved with the model and printed by predict)${kindFlag === undefined || kindFlag === 'auto' ? '; --model linear to regress on them' : ''}`);
  return labels.map((l) => canonicalLabel(String(l)));
}

/** {@link integerClasses} applied to a parsed table: its labels become 0..k-1 and its `classes` the original labels. */
export function mapIntegerLabels(command: string, t: CSVTable, kindFlag: Parsed['values'][string]): void {
  if (t.classes) return;
  const seen = new Set<number>();
  for (const y of t.y) {
    if (!Number.isInteger(y)) return;
    seen.add(y);
    if (seen.size > 1000) return;
  }
  const labels = [...seen].sort((a, b) => a - b);
  const classes = integerClasses(command, labels, t.rows, t.target, kindFlag);
  if (!classes) return;
  const index = new Map(labels.map((l, i) => [l, i]));
  for (let i = 0; i < t.y.length; i++) t.y[i] = index.get(t.y[i])!;
  t.classes = classes;
}
