// Issue 15, the CLI's training toolkit and its messages: --schedule (syntax in --help), --l1/--l2/--elastic-net,
// --clip-norm, --validation, --early-stopping (restoring the best), --standardize/--no-standardize, --batch beyond
// the rows, --plot PNG or SVG, --json errors, one message per mistake naming the flag typed, bounded metrics.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scheduleFromFlag, toolkitFromFlags } from '../src/cli/toolkit.js';
import { finite } from '../src/cli/format.js';
import { cli, cliAll, fails, jsonLines } from './cli.helpers.js';

const work = mkdtempSync(join(tmpdir(), 'descent-toolkit-'));

test('--schedule syntax: every form parses to train()\'s schedule options', () => {
  assert.equal(scheduleFromFlag('train', 'cosine'), { name: 'cosine' });
  assert.equal(scheduleFromFlag('train', 'cosine:10:0.001'), { name: 'cosine', t0: 10, etaMin: 0.001 });
  assert.equal(scheduleFromFlag('train', 'step:10:0.5'), { name: 'step', stepSize: 10, gamma: 0.5 });
  assert.equal(scheduleFromFlag('train', 'multistep:10,20:0.1'), { name: 'multiStep', milestones: [10, 20], gamma: 0.1 });
  assert.equal(scheduleFromFlag('train', 'exponential:0.95'), { name: 'exponential', gamma: 0.95 });
  assert.equal(scheduleFromFlag('train', 'invscaling:0.25'), { name: 'invScaling', powerT: 0.25 });
  assert.equal(scheduleFromFlag('train', 'onecycle:0.1'), { name: 'oneCycle', maxLr: 0.1 });
  assert.equal(scheduleFromFlag('train', 'plateau:0.5:3'), { name: 'plateau', factor: 0.5, patience: 3 });
  assert.equal(scheduleFromFlag('train', 'constant'), { name: 'constant' });
  assert.throws(() => scheduleFromFlag('train', 'step'), /--schedule "step": step needs its period/);
  assert.throws(() => scheduleFromFlag('train', 'cosin'), /unknown schedule "cosin"/);
  const o = toolkitFromFlags('train', { l1: '0.001', 'clip-norm': '1', 'early-stopping': '3' });
  assert.equal(o, { schedule: { name: 'cosine' }, penalty: 'l1', alpha: 0.001, clipNorm: 1, patience: 3, restoreBest: true, validationFraction: 0.1 });
  assert.equal(toolkitFromFlags('train', { 'elastic-net': '0.01:0.5' }).l1Ratio, 0.5);
  assert.match(cli(work, 'train', '--help').stdout, /step:EPOCHS\[:GAMMA\]/);
});

test('the toolkit flags reach train(): penalties, clipping, validation and early stopping on it', async () => {
  const [l1, es, val, clip, sched] = await cliAll(work, [
    ['train', 'breast-cancer', '--l1', '0.05', '--json', '--save', 'l1.json'],
    ['train', 'digits', '--early-stopping', '2', '--validation', '0.2', '--epochs', '200', '--lr', '0.1', '--json'],
    ['train', 'iris', '--validation', '0.2', '--epochs', '5', '--json'],
    ['train', 'diabetes', '--optimizer', 'sgd', '--lr', '5', '--clip-norm', '1', '--epochs', '5', '-q'],
    ['train', 'iris', '--schedule', 'step:1:0.5', '--epochs', '3', '--json'],
  ]);
  for (const r of [l1, es, val, clip, sched]) assert.is(r.code, 0, r.stderr);
  const params: number[] = JSON.parse(readFileSync(join(work, 'l1.json'), 'utf8')).params;
  assert.ok(params.filter((p) => p === 0).length >= 5, 'L1 gives exact zeros');
  const esEnd = jsonLines(es.stdout).at(-1)!;
  assert.is(esEnd.stopReason, 'early-stopping');
  assert.ok(esEnd.epochs < 200);
  const epochs = jsonLines(val.stdout).filter((e) => e.event === 'epoch');
  assert.is(epochs.length, 5, '--validation alone scores, it does not stop');
  assert.match(clip.stdout, /all epochs run/, 'clipping keeps a run that diverges without it finite');
  const lrs = jsonLines(sched.stdout).filter((e) => e.event === 'epoch').map((e) => e.lr);
  assert.equal(lrs, [0.01, 0.005, 0.0025]);
});

