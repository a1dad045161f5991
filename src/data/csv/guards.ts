// Guards around CSV input that a parser alone does not give: limits checked before any parsing (so a
// pathological file fails fast with a DataError instead of exhausting memory), bounded quoting of user
// text in messages, and the guesses the command line makes about a file (header row, delimiter).
import { DataError } from '../../errors.js';

/** At most this many columns (2^24): past it, a row's cells no longer fit the engine's index arithmetic. */
export const MAX_COLUMNS = 2 ** 24;
/** User text quoted in an error message is cut to this many characters. */
export const MAX_QUOTED = 60;

/** `s` as JSON, cut with an ellipsis (and its length said) when longer than `max` characters. */
export function clip(s: string, max = MAX_QUOTED): string {
  if (s.length <= max) return JSON.stringify(s);
  return `${JSON.stringify(s.slice(0, max))}… (${s.length} characters)`;
}

/** The first physical line of `text` (without scanning past `limit` characters). */
function firstLine(text: string, limit: number): string {
  const end = text.length > limit ? limit : text.length;
  let i = 0;
  while (i < end && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
  return text.slice(0, i);
}

/**
 * Throws a DataError when the first line holds more than {@link MAX_COLUMNS} cells. Counts delimiters in
 * one linear scan, before csv-parse builds millions of strings.
 */
export function checkColumnCount(text: string, delimiter: string, source: string): void {
  if (text.length <= MAX_COLUMNS) return; // too short to hold that many cells
  const d = delimiter.charCodeAt(0);
  let cells = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) break;
    if (c === d && ++cells > MAX_COLUMNS) {
      throw new DataError(`${source}: the first line has more than ${MAX_COLUMNS} (2^24) cells; descent reads at most ${MAX_COLUMNS} columns`);
    }
  }
}

const NUMBER = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
const CANDIDATES = [',', ';', '\t', '|'] as const;

/**
 * The delimiter a file seems to use when none was given: the candidate that splits the first line into the
 * most cells, if ',' gives only one. Undefined when ',' works (or nothing else does).
 */
export function sniffDelimiter(text: string): string | undefined {
  const line = firstLine(text, 1 << 20).replace(/"[^"]*"/g, '');
  const count = (d: string) => line.split(d).length - 1;
  if (count(',') > 0) return undefined;
  let best: string | undefined, most = 0;
  for (const d of CANDIDATES) {
    const n = count(d);
    if (n > most) { best = d; most = n; }
  }
  return best;
}

/** A delimiter as people read it in messages. */
export function delimiterName(d: string): string {
  return d === '\t' ? 'tab' : d === ';' ? 'semicolon' : d === '|' ? 'pipe' : d === ',' ? 'comma' : JSON.stringify(d);
}

/** True when every cell of a first record is a number: such a row is data, not a header. */
export function isDataRow(cells: readonly string[]): boolean {
  return cells.length > 0 && cells.every((c) => NUMBER.test(c));
}

/**
 * Whether the first record names the columns: the rule every reader (whole text, stream, command line)
 * applies, so they see the same column layout. `'auto'`: unless every cell of it is a number.
 */
export function headerOf(first: readonly string[], header: boolean | 'auto'): boolean {
  return header === 'auto' ? !isDataRow(first) : header;
}

/** The delimiter a reader uses: the given one, else the one the first line of `head` suggests, else ','. */
export function delimiterOf(head: string, given: string | undefined): string {
  return given ?? sniffDelimiter(head) ?? ',';
}

/** One spelling per numeric label: '1', '1.0' and '01' are the same class, written as Number prints it. */
export function canonicalLabel(s: string): string {
  return NUMBER.test(s) ? String(Number(s)) : s;
}
