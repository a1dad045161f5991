// The benchmark's equality check, tested: on a small problem every contender's one-epoch result (logistic
// regression + Adam, full batch, mini-batch 32 and stochastic) agrees with descent's `js` backend, through
// the same code the bench uses (bench/train.bench.ts, bench/peers/tfjs.ts, bench/lib/harness.ts), and the
// check does reject a result that is off. TF.js runs on both its cpu and wasm backends. The network suite's
// check likewise: the TF.js layers MLP (model.fit, weights transposed from PyTorch's layout) lands on
// descent js's epoch loss and parameters on a tiny problem, and the check rejects one step fewer or a
// different learning rate.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, Dataset, logistic, mlp, train, type BatchOption } from '../src/index.js';
import { problem } from '../bench/lib/data.js';
import { checkClose, relErr } from '../bench/lib/harness.js';
import { descentEpoch, jsReference, TRAIN_TOL } from '../bench/train.bench.js';
import { TfLogistic, tfBinary } from '../bench/peers/tfjs.js';
import { TfMlp, transpose } from '../bench/peers/tfjs-layers.js';
import { descentEpoch as netEpoch, checkEpoch, epochFlops } from '../bench/network.bench.js';

const N = 300, D = 7;
const P = problem(N, D, 3);
const BATCHES: [BatchOption, number][] = [['full', N], [32, 32], ['stochastic', 1]];

for (const [batch] of BATCHES) {
  test(`descent backends agree with js after one epoch (${batch})`, async () => {
    const ref = await jsReference(P.X, P.yBin, N, D, batch);
    assert.ok(ref.some((v) => v !== 0), 'the epoch moved the parameters');
    for (const be of ['wasm-scalar', 'wasm-simd'] as const) {
      await init({ backend: be });
      const ds = Dataset.fromArrays(P.X, P.yBin, { features: D });
      const m = logistic({ features: D });
      descentEpoch(m, ds, batch);
      checkClose(`${be} ${batch}`, m.params, ref, TRAIN_TOL);
      m.dispose();
      ds.dispose();
    }
  });
}

for (const tfb of ['cpu', 'wasm'] as const) {
  test(`TF.js ${tfb} agrees with js after one epoch (full, 32, stochastic)`, async () => {
    const bin = await tfBinary(tfb);
    if (tfb === 'wasm') assert.match(bin, /tfjs-backend-wasm/);
    const peer = await TfLogistic.create(tfb, P.X, P.yBin, N, D);
    try {
      for (const [batch, size] of BATCHES) {
        const ref = await jsReference(P.X, P.yBin, N, D, batch);
        await peer.prepare(size);
        peer.reset();
        peer.epoch(size, 1e-3);
        checkClose(`tfjs-${tfb} ${batch}`, peer.params(), ref, TRAIN_TOL);
      }
      // Only the first K batches, as the bench times TF.js on big data: equal to js on the first K·bs rows.
      const K = 5;
      await peer.prepare(32, K);
      peer.reset();
      peer.epoch(32, 1e-3, K);
      checkClose(`tfjs-${tfb} first ${K} batches`, peer.params(), await jsReference(P.X, P.yBin, K * 32, D, 32), TRAIN_TOL);
    } finally {
      peer.dispose();
    }
  });
}

test('the equality check rejects a result that is off', async () => {
  const ref = await jsReference(P.X, P.yBin, N, D, 32);
  const off = ref.slice();
  off[2] += 0.05 * Math.max(...Array.from(ref, Math.abs));
  assert.ok(relErr(off, ref) > TRAIN_TOL);
  assert.throws(() => checkClose('perturbed', off, ref, TRAIN_TOL), /equality check failed/);
  const nan = ref.slice();
  nan[0] = NaN;
  assert.throws(() => checkClose('NaN', nan, ref, TRAIN_TOL), /equality check failed/);
  // A different number of steps (one epoch short of batches) is caught too.
  const fewer = await jsReference(P.X, P.yBin, N - 64, D, 32);
  assert.throws(() => checkClose('fewer steps', fewer, ref, TRAIN_TOL), /equality check failed/);
});

