// The data layer: Dataset.fromCSV options, missing-value policies, label mapping, splits and
// standardization, built-ins against their catalogue, and the seeded synthetic generators.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  init, Dataset, DataError, HyperParameterError, ShapeError, builtinNames, builtinCatalog,
} from '../src/node.js';
import { makeRegression, makeClassification, regressionChunks, classificationChunks, csvChunks } from '../src/synthetic.js';
import { parseCSV } from '../src/data/csv/read.js';
import { formatCSV } from '../src/data/csv/format.js';
import { csvHeader, setRecordParser, type RecordParser } from '../src/data/csv/read.js';
import { parse as parseBrowser } from 'csv-parse/browser/esm/sync';
import { parse as parseNative } from 'csv-parse/sync';

const dir = mkdtempSync(join(tmpdir(), 'descent-data-'));

function throws<E extends Error>(fn: () => unknown, type: new (...a: any[]) => E, match?: RegExp): E {
  try {
    fn();
  } catch (e) {
    assert.instance(e, type, `expected ${type.name}, got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    if (match) assert.match((e as Error).message, match);
    return e as E;
  }
  throw new assert.Assertion({ message: `expected ${type.name}, nothing was thrown` });
}

test.before(async () => {
  await init({ backend: 'wasm-simd' });
});

test('fromCSV reads text and files; target defaults to the last column', () => {
  const text = 'a,b,y\n1,2,3\n4,5,6\n';
  const path = join(dir, 'small.csv');
  writeFileSync(path, text);
  for (const src of [text, path]) {
    const ds = Dataset.fromCSV(src);
    assert.is(ds.rows, 2);
    assert.is(ds.features, 2);
    assert.equal(Array.from(ds.x), [1, 2, 4, 5]);
    assert.equal(Array.from(ds.y), [3, 6]);
    assert.equal(ds.featureNames, ['a', 'b']);
    assert.is(ds.targetName, 'y');
    ds.dispose();
  }
});

test('fromCSV: target by name, by index, by negative index; features subset and order', () => {
  const text = 'id,x1,label,x2\n7,1,0,2\n8,3,1,4\n';
  const byName = Dataset.fromCSV(text, { target: 'label', features: ['x2', 'x1'] });
  assert.equal(Array.from(byName.x), [2, 1, 4, 3]);
  assert.equal(Array.from(byName.y), [0, 1]);
  assert.equal(byName.featureNames, ['x2', 'x1']);
  const byIndex = Dataset.fromCSV(text, { target: 2 });
  assert.equal(byIndex.featureNames, ['id', 'x1', 'x2']);
  assert.equal(Array.from(byIndex.y), [0, 1]);
  const byNegative = Dataset.fromCSV(text, { target: -2 });
  assert.equal(Array.from(byNegative.y), [0, 1]);
  const byDigits = Dataset.fromCSV(text, { target: '2' }); // a string that names no column but is an index
  assert.equal(Array.from(byDigits.y), [0, 1]);
  for (const d of [byName, byIndex, byNegative, byDigits]) d.dispose();
  throws(() => Dataset.fromCSV(text, { target: 'nope' }), HyperParameterError, /no column "nope"; its columns are id, x1, label, x2/);
  throws(() => Dataset.fromCSV(text, { target: 9 }), HyperParameterError, /out of range/);
  throws(() => Dataset.fromCSV(text, { target: 'label', features: ['label'] }), HyperParameterError, /also the target/);
});

test('fromCSV: header: false, delimiters, quotes, CRLF, BOM, comments and blank lines', () => {
  const ds = Dataset.fromCSV('1;2;0\n3;4;1\n', { header: false, delimiter: ';' });
  assert.equal(ds.featureNames, ['0', '1']);
  assert.equal(Array.from(ds.y), [0, 1]);
  ds.dispose();
  const tsv = parseCSV('a\tb\r\n" 1.5 "\t2\r\n\r\n   \r\n3\t4\r\n', { delimiter: '\t' });
  assert.equal(Array.from(tsv.x), [1.5, 3]);
  assert.equal(Array.from(tsv.y), [2, 4]);
  const bom = parseCSV('\ufeffa,b\n# a comment\n1,2\n', { comment: '#' });
  assert.equal(bom.featureNames, ['a']);
  assert.is(bom.rows, 1);
  assert.equal(csvHeader('\n\na;b;c\n1;2;3\n', { delimiter: ';' }), ['a', 'b', 'c']);
});

test('fromCSV: errors name the line and column', () => {
  const ragged = throws(() => parseCSV('a,b,c\n1,2,3\n4,5\n'), DataError, /line 3 has 2 cells, expected 3 \(as the header\)/);
  assert.is(ragged.line, 3);
  assert.is(ragged.row, 1);
  const text = throws(() => parseCSV('a,b,c\n1,2,3\n4,five,6\n'), DataError, /line 3, column 2 \(b\): "five" is not a number/);
  assert.is(text.line, 3);
  assert.is(text.column, 1);
  throws(() => parseCSV('a,b\n0x10,1\n'), DataError, /"0x10" is not a number/);
  throws(() => parseCSV('a,b\nInfinity,1\n'), DataError, /"Infinity" is not a number/);
  throws(() => parseCSV('a,b\n1e39,1\n'), DataError, /line 2, column 1 \(a\): 1e39 is out of the float32 range/);
  const missing = throws(() => parseCSV('a,b\n1,2\n,3\n'), DataError, /line 3, column 1 \(a\) is missing \(""\); choose a missing-value policy/);
  assert.is(missing.line, 3);
  throws(() => parseCSV('a,b\n1,"2\n'), DataError, /line 2: malformed CSV: Quote Not Closed/);
  throws(() => parseCSV('a,b\n'), DataError, /no data rows/);
  throws(() => parseCSV(''), DataError, /empty/);
  throws(() => parseCSV('y\n1\n2\n'), DataError, /no feature columns/);
  throws(() => Dataset.fromCSV(join(dir, 'missing.csv')), DataError, /cannot read .*missing\.csv: no such file/);
  throws(() => parseCSV('a,b\n1,2\n', { delimiter: '"' }), HyperParameterError, /csv\.delimiter/);
  throws(() => parseCSV('a,b\n1,2\n', { missing: 'zero' as never }), HyperParameterError, /csv\.missing/);
  throws(() => parseCSV('a,b\n1,2\n', { tagret: 'b' } as never), HyperParameterError, /csv\.tagret: unknown option/);
});

test('missing policies: drop skips the row, mean fills features, a missing target is never imputed', () => {
  const text = 'a,b,y\n1,NA,0\n3,4,1\n5,6,\n?,8,1\n';
  const drop = parseCSV(text, { missing: 'drop' });
  assert.is(drop.rows, 1);
  assert.is(drop.dropped, 3);
  assert.equal(Array.from(drop.x), [3, 4]);
  const mean = parseCSV(text, { missing: 'mean' });
  assert.is(mean.rows, 3); // the row with no target is dropped
  assert.is(mean.dropped, 1);
  assert.is(mean.imputed, 2);
  // a: present 1, 3 → mean 2; b: present 4, 8 (the dropped row's 6 does not count) → 6.
  assert.equal(Array.from(mean.x), [1, 6, 3, 4, 2, 8]);
  assert.equal(Array.from(mean.y), [0, 1, 1]);
  const custom = parseCSV('a,y\n-999,1\n2,0\n', { missing: 'drop', missingValues: ['-999'] });
  assert.equal(Array.from(custom.x), [2]);
  throws(() => parseCSV('a,y\n,1\n,0\n', { missing: 'mean' }), DataError, /column 1 \(a\) has no values/);
  throws(() => parseCSV('a,y\n,1\n', { missing: 'drop' }), DataError, /left no rows/);
  // NaN in the data never slips through: "NaN" is a missing marker (policy applies) or, when not, text.
  throws(() => parseCSV('a,y\nNaN,1\n', { missingValues: [] }), DataError, /"NaN" is not a number/);
});

test('labels: class names map to 0..k-1 in sorted order; numbers sort numerically; the mapping is kept', () => {
  const iris = 'x,species\n1,virginica\n2,setosa\n3,versicolor\n4,setosa\n';
  const ds = Dataset.fromCSV(iris);
  assert.equal(ds.classes, ['setosa', 'versicolor', 'virginica']);
  assert.equal(Array.from(ds.y), [2, 0, 1, 0]);
  const sub = ds.subset([1, 2]);
  assert.equal(sub.classes, ds.classes, 'subset keeps the names');
  const { train, test: held } = ds.split({ every: 2 });
  assert.equal(train.classes, ds.classes);
  assert.equal(held.featureNames, ['x']);
  for (const d of [ds, sub, train, held]) d.dispose();
  const nums = parseCSV('x,y\n1,10\n2,9\n3,100\n', { labels: 'integer' });
  assert.equal(nums.classes, ['9', '10', '100']);
  assert.equal(Array.from(nums.y), [1, 0, 2]);
  const fixed = parseCSV(iris, { classes: ['virginica', 'setosa', 'versicolor'] });
  assert.equal(Array.from(fixed.y), [0, 1, 2, 1]);
  throws(() => parseCSV(iris, { classes: ['setosa', 'virginica'] }), DataError, /line 4.*class "versicolor" is not one of "setosa", "virginica"/);
  throws(() => parseCSV('x,y\n1,a\n2,a\n'), DataError, /one class only/);
  throws(() => parseCSV('x,y\n1,a\n', { labels: 'none' }), DataError, /target "a" is not a number/);
  const auto = parseCSV('x,y\n1,2.5\n2,-1\n');
  assert.is(auto.classes, undefined, 'numeric targets stay numbers');
  assert.equal(Array.from(auto.y), [2.5, -1]);
});

test('labels: one-hot target columns become class indices', () => {
  const t = parseCSV('f,cat,dog,fish\n1,0,1,0\n2,0,0,1\n3,1,0,0\n', { target: ['cat', 'dog', 'fish'], labels: 'onehot' });
  assert.equal(Array.from(t.y), [1, 2, 0]);
  assert.equal(t.classes, ['cat', 'dog', 'fish']);
  assert.equal(t.featureNames, ['f']);
  throws(() => parseCSV('f,a,b\n1,1,1\n', { target: ['a', 'b'], labels: 'onehot' }), DataError, /more than one 1/);
  throws(() => parseCSV('f,a,b\n1,0,0\n', { target: ['a', 'b'], labels: 'onehot' }), DataError, /has no 1/);
  throws(() => parseCSV('f,a,b\n1,0,2\n', { target: ['a', 'b'], labels: 'onehot' }), DataError, /"2" is not 0 or 1/);
  throws(() => parseCSV('f,a,b\n1,0,1\n', { target: ['a', 'b'] }), HyperParameterError, /one-hot/);
});

test('split: every-5th rule and seeded fractions are deterministic; standardize fits on train', () => {
  const n = 23;
  const x = Float32Array.from({ length: n * 2 }, (_, i) => i % 7);
  const y = Float32Array.from({ length: n }, (_, i) => i);
  const ds = Dataset.fromArrays(x, y, { features: 2 });
  const five = ds.split({ every: 5 });
  assert.equal(Array.from(five.test.y), [0, 5, 10, 15, 20]);
  assert.is(five.train.rows, n - 5);
  const a = ds.split({ testFraction: 0.3, seed: 7 });
  const b = ds.split({ testFraction: 0.3, seed: 7 });
  const c = ds.split({ testFraction: 0.3, seed: 8 });
  assert.equal(Array.from(a.test.y), Array.from(b.test.y));
  assert.is(a.test.rows, 7);
  assert.not.equal(Array.from(a.test.y), Array.from(c.test.y));
  const stats = five.train.stats();
  five.train.standardize(stats);
  five.test.standardize(stats);
  const after = five.train.stats();
  for (let j = 0; j < 2; j++) {
    assert.ok(Math.abs(after.mean[j]) < 1e-6, 'train mean 0');
    assert.ok(Math.abs(after.std[j] - 1) < 1e-6, 'train std 1');
  }
  for (const d of [ds, five.train, five.test, a.train, a.test, b.train, b.test, c.train, c.test]) d.dispose();
});

test('built-ins match their catalogue and the strict reader', () => {
  for (const name of builtinNames) {
    const info = builtinCatalog[name];
    const ds = Dataset.builtin(name);
    assert.is(ds.rows, info.rows, name);
    assert.is(ds.features, info.features, name);
    assert.is(ds.targetName, info.target, name);
    const y = ds.y;
    if (info.classes) assert.is(Math.max(...y) + 1, info.classes, `${name} classes`);
    ds.dispose();
  }
  // The csv-parse reader and the built-in fast reader agree on a built-in file.
  const viaCSV = Dataset.fromCSV(join(process.cwd(), 'data', 'wine.csv'));
  const viaBuiltin = Dataset.builtin('wine');
  assert.equal(viaCSV.x, viaBuiltin.x);
  assert.equal(viaCSV.y, viaBuiltin.y);
  viaCSV.dispose();
  viaBuiltin.dispose();
  throws(() => Dataset.builtin('cifar10' as never), HyperParameterError, /unknown built-in dataset "cifar10"/);
});

test("csv-parse's browser build (the default outside Node) reads exactly as the native one", () => {
  const texts = [
    '\ufeffa;b;"c d"\r\n1;"2.5";x\r\n\r\n3;4;y\r\n',
    'a,b,y\n1,NA,0\n3,4,1\n',
    readFileSync(join(process.cwd(), 'data', 'iris.csv'), 'utf8'),
  ];
  const opts = [{ delimiter: ';', labels: 'integer' as const }, { missing: 'mean' as const }, {}];
  const native = texts.map((t, i) => parseCSV(t, opts[i]));
  setRecordParser(parseBrowser as unknown as RecordParser);
  try {
    texts.forEach((t, i) => assert.equal(parseCSV(t, opts[i]), native[i]));
    throws(() => parseCSV('a,b\n1,"2\n'), DataError, /line 2: malformed CSV: Quote Not Closed/);
  } finally {
    setRecordParser(parseNative as unknown as RecordParser);
  }
});

test('fromArrays checks the names it carries', () => {
  throws(() => Dataset.fromArrays([[1, 2]], [0], { featureNames: ['a'] }), ShapeError, /featureNames/);
  throws(() => Dataset.fromArrays([[1, 2]], [2], { classes: ['a', 'b'] }), DataError, /not a class index/);
});

test('formatCSV writes float32 values that read back exactly', () => {
  const d = makeRegression({ samples: 50, features: 3, noise: 1, seed: 4 });
  const t = parseCSV(formatCSV(d.x, d.y, 3));
  assert.equal(t.x, d.x);
  assert.equal(t.y, d.y);
  assert.equal(t.featureNames, ['x0', 'x1', 'x2']);
});

test('makeRegression: seeded, chunking-independent, y = X·coef + bias exactly without noise', () => {
  const o = { samples: 37, features: 5, informative: 3, bias: 2, seed: 11 };
  const a = makeRegression(o), b = makeRegression(o);
  assert.equal(a.x, b.x);
  assert.equal(a.y, b.y);
  assert.not.equal(Array.from(makeRegression({ ...o, seed: 12 }).x), Array.from(a.x));
  assert.equal(Array.from(a.coef.slice(3)), [0, 0], 'only informative features have weight');
  for (let r = 0; r < o.samples; r++) {
    let y = o.bias;
    for (let j = 0; j < 5; j++) y += a.x[r * 5 + j] * a.coef[j];
    assert.is(a.y[r], Math.fround(y));
  }
  for (const size of [1, 5, 36, 100]) {
    const parts = [...regressionChunks(o, size)];
    assert.equal(Float32Array.from(parts.flatMap((p) => Array.from(p.x))), a.x, `chunk ${size}`);
    assert.equal(Float32Array.from(parts.flatMap((p) => Array.from(p.y))), a.y, `chunk ${size}`);
  }
  const noisy = makeRegression({ ...o, noise: 5 });
  assert.equal(noisy.x, a.x, 'noise touches only y');
  assert.not.equal(Array.from(noisy.y), Array.from(a.y));
});

test('makeClassification: seeded, chunking-independent, balanced labels in range, separable informative features', () => {
  const o = { samples: 3000, features: 8, informative: 3, redundant: 2, repeated: 1, classes: 3, seed: 5, flipY: 0 };
  const a = makeClassification(o);
  assert.equal(makeClassification(o).x, a.x);
  const parts = [...classificationChunks(o, 777)];
  assert.equal(Float32Array.from(parts.flatMap((p) => Array.from(p.y))), a.y);
  const counts = [0, 0, 0];
  for (const v of a.y) counts[v]++;
  for (const c of counts) assert.ok(c > 850 && c < 1150, `balanced: ${counts}`);
  // Redundant features are linear combinations; the repeated one copies an earlier column exactly.
  const col = (j: number) => Array.from({ length: 50 }, (_, r) => a.x[r * 8 + j]);
  assert.ok([0, 1, 2, 3, 4].some((j) => JSON.stringify(col(j)) === JSON.stringify(col(5))), 'column 5 repeats one of 0..4');
  const weighted = makeClassification({ ...o, weights: [0.8, 0.1, 0.1] });
  const w0 = Array.from(weighted.y).filter((v) => v === 0).length / o.samples;
  assert.ok(w0 > 0.75 && w0 < 0.85, `weights: ${w0}`);
  throws(() => makeClassification({ informative: 1, classes: 3 }), HyperParameterError, /informative/);
  throws(() => makeClassification({ features: 3 }), HyperParameterError, /features/);
  throws(() => makeRegression({ samples: 0 }), HyperParameterError, /makeRegression\.samples/);
});

test('csvChunks writes one CSV whatever the chunking, readable by fromCSV', () => {
  const o = { samples: 20, features: 3, seed: 1 };
  const one = [...csvChunks(regressionChunks(o, 20))].join('');
  const many = [...csvChunks(regressionChunks(o, 3))].join('');
  assert.is(many, one);
  const t = parseCSV(one);
  assert.equal(t.x, makeRegression(o).x);
});

test.run();
