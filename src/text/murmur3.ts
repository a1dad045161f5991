/**
 * MurmurHash3, x86 32-bit variant (Austin Appleby's reference `MurmurHash3_x86_32`, public domain), over bytes.
 * It is the hash of scikit-learn's `murmurhash3_32` and `FeatureHasher`, so the same token lands in the same
 * column in both. Pure 32-bit integer arithmetic (`Math.imul`): the same result in every JavaScript engine.
 */

/** The unsigned 32-bit MurmurHash3_x86_32 of `bytes[0..length)` with `seed` (an integer, taken mod 2^32). */
export function murmurhash3(bytes: Uint8Array, seed = 0, length = bytes.length): number {
  return murmurhash3Range(bytes, seed, 0, length) >>> 0;
}

/** The signed 32-bit MurmurHash3_x86_32 of `bytes[start..end)` with `seed`: the hash of a word read in place. */
export function murmurhash3Range(bytes: Uint8Array, seed: number, start: number, end: number): number {
  let h = seed | 0;
  const length = end - start;
  const blocks = start + (length & ~3);
  for (let i = start; i < blocks; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  switch (length & 3) {
    case 3:
      k ^= bytes[blocks + 2] << 16;
    // falls through
    case 2:
      k ^= bytes[blocks + 1] << 8;
    // falls through
    case 1:
      k ^= bytes[blocks];
      k = Math.imul(k, 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, 0x1b873593);
      h ^= k;
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/**
 * Writes the UTF-8 encoding of `s[start..end)` (UTF-16 offsets; default the whole string) into `out` from 0 and
 * returns the byte count (`out` must hold `3 * (end - start)` bytes, the worst case). A lone surrogate becomes U+FFFD,
 * as `TextEncoder` does (Python would refuse it).
 */
export function encodeUtf8(s: string, out: Uint8Array, start = 0, end = s.length): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[n++] = c;
    } else if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 63);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < end ? s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          out[n++] = 0xf0 | (cp >> 18);
          out[n++] = 0x80 | ((cp >> 12) & 63);
          out[n++] = 0x80 | ((cp >> 6) & 63);
          out[n++] = 0x80 | (cp & 63);
          continue;
        }
        c = 0xfffd;
      }
      out[n++] = 0xe0 | (c >> 12);
      out[n++] = 0x80 | ((c >> 6) & 63);
      out[n++] = 0x80 | (c & 63);
    }
  }
  return n;
}

let scratch = new Uint8Array(256);

/**
 * MurmurHash3_x86_32 of the UTF-8 bytes of `text` (or of `text[start..end)`, UTF-16 offsets), as a signed 32-bit
 * integer: scikit-learn's `murmurhash3_32(text, seed)` (and `positive=True` is `>>> 0` of it).
 */
export function murmurhash3String(text: string, seed = 0, start = 0, end = text.length): number {
  if (scratch.length < 3 * (end - start)) scratch = new Uint8Array(Math.max(3 * (end - start), 2 * scratch.length));
  return murmurhash3(scratch, seed, encodeUtf8(text, scratch, start, end)) | 0;
}