// ---- the network suite's check: MLP 7-16-10, softmax, Adam 1e-3, batch 32, one epoch in order ----
const SIZES = [D, 16, 10];
const newNet = () => mlp({ features: D, hidden: [SIZES[1]], classes: SIZES[2], seed: 4 });

async function netReference(rows: number, batch: BatchOption = 32): Promise<{ loss: number; params: Float32Array; p0: Float32Array }> {
  await init({ backend: 'js' });
  const ds = Dataset.fromArrays(P.X.subarray(0, rows * D), P.yClass.subarray(0, rows), { features: D });
  const net = newNet();
  const p0 = net.params;
  const loss = netEpoch(net, ds, batch, false);
  const params = net.params;
  net.dispose();
  ds.dispose();
  return { loss, params, p0 };
}

test('network check: descent backends agree with js after one MLP epoch', async () => {
  const ref = await netReference(N);
  assert.ok(ref.params.some((v, i) => v !== ref.p0[i]), 'the epoch moved the parameters');
  for (const be of ['wasm-scalar', 'wasm-simd'] as const) {
    await init({ backend: be });
    const ds = Dataset.fromArrays(P.X, P.yClass, { features: D });
    const net = newNet();
    assert.equal(net.params, ref.p0, 'same seed, same initial weights');
    const loss = netEpoch(net, ds, 32, false);
    checkEpoch(`${be} mlp`, loss, net.params, ref);
    net.dispose();
    ds.dispose();
  }
});

test('network check: transpose maps units × inputs to inputs × units', () => {
  assert.equal(Array.from(transpose([1, 2, 3, 4, 5, 6], 2, 3)), [1, 4, 2, 5, 3, 6]);
});

for (const tfb of ['cpu', 'wasm'] as const) {
  test(`network check: TF.js ${tfb} layers model.fit agrees with js after one MLP epoch`, async () => {
    const ref = await netReference(N);
    const m = await TfMlp.create(tfb, P.X, P.yClass, N, SIZES);
    try {
      m.compile(1e-3);
      m.setParams(ref.p0);
      assert.equal(m.params(), ref.p0, 'weights round-trip through the TF.js layout');
      await m.prepare();
      const loss = await m.epoch(32, false);
      const e = checkEpoch(`tfjs-${tfb} mlp`, loss, m.params(), ref);
      // No unit of this small problem sits on a ReLU kink: the parameters agree far inside the bound.
      assert.ok(e < 1e-4, `deviation ${e}`);
      // A prefix of the rows, as the bench's --quick check uses.
      const ref64 = await netReference(64);
      m.compile(1e-3);
      m.setParams(ref.p0);
      await m.prepare(64);
      checkEpoch(`tfjs-${tfb} mlp first 64 rows`, await m.epoch(32, false, 64), m.params(), ref64);
    } finally {
      m.dispose();
    }
  });
}

test('network check: rejects one step fewer and a different learning rate', async () => {
  const ref = await netReference(N);
  const fewer = await netReference(N - 32);
  assert.throws(() => checkEpoch('one step fewer', fewer.loss, fewer.params, ref), /equality check failed/);
  await init({ backend: 'js' });
  const ds = Dataset.fromArrays(P.X, P.yClass, { features: D });
  const net = newNet();
  const r = train(net, ds, { optimizer: { name: 'adam', lr: 1.1e-3 }, batch: 32, epochs: 1, shuffle: false });
  assert.throws(() => checkEpoch('lr + 10%', r.history[0].loss, net.params, ref), /equality check failed/);
  net.dispose();
  ds.dispose();
});

test('network flops: the products each contender must do, and the rough 3 × forward count', () => {
  const f = epochFlops(8000, 63);
  assert.is(f.nParams, 784 * 128 + 128 + 128 * 10 + 10);
  assert.is(f.flops3x, 6 * 8000 * (784 * 128 + 128 * 10) + 12 * f.nParams * 63);
  assert.is(f.flops, 2 * 8000 * (2 * 784 * 128 + 3 * 128 * 10) + 12 * f.nParams * 63);
});

test.run();
