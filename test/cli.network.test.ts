// The command line trains networks: `descent train --model mlp --hidden … --activation … --dropout …`,
// `--model cnn` on images and `--layers FILE`;
// saves a model that `descent predict` reads back (its metrics equal the library's evaluate on the same
// rows), and bad network flags are one-line usage errors (exit 2) before any data is read.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { init, Dataset } from '../src/node.js';
import { modelFromJSON, parseSavedModel } from '../src/models/io.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'dist', 'cli', 'index.js');
const work = mkdtempSync(join(tmpdir(), 'descent-cli-net-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8' });
}

test('the CLI is built', () => {
  assert.ok(existsSync(bin), `${bin}: run npm run build (npm test does)`);
});

test('descent train digits --model mlp: a network that beats softmax regression, saved, read back by predict', async () => {
  const r = cli('train', 'digits', '--model', 'mlp', '--hidden', '64', '--activation', 'relu', '--dropout', '0.1', '--lr', '0.003', '--seed', '1', '--save', 'mlp.json', '--json');
  assert.is(r.status, 0, r.stderr);
  const result = r.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((e) => e.event === 'result');
  assert.ok(result.test.accuracy >= 0.9694, `test accuracy ${result.test.accuracy} < scikit-learn's MLPClassifier 0.9694`);
  const saved = parseSavedModel(JSON.parse(readFileSync(join(work, 'mlp.json'), 'utf8')));
  assert.is(saved.kind, 'sequential');
  assert.equal(saved.layers!.map((l) => l.type), ['dense', 'relu', 'dropout', 'dense']);
  const p = cli('predict', 'mlp.json', 'digits', '--json');
  assert.is(p.status, 0, p.stderr);
  const metrics = p.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((e) => e.event === 'predictions' || e.metrics);
  assert.ok(metrics, p.stdout.slice(0, 300));
  // The library's view of the same file: the saved model evaluates the raw built-in with its saved standardization.
  await init({ backend: 'wasm-simd' });
  const net = modelFromJSON(saved);
  const ds = Dataset.builtin('digits');
  assert.ok(net.preprocessing, 'the saved standardization travels in the model, which applies it to raw rows');
  const e = net.evaluate(ds);
  const acc = metrics.metrics?.accuracy ?? metrics.accuracy;
  assert.ok(Math.abs(acc - e.accuracy!) < 1e-9, `predict ${acc} vs evaluate ${e.accuracy}`);
  net.dispose();
  ds.dispose();
});

test('bad network flags: one line, exit 2, nothing trained', () => {
  for (const [flags, re] of [
    [['--hidden', '64,x'], /--hidden/],
    [['--hidden', '0'], /--hidden/],
    [['--activation', 'swish'], /--activation/],
    [['--dropout', '1'], /--dropout/],
    [['--loss', 'hinge'], /--loss/],
  ] as const) {
    const r = cli('train', 'iris', '--model', 'mlp', ...flags);
    assert.is(r.status, 2, `${flags.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test('a regression target trains an mlp with the squared loss and prints R²', () => {
  const r = cli('train', 'diabetes', '--model', 'mlp', '--hidden', '16', '--lr', '0.003', '--json');
  assert.is(r.status, 0, r.stderr);
  const result = r.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((e) => e.event === 'result');
  assert.ok(result.test.r2 > 0.3, `R² ${result.test.r2}`);
});

test('descent train digits --model cnn: a small convolutional network on the 8×8 images; --layers FILE reads layer specs', () => {
  const r = cli('train', 'digits', '--model', 'cnn', '--lr', '0.003', '--epochs', '10', '--seed', '1', '--save', 'cnn.json', '--json');
  assert.is(r.status, 0, r.stderr);
  const result = r.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((e) => e.event === 'result');
  assert.ok(result.test.accuracy >= 0.94, `cnn test accuracy ${result.test.accuracy}`);
  const saved = parseSavedModel(JSON.parse(readFileSync(join(work, 'cnn.json'), 'utf8')));
  assert.equal(saved.inputShape, [1, 8, 8]);
  assert.ok(saved.layers!.some((l) => l.type === ('conv2d' as string)));
  assert.is(cli('predict', 'cnn.json', 'digits').status, 0);
  writeFileSync(join(work, 'net.json'), JSON.stringify([{ type: 'dense', units: 32 }, { type: 'tanh' }, { type: 'dense', units: 10 }]));
  const l = cli('train', 'digits', '--layers', 'net.json', '--lr', '0.003', '--epochs', '10', '--json');
  assert.is(l.status, 0, l.stderr);
  writeFileSync(join(work, 'bad.json'), JSON.stringify([{ type: 'dense', units: 0 }]));
  const bad = cli('train', 'digits', '--layers', 'bad.json');
  assert.is(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /layers\[0\]\.units/);
  const iris = cli('train', 'iris', '--model', 'cnn');
  assert.is(iris.status, 2);
  assert.match(iris.stderr, /--image-shape/);
});

test.run();
