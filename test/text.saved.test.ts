// Text classifiers saved and used: the vectorizer's options (and fitted idf) travel with the model as JSON, so a
// model loaded from JSON vectorizes raw texts as in training — the same decisions bit for bit — in the library and
// through `descent train --text … --save` / `descent predict` (the BUILT binary).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { init, softmax, train, Dataset, Model, HyperParameterError, type HashingOptions } from '../src/index.js';
import { modelToJSON } from '../src/models/io.js';
import { HashingVectorizer, vectorizerFromJSON, vectorizerToJSON } from '../src/text/index.js';
import { Rng } from '../src/rng.ts';
import { cli, fails, jsonLines } from './cli.helpers.ts';

const WORDS = [['cheap', 'pills', 'winner', 'offer', 'FREE', 'casino'], ['meeting', 'report', 'Lunch', 'project', 'review', 'notes'], ['goal', 'match', 'team', 'score', 'league', 'coach']];
function corpus(n: number, seed: number, classes = 2): { texts: string[]; labels: number[] } {
  const rng = new Rng(seed);
  const texts: string[] = [], labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = Math.floor(rng.next() * classes);
    const w = Array.from({ length: 7 }, () => (rng.next() < 0.6 ? WORDS[c] : WORDS[(c + 1) % 3])[Math.floor(rng.next() * 6)]);
    texts.push(`${w.join(' ')}, the and of ${i % 7}`);
    labels.push(c);
  }
  return { texts, labels };
}

const CASES: [string, HashingOptions][] = [
  ['words, defaults', { features: 2 ** 12 }],
  ['word 1–2-grams, stop words, tf-idf, sublinear tf, case kept', { features: 2 ** 10, ngramRange: [1, 2], stopWords: 'english', tfidf: true, sublinearTf: true, lowercase: false }],
  ['char_wb 2–4-grams, no norm, seed 7, no alternate sign', { features: 2 ** 11, analyzer: 'char_wb', ngramRange: [2, 4], norm: null, seed: 7, alternateSign: false }],
  ['custom token pattern', { features: 2 ** 9, tokenPattern: /\b(\w)\w*/g }],
];

for (const [name, options] of CASES) {
  test(`library: a text model saved as JSON predicts raw texts bit for bit as before (${name})`, async () => {
    await init({ backend: 'wasm-simd' });
    const { texts, labels } = corpus(120, 3, 3);
    const ds = Dataset.fromText(texts, labels, options);
    const model = softmax({ features: ds.features, classes: 3 });
    try {
      train(model, ds, { optimizer: { name: 'adam', lr: 0.05 }, epochs: 5, batch: 16, seed: 1 });
      const fresh = corpus(40, 99, 3).texts.concat(['an unseen text entirely', 'FREE lunch']);
      const before = model.decision(ds.vectorizer!.transform(fresh));
      const json = JSON.parse(JSON.stringify(modelToJSON(model, { training: { text: { column: 'body', vectorizer: vectorizerToJSON(options, ds.vectorizer) } } })));
      const loaded = Model.fromJSON(json);
      const vec = vectorizerFromJSON(json);
      try {
        assert.equal(Array.from(loaded.decision(vec.transform(fresh))), Array.from(before));
        assert.equal(Array.from(loaded.predict(vec.transform(fresh))), Array.from(model.predict(ds.vectorizer!.transform(fresh))));
        const a = vec.transform(fresh), b = ds.vectorizer!.transform(fresh);
        assert.equal([Array.from(a.indptr), Array.from(a.indices), Array.from(a.values)], [Array.from(b.indptr), Array.from(b.indices), Array.from(b.values)]);
      } finally {
        loaded.dispose();
      }
    } finally {
      model.dispose();
      ds.dispose();
    }
  });
}

test('vectorizerToJSON / vectorizerFromJSON: every field checked, named in the error', () => {
  const good = vectorizerToJSON({ features: 16 });
  assert.is(good.analyzer, 'word');
  assert.equal(good.ngramRange, [1, 1]);
  assert.is(good.norm, 'l2');
  const bad = (patch: Record<string, unknown>, param: RegExp) => assert.throws(() => vectorizerFromJSON({ ...good, ...patch }), (e: Error) => e instanceof HyperParameterError && param.test(e.message));
  bad({ features: 10 }, /features/);
  bad({ lowercase: 'yes' }, /vectorizer\.lowercase/);
  bad({ norm: 'l1' }, /vectorizer\.norm/);
  bad({ ngramRange: [2] }, /vectorizer\.ngramRange/);
  bad({ stopWords: 3 }, /vectorizer\.stopWords/);
  bad({ tfidf: true }, /vectorizer\.idf/);
  bad({ tfidf: true, idf: new Array(16).fill(-1) }, /vectorizer\.idf\[0\]/);
  bad({ idf: new Array(16).fill(1) }, /only saved with tfidf/);
  bad({ tokenPattern: { source: '(', flags: 'g' } }, /tokenPattern/);
  assert.throws(() => vectorizerFromJSON({ format: 'descent-model', training: {} }), /not trained on texts/);
  assert.throws(() => vectorizerToJSON({ tfidf: true }), /not fitted/);
  const fitted = new HashingVectorizer({ features: 8, tfidf: true }).fit(['a b c', 'bb cc']);
  assert.is(vectorizerToJSON({ features: 8, tfidf: true }, fitted).idf!.length, 8);
});