test('mistakes: one line naming the flag the user typed, exit 2; --json makes it a JSON line', async () => {
  const cases: [string[], RegExp][] = [
    [['train', 'iris', '--batch', '500'], /--batch 500 is larger than the training set \(120 rows\)/],
    [['compare', 'iris', '--variants', 'full,500'], /--variants 500 is larger than the training set/],
    [['compare', 'iris', '--variants', 'full,huge'], /--variants entries are full, stochastic or a mini-batch size/],
    [['train', 'iris', '--schedule', 'step:x'], /^descent train: --schedule "step:x": EPOCHS must be/],
    [['train', 'iris', '--l1', '0.1', '--elastic-net', '0.1'], /--l1 and --elastic-net contradict/],
    [['train', 'iris', '--standardize', '--no-standardize'], /--standardize and --no-standardize contradict/],
    [['train', 'iris', '--validation', '2'], /--validation must be ≤ 0\.9, got 2/],
    [['train', 'iris', '--early-stopping', '0'], /--early-stopping must be ≥ 1, got 0/],
    [['train', 'iris', '--clip-norm', '-1'], /--clip-norm must be > 0, got -1/],
    [['train', 'wine', '--stream', '--onehot', 'x'], /--onehot needs the data in memory; drop --stream/],
    [['train', 'wine', '--stream', '--validation', '0.2'], /--validation needs the data in memory; drop --stream/],
    [['train', 'iris', '--model', 'logistic'], /--model logistic is for two classes, but the target "species" has 3; use --model softmax/],
  ];
  const runs = await cliAll(work, cases.map((c) => c[0]));
  runs.forEach((r, i) => {
    fails(r, 2, cases[i][1]);
    assert.not.match(r.stdout, /2 classes/, 'nothing printed before the error');
  });
  const j = cli(work, 'train', 'iris', '--batch', '500', '--json');
  assert.is(j.code, 2);
  const e = JSON.parse(j.stderr.trim());
  assert.equal([e.event, e.exit], ['error', 2]);
  assert.match(e.message, /--batch 500/);
  const d = cli(work, 'train', 'nope.csv', '--json');
  assert.equal(JSON.parse(d.stderr.trim()).exit, 3);
});

test('--plot: PNG when the name ends in .png, SVG otherwise', async () => {
  const [png, svg] = await cliAll(work, [['train', 'iris', '--epochs', '3', '-q', '--plot', 'c.png'], ['compare', 'iris', '--epochs', '3', '-q', '--plot', 'c.svg']]);
  assert.is(png.code, 0, png.stderr);
  assert.is(svg.code, 0, svg.stderr);
  const bytes = readFileSync(join(work, 'c.png'));
  assert.equal([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  const text = readFileSync(join(work, 'c.svg'), 'utf8');
  assert.ok(text.startsWith('<svg'));
  assert.match(text, /epoch loss \(mean of the batch losses\)/, 'the chart says which loss it plots');
  assert.match(svg.stdout, /last epoch loss/);
});

test('metrics print with sane precision; a diverged run says so once, the same on both streams', () => {
  assert.is(finite(-2.6e60, 4), '<-1e6');
  assert.is(finite(0.96667, 4), '0.9667');
  assert.is(finite(12864.123), '12864');
  const r = cli(work, 'train', 'diabetes', '--optimizer', 'sgd', '--lr', '5', '--epochs', '20', '--no-standardize', '-q');
  assert.is(r.code, 4);
  assert.not.match(r.stdout, /e\+\d{2}/, 'no astronomical numbers');
  const advice = /try a smaller --lr, or --clip-norm 1/;
  assert.match(r.stdout, advice);
  assert.match(r.stderr, advice);
  assert.not.match(r.stdout + r.stderr, /larger --lr|more --epochs/);
});

test.run();
