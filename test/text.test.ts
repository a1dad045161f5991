// The tokenizer, MurmurHash3 and the hashing vectorizer by hand: what a token is, n-gram ranges, the reference
// implementation's published hash values, tf-idf and l2 arithmetic on three texts, and bad input.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DataError, DescentError, HyperParameterError, ShapeError } from '../src/errors.js';
import { Rng } from '../src/rng.js';
import {
  HashingVectorizer, murmurhash3, murmurhash3String, shuffledSplit, tokenize, vectorizeLabeled, WORD_PATTERN, type Csr,
} from '../src/text/index.js';

test('word tokens: runs of 2+ Unicode letters, numbers or _, lowercased; punctuation, apostrophes, emoji split', () => {
  assert.equal(tokenize('Hello, World! hello.'), ['hello', 'world', 'hello']);
  assert.equal(tokenize("Don't stop—it's rock'n'roll"), ['don', 'stop', 'it', 'rock', 'roll']);
  assert.equal(tokenize('I ❤️ 🍕 pizza👍🏽ok 😀😀'), ['pizza', 'ok']);
  assert.equal(tokenize('x2 3d a 7 42 3.14 1,000'), ['x2', '3d', '42', '14', '000']);
  assert.equal(tokenize('ΌΣΟΣ Straße ǄEMAL'), ['όσος', 'straße', 'ǆemal'], 'final sigma, ß, a titlecase digraph');
  // 'İ' lowercases to 'i' + U+0307 (a combining mark), which splits the word, in Python as here.
  assert.equal(tokenize('İSTANBUL'), ['stanbul']);
  assert.equal(tokenize('Москва ЁЛКА 東京都 مرحبا ١٢٣ x² ½ Ⅻ Ⅻ½'), ['москва', 'ёлка', '東京都', 'مرحبا', '١٢٣', 'x²', 'ⅻ½']);
  assert.equal(tokenize('nai\u0308ve café'), ['nai', 've', 'café'], 'a combining mark splits, as Python’s \\w');
  assert.equal(tokenize('snake_case __init__ _ mail@ex.com'), ['snake_case', '__init__', 'mail', 'ex', 'com']);
  assert.equal(tokenize(''), []);
  assert.equal(tokenize(' \t\n '), []);
  assert.equal(tokenize('Hello WORLD', { lowercase: false }), ['Hello', 'WORLD']);
  assert.equal(tokenize('key=value; k=v', { tokenPattern: /(\w+)=/g }), ['key', 'k'], 'one capture group is the token');
});

test('the fast word scanner finds exactly the matches of WORD_PATTERN on random Unicode text', () => {
  const rng = new Rng(7);
  // ASCII, Latin-1, Greek, combining marks, CJK, Arabic-Indic digits, Roman numerals, spaces, emoji, math letters,
  // lone surrogates.
  const ranges = [[32, 127], [160, 255], [0x370, 0x3ff], [0x300, 0x36f], [0x4e00, 0x4e40], [0x660, 0x669],
    [0x2160, 0x216f], [0x2000, 0x200b], [0x1f600, 0x1f64f], [0x1d400, 0x1d44f], [0xd800, 0xdfff]];
  for (let k = 0; k < 300; k++) {
    let s = '';
    const len = rng.below(60);
    for (let i = 0; i < len; i++) {
      const [a, b] = ranges[rng.below(ranges.length)];
      const cp = a + rng.below(b - a + 1);
      s += cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
    }
    const want = Array.from(s.matchAll(WORD_PATTERN), (m) => m[0]);
    assert.equal(tokenize(s, { lowercase: false }), want, JSON.stringify(s));
    const v = new HashingVectorizer({ norm: null, features: 1024 });
    const x = v.transform([s]), y = new HashingVectorizer({ norm: null, features: 1024, tokenPattern: /[\p{L}\p{N}_]{2,}/gu }).transform([s]);
    assert.equal([...x.indices], [...y.indices], 'the fast hashing path ≡ the token path');
    assert.equal([...x.values], [...y.values]);
  }
});

