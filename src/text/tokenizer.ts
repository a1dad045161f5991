import { HyperParameterError, checkKeys } from '../errors.js';
import { scanWords } from './scan.js';
import { ENGLISH_STOP_WORDS } from './stopwords.js';

/** How a text becomes tokens: scikit-learn's three analyzers. */
export type Analyzer = 'word' | 'char' | 'char_wb';

/**
 * Tokenizer options, scikit-learn's `CountVectorizer`/`HashingVectorizer` analyzer options in camelCase, same
 * defaults: `analyzer` 'word', `ngramRange` [1, 1], `lowercase` true, `stopWords` none.
 */
export interface TokenizerOptions {
  /** 'word' (default): word n-grams; 'char': character n-grams over the whole text; 'char_wb': character n-grams
   * inside words, each word padded with one space on both sides. */
  analyzer?: Analyzer;
  /** [min, max] n-gram sizes, integers with 1 ≤ min ≤ max (default [1, 1]): of words, or of characters. */
  ngramRange?: readonly [number, number];
  /** Lowercase the text first (default true), with `String.prototype.toLowerCase`: Unicode's default case
   * mapping, locale-independent (as Python's `str.lower`; 'İ' becomes 'i̇', a final 'Σ' becomes 'ς'). */
  lowercase?: boolean;
  /** Words dropped before word n-grams are formed ('word' analyzer only): a list or set of (lowercased if
   * `lowercase`) words, or 'english' for scikit-learn's list. Default: none. */
  stopWords?: readonly string[] | ReadonlySet<string> | 'english' | null;
  /** The word pattern ('word' analyzer only), a RegExp with the `g` flag; when it has one capture group the group
   * is the token (as scikit-learn's `token_pattern`). Default {@link WORD_PATTERN}. */
  tokenPattern?: RegExp;
}

/** The largest n-gram size (of words or characters): scikit-learn users rarely go past 6. */
export const MAX_NGRAM = 32;

/** Every option of the tokenizer. */
export const TOKENIZER_KEYS: readonly string[] = ['analyzer', 'ngramRange', 'lowercase', 'stopWords', 'tokenPattern'];

/**
 * The default word: a maximal run of two or more word characters, where a word character is a Unicode letter
 * (`\p{L}`: Lu, Ll, Lt, Lm, Lo), a Unicode number (`\p{N}`: Nd, Nl, No) or '_'. This is scikit-learn's
 * `(?u)\b\w\w+\b` (Python's `\w` is `str.isalnum()` or '_'): punctuation, apostrophes, emoji, symbols, spaces and
 * combining marks (Mn, Mc: accents typed as separate code points, most Indic vowel signs) split words, so "don't"
 * gives "don" (the lone "t" is too short), "naïve" written with U+0308 gives "nai" and "ve", "x2" and "3d" are words,
 * "a" and "7" are not. Unicode versions differ by engine (Node 20: Unicode 15; Python 3.11: 14) only for code points
 * assigned in between.
 */
export const WORD_PATTERN = /[\p{L}\p{N}_]{2,}/gu;

// Python's str.isspace() set (what scikit-learn's `\s` and `str.split()` mean): unlike JavaScript's `\s`, it has
// U+001C–U+001F and U+0085 and lacks U+FEFF.
const SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const SPACE_RUNS = new RegExp(`[${SPACE}]{2,}`, 'g');
const NON_SPACE_RUNS = new RegExp(`[^${SPACE}]+`, 'g');

/** A validated analyzer: text in, tokens out (n-grams included), in scikit-learn's order. */
export type AnalyzeFn = (text: string) => string[];

/**
 * Builds the analyzer for `options` (validated here: a bad option throws a {@link HyperParameterError} naming it).
 * What a token is, for each analyzer (after lowercasing):
 * - 'word': the matches of {@link WORD_PATTERN}, minus stop words, then for n in [min, max] every run of n
 *   consecutive words joined by one space ("new york"), n = 1 first;
 * - 'char': runs of two or more whitespace characters become one space, then every run of n consecutive code
 *   points (not UTF-16 units) for n in [min, max], whitespace included;
 * - 'char_wb': the same whitespace rule, then for each whitespace-separated word w, the n-grams of " " + w + " ";
 *   a padded word no longer than n is one token and ends that word's n-grams (scikit-learn's rule).
 */
export function createAnalyzer(options: TokenizerOptions = {}): AnalyzeFn {
  checkKeys('options', options, TOKENIZER_KEYS);
  return analyzerSpec(options).analyze;
}

/**
 * The analyzer of `options` and whether it is the plain default word tokenizer (single words, default pattern, no
 * stop words), which the vectorizer runs without making a string per token.
 */
