// The default word tokenizer without a RegExp or a string per token: the vectorizer's fast path. It finds exactly
// the matches of WORD_PATTERN (/[\p{L}\p{N}_]{2,}/gu, a test checks it on random Unicode text) and hashes each
// token's UTF-8 bytes in place: the text is encoded once (TextEncoder.encodeInto, native) and scanned as bytes,
// an ASCII byte classified by a table, any other code point decoded and classified as scanWords does.
import { murmurhash3Range } from './murmur3.js';

const WORD_CHAR = /^[\p{L}\p{N}_]$/u;
// Per BMP code point: 0 not yet known, 1 a word character, 2 not. ASCII is filled here (the scan's hot case),
// the rest on first sight from WORD_CHAR.
const bmp = new Uint8Array(65536);
for (let c = 0; c < 128; c++) bmp[c] = WORD_CHAR.test(String.fromCharCode(c)) ? 1 : 2;
const astral = new Map<number, boolean>();

function isWord(cp: number): boolean {
  if (cp < 65536) {
    let v = bmp[cp];
    if (v === 0) bmp[cp] = v = WORD_CHAR.test(String.fromCharCode(cp)) ? 1 : 2;
    return v === 1;
  }
  let w = astral.get(cp);
  if (w === undefined) astral.set(cp, (w = WORD_CHAR.test(String.fromCodePoint(cp))));
  return w;
}

/** Calls `visit(start, end)` with the UTF-16 range of each default word of `text`, in order. */
export function scanWords(text: string, visit: (start: number, end: number) => void): void {
  const n = text.length;
  let start = -1, count = 0;
  for (let i = 0; i < n; ) {
    let cp = text.charCodeAt(i);
    let width = 1;
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < n) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (d - 0xdc00);
        width = 2;
      }
    }
    if (isWord(cp)) {
      if (start < 0) (start = i), (count = 0);
      count++;
    } else if (start >= 0) {
      if (count >= 2) visit(start, i);
      start = -1;
    }
    i += width;
  }
  if (start >= 0 && count >= 2) visit(start, n);
}

/** The most words a text of `length` UTF-16 units can hold (each is ≥ 2 units, words are ≥ 1 unit apart). */
export function maxWords(length: number): number {
  return (length + 1) / 3 + 1 | 0;
}

// The byte classes of utf8WordHashes: an ASCII word character, an ASCII non-word character, the lead byte of a
// longer UTF-8 sequence (decoded and looked up), and 0xFF, which UTF-8 never holds: the end mark after the text.
const WORD = 1, OTHER = 0, LEAD = 2, END = 3;
const byteClass = new Uint8Array(256);
for (let b = 0; b < 256; b++) byteClass[b] = b < 128 ? (bmp[b] === 1 ? WORD : OTHER) : b === 0xff ? END : LEAD;

/** The code point of the UTF-8 sequence whose lead byte (≥ 0xC0) is utf8[i]. */
function decodeAt(utf8: Uint8Array, i: number, b: number): number {
  if (b < 0xe0) return ((b & 31) << 6) | (utf8[i + 1] & 63);
  if (b < 0xf0) return ((b & 15) << 12) | ((utf8[i + 1] & 63) << 6) | (utf8[i + 2] & 63);
  return ((b & 7) << 18) | ((utf8[i + 1] & 63) << 12) | ((utf8[i + 2] & 63) << 6) | (utf8[i + 3] & 63);
}

/** The bytes of the UTF-8 sequence whose lead byte is b. */
function widthOf(b: number): number {
  return b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
}

/**
 * Writes the signed MurmurHash3_x86_32 (`seed`) of each default word of a text, in order, to `out` from 0 and
 * returns how many: the hashes of `scanWords`' ranges without a callback or a string per word. Reads the text's
 * UTF-8 bytes `utf8[0..length)` (well-formed, as `TextEncoder.encodeInto` writes them: a lone surrogate is then
 * U+FFFD, which is not a word character, as the surrogate is not), so each word is hashed from its own bytes, in
 * place. `utf8` must have room for one more byte (`utf8[length]` is overwritten with an end mark, so the loops
 * need no bounds test), and `out` must hold {@link maxWords}(length) values.
 */
export function utf8WordHashes(utf8: Uint8Array, length: number, seed: number, out: Int32Array): number {
  utf8[length] = 0xff;
  let m = 0, i = 0;
  for (;;) {
    // Between words: ASCII non-word bytes by the table; a longer sequence is a word's start only if it decodes
    // to a word character.
    let k = byteClass[utf8[i]];
    while (k === OTHER) k = byteClass[utf8[++i]];
    if (k === END) break;
    if (k === LEAD) {
      const b = utf8[i];
      if (!isWord(decodeAt(utf8, i, b))) {
        i += widthOf(b);
        continue;
      }
    }
    // A word from i: ASCII word bytes by the table, longer sequences decoded; `extra` counts the bytes beyond
    // the first of each longer one, so the word has (i − start − extra) code points.
    const start = i;
    let extra = 0;
    for (;;) {
      while (k === WORD) k = byteClass[utf8[++i]];
      if (k !== LEAD) break;
      const b = utf8[i];
      if (!isWord(decodeAt(utf8, i, b))) break;
      const w = widthOf(b);
      extra += w - 1;
      i += w;
      k = byteClass[utf8[i]];
    }
    if (i - start - extra >= 2) out[m++] = murmurhash3Range(utf8, seed, start, i);
  }
  return m;
}
