// The command line tells the truth: flags that would be ignored are refused, inputs are never overwritten,
// special files do not hang it, typed errors keep their exit codes, predict says when it scores training rows,
// help lists what it trains, validation shows in the output, and errors name the file's own rows and columns.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, cli, cliAll, fails, jsonLines, type Run } from './cli.helpers.js';

const work = mkdtempSync(join(tmpdir(), 'descent-trust-'));

/** Runs `descent args…` with a time limit: a command that hangs fails the test instead of the suite. */
function bounded(ms: number, ...args: string[]): Run & { timedOut: boolean } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8', timeout: ms, env: { ...process.env, DESCENT_DEBUG: '' } });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', timedOut: r.error !== undefined || r.signal !== null };
}

const DATA = 'x1,x2,y\n' + Array.from({ length: 40 }, (_, i) => `${(i * 7) % 11},${(i * 3) % 5},${i % 2}`).join('\n') + '\n';

test('--hidden, --dropout, --activation without --model mlp: a usage error naming --model mlp, not a softmax run', async () => {
  const runs = await cliAll(work, [
    ['train', 'iris', '--hidden', '64'], ['train', 'iris', '--dropout', '0.2'], ['train', 'iris', '--activation', 'tanh'],
    ['train', 'iris', '--model', 'softmax', '--hidden', '8'], ['compare', 'iris', '--hidden', '8'],
  ]);
  for (const r of runs) fails(r, 2, /--(hidden|dropout|activation) applies to --model mlp only; add --model mlp/);
  assert.match(runs[3].stderr, /this run asks for --model softmax/);
  const ok = cli(work, 'train', 'iris', '--model', 'mlp', '--hidden', '8', '--epochs', '2', '-q');
  assert.is(ok.code, 0, ok.stderr);
});

test('predict on the data the model was trained on: every row scored, and it says so with the test rows apart', () => {
  const t = cli(work, 'train', 'iris', '--save', 'iris.json', '-q', '--epochs', '20');
  assert.is(t.code, 0, t.stderr);
  const p = cli(work, 'predict', 'iris.json', 'iris');
  assert.is(p.code, 0, p.stderr);
  assert.is(p.stdout.trim().split('\n').length, 150, 'every row predicted');
  assert.match(p.stderr, /on 150 rows .*120 of these rows trained the model; on the 30 test rows alone \(index divisible by 5\): loss [\d.]+, accuracy [\d.]+/);
  const j = JSON.parse(cli(work, 'predict', 'iris.json', 'iris', '--json').stdout);
  assert.is(j.trainedOn, true);
  assert.is(j.trainingRows, 120);
  assert.is(j.test.rows, 30);
  // Other data (the same rows under another name): no such note.
  writeFileSync(join(work, 'e.csv'), DATA);
  writeFileSync(join(work, 'f.csv'), DATA);
  assert.is(cli(work, 'train', 'e.csv', '--save', 'e.json', '-q', '--epochs', '2').code, 0);
  assert.match(cli(work, 'predict', 'e.json', 'e.csv').stderr, /32 of these rows trained the model/);
  assert.not.match(cli(work, 'predict', 'e.json', 'f.csv').stderr, /trained the model|training rows/);
});

test('--save or --plot over the data file, or over each other: refused before training, the file untouched', async () => {
  writeFileSync(join(work, 'd.csv'), DATA);
  const runs = await cliAll(work, [
    ['train', 'd.csv', '--save', 'd.csv'], ['train', 'd.csv', '--plot', 'd.csv'], ['train', 'd.csv', '--save', './d.csv'],
    ['train', 'd.csv', '--save', 'out.json', '--plot', 'out.json'], ['compare', 'd.csv', '--plot', 'd.csv'],
  ]);
  for (const r of runs.slice(0, 3)) fails(r, 2, /--(save|plot) \S+ would overwrite the data file d\.csv/);
  fails(runs[3], 2, /--plot and --save name the same file out\.json/);
  fails(runs[4], 2, /--plot d\.csv would overwrite the data file d\.csv/);
  assert.is(readFileSync(join(work, 'd.csv'), 'utf8'), DATA, 'the data file is untouched');
  assert.not.ok(existsSync(join(work, 'out.json')), 'nothing written');
});

test('/dev/zero, a FIFO or a directory as data (or as the model): refused at once with exit 3, never a hang', () => {
  const fifo = join(work, 'pipe.csv');
  execFileSync('mkfifo', [fifo]);
  const cases = [
    ['train', '/dev/zero'], ['train', '/dev/zero', '--stream'], ['train', fifo], ['train', fifo, '--stream'],
    ['predict', '/dev/zero', 'iris'], ['compare', fifo],
  ];
  for (const args of cases) {
    const r = bounded(20_000, ...args);
    assert.not.ok(r.timedOut, `${args.join(' ')} hung`);
    fails(r, 3, /it is a (device|FIFO \(named pipe\)), not a regular file|not a regular file/);
  }
});

test('a model too large for memory (--hidden 1e9) is a usage error (exit 2) with the size, not "unexpected error"', () => {
  const r = bounded(60_000, 'train', 'iris', '--model', 'mlp', '--hidden', '1e9');
  fails(r, 2, /cannot allocate \d+ bytes.*ask for a smaller model or batch/);
  assert.not.match(r.stderr, /unexpected error/);
});

