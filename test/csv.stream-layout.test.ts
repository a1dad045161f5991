// One CSV layout path: csvBatches and csvStats read a file as Dataset.fromCSV (parseCSV) reads it — the header
// guessed from the first record, the delimiter sniffed from the first line, class names collected from every row.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCSV } from '../src/data/csv/read.js';
import { csvBatches, csvStats, type CSVBatchOptions } from '../src/data/csv/stream.js';

const work = mkdtempSync(join(tmpdir(), 'descent-stream-layout-'));

async function streamed(text: string, options: CSVBatchOptions = {}) {
  const path = join(work, `f${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(path, text);
  const stats = await csvStats(path, options);
  const x: number[] = [], y: number[] = [];
  let names: readonly string[] = [];
  for await (const b of csvBatches(path, { ...options, classes: stats.classes, batch: 2 })) {
    x.push(...b.x);
    y.push(...b.y);
    names = b.featureNames;
  }
  return { stats, x, y, names };
}

const CASES: [string, string][] = [
  ['headerless', '1,2,0\n3,4,1\n5,6,0\n7,8,1\n'],
  ['headered', 'a,b,t\n1,2,0\n3,4,1\n5,6,0\n'],
  ['semicolon', 'a;b;t\n1;2;0\n3;4;1\n5;6;0\n'],
  ['tab, headerless', '1\t2\t0\n3\t4\t1\n'],
  ['class names', 'a,b,t\n1,2,no\n3,4,yes\n5,6,no\n'],
  ['pipe, class names', 'a|b|t\n1|2|dog\n3|4|cat\n5|6|emu\n'],
];

for (const [name, text] of CASES) {
  test(`${name}: the stream reads the rows, names, header, delimiter and classes of parseCSV`, async () => {
    const t = parseCSV(text);
    const s = await streamed(text);
    assert.is(s.stats.fileRows, t.rows, 'rows');
    assert.is(s.stats.rows, t.rows, 'rows read');
    assert.equal([...s.names], t.featureNames, 'feature names');
    assert.is(s.stats.target, t.target, 'target');
    assert.is(s.stats.header, t.header, 'header');
    assert.is(s.stats.delimiter, t.delimiter, 'delimiter');
    assert.equal(s.stats.classes, t.classes, 'classes');
    assert.equal(s.x, [...t.x], 'features');
    assert.equal(s.y, [...t.y], 'labels');
  });
}

test('class names are collected from every row, the filtered-out ones too (as the whole-file reader does)', async () => {
  // 'zebra' appears only in row 0, which the filter leaves out of the statistics.
  const s = await streamed('a,t\n1,zebra\n2,ant\n3,bee\n4,ant\n', { filter: (r) => r !== 0 });
  assert.equal(s.stats.classes, ['ant', 'bee', 'zebra']);
  assert.is(s.stats.rows, 3);
  assert.is(s.stats.fileRows, 4);
});

test('numeric labels are reported for the command line (1-based classes), with the target moments', async () => {
  const s = await streamed('a,t\n1,1\n2,2\n3,3\n4,2\n');
  assert.equal(s.stats.labels, [1, 2, 3]);
  assert.is(s.stats.classes, undefined);
  assert.ok(Math.abs(s.stats.yMean - 2) < 1e-15);
  assert.ok(Math.abs(s.stats.yStd - Math.sqrt(0.5)) < 1e-15);
});

test('header and delimiter given explicitly still win', async () => {
  const s = await streamed('1,2,0\n3,4,1\n5,6,0\n', { header: true });
  assert.is(s.stats.rows, 2);
  assert.equal([...s.names], ['1', '2']);
  // A comma in the first line would be sniffed as the delimiter; the given one is kept.
  const t = await streamed('a;b,c;t\n1;2;0\n3;4;1\n', { delimiter: ';' });
  assert.is(t.stats.delimiter, ';');
  assert.equal([...t.names], ['a', 'b,c']);
  assert.is(t.stats.rows, 2);
});

test.run();
