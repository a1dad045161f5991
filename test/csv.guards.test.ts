// The CLI's CSV guards (header detection, 1-based/sparse labels, delimiter sniffing, --columns/--drop,
// --onehot) and CSV extremes (column limit, huge single-line text, out-of-range cells, '1' vs
// '1.0', duplicate class names), plus the README's makeClassification call.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { init, Dataset, DataError } from '../src/node.js';
import { parseCSV } from '../src/data/csv/read.js';
import { MAX_COLUMNS, sniffDelimiter, isDataRow } from '../src/data/csv/guards.js';
import { makeClassification } from '../src/data/synthetic.js';
import { cli, cliAll, fails } from './cli.helpers.js';

const work = mkdtempSync(join(tmpdir(), 'descent-csv-guards-'));
const rows = (f: (i: number) => string, n: number) => Array.from({ length: n }, (_, i) => f(i)).join('\n') + '\n';

test.before(async () => {
  await init({ backend: 'js' });
  writeFileSync(join(work, 'semi.csv'), 'a;b;y\n' + rows((i) => `${i % 7};${(i * 3) % 5};${i % 2}`, 40));
  writeFileSync(join(work, 'nohead.csv'), rows((i) => `${i % 7},${(i * 3) % 5},${i % 2}`, 40));
  // Labels 1..3 (iris-like): classes, not regression, and not 4 classes under --model softmax.
  writeFileSync(join(work, 'onebased.csv'), 'u,v,kind\n' + rows((i) => `${i % 3 + (i % 5) * 0.1},${(i * 7) % 3},${(i % 3) + 1}`, 60));
  writeFileSync(join(work, 'houses.csv'), 'id,city,area,price\n' + rows((i) => `h${i},${['Paris', 'Rome', 'Oslo'][i % 3]},${50 + (i % 7) * 10},${100 + (i % 3) * 50 + (i % 7) * 20}`, 45));
});

test('a first row of numbers is data, said on stderr; --header overrides', () => {
  assert.ok(isDataRow(['1', ' 2.5', '-3e2']));
  assert.not.ok(isDataRow(['a', '1']));
  const r = cli(work, 'train', 'nohead.csv', '--epochs', '2', '-q');
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /the first row of nohead\.csv is all numbers, so it is read as data/);
  assert.match(r.stdout, /40 rows × 2 features/);
  const h = cli(work, 'train', 'nohead.csv', '--epochs', '2', '-q', '--header');
  assert.match(h.stdout, /39 rows/);
  assert.not.match(h.stderr, /all numbers/);
});

test('delimiter sniffing: a semicolon file is read as such, said on stderr; a wrong --delimiter gets a hint', () => {
  assert.is(sniffDelimiter('a;b;c\n1;2;3\n'), ';');
  assert.is(sniffDelimiter('a\tb\n'), '\t');
  assert.is(sniffDelimiter('a,b\n'), undefined);
  const r = cli(work, 'train', 'semi.csv', '--epochs', '2', '-q');
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /semi\.csv has no comma in its first line; reading it as semicolon-separated \(--delimiter to choose\)/);
  fails(cli(work, 'train', 'semi.csv', '--delimiter', '|'), 3, /no feature columns.*pass --delimiter/);
});

test('1-based integer labels are classes, the mapping printed, saved, and used by predict', () => {
  const r = cli(work, 'train', 'onebased.csv', '--model', 'softmax', '--save', 'ob.json', '--epochs', '20', '-q');
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /softmax \(3 classes\)/);
  assert.match(r.stderr, /integer labels 1, 2, 3 read as classes 0, 1, 2/);
  const saved = JSON.parse(readFileSync(join(work, 'ob.json'), 'utf8'));
  assert.equal(saved.classes, ['1', '2', '3']);
  const p = cli(work, 'predict', 'ob.json', 'onebased.csv');
  assert.is(p.code, 0, p.stderr);
  assert.ok(p.stdout.trim().split('\n').every((l) => ['1', '2', '3'].includes(l)));
  // --model auto finds the classes too; --model linear keeps the numbers.
  assert.match(cli(work, 'train', 'onebased.csv', '--epochs', '2', '-q').stdout, /3 classes \(1, 2, 3\)/);
  assert.match(cli(work, 'train', 'onebased.csv', '--epochs', '2', '-q', '--model', 'linear').stdout, /regression/);
});

