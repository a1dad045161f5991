// A hashing vectorizer as plain JSON, saved beside a text model's parameters (in a saved model's
// `training.text.vectorizer`), so that a model loaded from JSON vectorizes new texts exactly as its training
// texts were: same tokenizer, hash space, seed, signs, weighting (with the fitted idf) and norm.
import { HyperParameterError } from '../errors.js';
import { show } from '../validate.js';
import { HashingVectorizer, type HashingOptions } from './hashing.js';
import type { Analyzer } from './tokenizer.js';
import { unsafePattern } from './safe-pattern.js';

/** The largest idf a saved vectorizer may hold (a fitted one is at most ln(1 + texts) + 1). */
const MAX_IDF = 100;

/** The JSON form of a {@link HashingVectorizer}: every option explicit (defaults filled in), and the idf when fitted. */
export interface VectorizerJSON {
  analyzer: Analyzer;
  ngramRange: [number, number];
  lowercase: boolean;
  /** 'english', a list of words, or null. */
  stopWords: 'english' | string[] | null;
  /** A custom word pattern as RegExp source and flags; absent for the default. */
  tokenPattern?: { source: string; flags: string };
  features: number;
  seed: number;
  alternateSign: boolean;
  sublinearTf: boolean;
  tfidf: boolean;
  norm: 'l2' | null;
  /** The fitted idf per column (with tfidf), as JSON numbers (float64, exact). */
  idf?: number[];
}

/**
 * The JSON of a vectorizer made with `options` (the options given to `new HashingVectorizer` or
 * `Dataset.fromText`); `fitted` supplies the idf of a tfidf vectorizer (a text dataset's `vectorizer`).
 */
export function vectorizerToJSON(options: HashingOptions = {}, fitted?: HashingVectorizer): VectorizerJSON {
  const v = fitted ?? new HashingVectorizer(options); // checks the options
  const stop = options.stopWords;
  const out: VectorizerJSON = {
    analyzer: options.analyzer ?? 'word',
    ngramRange: [...(options.ngramRange ?? [1, 1])] as [number, number],
    lowercase: options.lowercase ?? true,
    stopWords: stop === undefined || stop === null ? null : stop === 'english' ? 'english' : [...stop].sort(),
    ...v.options,
  };
  if (fitted && fitted.features !== new HashingVectorizer(options).features) {
    throw new HyperParameterError('features', `the options give ${new HashingVectorizer(options).features} columns but the fitted vectorizer has ${fitted.features}`);
  }
  if (options.tokenPattern) {
    // Refused now rather than written into a file that vectorizerFromJSON would refuse to load.
    const unsafe = unsafePattern(options.tokenPattern.source, options.tokenPattern.flags);
    if (unsafe !== null) throw new HyperParameterError('tokenPattern', `${unsafe}: a saved pattern must be in the subset whose matching cost is bounded (see vectorizerFromJSON), or it could not be loaded again`);
    out.tokenPattern = { source: options.tokenPattern.source, flags: options.tokenPattern.flags };
  }
  if (v.options.tfidf) {
    if (!v.idf) throw new HyperParameterError('tfidf', 'the vectorizer is not fitted: give the fitted one (a text dataset\'s vectorizer)');
    out.idf = Array.from(v.idf);
  }
  return out;
}

function fail(what: string, why: string): never {
  throw new HyperParameterError(what, why);
}

/**
 * The vectorizer saved by {@link vectorizerToJSON}: from its JSON, or from a whole saved text model (read at
 * `training.text.vectorizer`). Every field is checked; a HyperParameterError names the bad one. A saved
 * `tokenPattern` is compiled only when it lies in a subset of regular expressions whose backtracking is bounded
 * (no backreference or lookaround; at most one unbounded quantifier, on a single character that matches no
 * whitespace; no repeated group that holds a quantifier or an alternation; bounds up to 64; 256 characters), so
 * that a hostile file cannot hang the process (ReDoS): tokenizing then costs O(n·w) for a text of n characters
 * whose longest run of non-space characters is w. {@link vectorizerToJSON} refuses other patterns up front.
 */