export function analyzerSpec(options: TokenizerOptions): { analyze: AnalyzeFn; plainWords: boolean; lowercase: boolean } {
  const analyzer = options.analyzer ?? 'word';
  if (analyzer !== 'word' && analyzer !== 'char' && analyzer !== 'char_wb') {
    throw new HyperParameterError('analyzer', `must be 'word', 'char' or 'char_wb', got ${String(analyzer)}`);
  }
  const range = options.ngramRange ?? [1, 1];
  if (!Array.isArray(range) || range.length !== 2) {
    throw new HyperParameterError('ngramRange', `must be [min, max], got ${String(range)}`);
  }
  const [lo, hi] = range;
  if (!Number.isInteger(lo) || lo < 1 || lo > MAX_NGRAM) throw new HyperParameterError('ngramRange[0]', `must be an integer in [1, ${MAX_NGRAM}], got ${lo}`);
  // A text of w words has about w·n n-grams of each size n, each n words long: sizes up to 1e9 would build
  // terabytes of strings (the process dies out of memory) for a few thousand words.
  if (!Number.isInteger(hi) || hi < lo || hi > MAX_NGRAM) {
    throw new HyperParameterError('ngramRange[1]', `must be an integer in [ngramRange[0] = ${lo}, ${MAX_NGRAM}], got ${hi}`);
  }
  const lowercase = options.lowercase ?? true;
  if (typeof lowercase !== 'boolean') throw new HyperParameterError('lowercase', `must be a boolean, got ${String(lowercase)}`);
  const stop = stopSet(options.stopWords);
  const pattern = options.tokenPattern ?? WORD_PATTERN;
  if (!(pattern instanceof RegExp) || !pattern.global) {
    throw new HyperParameterError('tokenPattern', 'must be a RegExp with the g flag');
  }
  if (analyzer !== 'word' && (stop || options.tokenPattern)) {
    throw new HyperParameterError(stop ? 'stopWords' : 'tokenPattern', `applies to the 'word' analyzer only`);
  }
  const pre = lowercase ? (t: string) => t.toLowerCase() : (t: string) => t;
  const spec = (analyze: AnalyzeFn, plainWords = false) => ({ analyze, plainWords, lowercase });
  if (analyzer === 'char') return spec((text) => charNgrams(pre(text), lo, hi));
  if (analyzer === 'char_wb') return spec((text) => charWbNgrams(pre(text), lo, hi));
  const group = new RegExp(`${pattern.source}|`).exec('')!.length - 1;
  if (group > 1) throw new HyperParameterError('tokenPattern', `must have at most one capture group, has ${group}`);
  const words = pattern === WORD_PATTERN ? defaultWords : (t: string) => matchWords(t, pattern, group === 1);
  const plain = pattern === WORD_PATTERN && !stop && lo === 1 && hi === 1;
  return spec((text) => {
    let w = words(pre(text));
    if (stop) w = w.filter((x) => !stop.has(x));
    return lo === 1 && hi === 1 ? w : wordNgrams(w, lo, hi);
  }, plain);
}

function defaultWords(text: string): string[] {
  const out: string[] = [];
  scanWords(text, (a, b) => out.push(text.slice(a, b)));
  return out;
}

/** The tokens of one text (see {@link createAnalyzer} for what a token is). */
export function tokenize(text: string, options: TokenizerOptions = {}): string[] {
  return createAnalyzer(options)(text);
}

function stopSet(s: TokenizerOptions['stopWords']): ReadonlySet<string> | null {
  if (s === undefined || s === null) return null;
  if (s === 'english') return ENGLISH_STOP_WORDS;
  if (s instanceof Set) return s;
  if (Array.isArray(s) && s.every((w) => typeof w === 'string')) return new Set(s);
  throw new HyperParameterError('stopWords', `must be 'english', a list or a set of strings, or null`);
}

function matchWords(text: string, pattern: RegExp, captured: boolean): string[] {
  const out: string[] = [];
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    if (m[0].length === 0) pattern.lastIndex++; // an empty match must not stall the scan
    const t = captured ? m[1] : m[0];
    if (t !== undefined) out.push(t);
  }
  return out;
}

function wordNgrams(words: string[], lo: number, hi: number): string[] {
  const out: string[] = lo === 1 ? words.slice() : [];
  for (let n = Math.max(lo, 2); n <= Math.min(hi, words.length); n++) {
    for (let i = 0; i + n <= words.length; i++) out.push(words.slice(i, i + n).join(' '));
  }
  return out;
}

/** The UTF-16 offset of each code point of `s`, then s.length: code point k is s.slice(at[k], at[k + 1]). */
function codePointOffsets(s: string): Int32Array {
  const at = new Int32Array(s.length + 1);
  let k = 0;
  for (let i = 0; i < s.length; i++) {
    at[k++] = i;
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
  }
  at[k] = s.length;
  return at.subarray(0, k + 1);
}

function charNgrams(text: string, lo: number, hi: number): string[] {
  const t = text.replace(SPACE_RUNS, ' ');
  const at = codePointOffsets(t), len = at.length - 1;
  const out: string[] = [];
  for (let n = lo; n <= Math.min(hi, len); n++) {
    for (let i = 0; i + n <= len; i++) out.push(t.slice(at[i], at[i + n]));
  }
  return out;
}

function charWbNgrams(text: string, lo: number, hi: number): string[] {
  const out: string[] = [];
  const words = text.replace(SPACE_RUNS, ' ').match(NON_SPACE_RUNS) ?? [];
  for (const word of words) {
    const w = ` ${word} `;
    const at = codePointOffsets(w), len = at.length - 1;
    for (let n = lo; n <= hi; n++) {
      let offset = 0;
      out.push(w.slice(0, at[Math.min(n, len)]));
      while (offset + n < len) {
        offset++;
        out.push(w.slice(at[offset], at[offset + n]));
      }
      if (offset === 0) break; // a padded word no longer than n counts once
    }
  }
  return out;
}
