// The default word tokenizer without a RegExp or a string per token: the vectorizer's fast path. It finds exactly
// the matches of WORD_PATTERN (/[\p{L}\p{N}_]{2,}/gu, a test checks it on random Unicode text) and hashes each
// token's UTF-8 bytes straight from the text (murmurhash3String with a range).

const WORD_CHAR = /^[\p{L}\p{N}_]$/u;
// Per BMP code point: 0 not yet known, 1 a word character, 2 not. Filled on first sight from WORD_CHAR.
const bmp = new Uint8Array(65536);
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
    // ASCII letters, digits and '_' decided inline; everything else through the table.
    const word = cp < 128 ? (cp >= 97 && cp <= 122) || (cp >= 48 && cp <= 57) || (cp >= 65 && cp <= 90) || cp === 95 : isWord(cp);
    if (word) {
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
