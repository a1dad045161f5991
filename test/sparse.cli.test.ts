// `descent train FILE --text COLUMN --target LABEL`: hashed-text classification from a CSV (the BUILT binary), with
// scikit-learn's SGDClassifier settings by default, and the mistakes a user can make with it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../src/rng.ts';
import { cli, fails, jsonLines } from './cli.helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'descent-text-'));
const SPAM = ['cheap', 'pills', 'winner', 'offer', 'free', 'casino', 'prize'];
const HAM = ['meeting', 'report', 'lunch', 'project', 'review', 'notes', 'schedule'];
const COMMON = ['the', 'and', 'today', 'please', 'regards', 'team', 'email'];

/** A CSV of short messages: id, body (quoted: commas, quotes and line breaks inside), label spam/ham. */
function messages(n: number, seed: number): string {
  const rng = new Rng(seed);
  const pick = (a: string[]) => a[Math.floor(rng.next() * a.length)];
  const lines = ['id,body,label'];
  for (let i = 0; i < n; i++) {
    const spam = rng.next() < 0.4;
    const words = Array.from({ length: 8 }, () => (rng.next() < 0.5 ? pick(spam ? SPAM : HAM) : pick(COMMON)));
    lines.push(`${i},"${words.slice(0, 4).join(' ')}, ""quoted""\n${words.slice(4).join(' ')}",${spam ? 'spam' : 'ham'}`);
  }
  return lines.join('\n') + '\n';
}

const file = join(work, 'messages.csv');
writeFileSync(file, messages(400, 1));

test('descent train --text: sparse hashed features, scikit-learn SGD defaults, high test accuracy', () => {
  const r = cli(work, 'train', file, '--text', 'body', '--target', 'label', '--json');
  assert.is(r.code, 0, r.stderr);
  const res = jsonLines(r.stdout).find((l) => l.event === 'result')!;
  assert.equal(res.classes, ['ham', 'spam']);
  assert.is(res.features, 262144);
  assert.is(res.model, 'logistic');
  assert.equal(res.optimizer, { name: 'sgd', lr: 1 });
  assert.is(res.batch, 1);
  assert.is(res.trainRows, 320);
  assert.ok(res.test.accuracy >= 0.95, `test accuracy ${res.test.accuracy}`);
  const text = cli(work, 'train', file, '--text', '1', '--target', '-1', '--hash-features', '1024', '--optimizer', 'adam', '--lr', '0.05', '--batch', '16', '--epochs', '20', '-q');
  assert.is(text.code, 0, text.stderr);
  assert.match(text.stdout, /1024 features, target "label", 2 classes \(ham, spam\)/);
  assert.match(text.stdout, /adam lr 0\.05 \(cosine schedule\) · batch 16 · up to 20 epochs/);
  assert.match(text.stdout, /test {5}loss [\d.]+, accuracy (0\.9[5-9]|1\.0)/);
});

test('descent train --text: mistakes are one-line errors naming the flag or the row', () => {
  fails(cli(work, 'train', file, '--text', 'nope', '--target', 'label'), 2, /--text "nope" is not a column/);
  fails(cli(work, 'train', file, '--text', 'body', '--target', 'body'), 2, /name the same column/);
  fails(cli(work, 'train', file, '--text', 'body', '--hash-features', '1000'), 2, /power of two/);
  fails(cli(work, 'train', file, '--text', 'body', '--stream'), 2, /--stream does not apply to --text/);
  fails(cli(work, 'train', file, '--text', 'body', '--model', 'mlp'), 3, /sparse/);
  const empty = join(work, 'empty.csv');
  writeFileSync(empty, 'body,label\nhello there,ham\n"",spam\nbuy now,spam\n');
  fails(cli(work, 'train', empty, '--text', 'body', '--no-split'), 3, /row 1 is empty/);
});

test.run();
