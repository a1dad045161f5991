// Character-level language modelling with a sequential network (embedding → gru/lstm → dense(vocab)): a
// character vocabulary, next-character windows, and sampling with a temperature. Browser-safe.
import { HyperParameterError } from '../errors.js';
import { Rng } from '../rng.js';
import { int, num, onlyKeys, show } from '../validate.js';

/**
 * What sampleText needs of a network (a `Network` from `sequential` has it): its input shape, its number of
 * outputs and its logits for a row. Structural, so src/text does not depend on src/models.
 */
export interface CharModel {
  readonly inputShape: readonly number[];
  readonly outputs: number;
  decision(x: Float32Array): ArrayLike<number>;
}

/** Character ids: 0 = padding, 1 = a character outside the vocabulary, 2.. = `chars` in order. */
export interface CharVocab {
  /** The characters with their own id, most frequent first: chars[k] has id k + 2. */
  chars: string[];
  /** Number of ids (chars.length + 2): the embedding's vocab and the last dense layer's units. */
  size: number;
}

/** The padding id (left padding of seeds shorter than the window; give it as the embedding's paddingId). */
export const CHAR_PAD = 0;
/** The id of characters outside the vocabulary. */
export const CHAR_UNKNOWN = 1;

/** The `maxChars` most frequent characters of `text` (code points), ties broken by code point. */
export function charVocab(text: string, options: { maxChars?: number } = {}): CharVocab {
  if (typeof text !== 'string' || text.length === 0) throw new HyperParameterError('text', `must be a non-empty string, got ${show(text)}`);
  onlyKeys('charVocab', options, ['maxChars']);
  const max = int('maxChars', options.maxChars, 96, 1);
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const chars = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].codePointAt(0)! - b[0].codePointAt(0)!).slice(0, max).map((e) => e[0]);
  return { chars, size: chars.length + 2 };
}

/** The ids of a text's characters (unknown ones: {@link CHAR_UNKNOWN}). */
export function encodeChars(text: string, vocab: CharVocab): Int32Array {
  const index = new Map(vocab.chars.map((c, k) => [c, k + 2]));
  const out: number[] = [];
  for (const ch of text) out.push(index.get(ch) ?? CHAR_UNKNOWN);
  return Int32Array.from(out);
}

/** The text of ids (padding dropped, unknown ones as U+FFFD). */
export function decodeChars(ids: ArrayLike<number>, vocab: CharVocab): string {
  let s = '';
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id === CHAR_PAD) continue;
    s += id === CHAR_UNKNOWN ? '\uFFFD' : vocab.chars[id - 2];
  }
  return s;
}

/** Options of {@link charWindows}. */
export interface CharWindowOptions {
  /** Ids between the starts of consecutive windows. Default 1. */
  stride?: number;
  /** The first id used. Default 0. */
  start?: number;
  /** One past the last id used. Default ids.length. */
  end?: number;
  /**
   * Targets at every position (a GPT's training rows): window r's targets are the T ids after each of its
   * ids (ids[s + 1 .. s + T]), so y is rows × T. Default false: one target per window, the id after it.
   */
  perPosition?: boolean;
}

/**
 * Next-character windows of ids[start, end): row r holds the T ids from start + r·stride and its target is
 * the id after them (or, with `perPosition`, the next id at each of its T positions). x is rows × T (f32 ids,
 * for Dataset.fromArrays with features T), y the next ids (rows, or rows × T).
 */
export function charWindows(ids: ArrayLike<number>, T: number, options: CharWindowOptions = {}): { x: Float32Array; y: Float32Array } {
  onlyKeys('charWindows', options, ['stride', 'start', 'end', 'perPosition']);
  const steps = int('T', T, 0, 1);
  const stride = int('stride', options.stride, 1, 1);
  const start = int('start', options.start, 0, 0);
  const end = int('end', options.end, ids.length, 0, ids.length);
  const per = options.perPosition ?? false;
  if (typeof per !== 'boolean') throw new HyperParameterError('perPosition', `must be true or false, got ${show(per)}`);
  const rows = Math.max(0, Math.floor((end - start - steps - 1) / stride) + 1);
  const x = new Float32Array(rows * steps), y = new Float32Array(per ? rows * steps : rows);
  for (let r = 0; r < rows; r++) {
    const s = start + r * stride;
    for (let t = 0; t < steps; t++) x[r * steps + t] = ids[s + t];
    if (per) for (let t = 0; t < steps; t++) y[r * steps + t] = ids[s + t + 1];
    else y[r] = ids[s + steps];
  }
  return { x, y };
}

/** Options of {@link sampleText}. */
export interface SampleOptions {
  /** Softmax temperature: below 1 sharper (more likely characters), above 1 flatter. Default 1. */
  temperature?: number;
  /** Seed of the draws. Default 0. */
  seed?: number;
}