test('--columns, --drop and --onehot choose and encode features; predict encodes new rows the same way', async () => {
  const [drop, cols, bad, text] = await cliAll(work, [
    ['train', 'houses.csv', '--drop', 'id', '--onehot', 'city', '--save', 'h.json', '-q'],
    ['train', 'houses.csv', '--columns', 'area', '--epochs', '2', '-q'],
    ['train', 'houses.csv', '--drop', 'nope'],
    ['train', 'houses.csv', '--drop', 'id'],
  ]);
  assert.is(drop.code, 0, drop.stderr);
  assert.match(drop.stdout, /45 rows × 4 features, target "price"/);
  assert.is(cols.code, 0, cols.stderr);
  assert.match(cols.stdout, /1 features/);
  fails(bad, 2, /--drop names no column of houses\.csv: "nope"/);
  fails(text, 3, /"Paris" is not a number/);
  const saved = JSON.parse(readFileSync(join(work, 'h.json'), 'utf8'));
  assert.equal(saved.featureNames, ['city=Oslo', 'city=Paris', 'city=Rome', 'area']);
  assert.equal(saved.training.onehot, [{ column: 'city', categories: ['Oslo', 'Paris', 'Rome'] }]);
  writeFileSync(join(work, 'new.csv'), 'id,city,area\nx,Rome,90\ny,Oslo,50\nz,Berlin,70\n');
  const p = cli(work, 'predict', 'h.json', 'new.csv');
  assert.is(p.code, 0, p.stderr);
  const [rome, oslo] = p.stdout.trim().split('\n').map(Number);
  assert.ok(Math.abs(rome - 230) < 15 && Math.abs(oslo - 200) < 15, p.stdout);
});

test('CSV extremes: more than 2^24 columns is a DataError, fast and without the memory', () => {
  const wide = ','.repeat(MAX_COLUMNS) + '\n1\n';
  const t0 = performance.now();
  assert.throws(() => parseCSV(wide), (e: unknown) => e instanceof DataError && /more than 16777216 \(2\^24\) cells/.test((e as Error).message));
  assert.ok(performance.now() - t0 < 2000, `took ${performance.now() - t0} ms`);
  writeFileSync(join(work, 'wide.csv'), wide);
  fails(cli(work, 'train', 'wide.csv'), 3, /more than 16777216 \(2\^24\) cells/);
});

test('CSV extremes: a 50 MB single-line string is not taken for a path, and no message embeds it', () => {
  const huge = 'a,'.repeat(25 * 1024 * 1024);
  let err: unknown;
  try { Dataset.fromCSV(huge); } catch (e) { err = e; }
  assert.ok(err instanceof DataError, String(err));
  assert.ok((err as Error).message.length < 400, `message of ${(err as Error).message.length} characters`);
  const r = cli(work, 'train', 'x'.repeat(100_000));
  assert.is(r.code, 3);
  assert.ok(r.stderr.length < 1200, `stderr of ${r.stderr.length} characters`);
});

test('CSV extremes: an out-of-range cell is cut in the message; 1 and 1.0 are one class; duplicate trimmed class names fail', () => {
  const big = '9'.repeat(5000);
  try {
    parseCSV(`a,y\n${big},1\n`);
    assert.unreachable('out of float32 range');
  } catch (e) {
    assert.instance(e, DataError);
    assert.ok((e as Error).message.length < 300, (e as Error).message.slice(0, 400));
    assert.match((e as Error).message, /out of the float32 range/);
  }
  const t = parseCSV('a,y\n1,1\n2,1.0\n3,2\n4,02\n', { labels: 'integer' });
  assert.equal(t.classes, ['1', '2']);
  assert.equal([...t.y], [0, 0, 1, 1]);
  assert.throws(() => parseCSV('a,y\n1,a\n2,b\n', { classes: ['a', ' a', 'b'] }), (e: unknown) => e instanceof DataError && /same after trimming/.test((e as Error).message));
  const long = 'q'.repeat(100_000);
  try {
    parseCSV(`a,y\n1,a\n2,${long}\n`, { classes: ['a', 'b'] });
    assert.unreachable('unknown class');
  } catch (e) {
    assert.instance(e, DataError);
    assert.ok((e as Error).message.length < 400);
  }
});

test("the README's makeClassification call runs: 3 classes in 32 features", () => {
  const { x, y } = makeClassification({ samples: 2000, features: 32, classes: 3, seed: 1 });
  assert.is(x.length, 2000 * 32);
  assert.equal(new Set(y).size, 3);
});

test.run();
