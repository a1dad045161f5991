// `descent train FILE --stream` reads and trains as the in-memory `--no-shuffle` run does, for every CSV layout
// the reader guesses: a header or none, a ';' file, class names, 1-based labels, and a regression target (scaled).
// Both runs go through the built binary; the saved parameters are compared (the batching is the same), and
// the layout (features, names, target, classes, rows) and the test figures of the JSON result.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliAll, jsonLines } from './cli.helpers.js';

const work = mkdtempSync(join(tmpdir(), 'descent-stream-parity-'));

/** A seeded uniform generator in [0, 1) (no test depends on Math.random). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Rows of three features and a label from `label(x)`, written with `sep`, with or without a header line. */
function csvFile(name: string, rows: number, label: (x: number[]) => string, o: { sep?: string; header?: boolean } = {}): string {
  const r = lcg(name.length * 7919 + rows);
  const sep = o.sep ?? ',';
  const lines = o.header === false ? [] : [['alpha', 'beta', 'gamma', 'kind'].join(sep)];
  for (let i = 0; i < rows; i++) {
    const x = [r() * 4 - 2, r() * 4 - 2, r() * 4 - 2].map((v) => Number(v.toFixed(3)));
    lines.push([...x.map(String), label(x)].join(sep));
  }
  writeFileSync(join(work, name), lines.join('\n') + '\n');
  return name;
}

const cls3 = (x: number[]) => (x[0] + x[1] > 1 ? 2 : x[0] - x[2] > 0 ? 1 : 0);
const SHAPES: { file: string; features: string[]; target: string; classes?: string[]; kind: string }[] = [
  { file: csvFile('headered.csv', 150, (x) => String(cls3(x))), features: ['alpha', 'beta', 'gamma'], target: 'kind', kind: 'softmax' },
  { file: csvFile('headerless.csv', 150, (x) => String(x[0] > x[1] ? 1 : 0), { header: false }), features: ['0', '1', '2'], target: '3', kind: 'logistic' },
  { file: csvFile('semicolon.csv', 150, (x) => String(cls3(x)), { sep: ';' }), features: ['alpha', 'beta', 'gamma'], target: 'kind', kind: 'softmax' },
  { file: csvFile('names.csv', 150, (x) => ['setosa', 'versicolor', 'virginica'][cls3(x)]), features: ['alpha', 'beta', 'gamma'], target: 'kind', classes: ['setosa', 'versicolor', 'virginica'], kind: 'softmax' },
  { file: csvFile('one-based.csv', 150, (x) => String(cls3(x) + 1)), features: ['alpha', 'beta', 'gamma'], target: 'kind', classes: ['1', '2', '3'], kind: 'softmax' },
  { file: csvFile('regression.csv', 300, (x) => (100 + 30 * x[0] - 20 * x[1] + 5 * x[2]).toFixed(3)), features: ['alpha', 'beta', 'gamma'], target: 'kind', kind: 'linear' },
];

test('--stream and --no-shuffle in memory: the same layout, parameters and test figures for every CSV shape', async () => {
  const common = ['--epochs', '5', '--json'];
  const runs = await cliAll(work, SHAPES.flatMap((s) => [
    ['train', s.file, '--stream', '--read-rows', '50', '--save', `${s.file}.stream.json`, ...common],
    ['train', s.file, '--no-shuffle', '--save', `${s.file}.memory.json`, ...common],
  ]));
  SHAPES.forEach((shape, i) => {
    const [s, m] = [runs[2 * i], runs[2 * i + 1]];
    assert.is(s.code, 0, `${shape.file} --stream: ${s.stderr}`);
    assert.is(m.code, 0, `${shape.file} in memory: ${m.stderr}`);
    const rs = jsonLines(s.stdout).at(-1)!, rm = jsonLines(m.stdout).at(-1)!;
    for (const r of [rs, rm]) {
      assert.equal(r.featureNames, shape.features, `${shape.file}: feature names`);
      assert.is(r.target, shape.target, `${shape.file}: target`);
      assert.equal(r.classes, shape.classes, `${shape.file}: classes`);
      assert.is(r.model, shape.kind, `${shape.file}: model`);
    }
    assert.equal([rs.features, rs.rows, rs.trainRows, rs.testRows, rs.batch, rs.epochs], [rm.features, rm.rows, rm.trainRows, rm.testRows, rm.batch, rm.epochs], shape.file);
    const rows = shape.file === 'regression.csv' ? 300 : 150;
    assert.is(rs.rows, rows, `${shape.file}: no row lost`);
    for (const k of ['loss', 'accuracy', 'r2'] as const) {
      assert.is(rs.test[k] === undefined, rm.test[k] === undefined, `${shape.file}: test ${k} in both`);
      if (rm.test[k] !== undefined) assert.ok(Math.abs(rs.test[k] - rm.test[k]) <= 1e-6, `${shape.file}: test ${k} ${rs.test[k]} vs ${rm.test[k]}`);
    }
    // The same mini-batches in the same order with the same rates: the same parameters.
    const a = JSON.parse(readFileSync(join(work, `${shape.file}.stream.json`), 'utf8'));
    const b = JSON.parse(readFileSync(join(work, `${shape.file}.memory.json`), 'utf8'));
    assert.equal(a.params, b.params, `${shape.file}: parameters`);
    assert.equal(a.standardize, b.standardize, `${shape.file}: standardization`);
    // The target's moments: one Welford pass over the stream, two passes in memory; equal to rounding.
    assert.is(a.targetScale === undefined, b.targetScale === undefined, `${shape.file}: target scaled in both or neither`);
    if (b.targetScale) for (const k of ['mean', 'std']) assert.ok(Math.abs(a.targetScale[k] - b.targetScale[k]) <= 1e-12 * Math.abs(b.targetScale[k]), `${shape.file}: target ${k}`);
    assert.equal(a.classes, b.classes, `${shape.file}: saved classes`);
  });
  // The regression shape learnt: a scaled target, a cosine schedule, and a useful model either way.
  const reg = jsonLines(runs[2 * (SHAPES.length - 1)].stdout).at(-1)!;
  assert.ok(reg.test.r2 > 0.3, `streamed regression R² ${reg.test.r2}`);
});

test('--stream takes --schedule as in memory (same parameters), and refuses flags that need the whole file by name', async () => {
  const common = ['headered.csv', '--epochs', '4', '--batch', '16', '--schedule', 'step:1:0.5', '--json'];
  const [s, m, bad] = await cliAll(work, [
    ['train', ...common, '--stream', '--read-rows', '16', '--save', 'sched.stream.json'],
    ['train', ...common, '--no-shuffle', '--save', 'sched.memory.json'],
    ['train', 'headered.csv', '--stream', '--clip-norm', '1'],
  ]);
  assert.is(s.code, 0, s.stderr);
  assert.is(m.code, 0, m.stderr);
  const a = JSON.parse(readFileSync(join(work, 'sched.stream.json'), 'utf8')), b = JSON.parse(readFileSync(join(work, 'sched.memory.json'), 'utf8'));
  assert.equal(a.params, b.params);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /--clip-norm needs the data in memory; drop --stream/);
});

test.run();
