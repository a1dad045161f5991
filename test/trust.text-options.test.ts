// Text options that used to be accepted silently or kill the process: n-gram sizes past a bound, unknown keys and
// typos (with a "did you mean"), seeds outside MurmurHash3's u32. Each is a HyperParameterError naming the option,
// raised before anything is tokenized or allocated.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, Dataset, HyperParameterError } from '../src/index.js';
import { HashingVectorizer, createAnalyzer } from '../src/text/index.js';

function thrown(f: () => unknown): HyperParameterError {
  try {
    f();
  } catch (e) {
    assert.instance(e, HyperParameterError, String(e));
    return e as HyperParameterError;
  }
  throw new Error('expected an error');
}

const WORDS = Array.from({ length: 3000 }, (_, i) => `w${i % 97}x`).join(' ');

test.before(async () => {
  await init({ backend: 'js' });
});

test('ngramRange up to 1e9 on 3,000 words: a HyperParameterError with the bound, not an out-of-memory abort', () => {
  for (const analyzer of ['word', 'char', 'char_wb'] as const) {
    const e = thrown(() => Dataset.fromText([WORDS, 'a b'], [0, 1], { analyzer, ngramRange: [1, 1e9] }));
    assert.is(e.param, 'ngramRange[1]');
    assert.match(e.message, /32/);
  }
  assert.is(thrown(() => new HashingVectorizer({ ngramRange: [40, 50] })).param, 'ngramRange[0]');
  // The bound itself is accepted.
  assert.ok(new HashingVectorizer({ ngramRange: [1, 32], features: 16 }).transform([WORDS.slice(0, 2000)]).indices.length > 0);
});

test('unknown options and typos are refused with a "did you mean"', () => {
  const cases: [Record<string, unknown>, string, string | null][] = [
    [{ stop_words: 'english' }, 'stop_words', 'stopWords'],
    [{ ngram: [1, 2] }, 'ngram', 'ngramRange'],
    [{ ngram_range: [1, 2] }, 'ngram_range', 'ngramRange'],
    [{ Lowercase: false }, 'Lowercase', 'lowercase'],
    [{ feature: 16 }, 'feature', 'features'],
    [{ alternate_sign: false }, 'alternate_sign', 'alternateSign'],
    [{ sublinear_tf: true }, 'sublinear_tf', 'sublinearTf'],
    [{ tokenpattern: /a/g }, 'tokenpattern', 'tokenPattern'],
    [{ zzzzzz: 1 }, 'zzzzzz', null],
  ];
  for (const [options, param, hint] of cases) {
    for (const make of [() => new HashingVectorizer(options), () => Dataset.fromText(['hello world', 'good bye'], [0, 1], options)]) {
      const e = thrown(make);
      assert.is(e.param, param);
      if (hint) assert.match(e.message, `did you mean ${hint}?`);
      else assert.not.match(e.message, /did you mean/);
    }
  }
  assert.is(thrown(() => createAnalyzer({ stopwords: 'english' } as never)).param, 'stopwords');
  assert.is(thrown(() => new HashingVectorizer(null as never)).param, 'options');
});

test('seed outside [0, 2^32 - 1] is refused (2^40 hashed as seed 0 before)', () => {
  for (const seed of [-1, 2 ** 32, 2 ** 40, 1.5, NaN]) {
    assert.is(thrown(() => new HashingVectorizer({ seed })).param, 'seed', String(seed));
    assert.is(thrown(() => Dataset.fromText(['hello world', 'good bye'], [0, 1], { seed })).param, 'seed', String(seed));
  }
  const a = new HashingVectorizer({ seed: 2 ** 32 - 1, features: 1024 }).transform(['hello world']);
  const b = new HashingVectorizer({ seed: 0, features: 1024 }).transform(['hello world']);
  assert.not.equal(Array.from(a.indices), Array.from(b.indices));
});

test.run();