/**
 * `n` characters drawn one after the other from a next-character network (embedding(vocab.size, …) first,
 * inputShape [T], softmax over vocab.size outputs), starting from `prompt`: each draw reads the last T
 * characters (left-padded with {@link CHAR_PAD} while the text is shorter) and samples softmax(z / temperature).
 * A network with a label at each position (outputs [T, vocab.size], a causal GPT) reads the last T characters
 * from position 0 (padded on the right, which a causal model's earlier positions never see) and samples from
 * the logits at the last character's position.
 */
export function sampleText(net: CharModel, vocab: CharVocab, prompt: string, n: number, options: SampleOptions = {}): string {
  onlyKeys('sampleText', options, ['temperature', 'seed']);
  const temperature = num('temperature', options.temperature, 1, { gt: 0 });
  const count = int('n', n, 0, 0);
  if (typeof prompt !== 'string') throw new HyperParameterError('prompt', `must be a string, got ${show(prompt)}`);
  const T = net.inputShape[0];
  const perPosition = net.inputShape.length === 1 && T > 1 && net.outputs === T * vocab.size;
  if (net.inputShape.length !== 1 || (net.outputs !== vocab.size && !perPosition)) {
    throw new HyperParameterError('net', `must take [T] character ids and output ${vocab.size} logits (vocab.size), or T × ${vocab.size} (one set per position), got inputShape [${net.inputShape.join(', ')}] and ${net.outputs} outputs`);
  }
  const rng = new Rng(int('seed', options.seed, 0, 0, 0xffffffff));
  const ids = Array.from(encodeChars(prompt, vocab));
  const row = new Float32Array(T);
  const out: number[] = [];
  const p = new Float64Array(vocab.size);
  for (let k = 0; k < count; k++) {
    row.fill(CHAR_PAD);
    const tail = ids.slice(-T);
    let at = 0;
    if (perPosition) {
      row.set(tail, 0);
      at = Math.max(0, tail.length - 1) * vocab.size;
    } else row.set(tail, T - tail.length);
    const z = net.decision(row);
    let mx = -Infinity, sum = 0;
    for (let c = 0; c < vocab.size; c++) mx = Math.max(mx, z[at + c] / temperature);
    for (let c = 0; c < vocab.size; c++) sum += (p[c] = c === CHAR_PAD ? 0 : Math.exp(z[at + c] / temperature - mx));
    let u = rng.next() * sum, pick = vocab.size - 1;
    for (let c = 0; c < vocab.size; c++) {
      u -= p[c];
      if (u < 0) { pick = c; break; }
    }
    ids.push(pick);
    out.push(pick);
  }
  return decodeChars(out, vocab);
}

/** What a saved character language model carries beside its network (the `training.charlm` of its JSON). */
export interface CharLmInfo {
  /** The vocabulary's characters in id order (id k + 2), as {@link CharVocab.chars}. */
  chars: string[];
  /** The window T: characters of context per prediction (the network's inputShape [T]). */
  window: number;
}

/** Options of {@link charLmLayers}. */
export interface CharLmLayerOptions {
  /** Embedding size per character. Default 32. */
  dim?: number;
  /** Units of the recurrent layer. Default 128. */
  units?: number;
  /** The recurrent cell. Default 'gru'. */
  cell?: 'gru' | 'lstm';
}

/**
 * The layers of a next-character network over `vocab`: embedding(vocab.size, dim, padding {@link CHAR_PAD}) →
 * gru/lstm(units) → dense(vocab.size), for `sequential({ inputShape: [T], layers, loss: 'softmax' })`.
 */
export function charLmLayers(vocab: CharVocab, options: CharLmLayerOptions = {}): Record<string, unknown>[] {
  onlyKeys('charLmLayers', options, ['dim', 'units', 'cell']);
  const dim = int('dim', options.dim, 32, 1);
  const units = int('units', options.units, 128, 1);
  const cell = options.cell ?? 'gru';
  if (cell !== 'gru' && cell !== 'lstm') throw new HyperParameterError('cell', `must be 'gru' or 'lstm', got ${show(cell)}`);
  return [{ type: 'embedding', vocab: vocab.size, dim, paddingId: CHAR_PAD }, { type: cell, units }, { type: 'dense', units: vocab.size }];
}

/**
 * The vocabulary saved with a model ({@link CharLmInfo.chars}), checked: distinct single characters.
 * Throws a HyperParameterError naming `what` and the first bad entry.
 */
export function charVocabFrom(chars: unknown, what = 'chars'): CharVocab {
  if (!Array.isArray(chars) || chars.length === 0) throw new HyperParameterError(what, `must be a non-empty list of characters, got ${show(chars)}`);
  const seen = new Set<string>();
  chars.forEach((c, i) => {
    if (typeof c !== 'string' || [...c].length !== 1) throw new HyperParameterError(`${what}[${i}]`, `must be one character, got ${show(c)}`);
    if (seen.has(c)) throw new HyperParameterError(`${what}[${i}]`, `repeats ${show(c)}`);
    seen.add(c);
  });
  return { chars: [...(chars as string[])], size: chars.length + 2 };
}

/** Perplexity of a mean cross-entropy (natural log): e^loss, the effective number of equally likely next characters. */
export function perplexity(loss: number): number {
  return Math.exp(loss);
}
