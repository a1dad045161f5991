// The `descent` command end to end, run as users run it: the BUILT binary (node dist/cli/index.js) in
// a child process. `npm test` builds first (pretest); run alone, this file builds dist/ when it is
// missing or older than src/.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync, execFileSync, execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { init, Dataset, builtinCatalog } from '../src/node.js';
import { formatCSV } from '../src/data/csv/format.js';
import { modelFromJSON, parseSavedModel } from '../src/models/io.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'dist', 'cli', 'index.js');
const work = mkdtempSync(join(tmpdir(), 'descent-cli-'));

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Run {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, DESCENT_DEBUG: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs several command lines at once (they are independent; most of their time is Node starting). */
function cliAll(cases: string[][]): Promise<Run[]> {
  return Promise.all(cases.map((args) => new Promise<Run>((done) => {
    execFile(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, DESCENT_DEBUG: '' } },
      (err, stdout, stderr) => done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  })));
}

function jsonLines(s: string): Record<string, any>[] {
  return s.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/** A user mistake: the documented exit code and exactly one line on stderr, no stack trace. */
function fails(r: Run, code: number, message: RegExp): void {
  assert.is(r.code, code, `exit code (stderr: ${r.stderr})`);
  const lines = r.stderr.trim().split('\n');
  assert.is(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0], message);
  assert.not.match(r.stderr, /\n\s+at |Error:/, 'no stack trace, no raw error name');
}

test.before(async () => {
  if (!existsSync(join(root, 'src', 'backends', 'binaries.generated.ts'))) {
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  } else if (!existsSync(bin) || statSync(bin).mtimeMs < newest(join(root, 'src'))) {
    execFileSync('npm', ['run', 'build:ts'], { cwd: root, stdio: 'inherit' });
  }
  await init({ backend: 'wasm-simd' });
});

test('--help everywhere; exit codes documented; no command is a usage error', () => {
  const main = cli('--help');
  assert.is(main.code, 0);
  for (const c of ['train', 'compare', 'predict', 'datasets']) assert.match(main.stdout, new RegExp(`\\n  ${c} `));
  assert.match(main.stdout, /Exit codes:\n  0  success\n  1 .*\n  2  usage.*\n  3  data and files/);
  for (const c of ['train', 'compare', 'predict', 'datasets']) {
    const h = cli(c, '--help');
    assert.is(h.code, 0, c);
    assert.match(h.stdout, new RegExp(`^Usage: descent ${c}`), c);
    assert.match(h.stdout, /-h, --help/);
  }
  assert.match(cli('help', 'train').stdout, /--early-stop N/);
  const none = cli();
  assert.is(none.code, 2);
  assert.match(none.stdout, /Usage: descent <command>/);
  assert.match(cli('--version').stdout, /^descent \d+\.\d+\.\d+/);
});

test('datasets lists the built-ins with sizes and the reference figures', () => {
  const r = cli('datasets');
  assert.is(r.code, 0);
  for (const [name, info] of Object.entries(builtinCatalog)) {
    assert.match(r.stdout, new RegExp(`\\| ${name} +\\| +${info.rows} \\| +${info.features} \\|`));
  }
  assert.match(r.stdout, /0\.9417/);
  const j = jsonLines(cli('datasets', '--json').stdout);
  assert.equal(j.map((d) => d.name), ['digits', 'breast-cancer', 'diabetes', 'wine', 'iris', 'mnist', 'mnist-full', 'fashion-mnist']);
  assert.is(j[2].reference.leastSquares, 0.519);
});