test('word n-grams: n = min…max over the words left after stop words, joined by one space', () => {
  assert.equal(tokenize('one two three', { ngramRange: [1, 2] }), ['one', 'two', 'three', 'one two', 'two three']);
  assert.equal(tokenize('one two three', { ngramRange: [2, 3] }), ['one two', 'two three', 'one two three']);
  assert.equal(tokenize('one two', { ngramRange: [3, 5] }), []);
  assert.equal(tokenize('The cat and the hat', { stopWords: 'english', ngramRange: [1, 2] }), ['cat', 'hat', 'cat hat']);
  assert.equal(tokenize('the cat sat', { stopWords: ['cat'] }), ['the', 'sat']);
});

test('char n-grams over code points, whitespace runs made one space; char_wb pads words and counts short ones once', () => {
  assert.equal(tokenize('abc', { analyzer: 'char', ngramRange: [1, 2] }), ['a', 'b', 'c', 'ab', 'bc']);
  assert.equal(tokenize('a  \n b', { analyzer: 'char', ngramRange: [2, 2] }), ['a ', ' b']);
  assert.equal(tokenize('a\tb', { analyzer: 'char', ngramRange: [2, 2] }), ['a\t', '\tb'], 'one tab stays a tab');
  assert.equal(tokenize('🍕A', { analyzer: 'char', ngramRange: [1, 2] }), ['🍕', 'a', '🍕a'], 'code points, not UTF-16 units');
  assert.equal(tokenize('ab', { analyzer: 'char', ngramRange: [3, 4] }), []);
  assert.equal(tokenize('ab', { analyzer: 'char_wb', ngramRange: [2, 3] }), [' a', 'ab', 'b ', ' ab', 'ab ']);
  assert.equal(tokenize('a', { analyzer: 'char_wb', ngramRange: [2, 5] }), [' a', 'a ', ' a ']);
  assert.equal(tokenize('hi, yo', { analyzer: 'char_wb', ngramRange: [4, 4] }), [' hi,', 'hi, ', ' yo ']);
  assert.equal(tokenize('', { analyzer: 'char_wb', ngramRange: [1, 3] }), []);
});

test('MurmurHash3_x86_32: the reference implementation’s published values', () => {
  const utf8 = (s: string) => new TextEncoder().encode(s);
  const cases: [string, number, number][] = [
    ['', 0, 0], ['', 1, 0x514e28b7], ['', 0xffffffff, 0x81f16f39], ['\0\0\0\0', 0, 0x2362f9de],
    ['hello', 0, 0x248bfa47], ['hello', 1, 0xbb4abcad],
    ['a', 0x9747b28c, 0x7fa09ea6], ['ab', 0x9747b28c, 0x74875592], ['abc', 0x9747b28c, 0xc84a62dd],
    ['abcd', 0x9747b28c, 0xf0478627], ['aaaa', 0x9747b28c, 0x5a97808a], ['Hello, world!', 0x9747b28c, 0x24884cba],
    ['ππππππππ', 0x9747b28c, 0xd58063c1], ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
  ];
  for (const [s, seed, want] of cases) {
    assert.is(murmurhash3(utf8(s), seed), want, `${JSON.stringify(s)} seed ${seed.toString(16)}`);
    assert.is(murmurhash3String(s, seed) >>> 0, want, `${JSON.stringify(s)} seed ${seed.toString(16)}, from the string`);
  }
  assert.is(murmurhash3String('hello', 1), -1152729939, 'signed, as scikit-learn’s murmurhash3_32');
  assert.is(murmurhash3String('\ud800x'), murmurhash3(utf8('\ud800x')), 'a lone surrogate hashes as U+FFFD, as TextEncoder');
});

/** Column → value of row r. */
function row(x: Csr, r: number): Map<number, number> {
  const m = new Map<number, number>();
  for (let j = x.indptr[r]; j < x.indptr[r + 1]; j++) m.set(x.indices[j], x.values[j]);
  return m;
}
const col = (token: string, features = 2 ** 18) => Math.abs(murmurhash3String(token)) & (features - 1);
const sign = (token: string) => (murmurhash3String(token) < 0 ? -1 : 1);
const close = (a: number | undefined, b: number, what: string) =>
  assert.ok(a !== undefined && Math.abs(a - b) <= 1e-7 * Math.max(1, Math.abs(b)), `${what}: ${a} ≠ ${b}`);