test('help: every model kind, the early-stopping flags explained alike, predict names the missing DATA', () => {
  const main = cli(work, '--help').stdout;
  assert.not.match(main, /Gradient descent for linear, logistic and softmax models/);
  assert.match(main, /MLPs/);
  assert.match(main, /convolutional/);
  assert.match(main, /GRU/);
  const train = cli(work, 'train', '--help').stdout;
  assert.not.match(train, /Trains a linear, logistic or softmax model by/);
  const model = train.split('\n').find((l) => l.includes('--model KIND'))!;
  for (const k of ['linear', 'logistic', 'softmax', 'mlp', 'cnn', 'layers', 'auto']) assert.match(model, new RegExp(`\\b${k}\\b`), k);
  assert.match(train, /--early-stop N\s+stop after N epochs without the TRAINING loss/);
  assert.match(train, /--early-stopping PATIENCE\s+hold out a validation set/);
  // Every example uses the validation flag (one spelling across the help texts).
  for (const text of [main, train]) {
    const examples = text.slice(text.indexOf('Example'));
    assert.not.match(examples, /--early-stop\s/, 'examples use --early-stopping');
  }
  const p = cli(work, 'predict', 'iris.json');
  fails(p, 2, /^descent predict: missing DATA \(a CSV file or a built-in dataset\)/);
  assert.not.match(p.stderr, /MODEL\.json and DATA/);
  fails(cli(work, 'predict'), 2, /missing MODEL\.json and DATA/);
});

test('validation shows: the split line counts the held-out rows, the result names the best epoch and its restore', () => {
  const r = cli(work, 'train', 'digits', '--early-stopping', '2', '--epochs', '200', '--lr', '0.05', '-q');
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /split .*validation 144 of the 1437 training rows \(drawn with seed 0\), scored every epoch, stopping after 2 epochs without improvement/);
  assert.match(r.stdout, /stopped early: no improvement in the validation loss for 2 epochs/);
  assert.match(r.stdout, /validation loss [\d.]+ at epoch \d+, the best of \d+: epoch \d+'s parameters were restored/);
  const j = jsonLines(cli(work, 'train', 'digits', '--validation', '0.2', '--epochs', '3', '--json').stdout).at(-1)!;
  assert.is(j.validationRows, 287);
  assert.ok(j.bestEpoch >= 1 && j.bestEpoch <= 3);
});

test('errors after --onehot name the file\'s column and line; a too-small output layer names the layer and a file row', () => {
  writeFileSync(join(work, 'cities.csv'), 'a,city,b,c,y\n1,Paris,2,3,0\n\n1,Rome,2,x,1\n1,Oslo,2,3,0\n1,Bern,2,3,1\n1,Lima,2,3,0\n');
  fails(cli(work, 'train', 'cities.csv', '--onehot', 'city'), 3, /cities\.csv: line 4, column 4 \(c\): "x" is not a number/);
  writeFileSync(join(work, 'small.json'), JSON.stringify([{ type: 'dense', units: 16 }, { type: 'relu' }, { type: 'dense', units: 3 }]));
  const r = cli(work, 'train', 'digits', '--layers', 'small.json', '-q');
  assert.is(r.code, 3);
  const last = r.stderr.trim().split('\n').at(-1)!;
  assert.match(last, /--layers small\.json: the network's last layer has 3 outputs, but the target "digit" of digits has 10 classes \(data row 4 of the file, label 3, is the first that does not fit\); give the last dense layer 10 units/);
});

test('--stream hints and errors use the command line\'s words', () => {
  // A regression the model cannot fit in 1 epoch: the hint may suggest epochs, never a flag the user did not pass.
  writeFileSync(join(work, 'wide.csv'), 'a,y\n' + Array.from({ length: 50 }, (_, i) => `${i % 7},${(i * 37) % 101 * 1000}`).join('\n') + '\n');
  for (const args of [['--stream'], ['--no-shuffle'], ['--stream', '--no-standardize']]) {
    const r = cli(work, 'train', 'wide.csv', '--epochs', '1', '--lr', '0.0001', ...args, '-q');
    assert.is(r.code, 0, r.stderr);
    if (!args.includes('--no-standardize')) assert.not.match(r.stdout, /--no-standardize/, args.join(' '));
  }
  // Class names: collected by the statistics pass, as in memory (no more "classes: [...]" error).
  writeFileSync(join(work, 'named.csv'), 'a,y\n1,cat\n2,dog\n3,cat\n4,dog\n5,cat\n6,dog\n');
  // Too many distinct values to be classes, then a class name: the advice names the flags, not the API's options.
  writeFileSync(join(work, 'mixed.csv'), 'a,y\n' + Array.from({ length: 100_001 }, (_, i) => `${i % 10},${i}.5`).join('\n') + '\n1,cat\n');
  const mixed = cli(work, 'train', 'mixed.csv', '--stream');
  fails(mixed, 3, /holds more than 100000 distinct values and the class name "cat"; pass the class names with --classes NAME,NAME,…, or --labels none for values/);
  const s = cli(work, 'train', 'named.csv', '--stream', '--epochs', '2', '--json');
  assert.is(s.code, 0, s.stderr);
  assert.equal(jsonLines(s.stdout).at(-1)!.classes, ['cat', 'dog']);
});

test.run();
