// Hostile saved files: a text model's word pattern that would backtrack for ever, idf values no fit gives, a
// training state with hyper-parameters or PRNG words no run writes. Each is refused, typed, before use.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, Dataset, softmax, Trainer, Model, HyperParameterError, type TrainState } from '../src/index.js';
import { vectorizerToJSON, vectorizerFromJSON, HashingVectorizer } from '../src/text/index.js';
import { unsafePattern } from '../src/text/safe-pattern.js';

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

// Patterns that backtrack exponentially or polynomially (or defeat any bound): each would hang on a long text.
const HOSTILE = [
  '(a+)+$', '(a|a)*b', '(\\w+)*x', '(a*)*b', '([a-z]+)+!', '\\w*\\w*\\w*!', '\\w+\\w+x', '[^!]+!', '.*.*=.*',
  '(?=(\\w+))\\1', '(\\w)\\1+', '(?<=a)b+', 'a{1,100000}', '(ab|a)+c', 'x'.repeat(300), '\\s+x', '(?:\\w\\w?)+$',
];
const SAFE = ['\\b\\w\\w+\\b', '[a-z]+', '(\\w+)', '[\\p{L}\\p{N}_]{2,}', '\\d{1,4}', '[A-Za-z][a-z]+', 'foo|bar'];

test('hostile token patterns in a saved vectorizer are refused (HyperParameterError) before they are compiled', () => {
  const good = vectorizerToJSON({ tokenPattern: /[a-z]+/g });
  for (const source of HOSTILE) {
    const e = thrown(() => vectorizerFromJSON({ ...good, tokenPattern: { source, flags: 'gu' } }));
    assert.instance(e, HyperParameterError, source);
    assert.is((e as HyperParameterError).param, 'vectorizer.tokenPattern');
  }
  // Saving with such a pattern is refused too, rather than writing a file that cannot be loaded.
  const save = thrown(() => vectorizerToJSON({ tokenPattern: /(a+)+$/g }));
  assert.instance(save, HyperParameterError);
  assert.is((save as HyperParameterError).param, 'tokenPattern');
  for (const flags of ['', 'gy', 'gd', 'gv', 'gg']) {
    assert.throws(() => vectorizerFromJSON({ ...good, tokenPattern: { source: '[a-z]+', flags } }), (e: unknown) => e instanceof HyperParameterError, flags);
  }
});

test('safe patterns load and tokenize as the vectorizer they were saved from; their cost stays bounded on long texts', () => {
  const long = `${'a'.repeat(20_000)} ${'b1 '.repeat(5000)}!`;
  for (const source of SAFE) {
    assert.is(unsafePattern(source, 'gu'), null, source);
    const v = new HashingVectorizer({ tokenPattern: new RegExp(source, 'gu'), features: 16 });
    const back = vectorizerFromJSON(vectorizerToJSON({ tokenPattern: new RegExp(source, 'gu'), features: 16 }));
    assert.equal(back.tokens('Hello wide world 42 foo'), v.tokens('Hello wide world 42 foo'), source);
    const t0 = performance.now();
    back.transform([long]);
    assert.ok(performance.now() - t0 < 5000, `${source}: ${performance.now() - t0} ms`);
  }
});

test('idf values no fit gives (1e308, 0.5, NaN, a string) are refused', () => {
  const v = new HashingVectorizer({ tfidf: true, features: 4 }).fit(['a b c', 'b c d', 'cc dd']);
  const good = vectorizerToJSON({ tfidf: true, features: 4 }, v);
  assert.ok(vectorizerFromJSON(good).idf);
  for (const bad of [1e308, 0.5, 0, -1, NaN, '2', 1000]) {
    const idf = [...good.idf!];
    idf[2] = bad as number;
    const e = thrown(() => vectorizerFromJSON({ ...good, idf }));
    assert.instance(e, HyperParameterError, String(bad));
    assert.is((e as HyperParameterError).param, 'vectorizer.idf[2]');
  }
});

test('a saved TrainState with beta1 7, a flag of 0.5 or an all-zero PRNG state is refused', async () => {
  await init({ backend: 'js' });
  const x: number[][] = [], y: number[] = [];
  for (let i = 0; i < 32; i++) {
    x.push([Math.sin(i), Math.cos(i), (i % 5) / 5]);
    y.push(i % 3);
  }
  const ds = Dataset.fromArrays(x, y);
  const opts = { optimizer: { name: 'adam' as const, lr: 0.05 }, batch: 8, epochs: 4, seed: 1 };
  const m = softmax({ features: 3, classes: 3 });
  const t = new Trainer(m, ds, opts);
  t.step(5);
  const good = JSON.parse(JSON.stringify(t.save())) as TrainState;
  t.dispose();
  const edits: [string, (s: TrainState) => void][] = [
    ['beta1 7', (s) => { s.optimizer.hyper[2] = 7; }],
    ['beta2 1', (s) => { s.optimizer.hyper[3] = 1; }],
    ['negative eps', (s) => { s.optimizer.hyper[4] = -1e-8; }],
    ['amsgrad 0.5', (s) => { s.optimizer.hyper[6] = 0.5; }],
    ['all-zero shuffling PRNG', (s) => { s.rng = [0, 0, 0, 0]; }],
    ['all-zero dropout PRNG', (s) => { s.loop.dropRng = [0, 0, 0, 0]; }],
  ];
  for (const [label, edit] of edits) {
    const s = structuredClone(good);
    edit(s);
    const target = Model.fromJSON(good.model);
    const e = thrown(() => new Trainer(target, ds, { ...opts, resume: s }));
    assert.instance(e, HyperParameterError, label);
    assert.is((e as HyperParameterError).param, 'resume', label);
    target.dispose();
  }
  const again = Model.fromJSON(good.model);
  const r = new Trainer(again, ds, { ...opts, resume: good });
  r.run();
  r.dispose();
  again.dispose();
  m.dispose();
  ds.dispose();
});

test.run();
