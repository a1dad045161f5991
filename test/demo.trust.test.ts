// The demo tells the truth: an uploaded CSV is read by the library's reader (a ';' file and class-name labels work
// as they do in Dataset.fromCSV), epoch and step axes tick on whole numbers only, and every section's run (tabular,
// CNN, text) writes the footer's main-thread line. The page itself needs a browser (test/browser.test.ts); these
// checks run in Node on the modules the page is built from.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { init, Dataset } from '../src/index.js';

// Loaded per test, so that each check stands alone.
const upload = () => import('../demo/upload.js');
const axes = () => import('../demo/axes.js');
const footer = () => import('../demo/probe-summary.js');

const demo = (f: string) => readFileSync(new URL(`../demo/${f}`, import.meta.url), 'utf8');

test.before(async () => {
  await init({ backend: 'js' });
});

test('upload: a ";" file with class names reads as Dataset.fromCSV reads it', async () => {
  const { readUpload } = await upload();
  const text = 'sepal;petal;species\n5.1;1.4;setosa\n7.0;4.7;versicolor\n6.3;6.0;virginica\n4.9;1.4;setosa\n6.4;4.5;versicolor\n';
  const t = readUpload(text, 'flowers.csv');
  const ds = Dataset.fromCSV(text);
  try {
    assert.is(t.delimiter, ';');
    assert.is(t.rows, ds.rows);
    assert.is(t.features, ds.features);
    assert.equal(t.columns, ['sepal', 'petal', 'species']);
    assert.equal(t.classes, ['setosa', 'versicolor', 'virginica']);
    assert.equal([...t.y], [...ds.y]);
    assert.equal([...t.x], [...ds.x]);
  } finally {
    ds.dispose();
  }
});

test('upload: a headerless tab file, and the reader\'s errors name the line and column', async () => {
  const { readUpload } = await upload();
  const t = readUpload('1\t2\t0\n3\t4\t1\n5\t6\t0\n', 'plain.tsv');
  assert.is(t.header, false);
  assert.is(t.rows, 3);
  assert.throws(() => readUpload('a,b,y\n1,2,0\n1,oops,1\n', 'bad.csv'), /bad\.csv: line 3, column 2 \(b\): "oops" is not a number/);
});

test('the page reads uploads through readUpload, not a parser of its own', () => {
  const main = demo('main.ts');
  assert.match(main, /readUpload\(text, file\.name\)/);
  assert.not.match(main.slice(main.indexOf("els.upload.addEventListener")), /parseNumericCSV/);
});

test('epoch and step axes: whole-number tick spacings and labels only, on every chart', async () => {
  const { COUNT_INCRS, countAxis, countLabels } = await axes();
  assert.ok(COUNT_INCRS.length > 10);
  for (const v of COUNT_INCRS) assert.ok(Number.isInteger(v) && v >= 1, `increment ${v}`);
  for (let i = 1; i < COUNT_INCRS.length; i++) assert.ok(COUNT_INCRS[i] > COUNT_INCRS[i - 1]);
  assert.equal(countLabels([1, 1.5, 2, 3]), ['1', '', '2', '3']);
  const axis = countAxis('epoch');
  assert.is(axis.label, 'epoch');
  assert.equal(axis.incrs, [...COUNT_INCRS]);
  // Every x axis of an epoch or step chart is a counting axis.
  assert.match(demo('charts.ts'), /countAxis\('epoch'\)/);
  for (const f of ['cnn.ts', 'text.ts']) assert.match(demo(f), /axes: \[countAxis\(x\)/, f);
});

test('the footer line: written by the tabular, CNN and text runs alike', async () => {
  for (const f of ['main.ts', 'cnn.ts', 'text.ts']) {
    const s = demo(f);
    assert.match(s, /probe\.start\(\)/, `${f} starts the probe`);
    assert.match(s, /probe\.training\(\)/, `${f} marks training`);
    assert.match(s, /\.textContent = probeSummary\(probe\)/, `${f} writes the footer`);
  }
  const { probeSummary } = await footer();
  assert.is(probeSummary({ maxGap: 12.34, maxGapTraining: 5.67 }),
    'main thread during the last run: longest gap between frames/timers 5.7 ms while training (12.3 ms including worker start-up)');
});

test.run();
