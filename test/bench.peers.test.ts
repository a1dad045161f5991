// The benchmark's equality check, tested: on a small problem every contender's one-epoch result (logistic
// regression + Adam, full batch, mini-batch 32 and stochastic) agrees with descent's `js` backend, through
// the same code the bench uses (bench/train.bench.ts, bench/peers/tfjs.ts, bench/lib/harness.ts), and the
// check does reject a result that is off. TF.js runs on both its cpu and wasm backends.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, Dataset, logistic, type BatchOption } from '../src/index.js';
import { problem } from '../bench/lib/data.js';
import { checkClose, relErr } from '../bench/lib/harness.js';
import { descentEpoch, jsReference, TRAIN_TOL } from '../bench/train.bench.js';
import { TfLogistic, tfBinary } from '../bench/peers/tfjs.js';

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

test.run();
