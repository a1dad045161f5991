// The CNN suite's equality check, tested (bench/cnn.bench.ts): the layout conversions between descent's
// PyTorch-style kernels and TF.js / ConvNetJS orders round-trip, and on 128 MNIST rows in order the TF.js
// cpu model.fit epoch (Adam) and the ConvNetJS epoch (plain SGD, its 0.3.0 has no Adam) land on descent
// js's loss and parameters from the same initial weights; the check rejects an epoch one step short.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, Dataset, train } from '../src/node.js';
import { checkEpoch } from '../bench/network.bench.js';
import { smallCnn, cnnFlops } from '../bench/cnn.bench.js';
import { TfCnn, convKernel, denseKernel, cnnLayout } from '../bench/peers/tfjs-cnn.js';
import { ConvNetJsCnn } from '../bench/peers/convnetjs-cnn.js';

const ROWS = 128;

async function data(): Promise<{ X: Float32Array; y: Float32Array }> {
  await init({ backend: 'js' });
  const all = Dataset.builtin('mnist');
  const out = { X: all.x.slice(0, ROWS * 784), y: all.y.slice(0, ROWS) };
  all.dispose();
  return out;
}

async function reference(X: Float32Array, y: Float32Array, optimizer: { name: 'adam' | 'sgd'; lr: number }) {
  await init({ backend: 'js' });
  const ds = Dataset.fromArrays(X, y, { features: 784 });
  const net = smallCnn(1);
  const p0 = net.params;
  const r = train(net, ds, { standardize: false, optimizer, batch: 64, epochs: 1, shuffle: false }); // raw pixels, as the peers get them
  const out = { p0, loss: r.history[0].loss, params: net.params };
  net.dispose();
  ds.dispose();
  return out;
}

test('cnn check: kernel layouts round-trip and put filter f, channel c, row i, column j where TF.js expects it', () => {
  const F = 3, C = 2, k = 3;
  const src = Float32Array.from({ length: F * C * k * k }, (_, i) => i);
  const t = convKernel(src, F, C, k);
  assert.equal(Array.from(convKernel(t, F, C, k, true)), Array.from(src));
  // descent [f=2][c=1][i=0][j=2] → TF.js [i=0][j=2][c=1][f=2]
  assert.is(t[((0 * k + 2) * C + 1) * F + 2], src[((2 * C + 1) * k + 0) * k + 2]);
  const d = Float32Array.from({ length: 2 * 3 * 4 * 4 }, (_, i) => i);
  assert.equal(Array.from(denseKernel(denseKernel(d, 2, 3, 4), 2, 3, 4, true)), Array.from(d));
  assert.is(cnnLayout().total, 8 * 9 + 16 * 72 + 10 * 400 + 8 + 16 + 10);
  assert.is(cnnFlops(1), 2 * 2 * (8 * 676 * 9 + 16 * 121 * 72 + 4000) + 2 * (16 * 121 * 72 + 4000));
});

test('cnn check: TF.js cpu model.fit (Adam) agrees with descent js after one epoch of 128 rows', async () => {
  const { X, y } = await data();
  const ref = await reference(X, y, { name: 'adam', lr: 1e-3 });
  const m = await TfCnn.create('cpu', X, y, ROWS);
  try {
    m.compile(1e-3);
    m.setParams(ref.p0);
    assert.equal(Array.from(m.params()), Array.from(ref.p0), 'weights round-trip through the TF.js layout');
    await m.prepare();
    const e = checkEpoch('tfjs-cpu cnn', await m.epoch(64, false), m.params(), ref);
    assert.ok(e < 1e-4, `deviation ${e}`);
  } finally {
    m.dispose();
  }
});

test('cnn check: ConvNetJS (plain SGD) agrees with descent js; the check rejects one step fewer', async () => {
  const { X, y } = await data();
  const ref = await reference(X, y, { name: 'sgd', lr: 0.01 });
  const cj = new ConvNetJsCnn(X, y, ROWS);
  cj.setParams(ref.p0);
  assert.ok(cj.params().every((v, i) => Math.abs(v - ref.p0[i]) <= 1e-7 * Math.max(1, Math.abs(ref.p0[i]))), 'weights round-trip through the ConvNetJS layout');
  cj.compile(0.01, 64, 0);
  const e = checkEpoch('convnetjs cnn', cj.epoch(ROWS), cj.params(), ref);
  assert.ok(e < 1e-4, `deviation ${e}`);
  cj.setParams(ref.p0);
  cj.compile(0.01, 64, 0);
  const loss = cj.epoch(ROWS - 64);
  assert.throws(() => checkEpoch('one step fewer', loss, cj.params(), ref), /equality check failed/);
});

test.run();