export function vectorizerFromJSON(json: unknown): HashingVectorizer {
  let j = json as Record<string, unknown> | null;
  if (j && typeof j === 'object' && (j as { format?: unknown }).format === 'descent-model') {
    const t = (j.training as { text?: { vectorizer?: unknown } } | undefined)?.text;
    if (!t || typeof t !== 'object' || !t.vectorizer) fail('training.text', 'this saved model has no vectorizer: it was not trained on texts');
    j = t.vectorizer as Record<string, unknown>;
  }
  if (!j || typeof j !== 'object' || Array.isArray(j)) fail('vectorizer', `must be an object, got ${show(j)}`);
  const bool = (k: string): boolean => (typeof j![k] === 'boolean' ? (j![k] as boolean) : fail(`vectorizer.${k}`, `must be a boolean, got ${show(j![k])}`));
  const sw = j.stopWords;
  if (!(sw === null || sw === 'english' || (Array.isArray(sw) && sw.every((w) => typeof w === 'string')))) fail('vectorizer.stopWords', `must be 'english', a list of words or null, got ${show(sw)}`);
  if (j.norm !== 'l2' && j.norm !== null) fail('vectorizer.norm', `must be 'l2' or null, got ${show(j.norm)}`);
  const range = j.ngramRange;
  if (!Array.isArray(range) || range.length !== 2) fail('vectorizer.ngramRange', `must be [min, max], got ${show(range)}`);
  const options: HashingOptions = {
    analyzer: j.analyzer as Analyzer, ngramRange: [range[0], range[1]], lowercase: bool('lowercase'),
    stopWords: sw as HashingOptions['stopWords'], features: j.features as number, seed: j.seed as number,
    alternateSign: bool('alternateSign'), sublinearTf: bool('sublinearTf'), tfidf: bool('tfidf'), norm: j.norm as 'l2' | null,
  };
  const tp = j.tokenPattern as { source?: unknown; flags?: unknown } | undefined;
  if (tp !== undefined) {
    if (!tp || typeof tp.source !== 'string' || typeof tp.flags !== 'string') fail('vectorizer.tokenPattern', 'must be { source, flags } strings');
    // A pattern from a file could backtrack for ever: only the subset with a bounded matching cost is compiled.
    const unsafe = unsafePattern(tp.source as string, tp.flags as string);
    if (unsafe !== null) fail('vectorizer.tokenPattern', `${unsafe} (a saved pattern must be in the subset whose matching cost is bounded: no backreference or lookaround, one unbounded quantifier on a single character that matches no whitespace, no repeated group holding a quantifier or alternation, bounds ≤ 64, ≤ 256 characters)`);
    try {
      options.tokenPattern = new RegExp(tp.source as string, tp.flags as string);
    } catch (e) {
      fail('vectorizer.tokenPattern', `is not a valid RegExp: ${(e as Error).message}`);
    }
  }
  const v = new HashingVectorizer(options); // checks analyzer, ngramRange, features, seed and the rest
  if (options.tfidf) {
    const idf = j.idf;
    if (!Array.isArray(idf) || idf.length !== v.features) fail('vectorizer.idf', `must be ${v.features} numbers (one per column) with tfidf`);
    const out = new Float64Array(v.features);
    for (let c = 0; c < out.length; c++) {
      const x = idf[c];
      // A fitted idf is ln((1 + n) / (1 + df)) + 1 with df ≤ n: in [1, ln(1 + n) + 1], under 100 for any n a run can count.
      if (typeof x !== 'number' || !(x >= 1 && x <= MAX_IDF)) fail(`vectorizer.idf[${c}]`, `must be a fitted idf in [1, ${MAX_IDF}], got ${show(x)}`);
      out[c] = x;
    }
    v.idf = out;
  } else if (j.idf !== undefined) fail('vectorizer.idf', 'is only saved with tfidf');
  return v;
}