test('train → save → predict reproduces Model.evaluate (metrics and predictions)', () => {
  const t = cli('train', 'iris', '--epochs', '20', '--lr', '0.05', '--seed', '1', '--save', 'iris.json', '--plot', 'iris.svg', '--json');
  assert.is(t.code, 0, t.stderr);
  const events = jsonLines(t.stdout);
  assert.is(events.filter((e) => e.event === 'epoch').length, 20);
  const result = events.at(-1)!;
  assert.is(result.event, 'result');
  assert.is(result.model, 'softmax');
  assert.is(result.testRows, 30);
  assert.ok(result.test.accuracy > 0.8, `test accuracy ${result.test.accuracy}`);
  assert.match(readFileSync(join(work, 'iris.svg'), 'utf8'), /<svg[\s\S]*class="series"/);
  const saved = parseSavedModel(JSON.parse(readFileSync(join(work, 'iris.json'), 'utf8')));
  assert.ok(saved.standardize, 'the standardization is saved');
  assert.equal(saved.featureNames, ['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);

  // The test rows, raw, as a CSV of their own: predict must give the test metrics train reported.
  const iris = Dataset.builtin('iris');
  const testRows = Array.from({ length: iris.rows }, (_, i) => i).filter((i) => i % 5 === 0);
  const held = iris.subset(testRows);
  writeFileSync(join(work, 'iris-test.csv'), formatCSV(held.x, held.y, 4, [...saved.featureNames!, 'species']));
  const p = cli('predict', 'iris.json', 'iris-test.csv', '--json');
  assert.is(p.code, 0, p.stderr);
  const pred = jsonLines(p.stdout)[0];
  assert.is(pred.rows, 30);
  assert.is(pred.loss, result.test.loss, 'same loss, bit for bit');
  assert.is(pred.accuracy, result.test.accuracy);

  // And in-process: the saved model carries the saved standardization, so the library evaluates the raw rows.
  const model = modelFromJSON(saved);
  assert.equal(Array.from(model.preprocessing!.mean), saved.standardize!.mean);
  const e = model.evaluate(held);
  assert.is(e.loss, pred.loss);
  assert.is(e.accuracy, pred.accuracy);
  assert.equal(pred.predictions, Array.from(model.predict(held.x)));

  // Plain output: one prediction per line on stdout, the metric line on stderr.
  const plain = cli('predict', 'iris.json', 'iris-test.csv');
  assert.is(plain.code, 0);
  assert.equal(plain.stdout.trim().split('\n').map(Number), pred.predictions);
  assert.match(plain.stderr, new RegExp(`accuracy ${pred.accuracy.toFixed(4)} on 30 rows`));
  // Without the target column, and with the columns in another order: features are matched by name.
  const order = [3, 0, 1, 2];
  const raw = iris.subset(testRows).x;
  const lines = [order.map((j) => saved.featureNames![j]).join(',')];
  for (let r = 0; r < 30; r++) lines.push(order.map((j) => String(raw[r * 4 + j])).join(','));
  writeFileSync(join(work, 'iris-shuffled.csv'), lines.join('\n') + '\n');
  const noLabel = cli('predict', 'iris.json', 'iris-shuffled.csv');
  assert.is(noLabel.code, 0, noLabel.stderr);
  assert.equal(noLabel.stdout.trim().split('\n').map(Number), pred.predictions);
  assert.is(noLabel.stderr, '', 'no target, no metric line');
  model.dispose();
  iris.dispose();
  held.dispose();
});

test('class names survive the round trip; regression prints values and R²', () => {
  const names = ['setosa', 'versicolor', 'virginica'];
  const iris = Dataset.builtin('iris');
  const csv = formatCSV(iris.x, iris.y, 4, ['a', 'b', 'c', 'd', 'kind']).replace(/,(\d)\n/g, (_, k) => `,${names[Number(k)]}\n`);
  writeFileSync(join(work, 'named.csv'), csv);
  iris.dispose();
  const t = cli('train', 'named.csv', '--target', 'kind', '--epochs', '10', '--save', 'named.json', '-q');
  assert.is(t.code, 0, t.stderr);
  assert.match(t.stdout, /3 classes \(setosa, versicolor, virginica\)/);
  const p = cli('predict', 'named.json', 'named.csv', '-q');
  assert.is(p.code, 0, p.stderr);
  const out = p.stdout.trim().split('\n');
  assert.is(out.length, 150);
  assert.ok(out.every((s) => names.includes(s)), 'predictions are class names');

  const r = cli('train', 'diabetes', '--optimizer', 'sgd', '--epochs', '30', '--save', 'diabetes.json', '--json');
  assert.is(r.code, 0, r.stderr);
  const res = jsonLines(r.stdout).at(-1)!;
  assert.is(res.model, 'linear');
  assert.ok(res.test.r2 > 0.4, `R² ${res.test.r2}`);
  const pr = jsonLines(cli('predict', 'diabetes.json', 'diabetes', '--json').stdout)[0];
  assert.is(pr.rows, 442);
  assert.ok(typeof pr.r2 === 'number' && pr.predictions.every((v: number) => Number.isFinite(v) && !Number.isInteger(v)));
  // Another loss travels in the saved model, and predict's loss is that loss.
  const h = cli('train', 'diabetes', '--optimizer', 'sgd', '--loss', 'huber', '--epsilon', '20', '--epochs', '5', '--save', 'huber.json', '--json');
  assert.is(h.code, 0, h.stderr);
  const hs = JSON.parse(readFileSync(join(work, 'huber.json'), 'utf8'));
  assert.equal([hs.loss, hs.epsilon], ['huber', 20]);
  const hr = jsonLines(h.stdout).at(-1)!;
  writeFileSync(join(work, 'diabetes-all.csv'), readFileSync(join(root, 'data', 'diabetes.csv')));
  const hp = jsonLines(cli('predict', 'huber.json', 'diabetes-all.csv', '--json').stdout)[0];
  assert.ok(hp.loss < 20 * 200, `a Huber loss (linear in the residual), not a squared one: ${hp.loss}`);
  const whole = (hr.train.loss * hr.trainRows + hr.test.loss * hr.testRows) / (hr.trainRows + hr.testRows);
  assert.ok(Math.abs(hp.loss - whole) < 1e-9 * hp.loss, `predict evaluates with the saved loss: ${hp.loss} vs ${whole}`);
});

test('compare writes one SVG with one path per variant in every panel, and a table', () => {
  const r = cli('compare', 'iris', '--variants', 'full,stochastic,8', '--epochs', '5', '--plot', 'batching.svg', '-q');
  assert.is(r.code, 0, r.stderr);
  for (const name of ['full batch', 'stochastic', 'mini-batch 8']) assert.match(r.stdout, new RegExp(`\\| ${name} +\\|`));
  const svg = readFileSync(join(work, 'batching.svg'), 'utf8');
  const panels = svg.split('<g class="panel"').slice(1);
  assert.is(panels.length, 3, 'epoch, samples seen, time');
  for (const p of panels) assert.equal([...p.matchAll(/class="series" data-name="([^"]+)"/g)].map((m) => m[1]), ['full batch', 'stochastic', 'mini-batch 8']);
  const o = cli('compare', 'wine', '--optimizers', 'sgd,adam', '--epochs', '3', '--json');
  assert.is(o.code, 0, o.stderr);
  const ev = jsonLines(o.stdout);
  assert.equal(ev.filter((e) => e.event === 'run').map((e) => e.run), ['sgd', 'adam']);
  assert.is(ev.filter((e) => e.event === 'epoch').length, 6);
  const svg2 = readFileSync(join(work, 'compare.svg'), 'utf8');
  assert.is([...svg2.split('<g class="panel"')[1].matchAll(/class="series"/g)].length, 2);
});

test('train --stream (out of core) gives the model of the in-memory run with --no-shuffle, bit for bit', async () => {
  const common = ['--batch', '16', '--epochs', '4', '--optimizer', 'sgd', '--momentum', '0.9', '--json'];
  const [s, m] = await cliAll([
    ['train', 'wine', '--stream', '--read-rows', '40', '--save', 'stream.json', ...common],
    // Both runs take the default cosine decay over the same steps.
    ['train', 'wine', '--no-shuffle', '--save', 'memory.json', ...common],
  ]);
  assert.is(s.code, 0, s.stderr);
  assert.is(m.code, 0, m.stderr);
  const a = JSON.parse(readFileSync(join(work, 'stream.json'), 'utf8')), b = JSON.parse(readFileSync(join(work, 'memory.json'), 'utf8'));
  assert.equal(a.params, b.params);
  assert.equal(a.standardize, b.standardize);
  const rs = jsonLines(s.stdout), rm = jsonLines(m.stdout);
  assert.equal(rs.filter((e) => e.event === 'epoch').map((e) => e.loss), rm.filter((e) => e.event === 'epoch').map((e) => e.loss));
  const [fs, fm] = [rs.at(-1)!, rm.at(-1)!];
  assert.equal([fs.trainRows, fs.testRows, fs.test.accuracy], [fm.trainRows, fm.testRows, fm.test.accuracy]);
  assert.ok(Math.abs(fs.test.loss - fm.test.loss) < 1e-12, 'evaluation summed batch by batch');
  const bad = await cliAll([['train', 'wine', '--stream', '--batch', 'full'], ['train', 'wine', '--stream', '--test-fraction', '0.3']]);
  fails(bad[0], 2, /--batch full needs every row at once/);
  fails(bad[1], 2, /--test-fraction needs the data in memory/);
});

test('train --stream --shuffle-buffer: a label-sorted file trains far better than in file order; bad values exit 2', async () => {
  const digits = Dataset.builtin('digits');
  const x = digits.x, y = digits.y, d = digits.features, n = digits.rows;
  digits.dispose();
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => y[a] - y[b] || a - b);
  const sx = new Float32Array(n * d), sy = new Float32Array(n);
  order.forEach((r, i) => { sx.set(x.subarray(r * d, r * d + d), i * d); sy[i] = y[r]; });
  writeFileSync(join(work, 'digits-sorted.csv'), formatCSV(sx, sy, d));
  const common = ['digits-sorted.csv', '--stream', '--optimizer', 'sgd', '--lr', '0.2', '--batch', '8', '--epochs', '1', '--seed', '1', '--json'];
  const [plain, shuffled, again, text] = await cliAll([
    ['train', ...common], ['train', ...common, '--shuffle-buffer', '512'], ['train', ...common, '--shuffle-buffer', '512'],
    ['train', ...common.slice(0, -1), '--shuffle-buffer', '512', '-q'],
  ]);
  for (const r of [plain, shuffled, again, text]) assert.is(r.code, 0, r.stderr);
  const [a, b, c] = [plain, shuffled, again].map((r) => jsonLines(r.stdout).at(-1)!);
  console.log(`    cli, digits sorted by label, 1 epoch: test accuracy file order ${a.test.accuracy.toFixed(3)}, --shuffle-buffer 512 ${b.test.accuracy.toFixed(3)}`);
  assert.ok(b.test.accuracy > a.test.accuracy + 0.1, `${b.test.accuracy} vs ${a.test.accuracy}`);
  assert.equal([b.shuffle, a.shuffle], [true, false]);
  assert.is(c.test.loss, b.test.loss, 'seeded: the same run twice');
  assert.match(text.stdout, /rows shuffled through a 512-row buffer \(seed 1\)/);
  const bad = await cliAll([
    ['train', 'wine', '--stream', '--shuffle-buffer', '0'], ['train', 'wine', '--stream', '--shuffle-buffer', 'lots'],
    ['train', 'wine', '--shuffle-buffer', '10'], ['train', 'wine', '--stream', '--no-shuffle', '--shuffle-buffer', '10'],
  ]);
  fails(bad[0], 2, /--shuffle-buffer must be ≥ 1, got 0/);
  fails(bad[1], 2, /--shuffle-buffer expects an integer/);
  fails(bad[2], 2, /--shuffle-buffer applies to --stream/);
  fails(bad[3], 2, /--shuffle-buffer and --no-shuffle contradict/);
  assert.match(cli('train', '--help').stdout, /--shuffle-buffer ROWS/);
});

test('progress: one line per epoch on stderr when not a terminal; --quiet silences it; early stop', () => {
  const r = cli('train', 'wine', '--epochs', '3');
  assert.is(r.code, 0);
  const lines = r.stderr.trim().split('\n');
  assert.is(lines.length, 3);
  assert.match(lines[0], /^epoch 1\/3  loss \d\.\d+  .* eta /);
  assert.is(cli('train', 'wine', '--epochs', '3', '-q').stderr, '');
  const stop = cli('train', 'wine', '--epochs', '50', '--early-stop', '2', '--tol', '10', '-q');
  assert.is(stop.code, 0);
  assert.match(stop.stdout, /result +3 epochs \(stopped early: no improvement of 10 in the training loss for 2 epochs\)/);
});

test('usage mistakes: exit 2 with one clear line', async () => {
  const cases: [string[], RegExp][] = [
    [['train', 'iris', '--lrr', '0.1'], /^descent train: unknown option --lrr \(did you mean --lr\?\); see descent train --help$/],
    [['train', 'iris', '--lr', 'abc'], /--lr expects a number, got "abc"/],
    [['train', 'iris', '--lr', '-1'], /^descent train: --lr: must be ≥ 0, got -1$/],
    [['train', 'iris', '--lr'], /--lr needs a value \(RATE\)/],
    [['train', 'iris', '--batch', '0'], /--batch must be ≥ 1/],
    [['train', 'iris', '--epochs', '2.5'], /--epochs expects an integer/],
    [['train', 'iris', '--optimizer', 'adamm'], /--optimizer must be one of .*adam.*\(did you mean adam\?\)/],
    [['train', 'iris', '--model', 'tree'], /--model must be one of auto, linear, logistic, softmax/],
    [['train', 'iris', '--momentum', '0.9'], /^descent train: --momentum does not apply to this optimizer \(it takes lr, betas, eps, weightDecay, amsgrad\)$/],
    [['train', 'iris', '--target', 'colour'], /--target: iris has no column "colour"; its columns are sepal_length/],
    [['train'], /descent train: missing DATA/],
    [['train', 'iris', 'wine'], /unexpected argument "wine"/],
    [['trian', 'iris'], /unknown command "trian" \(did you mean train\?\)/],
    [['compare', 'iris', '--variants', 'full,huge'], /--variants entries are full, stochastic or a mini-batch size \(a positive integer\), got "huge"/],
    [['train', 'iris', '--json=yes'], /--json takes no value/],
    [['train', 'iris', '--loss', 'hinge'], /--loss hinge does not apply to a softmax model/],
    [['train', 'diabetes', '--loss', 'hinge'], /^descent train: --loss: a linear model takes one of 'squared', 'huber', 'epsilonInsensitive', got "hinge"$/],
  ];
  const runs = await cliAll(cases.map((c) => c[0]));
  runs.forEach((r, i) => {
    fails(r, 2, cases[i][1]);
    assert.is(r.stdout, '', `nothing on stdout for ${cases[i][0].join(' ')}: checked before any data is read`);
  });
});

test('data and file mistakes: exit 3 with line and column where there is one', async () => {
  writeFileSync(join(work, 'ragged.csv'), 'a,b,y\n1,2,0\n3,4\n');
  writeFileSync(join(work, 'words.csv'), 'a,b,y\n1,2,0\n3,four,1\n');
  writeFileSync(join(work, 'holes.csv'), 'a,b,y\n1,2,0\n3,,1\n5,6,1\n7,8,0\n');
  writeFileSync(join(work, 'quote.csv'), 'a,b,y\n1,"2,0\n');
  writeFileSync(join(work, 'notamodel.json'), '{"format":"something else"}');
  writeFileSync(join(work, 'broken.json'), '{');
  const cases: [string[], RegExp][] = [
    [['train', 'nope.csv'], /^descent train: cannot read nope\.csv: no such file$/],
    [['train', 'nope'], /no such file, and not a built-in dataset \(digits, breast-cancer/],
    [['train', 'ragged.csv'], /ragged\.csv: line 3 has 2 cells, expected 3 \(as the header\)/],
    [['train', 'words.csv'], /words\.csv: line 3, column 2 \(b\): "four" is not a number/],
    [['train', 'holes.csv'], /holes\.csv: line 3, column 2 \(b\) is missing/],
    [['train', 'quote.csv'], /quote\.csv: line \d: malformed CSV/],
    [['predict', 'notamodel.json', 'iris'], /notamodel\.json: not a descent model: format is "something else"/],
    [['predict', 'broken.json', 'iris'], /broken\.json: not valid JSON/],
    [['predict', 'missing.json', 'iris'], /cannot read missing\.json: no such file/],
    [['train', 'iris', '--save', 'no/such/dir/m.json'], /cannot write no\/such\/dir\/m\.json: the folder no\/such\/dir does not exist/],
    // A model for 4 features cannot read a 13-feature file.
    [['predict', 'iris.json', 'wine'], /wine has 14 columns, but the model takes 4 features/],
  ];
  const runs = await cliAll(cases.map((c) => c[0]));
  runs.forEach((r, i) => fails(r, 3, cases[i][1]));
  assert.is(cli('train', 'holes.csv', '--missing', 'drop', '--no-split', '-q').code, 0);
});

test('a diverging run exits 4 and says so', () => {
  const r = cli('train', 'diabetes', '--optimizer', 'sgd', '--lr', '5', '--epochs', '20', '--no-standardize', '-q');
  assert.is(r.code, 4, r.stderr + r.stdout);
  assert.match(r.stdout, /DIVERGED at epoch \d+/);
  assert.match(r.stderr, /training diverged at epoch \d+: the loss or a parameter stopped being finite: try a smaller --lr, or --clip-norm 1; kept/);
  // stdout gives the same advice, not a contradicting one.
  assert.match(r.stdout, /hint    training diverged: the loss or a parameter stopped being finite: try a smaller --lr, or --clip-norm 1\./);
  assert.not.match(r.stdout, /larger --lr|e\+\d\d/);
});

test.run();