test('counts, signs and l2 by hand on three texts', () => {
  const docs = ['red red blue', 'blue green', 'red'];
  assert.is(new Set(['red', 'blue', 'green'].map((t) => col(t))).size, 3, 'no collision among the three words');
  const raw = new HashingVectorizer({ norm: null }).transform(docs);
  assert.equal([...raw.indptr], [0, 2, 4, 5]);
  close(row(raw, 0).get(col('red')), 2 * sign('red'), 'red ×2, signed');
  close(row(raw, 0).get(col('blue')), sign('blue'), 'blue, signed');
  const x = new HashingVectorizer().transform(docs);
  close(row(x, 0).get(col('red')), (2 * sign('red')) / Math.sqrt(5), 'l2: 2/√5');
  close(row(x, 0).get(col('blue')), sign('blue') / Math.sqrt(5), 'l2: 1/√5');
  close(row(x, 1).get(col('green')), sign('green') / Math.SQRT2, 'l2: 1/√2');
  close(row(x, 2).get(col('red')), sign('red'), 'l2 of one entry');
  const empty = new HashingVectorizer().transform(['', '!!', 'ok']);
  assert.equal([...empty.indptr], [0, 0, 0, 1], 'texts without tokens are empty rows');
});

test('rows at any hash space (1 to 2^30 columns): columns ascending, counts = the tokens\' signed sums', () => {
  const rng = new Rng(5);
  const words = Array.from({ length: 300 }, (_, i) => `w${i.toString(36)}x`);
  // Rows long enough for the bucket pass (> 32 distinct columns) and short ones (insertion sort alone), with repeats.
  const docs = Array.from({ length: 12 }, (_, r) => Array.from({ length: r % 3 === 0 ? 8 : 400 }, () => words[Math.floor(rng.next() * words.length)]).join(' '));
  for (const features of [1, 2, 2 ** 11, 2 ** 12, 2 ** 18, 2 ** 23, 2 ** 30]) {
    const x = new HashingVectorizer({ features, norm: null }).transform(docs);
    for (let r = 0; r < docs.length; r++) {
      const want = new Map<number, number>();
      for (const t of docs[r].split(' ')) want.set(col(t, features), (want.get(col(t, features)) ?? 0) + sign(t));
      const cols = x.indices.slice(x.indptr[r], x.indptr[r + 1]);
      assert.equal([...cols], [...want.keys()].sort((a, b) => a - b), `features ${features}, row ${r}: the columns, ascending`);
      for (const [c, v] of want) assert.is(row(x, r).get(c), v, `features ${features}, row ${r}, column ${c}`);
    }
  }
});

test('tf-idf (smooth idf), sublinear tf and l2 by hand on three texts', () => {
  const docs = ['red red blue', 'blue green', 'red'];
  const a = Math.log(4 / 3) + 1, b = Math.log(4 / 2) + 1; // idf of red and blue (df 2), of green (df 1); n = 3
  const v = new HashingVectorizer({ tfidf: true, alternateSign: false, norm: null }).fit(docs);
  close(v.idf![col('red')], a, 'idf(red)');
  close(v.idf![col('green')], b, 'idf(green)');
  close(v.idf![col('unseen')], Math.log(4) + 1, 'idf of a column no training text has');
  const raw = v.transform(docs);
  close(row(raw, 0).get(col('red')), 2 * a, 'tf·idf');
  close(row(raw, 1).get(col('green')), b, 'tf·idf');
  const x = new HashingVectorizer({ tfidf: true, alternateSign: false }).fitTransform(docs);
  close(row(x, 0).get(col('red')), 2 / Math.sqrt(5), 'red and blue share an idf: 2/√5');
  close(row(x, 1).get(col('blue')), a / Math.hypot(a, b), 'blue in text 1');
  close(row(x, 1).get(col('green')), b / Math.hypot(a, b), 'green in text 1');
  const s = new HashingVectorizer({ tfidf: true, sublinearTf: true, alternateSign: false }).fitTransform(docs);
  const t = 1 + Math.log(2);
  close(row(s, 0).get(col('red')), t / Math.hypot(t, 1), 'sublinear: (1 + ln 2)/‖·‖');
  const signed = new HashingVectorizer({ sublinearTf: true, norm: null }).transform(['red red']);
  close(row(signed, 0).get(col('red')), sign('red') * t, 'sublinear keeps the sign of a signed count');
});

