// `descent train --threads N`: validated before any data is read, the threads used (and why not more) printed,
// and the saved parameters the same, bit for bit, for every N (linear full batch: 2 blocks; an MLP at batch 256).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, fails, jsonLines } from './cli.helpers.js';

const work = mkdtempSync(join(tmpdir(), 'descent-cli-threads-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

const params = (file: string): number[] => JSON.parse(readFileSync(join(work, file), 'utf8')).params;

for (const [name, args] of [
  ['softmax, full batch (1,437 training rows: 2 blocks of 1,024)', ['--model', 'softmax', '--batch', 'full', '--epochs', '5']],
  ['MLP, batch 256 (2 blocks of 128)', ['--model', 'mlp', '--hidden', '16', '--batch', '256', '--epochs', '2']],
] as const) {
  test(`${name}: --threads 1, 2, 3 save the same parameters; the line says how many ran`, () => {
    const saved: number[][] = [];
    for (const n of [1, 2, 3]) {
      const r = cli(work, 'train', 'digits', ...args, '--seed', '1', '--threads', String(n), '--save', `t${n}.json`);
      assert.is(r.code, 0, r.stderr);
      const line = r.stdout.split('\n').find((l) => l.startsWith('threads'));
      const rows = args[3] === 'full' ? 1437 : 256, block = args[3] === 'full' ? 1024 : 128;
      assert.is(line, n === 3 ? `threads 2 of 3 (a batch of ${rows} rows holds 2 block(s) of ${block} rows, one per thread)` : `threads ${n} of ${n}`);
      saved.push(params(`t${n}.json`));
    }
    assert.ok(saved[0].length > 0);
    assert.equal(saved[1], saved[0], 'threads 2 = threads 1');
    assert.equal(saved[2], saved[0], 'threads 3 = threads 1');
  });
}

test('--json carries { requested, used, reason }; the js backend falls back to 1 with its reason', () => {
  const r = cli(work, 'train', 'digits', '--model', 'softmax', '--batch', 'full', '--epochs', '1', '--threads', '2', '--backend', 'js', '--json');
  assert.is(r.code, 0, r.stderr);
  const result = jsonLines(r.stdout).find((e) => e.event === 'result')!;
  assert.equal(result.threads, { requested: 2, used: 1, reason: 'the js backend runs on one thread' });
  assert.match(r.stderr, /threads fall back to 1: the js backend runs on one thread/);
});

test('bad --threads values are one-line usage errors (exit 2) before any data is read', () => {
  fails(cli(work, 'train', 'no-such-file.csv', '--threads', '0'), 2, /--threads must be ≥ 1, got 0/);
  fails(cli(work, 'train', 'no-such-file.csv', '--threads', '1.5'), 2, /--threads expects an integer/);
  fails(cli(work, 'train', 'no-such-file.csv', '--threads', '257'), 2, /--threads must be ≤ 256/);
  fails(cli(work, 'train', 'no-such-file.csv', '--threads', 'two'), 2, /--threads/);
  fails(cli(work, 'train', 'digits', '--stream', '--threads', '2'), 2, /--threads needs the data in memory; drop --stream/);
});

test.run();
