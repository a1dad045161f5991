// descent's hashing vectorizer against scikit-learn's HashingVectorizer / TfidfTransformer on the same texts:
// test/fixtures/text-sklearn.json, written by scripts/text-sklearn-fixture.py (scikit-learn 1.2.1, float64), holds
// handwritten Unicode texts and SpamAssassin excerpts, ten option sets and murmurhash3_32 values.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { HashingVectorizer, murmurhash3String, type HashingOptions } from '../src/text/index.js';

interface Case {
  name: string;
  options: HashingOptions;
  rows: number;
  fitRows?: number;
  indptr: number[];
  indices: number[];
  data: number[];
}
const fixture = JSON.parse(readFileSync('test/fixtures/text-sklearn.json', 'utf8')) as {
  sklearn: string;
  documents: string[];
  cases: Case[];
  murmur: { text: string; seed: number; signed: number; unsigned: number }[];
};

test('murmurhash3_32 of UTF-8 bytes equals scikit-learn’s, signed and unsigned, for every seed', () => {
  assert.ok(fixture.murmur.length >= 64);
  for (const { text, seed, signed, unsigned } of fixture.murmur) {
    assert.is(murmurhash3String(text, seed), signed, `${JSON.stringify(text)} seed ${seed}`);
    assert.is(murmurhash3String(text, seed) >>> 0, unsigned, `${JSON.stringify(text)} seed ${seed} positive`);
  }
});

/** The stored entries of a row as column → value, stored zeros dropped (scikit-learn keeps them only without idf). */
function rowMap(indptr: ArrayLike<number>, indices: ArrayLike<number>, data: ArrayLike<number>, r: number): Map<number, number> {
  const m = new Map<number, number>();
  for (let j = indptr[r]; j < indptr[r + 1]; j++) if (data[j] !== 0) m.set(indices[j], data[j]);
  return m;
}

for (const c of fixture.cases) {
  test(`HashingVectorizer ≡ scikit-learn ${fixture.sklearn}, bit for bit after rounding to float32: ${c.name}`, () => {
    const docs = fixture.documents.slice(0, c.rows);
    const v = new HashingVectorizer(c.options);
    if (c.fitRows !== undefined) v.fit(fixture.documents.slice(0, c.fitRows));
    const x = v.transform(docs);
    assert.is(x.rows, c.rows);
    assert.is(x.features, c.options.features ?? 2 ** 18);
    assert.is(x.indptr.length, c.rows + 1);
    let entries = 0;
    for (let r = 0; r < c.rows; r++) {
      for (let j = x.indptr[r] + 1; j < x.indptr[r + 1]; j++) assert.ok(x.indices[j - 1] < x.indices[j], `row ${r}: columns ascending, unique`);
      const ours = rowMap(x.indptr, x.indices, x.values, r);
      const theirs = rowMap(c.indptr, c.indices, c.data, r);
      assert.equal([...ours.keys()], [...theirs.keys()], `row ${r} (${JSON.stringify(docs[r].slice(0, 40))}): columns`);
      for (const [col, value] of theirs) {
        assert.is(ours.get(col), Math.fround(value), `row ${r}, column ${col}`);
        entries++;
      }
    }
    if (!c.options.tfidf) {
      // Without idf scikit-learn keeps a column whose signed counts cancel as a stored zero, and so do we.
      assert.equal(Array.from(x.indptr), c.indptr, 'indptr, stored zeros included');
    }
    assert.ok(entries > 0);
  });
}

test.run();
