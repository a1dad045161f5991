// Checkpoints: a run resumed from a checkpoint (every epoch, or every k steps, mid-epoch) ends bit-identical to
// one that never stopped; `keep` bounds the files; a checkpoint cut at any byte is refused with a DataError and
// the previous one is used; the best validation model and the epoch log are written; and a CLI run killed
// with SIGKILL mid-epoch and resumed with --resume ends with the parameters of an uninterrupted run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  init, Dataset, mlp, softmax, train, DataError, HyperParameterError, Model, readCheckpoint, latestCheckpoint,
  type Checkpoint, type TrainOptions, type Trainable,
} from '../src/node.js';
import { bin, cli, root } from './cli.helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'descent-ckpt-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(tmp, `run${n++}`);

const same = (a: Trainable, b: Trainable, what: string) => {
  const pa = a.toJSON().params, pb = b.toJSON().params;
  assert.is(pa.length, pb.length);
  for (let i = 0; i < pa.length; i++) if (!Object.is(pa[i], pb[i])) assert.unreachable(`${what}: parameter ${i} differs (${pa[i]} vs ${pb[i]})`);
};

for (const be of ['js', 'wasm-simd'] as const) {
  test(`${be}: resumed from the newest checkpoint (every 40 steps, mid-epoch; every epoch) = never stopped, bit for bit`, async () => {
    await init({ backend: be });
    const ds = Dataset.builtin('digits');
    try {
      const opts: TrainOptions = { optimizer: { name: 'adam', lr: 0.003 }, batch: 32, epochs: 4, seed: 7, validationFraction: 0.2 };
      const make = (seed: number) => mlp({ features: 64, hidden: [16], classes: 10, seed });
      const a = make(1);
      train(a, ds, opts);
      for (const every of [40, 'epoch'] as const) {
        const dir = fresh();
        const b = make(1);
        // Interrupted: a step budget that ends inside the third epoch.
        train(b, ds, { ...opts, maxSteps: 100, checkpoint: { dir, every } });
        const found = latestCheckpoint(dir);
        assert.is(found.state.steps, every === 40 ? 80 : 45 * 2, `newest checkpoint (every ${every})`);
        if (every === 40) assert.is(found.state.batch, 80 - 45, 'a mid-epoch checkpoint');
        const c = make(99); // another init: the state carries the parameters
        train(c, ds, { ...opts, resume: found.state, checkpoint: { dir, every } });
        same(a, c, `every ${every}`);
        assert.is(readdirSync(dir).filter((f) => f.startsWith('checkpoint-')).length, 2, 'keep defaults to 2');
        b.dispose();
        c.dispose();
      }
      a.dispose();
    } finally {
      ds.dispose();
    }
  });
}

test('a checkpoint cut at any byte, or changed, is refused with a DataError; the previous one is used', async () => {
  await init({ backend: 'js' });
  const ds = Dataset.builtin('iris');
  const model = softmax({ features: 4, classes: 3 });
  const dir = fresh();
  try {
    train(model, ds, { optimizer: { name: 'sgd', lr: 0.1 }, batch: 50, epochs: 3, seed: 1, checkpoint: { dir, keep: 3 } });
    const files = readdirSync(dir).sort();
    assert.equal(files, ['checkpoint-000000000003.json', 'checkpoint-000000000006.json', 'checkpoint-000000000009.json']);
    const newest = join(dir, files[2]);
    const whole = readFileSync(newest);
    assert.is(readCheckpoint(newest).steps, 9);
    for (let cut = 0; cut < whole.length; cut++) {
      writeFileSync(newest, whole.subarray(0, cut));
      try {
        readCheckpoint(newest);
        assert.unreachable(`a file cut at byte ${cut} of ${whole.length} was accepted`);
      } catch (e) {
        assert.instance(e, DataError, `cut at ${cut}: ${(e as Error).message}`);
        assert.ok((e as Error).message.includes(newest), `cut at ${cut}: the error names the file`);
      }
      const r = latestCheckpoint(dir);
      assert.is(r.state.steps, 6, 'the previous checkpoint');
      assert.is(r.refused.length, 1);
    }
    const flipped = Buffer.from(whole);
    flipped[whole.length - 10] ^= 1;
    writeFileSync(newest, flipped);
    assert.throws(() => readCheckpoint(newest), (e: Error) => e instanceof DataError && /SHA-256 does not match/.test(e.message));
    rmSync(join(dir, files[0]));
    rmSync(join(dir, files[1]));
    assert.throws(() => latestCheckpoint(dir), (e: Error) => e instanceof DataError && /no intact checkpoint in/.test(e.message));
  } finally {
    model.dispose();
    ds.dispose();
  }
});