// The CLI round trip: train --text --save, then predict on the test rows gives the test figures train printed.
const work = mkdtempSync(join(tmpdir(), 'descent-textsave-'));
function csv(path: string, rows: { texts: string[]; labels: number[] }, keep: (i: number) => boolean): void {
  const lines = ['id,body,label'];
  rows.texts.forEach((t, i) => { if (keep(i)) lines.push(`${i},"${t}",${rows.labels[i] ? 'spam' : 'ham'}`); });
  writeFileSync(path, lines.join('\n') + '\n');
}
const all = corpus(300, 5);
csv(join(work, 'all.csv'), all, () => true);
csv(join(work, 'test.csv'), all, (i) => i % 5 === 0);

test('CLI: train --text --save then predict: the test rows give the same loss and accuracy; predictions equal the library\'s', async () => {
  const saved = join(work, 'spam.json');
  const t = cli(work, 'train', 'all.csv', '--text', 'body', '--target', 'label', '--ngrams', '1,2', '--tfidf', '--hash-features', '4096', '--save', saved, '--json');
  assert.is(t.code, 0, t.stderr);
  const res = jsonLines(t.stdout).find((l) => l.event === 'result')!;
  const p = cli(work, 'predict', saved, 'test.csv', '--json');
  assert.is(p.code, 0, p.stderr);
  const out = JSON.parse(p.stdout);
  assert.is(out.rows, 60);
  assert.is(out.loss, res.test.loss);
  assert.is(out.accuracy, res.test.accuracy);
  // The library reading the same file predicts the same classes.
  await init({ backend: 'wasm-simd' });
  const json = JSON.parse(readFileSync(saved, 'utf8'));
  assert.equal(json.training.text.vectorizer.ngramRange, [1, 2]);
  const model = Model.fromJSON(json), vec = vectorizerFromJSON(json);
  try {
    const texts = all.texts.filter((_, i) => i % 5 === 0);
    assert.equal(out.predictions, Array.from(model.predict(vec.transform(texts)), (k) => json.classes[k]));
  } finally {
    model.dispose();
  }
  // Plain output: one class name per line; a renamed column is named with --text.
  writeFileSync(join(work, 'renamed.csv'), readFileSync(join(work, 'test.csv'), 'utf8').replace('id,body,label', 'id,message,label'));
  const r = cli(work, 'predict', saved, 'renamed.csv', '--text', 'message', '--quiet');
  assert.is(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n'), out.predictions);
});

test('CLI: text-model mistakes are one line and the documented exit code', () => {
  const saved = join(work, 'small.json');
  const t = cli(work, 'train', 'all.csv', '--text', 'body', '--hash-features', '256', '--epochs', '2', '--save', saved, '--quiet');
  assert.is(t.code, 0, t.stderr);
  writeFileSync(join(work, 'renamed2.csv'), 'id,message,label\n1,"free pills",spam\n');
  fails(cli(work, 'predict', saved, 'renamed2.csv'), 2, /no column "body".*--text/);
  writeFileSync(join(work, 'empty.csv'), 'id,body,label\n1,"free pills",spam\n2,"  ",ham\n');
  fails(cli(work, 'predict', saved, 'empty.csv'), 3, /row 2, column "body": the text is empty/);
  writeFileSync(join(work, 'badlabel.csv'), 'id,body,label\n1,"free pills",eggs\n');
  fails(cli(work, 'predict', saved, 'badlabel.csv'), 3, /row 1, column "label": "eggs" is not one of the model's classes \(ham, spam\)/);
  fails(cli(work, 'train', 'iris', '--tfidf'), 2, /--tfidf applies to --text/);
  fails(cli(work, 'train', 'all.csv', '--text', 'body', '--ngrams', '3,1'), 2, /--ngrams expects MIN,MAX/);
  fails(cli(work, 'train', 'all.csv', '--text', 'body', '--analyzer', 'char', '--stop-words', 'english'), 2, /--stop-words.*'word' analyzer/);
  const numeric = join(work, 'iris.json');
  assert.is(cli(work, 'train', 'iris', '--epochs', '2', '--save', numeric, '--quiet').code, 0);
  fails(cli(work, 'predict', numeric, 'iris', '--text', 'body'), 2, /--text applies to models trained with descent train --text/);
});

test.run();
