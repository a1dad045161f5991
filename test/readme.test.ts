// Every README example runs as written. test/types.test.ts compiles the ```ts blocks; here they RUN,
// in a folder holding the files they name (houses.csv, iris.csv, big.csv, listings.csv) and the free names the examples assume
// (x, y, result, computeGradient, chart, bar) defined as globals by a prelude; and every shell line of a ```sh
// block that starts with `descent` or `npx descent` is executed, in order (predict reads the model train saved),
// against built-in datasets and generated files (data.csv: house prices with a `price` column).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatCSV } from '../src/data/csv/format.js';
import { makeClassification } from '../src/data/synthetic.js';
import { bin, jsonLines, root } from './cli.helpers.js';

const work = mkdtempSync(join(tmpdir(), 'descent-readme-'));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** House prices: area, rooms, age, an id and a city (text), price in dollars (~100k–600k, unscaled on purpose). */
function houses(n: number, withText: boolean): string {
  const lines = [withText ? 'id,city,area,rooms,age,price' : 'area,rooms,age,price'];
  for (let i = 0; i < n; i++) {
    const area = 40 + ((i * 37) % 160), rooms = 1 + (i % 5), age = (i * 13) % 60, city = ['Paris', 'Rome', 'Oslo'][i % 3];
    const price = Math.round(1500 * area + 8000 * rooms - 900 * age + (city === 'Paris' ? 60000 : 0) + ((i * 7919) % 20000) + 50000);
    lines.push(withText ? `h${i},${city},${area},${rooms},${age},${price}` : `${area},${rooms},${age},${price}`);
  }
  return lines.join('\n') + '\n';
}

test.before(() => {
  writeFileSync(join(work, 'data.csv'), houses(400, false));
  writeFileSync(join(work, 'houses.csv'), houses(400, false));
  writeFileSync(join(work, 'listings.csv'), houses(400, true));
  copyFileSync(join(root, 'data', 'iris.csv'), join(work, 'iris.csv'));
  const { x, y } = makeClassification({ samples: 3000, features: 32, classes: 3, seed: 1 });
  writeFileSync(join(work, 'big.csv'), formatCSV(x, y, 32, [...Array.from({ length: 32 }, (_, i) => `f${i}`), 'label'], 6));
  mkdirSync(join(work, 'node_modules'));
  symlinkSync(root, join(work, 'node_modules', 'descent-ml'), 'dir');
  writeFileSync(join(work, 'prelude.mjs'), `
import { init, Dataset, softmax, train } from 'descent-ml';
await init();
const digits = Dataset.builtin('digits');
globalThis.x = digits.x; globalThis.y = digits.y;
const m = softmax({ features: 64, classes: 10 });
globalThis.result = train(m, digits, { epochs: 2 });
m.dispose(); digits.dispose();
globalThis.computeGradient = (params, grads) => { for (let i = 0; i < params.length; i++) grads[i] = 2 * (params[i] - 1); };
globalThis.chart = { push() {} };
globalThis.bar = { update() {} };
`);
});

/** The shell command lines of the README's ```sh blocks (continuations joined, comments dropped). */
function shellLines(): string[] {
  const out: string[] = [];
  for (const m of readme.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const joined = m[1].replace(/\\\n\s*/g, ' ');
    for (const raw of joined.split('\n')) {
      const line = raw.replace(/\s+#.*$/, '').trim();
      if (/^(npx )?descent /.test(line)) out.push(line);
    }
  }
  return out;
}

test('every descent line of the README runs as written', () => {
  const lines = shellLines();
  assert.ok(lines.length >= 6, `found ${lines.length} lines`);
  for (const line of lines) {
    const args = line.replace(/^(npx )?descent /, '').split(/\s+/);
    const r = spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8', timeout: 300_000 });
    assert.is(r.status, 0, `${line}\n${r.stderr}`);
  }
});

test("the README's compare on a house-price file: no optimizer ends below R² 0", () => {
  const r = spawnSync(process.execPath, [bin, 'compare', 'data.csv', '--target', 'price', '--optimizers', 'sgd,adam,rmsprop', '--epochs', '20', '--json'],
    { cwd: work, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const runs = jsonLines(r.stdout).filter((e) => e.event === 'run');
  assert.is(runs.length, 3);
  for (const run of runs) assert.ok(run.test.r2 > 0.5, `${run.run}: R² ${run.test.r2}`);
});

test('every ```ts block of the README runs as written', () => {
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.length >= 4);
  blocks.forEach((code, i) => {
    const file = join(work, `block${i}.mts`);
    writeFileSync(file, code);
    const r = spawnSync(process.execPath, ['--import', './prelude.mjs', '--import', pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href, file], { cwd: work, encoding: 'utf8', timeout: 300_000 });
    assert.is(r.status, 0, `README block ${i + 1}:\n${code.slice(0, 300)}\n${r.stderr.slice(0, 2000)}`);
  });
});

test.run();