function throwsTyped(fn: () => unknown, type: new (...a: any[]) => DescentError, check: (e: any) => void, label: string) {
  try {
    fn();
  } catch (e) {
    assert.instance(e, type, `${label}: ${(e as Error).constructor.name}: ${(e as Error).message}`);
    check(e);
    return;
  }
  assert.unreachable(`${label}: did not throw`);
}

test('bad input: typed errors naming the row or the option, before anything is vectorized', () => {
  const param = (p: string) => (e: HyperParameterError) => assert.is(e.param, p);
  for (const features of [0, -4, 3, 2.5, 1000, 2 ** 31, NaN]) {
    throwsTyped(() => new HashingVectorizer({ features }), HyperParameterError, param('features'), `features ${features}`);
  }
  assert.is(new HashingVectorizer({ features: 1 }).transform(['a b c', 'ab cd']).indices.length, 1, 'features 1 is allowed');
  throwsTyped(() => tokenize('x', { ngramRange: [0, 1] }), HyperParameterError, param('ngramRange[0]'), 'min 0');
  throwsTyped(() => tokenize('x', { ngramRange: [2, 1] }), HyperParameterError, param('ngramRange[1]'), 'max < min');
  throwsTyped(() => tokenize('x', { ngramRange: [1.5, 2] }), HyperParameterError, param('ngramRange[0]'), 'fraction');
  throwsTyped(() => tokenize('x', { analyzer: 'chars' as never }), HyperParameterError, param('analyzer'), 'analyzer');
  throwsTyped(() => tokenize('x', { analyzer: 'char', stopWords: 'english' }), HyperParameterError, param('stopWords'), 'stop words with char');
  throwsTyped(() => new HashingVectorizer({ norm: 'l1' as never }), HyperParameterError, param('norm'), 'norm');
  throwsTyped(() => new HashingVectorizer({ tfidf: true }).transform(['a']), HyperParameterError, param('tfidf'), 'transform before fit');
  throwsTyped(() => new HashingVectorizer().fit(['ab']), HyperParameterError, param('tfidf'), 'fit without tfidf');
  const v = new HashingVectorizer();
  throwsTyped(() => v.transform([]), DataError, (e) => assert.match(e.message, /empty/), 'no texts');
  throwsTyped(() => v.transform('a text' as never), DataError, (e) => assert.match(e.message, /array/), 'a string, not an array');
  throwsTyped(() => v.transform(['ok', 'fine', 3 as never]), DataError, (e) => assert.is(e.row, 2), 'a number at row 2');
  throwsTyped(() => v.transform(['ok', null as never]), DataError, (e) => assert.is(e.row, 1), 'null at row 1');
  throwsTyped(() => vectorizeLabeled(['a', 'b'], [1]), ShapeError, (e) => assert.match(e.message, /1 values for 2 texts/), 'labels short');
  throwsTyped(() => vectorizeLabeled(['a', 'b'], [0, NaN]), DataError, (e) => assert.is(e.row, 1), 'label NaN');
  throwsTyped(() => vectorizeLabeled(['a', 7 as never], [0, 1]), DataError, (e) => assert.is(e.row, 1), 'texts first');
  const { x, y } = vectorizeLabeled(['spam spam', 'ham'], [1, 0]);
  assert.is(x.rows, 2);
  assert.equal([...y], [1, 0]);
});

test('shuffledSplit: every 5th shuffled position is a test document; disjoint, covering, seeded', () => {
  const { train, test: held } = shuffledSplit(6046);
  assert.is(held.length, 1210);
  assert.is(train.length, 4836);
  const all = [...train, ...held].sort((p, q) => p - q);
  assert.ok(all.every((v, i) => v === i), 'a partition of 0..n-1');
  assert.equal([...shuffledSplit(6046).test.slice(0, 5)], [...held.slice(0, 5)], 'same seed, same split');
  assert.not.equal([...shuffledSplit(6046, { seed: 1 }).test.slice(0, 5)], [...held.slice(0, 5)]);
});

test.run();
