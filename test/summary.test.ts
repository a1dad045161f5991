// net.summary() (src/models/network/summary.ts) and `descent summary MODEL.json` (src/cli/summary.ts): the rows
// (path, type, output shape, parameters) of an MLP, a CNN and a network with a residual block and batch norm
// against counts worked out here from the layers' sizes (PyTorch's formulas: dense out·in + out, conv2d
// filters·channels·k² + filters, batch norm 2·features and 2·features running statistics), a container's
// layers indented under it, totals equal to the parameter vector's length; the command prints the same table
// from a saved file, and its JSON form.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { init, mlp, sequential, linear, DataError, type Network } from '../src/node.js';
import { summaryCommand } from '../src/cli/summary.js';
import { bin, cli, root } from './cli.helpers.js';
import { NO_DIST, testOrSkip } from './_skip.js';

const dense = (inp: number, out: number): number => out * inp + out;
const conv = (c: number, f: number, k: number): number => f * c * k * k + f;

/** [path, type, output shape, params] of each summary row. */
const rows = (net: Network): [string, string, number[], number][] =>
  net.summary().layers.map((l) => [l.path.join('.'), l.type, l.outputShape, l.params]);

test('an MLP 784-128-10: dense and relu rows, totals', async () => {
  await init({ backend: 'wasm-simd' });
  const net = mlp({ features: 784, hidden: [128], classes: 10, seed: 1 });
  try {
    assert.equal(rows(net), [['0', 'dense', [128], dense(784, 128)], ['1', 'relu', [128], 0], ['2', 'dense', [10], dense(128, 10)]]);
    const s = net.summary();
    assert.is(s.totalParams, dense(784, 128) + dense(128, 10));
    assert.is(s.totalParams, net.size);
    assert.is(s.weights, 784 * 128 + 128 * 10);
    assert.equal(s.inputShape, [784]);
    assert.equal(s.outputShape, [10]);
    const text = String(s);
    assert.match(text, /^Layer\s+Type\s+Output shape\s+Params\n/);
    assert.match(text, /\n0\s+dense\s+\[128\]\s+100,480\n/);
    assert.match(text, /Total params: 101,770 \(397\.5 KiB as f32\)/);
    assert.match(text, /weights: 101,632, biases and scales: 138/);
  } finally {
    net.dispose();
  }
});

test('a CNN: shapes through conv, pooling and flatten', async () => {
  await init({ backend: 'wasm-simd' });
  const net = sequential({
    inputShape: [1, 28, 28], loss: 'softmax', seed: 1,
    layers: [
      { type: 'conv2d', filters: 8, kernel: 3 }, { type: 'relu' }, { type: 'maxPool2d', size: 2 },
      { type: 'conv2d', filters: 16, kernel: 3 }, { type: 'relu' }, { type: 'maxPool2d', size: 2 },
      { type: 'flatten' }, { type: 'dense', units: 10 },
    ],
  });
  try {
    assert.equal(rows(net), [
      ['0', 'conv2d', [8, 26, 26], conv(1, 8, 3)], ['1', 'relu', [8, 26, 26], 0], ['2', 'maxPool2d', [8, 13, 13], 0],
      ['3', 'conv2d', [16, 11, 11], conv(8, 16, 3)], ['4', 'relu', [16, 11, 11], 0], ['5', 'maxPool2d', [16, 5, 5], 0],
      ['6', 'flatten', [400], 0], ['7', 'dense', [10], dense(400, 10)],
    ]);
    assert.is(net.summary().totalParams, conv(1, 8, 3) + conv(8, 16, 3) + dense(400, 10));
    assert.equal(net.summary().layers[0].tensors, [{ name: 'weight', shape: [8, 1, 3, 3] }, { name: 'bias', shape: [8] }]);
  } finally {
    net.dispose();
  }
});