test('onCheckpoint and best: the best validation model equals restoreBest; logFile has one JSON line per epoch', async () => {
  await init({ backend: 'wasm-simd' });
  const ds = Dataset.builtin('wine');
  const dir = fresh(), log = fresh() + '.jsonl';
  const seen: Checkpoint[] = [];
  const opts: TrainOptions = { optimizer: { name: 'adam', lr: 0.05 }, batch: 16, epochs: 12, seed: 3, validationFraction: 0.3, patience: 1000 };
  const a = softmax({ features: 13, classes: 3 }), b = softmax({ features: 13, classes: 3 });
  try {
    const r = train(a, ds, { ...opts, checkpoint: { dir, onCheckpoint: (c) => seen.push(c), best: 'valLoss' }, logFile: log });
    train(b, ds, { ...opts, restoreBest: true });
    const best = JSON.parse(readFileSync(join(dir, 'best.json'), 'utf8'));
    const restored = Model.fromJSON(best);
    same(b, restored, 'best.json against restoreBest');
    restored.dispose();
    assert.is(seen.filter((c) => c.kind === 'latest').length, 12);
    const bests = seen.filter((c) => c.kind === 'best');
    assert.is(bests[bests.length - 1].epoch, r.bestEpoch);
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.is(lines.length, 12);
    assert.equal(Object.keys(lines[0]), ['epoch', 'loss', 'valLoss', 'valMetric', 'lr', 'ms', 'steps']);
    assert.equal(lines.map((l) => l.loss), r.history.map((h) => h.loss));
  } finally {
    a.dispose();
    b.dispose();
    ds.dispose();
  }
});

test('bad checkpoint options are HyperParameterErrors before training', async () => {
  await init({ backend: 'js' });
  const ds = Dataset.builtin('iris');
  const m = softmax({ features: 4, classes: 3 });
  try {
    const bad = (o: unknown, match: RegExp) => assert.throws(() => train(m, ds, { epochs: 1, ...(o as TrainOptions) }),
      (e: Error) => e instanceof HyperParameterError && match.test(e.message));
    bad({ checkpoint: {} }, /needs dir \(Node\) or onCheckpoint/);
    bad({ checkpoint: { dir: fresh(), every: 0 } }, /checkpoint\.every/);
    bad({ checkpoint: { dir: fresh(), keep: 0 } }, /checkpoint\.keep/);
    bad({ checkpoint: { dir: fresh(), best: 'valLoss' } }, /needs a validation set/);
    bad({ checkpoint: { dir: fresh(), often: 1 } }, /often/);
    bad({ logFile: '' }, /logFile/);
  } finally {
    m.dispose();
    ds.dispose();
  }
});

const CLI_TEST = 'CLI: a run killed with SIGKILL mid-epoch and resumed with --resume ends bit-identical to an uninterrupted run';
if (existsSync(bin)) {
  test(CLI_TEST, async () => {
    const dir = fresh();
    const a = join(tmp, 'a.json'), b = join(tmp, 'b.json');
    const args = ['train', 'mnist', '--model', 'mlp', '--hidden', '32', '--optimizer', 'adam', '--lr', '0.001', '--batch', '16',
      '--epochs', '3', '--seed', '5', '--quiet', '--backend', 'wasm-simd'];
    const log = join(tmp, 'cli-log.jsonl');
    const ref = cli(root, ...args, '--save', a, '--log-file', log);
    assert.is(ref.code, 0, ref.stderr);
    assert.equal(readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l).epoch), [1, 2, 3], '--log-file: a line per epoch');
    // Checkpoints every 97 steps (500 per epoch): killed once the third one is written, mid-epoch.
    const child = spawn(process.execPath, [bin, ...args, '--checkpoint', dir, '--checkpoint-every', '97', '--save', b], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, signal) => done(signal)));
    const t0 = Date.now();
    while (!(existsSync(dir) && readdirSync(dir).some((f) => f >= 'checkpoint-000000000291.json'))) {
      if (Date.now() - t0 > 120_000) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    assert.is(await exited, 'SIGKILL', 'the first run was killed, not finished');
    assert.not.ok(existsSync(b), 'the killed run saved no model');
    const at = latestCheckpoint(dir).state;
    assert.ok(at.batch > 0, `killed mid-epoch (checkpoint at step ${at.steps}, batch ${at.batch} of its epoch)`);
    const resumed = cli(root, ...args, '--resume', dir, '--save', b);
    assert.is(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /resuming from .*checkpoint-\d+\.json \(epoch \d, step \d+\)/);
    const pa: number[] = JSON.parse(readFileSync(a, 'utf8')).params, pb: number[] = JSON.parse(readFileSync(b, 'utf8')).params;
    assert.is(pa.length, pb.length);
    assert.ok(pa.every((v, i) => Object.is(v, pb[i])), 'killed and resumed against uninterrupted: every parameter bit-identical');
  });
} else if (process.env.CI === 'true') {
  test(CLI_TEST, () => assert.unreachable('dist/ is missing under CI=true'));
} else {
  console.log(`  SKIPPED: ${CLI_TEST}: needs dist/ (npm run build)`);
  test.skip(CLI_TEST, () => {});
}

test.run();
