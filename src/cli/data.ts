// Reading DATA for a command with the guesses a new user needs and every guess said on stderr: a first row of
// numbers is data, not a header; a file without commas is read with the delimiter its first line uses; integer
// labels that are not 0..k-1 (1-based, sparse) become classes with the mapping printed and kept as class names.
// Columns are chosen with --columns/--drop, and text columns one-hot encoded with --onehot.
import { DataError } from '../errors.js';
import { DELIMITER_HINT, csvHeader, csvLayout, csvRecords, parseCSV } from '../data/csv.js';
import type { CSVTable, LabelMode, MissingPolicy } from '../data/csv-options.js';
import { canonicalLabel, clip, delimiterName, sniffDelimiter } from '../data/csv-guards.js';
import { oneHotRecords, type OneHotColumn } from '../data/csv-onehot.js';
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

/** Parses DATA with the CSV flags; see the module comment for the guesses. */
export function loadData(command: string, src: DataSource | string | undefined, v: Parsed['values'], extra: LoadExtras = {}): LoadedData {
  const s = typeof src === 'object' ? src : readData(command, src);
  const direct = imageBuiltin(s, v, extra);
  if (direct) return direct;
  let delimiter = delimiterFlag(v);
  if (delimiter === undefined) {
    delimiter = sniffDelimiter(s.text);
    if (delimiter) say(command, `${s.name} has no comma in its first line; reading it as ${delimiterName(delimiter)}-separated (--delimiter to choose)`);
  }
  if (v.header && v['no-header']) throw new UsageError(`descent ${command}: --header and --no-header contradict each other`);
  // The data layer's guess (csvLayout, as Dataset.fromCSV's header: 'auto'), said on stderr.
  const guess = !v['no-header'] && !v.header && !s.builtin;
  const header = csvLayout(s.text, { delimiter, header: guess ? 'auto' : !v['no-header'], source: s.name }).header;
  if (guess && !header) {
    say(command, `the first row of ${s.name} is all numbers, so it is read as data and the columns are numbered 0, 1, …; pass --header if it names the columns`);
  }
  let text = s.text, onehot: OneHotColumn[] | undefined;
  const onehotNames = extra.onehot?.map((o) => o.column) ?? listFlag(command, 'onehot', v.onehot);
  if (onehotNames) {
    if (!header) throw new UsageError(`descent ${command}: --onehot names columns of the header, and this file has none`);
    const r = oneHotRecords(csvRecords(text, { delimiter, source: s.name }), onehotNames, delimiter ?? ',', s.name, extra.onehot);
    text = r.text;
    onehot = r.encoded;
  }
  const target = extra.target !== undefined ? extra.target : (v.target as string | undefined);
  const features = extra.features ?? selectColumns(command, v, text, delimiter, header, target, onehot, s.name);
  if (onehotNames && delimiter !== undefined && delimiter !== ',') delimiter = ','; // the rewrite writes commas
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
 * --model auto, when there are 2–20 distinct labels each seen on average three times or more). The table's
 * labels become 0..k-1 and its `classes` the original labels, which a saved model keeps and predict prints.
 */
export function mapIntegerLabels(command: string, t: CSVTable, kindFlag: Parsed['values'][string]): void {
  if (t.classes || t.target === null || kindFlag === 'linear') return;
  const seen = new Set<number>();
  for (const y of t.y) {
    if (!Number.isInteger(y)) return;
    seen.add(y);
    if (seen.size > 1000) return;
  }
  const labels = [...seen].sort((a, b) => a - b);
  const k = labels.length;
  if (labels[0] === 0 && labels[k - 1] === k - 1) return; // already 0..k-1
  const classifier = kindFlag === 'softmax' || kindFlag === 'logistic' || (k >= 2 && k <= 20 && t.rows >= 3 * k);
  if (!classifier || k < 2) return;
  const index = new Map(labels.map((l, i) => [l, i]));
  for (let i = 0; i < t.y.length; i++) t.y[i] = index.get(t.y[i])!;
  t.classes = labels.map((l) => canonicalLabel(String(l)));
  const shown = (a: (string | number)[]) => (a.length > 8 ? [...a.slice(0, 8), '…'] : a).join(', ');
  say(command, `target "${t.target}": integer labels ${shown(labels)} read as classes ${shown(labels.map((_, i) => i))} ` +
    `(the labels are kept as class names, saved with the model and printed by predict)${kindFlag === undefined || kindFlag === 'auto' ? '; --model linear to regress on them' : ''}`);
}