test('a residual block: its layers indented under it, the block counting theirs; batch norm statistics apart', async () => {
  await init({ backend: 'wasm-simd' });
  const net = sequential({
    inputShape: [16], loss: 'softmax', seed: 1,
    layers: [
      { type: 'dense', units: 32 }, { type: 'batchNorm' },
      { type: 'residual', layers: [{ type: 'dense', units: 32 }, { type: 'relu' }, { type: 'dense', units: 32 }] },
      { type: 'dense', units: 3 },
    ],
  });
  try {
    const block = dense(32, 32) * 2;
    assert.equal(rows(net), [
      ['0', 'dense', [32], dense(16, 32)], ['1', 'batchNorm', [32], 2 * 32], ['2', 'residual', [32], block],
      ['2.0', 'dense', [32], dense(32, 32)], ['2.1', 'relu', [32], 0], ['2.2', 'dense', [32], dense(32, 32)], ['3', 'dense', [3], dense(32, 3)],
    ]);
    const s = net.summary();
    assert.equal(s.layers.map((l) => l.depth), [0, 0, 0, 1, 1, 1, 0]);
    assert.is(s.totalParams, dense(16, 32) + 64 + block + dense(32, 3));
    assert.is(s.totalParams, net.size);
    assert.is(s.statistics, 2 * 32);
    const text = String(s);
    assert.match(text, /\n2\s+residual\s+\[32\]\s+2,112\n  2\.0\s+dense/);
    assert.match(text, /Running statistics \(not trained\): 64/);
  } finally {
    net.dispose();
  }
});

/** What summaryCommand writes on stdout. */
async function captured(argv: string[]): Promise<{ code: number; out: string }> {
  const write = process.stdout.write.bind(process.stdout);
  let out = '';
  process.stdout.write = ((s: string) => {
    out += s;
    return true;
  }) as typeof process.stdout.write;
  try {
    return { code: await summaryCommand(argv), out };
  } finally {
    process.stdout.write = write;
  }
}

test('descent summary MODEL.json: the table of the saved network, --json, a linear model, a file that is not a model', async () => {
  await init({ backend: 'wasm-simd' });
  const dir = mkdtempSync(join(tmpdir(), 'descent-summary-'));
  const net = mlp({ features: 20, hidden: [8, 4], classes: 3, seed: 1 });
  const lin = linear({ features: 5 });
  try {
    writeFileSync(join(dir, 'net.json'), JSON.stringify(net.toJSON()));
    writeFileSync(join(dir, 'lin.json'), JSON.stringify(lin.toJSON()));
    writeFileSync(join(dir, 'bad.json'), '{"format": "something else"}');
    const t = await captured([join(dir, 'net.json')]);
    assert.is(t.code, 0);
    assert.is(t.out, String(net.summary()));
    const j = await captured([join(dir, 'net.json'), '--json']);
    const o = JSON.parse(j.out);
    assert.is(o.totalParams, dense(20, 8) + dense(8, 4) + dense(4, 3));
    assert.equal(o.layers.map((l: { type: string }) => l.type), ['dense', 'relu', 'dense', 'relu', 'dense']);
    const l = await captured([join(dir, 'lin.json')]);
    assert.match(l.out, /linear model \(loss squared\): 5 features → 1 output; 6 params/);
    try {
      await captured([join(dir, 'bad.json')]);
      assert.unreachable('a file that is not a model');
    } catch (e) {
      assert.instance(e, DataError);
    }
  } finally {
    net.dispose();
    lin.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

testOrSkip(test, 'the built descent summary: exit 0 and the table; a missing file exits 3 with one line', existsSync(bin) ? undefined : NO_DIST, async () => {
  await init({ backend: 'wasm-simd' });
  const dir = mkdtempSync(join(tmpdir(), 'descent-summary-'));
  const net = mlp({ features: 20, hidden: [8], classes: 3, seed: 1 });
  try {
    writeFileSync(join(dir, 'net.json'), JSON.stringify(net.toJSON()));
    const r = cli(root, 'summary', join(dir, 'net.json'));
    assert.is(r.code, 0, r.stderr);
    assert.is(r.stdout, String(net.summary()));
    const m = cli(root, 'summary', join(dir, 'missing.json'));
    assert.is(m.code, 3);
    assert.is(m.stderr.trim().split('\n').length, 1);
  } finally {
    net.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
