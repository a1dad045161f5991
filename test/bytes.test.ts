// Byte datasets (src/data/bytes.ts): rows kept as u8 and turned into f32 by the networks' gather
// (assembly/rowgather.ts, js twin src/backends/js/rowgather.ts). The reference is the f32 path that already
// exists: Dataset.fromArrays of the bytes × scale computed here in f64 and rounded once, standardized by
// Dataset.stats/standardizedCopy (assembly/preprocess.ts). A byte dataset must give the same values bit for
// bit: the gathered rows (x), the statistics, and the parameters after training a network with and without
// standardization, on every backend and with two threads; linear models refuse it with a typed error.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, Dataset, ByteDataset, mlp, sequential, train, Trainer, ShapeError, HyperParameterError, DataError, DisposedError, type BackendName } from '../src/node.js';
import { logistic } from '../src/node.js';
import { Rng } from '../src/rng.js';
import { BACKENDS, bitEqual } from './_util.js';
import { backend } from '../src/runtime/index.js';
import { Block } from '../src/runtime/block.js';
import { Run } from '../src/runtime/run.js';
import { exits, poolOf } from './_threads.js';

/** Bytes that look like images: a blob of ink on zeros, a few saturated pixels. */
function images(rows: number, side: number, seed: number): { u8: Uint8Array; y: Float32Array } {
  const rng = new Rng(seed), d = side * side;
  const u8 = new Uint8Array(rows * d), y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    y[r] = rng.below(3);
    const cx = 1 + rng.below(side - 2), cy = 1 + rng.below(side - 2);
    for (let i = 0; i < side; i++) {
      for (let j = 0; j < side; j++) {
        const dist = Math.abs(i - cy) + Math.abs(j - cx);
        u8[r * d + i * side + j] = dist <= 1 + y[r] ? 255 - 40 * dist : rng.below(4) === 0 ? rng.below(256) : 0;
      }
    }
  }
  return { u8, y };
}

/** The f32 twin: byte × scale in f64, rounded once. */
const scaled = (u8: Uint8Array, scale: number): Float32Array => Float32Array.from(u8, (v) => v * scale);

test('fromBytes: options and values are checked before anything is allocated', async () => {
  await init({ backend: 'js' });
  const u8 = new Uint8Array(12);
  assert.throws(() => ByteDataset.fromBytes(u8, [0, 1], { features: 5 }), (e: unknown) => e instanceof ShapeError && /whole rows/.test((e as Error).message));
  assert.throws(() => ByteDataset.fromBytes(u8, [0, 1], { features: 6, scale: 0 }), (e: unknown) => e instanceof HyperParameterError && /scale/.test((e as Error).message));
  assert.throws(() => ByteDataset.fromBytes([0, 300, 1, 2], [0, 1], { features: 2 }), (e: unknown) => e instanceof DataError && /row 0, column 1/.test((e as Error).message));
  assert.throws(() => ByteDataset.fromBytes(u8, [0, 1], { features: 6, imageShape: [1, 2, 2] }), (e: unknown) => e instanceof ShapeError);
  assert.throws(() => ByteDataset.fromBytes(u8, [0, 1], { features: 6, bogus: 1 } as never), (e: unknown) => e instanceof HyperParameterError);
  assert.throws(() => ByteDataset.fromBytes(u8, [0, 1, 2], { features: 6 }), (e: unknown) => e instanceof ShapeError);
});

for (const b of BACKENDS) {
  test(`[${b}] x, stats and subsets of byte rows equal those of the f32 rows, bit for bit (scales 1/255, 0.37, 1/256)`, async () => {
    await init({ backend: b });
    const { u8, y } = images(300, 6, 1);
    // The gather's three ways to a byte's value: an f32 division (by 255), a lookup (0.37), an f32 product (1/256).
    for (const [scale, convert] of [[1 / 255, 2], [0.37, 0], [1 / 256, 1]]) {
      const bd = ByteDataset.fromBytes(u8, y, { features: 36, imageShape: [1, 6, 6], scale });
      assert.is(bd.runFields().xConvert, convert, `scale ${scale}`);
      const fd = Dataset.fromArrays(scaled(u8, scale), y, { features: 36 });
      try {
        assert.ok(bitEqual(bd.x, fd.x), 'x');
        assert.equal(bd.bytes, u8);
        const s1 = bd.stats(), s2 = fd.stats();
        assert.equal(Array.from(s1.mean), Array.from(s2.mean));
        assert.equal(Array.from(s1.std), Array.from(s2.std));
        const rows = [5, 0, 299, 5];
        const sb = bd.subset(rows), sf = fd.subset(rows);
        assert.ok(sb instanceof ByteDataset);
        assert.ok(bitEqual(sb.x, sf.x));
        assert.equal(Array.from(sb.y), Array.from(sf.y));
        sb.dispose();
        sf.dispose();
      } finally {
        bd.dispose();
        fd.dispose();
      }
    }
  });

  test(`[${b}] an MLP trained on byte rows ends with the parameters of the f32 rows, bit for bit (standardized by default, and raw)`, async () => {
    await init({ backend: b });
    const { u8, y } = images(200, 8, 2);
    const bd = ByteDataset.fromBytes(u8, y, { features: 64, imageShape: [1, 8, 8] });
    const fd = Dataset.fromArrays(scaled(u8, 1 / 255), y, { features: 64 });
    try {
      for (const standardize of [true, false]) {
        const params: Float32Array[] = [], preds: Float32Array[] = [];
        for (const ds of [bd, fd]) {
          const net = mlp({ features: 64, hidden: [16], classes: 3, seed: 4 });
          train(net, ds, { optimizer: { name: 'adam', lr: 1e-2 }, batch: 32, epochs: 2, seed: 5, standardize });
          params.push(net.paramsBlock.view.slice());
          preds.push(Float32Array.from(net.predict(ds)));
          net.dispose();
        }
        assert.ok(bitEqual(params[0], params[1]), `standardize ${standardize}: parameters differ`);
        assert.ok(bitEqual(preds[0], preds[1]), `standardize ${standardize}: predictions differ`);
      }
    } finally {
      bd.dispose();
      fd.dispose();
    }
  });
}

test('standardized byte rows: the product by reciprocals (when exact) and the division give the f32 rows\' standardized values on every backend', async () => {
  const { u8, y } = images(64, 6, 9);
  for (const b of BACKENDS) {
    await init({ backend: b });
    const bd = ByteDataset.fromBytes(u8, y, { features: 36 });
    const fd = Dataset.fromArrays(scaled(u8, 1 / 255), y, { features: 36 });
    const st = fd.stats(), div = st.std.map((s) => (s > 0 ? s : 1));
    const sb = bd.standardizedCopy(st.mean, div, st.std, () => {});
    const sf = fd.standardizedCopy(st.mean, div, st.std, () => {});
    const be = backend();
    const idx = new Block(be, 'i32', 64), out = new Block(be, 'f32', 64 * 36), dv = new Block(be, 'f64', 36);
    try {
      assert.is(sb.runFields().xRecip, 1, 'reciprocals are exact for these statistics');
      assert.ok(bitEqual(sb.x, sf.x), `${b}: product by reciprocals`);
      // The division: the same descriptor with the divisors themselves and xRecip 0.
      be.iotaI32(idx.ptr, 64);
      dv.view.set(div);
      const run = new Run(be, { ...sb.runFields(), idx: idx.ptr, xDiv: dv.ptr, xRecip: 0 });
      be.gatherInput(run.ptr, out.ptr, 0, 64, 36, false);
      run.dispose();
      assert.ok(bitEqual(out.view.slice(), sf.x), `${b}: division`);
    } finally {
      for (const k of [idx, out, dv]) k.dispose();
      for (const d of [sb, sf, bd, fd]) d.dispose();
    }
  }
});

test('threads: 2 on byte rows, row blocks and column split, gives the parameters of one thread, and of the f32 rows', async () => {
  await init({ backend: 'wasm-simd' });
  const { u8, y } = images(512, 8, 3);
  const bd = ByteDataset.fromBytes(u8, y, { features: 64, imageShape: [1, 8, 8] });
  const fd = Dataset.fromArrays(scaled(u8, 1 / 255), y, { features: 64 });
  try {
    for (const batch of [256, 16]) { // 256: row blocks; 16: a single block, column mode
      const run = (ds: Dataset, threads?: number): Float32Array => {
        const net = mlp({ features: 64, hidden: [32], classes: 3, seed: 4 });
        const t = new Trainer(net, ds, { optimizer: { name: 'adam', lr: 1e-2 }, batch, epochs: 2, seed: 5, ...(threads ? { threads } : {}) });
        t.run();
        assert.is(t.threadsUsed, threads ?? 1, 'the run fell back to one thread');
        assert.is(poolOf(t)?.colSplit ?? false, threads !== undefined && batch === 16, 'row blocks at batch 256, column split at 16');
        t.dispose();
        const p = net.paramsBlock.view.slice();
        net.dispose();
        return p;
      };
      const one = run(fd);
      assert.ok(bitEqual(run(bd), one), `batch ${batch}: byte rows, one thread`);
      assert.ok(bitEqual(run(bd, 2), one), `batch ${batch}: byte rows, two threads`);
    }
  } finally {
    bd.dispose();
    fd.dispose();
    await exits();
  }
});

test('column mode splits the byte gather among the threads (28 × 28 rows, batch 64): the parameters of one thread', async () => {
  await init({ backend: 'wasm-simd' });
  const { u8, y } = images(256, 28, 8);
  const bd = ByteDataset.fromBytes(u8, y, { features: 784, imageShape: [1, 28, 28] });
  try {
    const run = (threads?: number): { p: Float32Array; gathers: number } => {
      const net = mlp({ features: 784, hidden: [16], classes: 3, seed: 4 });
      const t = new Trainer(net, bd, { optimizer: { name: 'adam', lr: 1e-2 }, batch: 64, epochs: 2, seed: 5, ...(threads ? { threads } : {}) });
      t.run();
      const gathers = poolOf(t)?.gatherJobs() ?? 0;
      t.dispose();
      const p = net.paramsBlock.view.slice();
      net.dispose();
      return { p, gathers };
    };
    const one = run(), two = run(2);
    assert.ok(two.gathers >= 8, `${two.gathers} split gathers (4 batches × 2 epochs)`);
    assert.ok(bitEqual(two.p, one.p));
  } finally {
    bd.dispose();
    await exits();
  }
});

test('a CNN reads byte image rows as the f32 rows (wasm-scalar)', async () => {
  await init({ backend: 'wasm-scalar' });
  const { u8, y } = images(96, 8, 6);
  const bd = ByteDataset.fromBytes(u8, y, { features: 64, imageShape: [1, 8, 8] });
  const fd = Dataset.fromArrays(scaled(u8, 1 / 255), y, { features: 64, imageShape: [1, 8, 8] });
  const ps: Float32Array[] = [];
  try {
    for (const ds of [bd, fd]) {
      const net = sequential({
        inputShape: [1, 8, 8], loss: 'softmax', seed: 2,
        layers: [{ type: 'conv2d', filters: 4, kernel: 3 }, { type: 'relu' }, { type: 'maxPool2d', size: 2 }, { type: 'flatten' }, { type: 'dense', units: 3 }],
      });
      train(net, ds, { optimizer: { name: 'adam', lr: 1e-2 }, batch: 16, epochs: 2, seed: 1 });
      ps.push(net.paramsBlock.view.slice());
      net.dispose();
    }
    assert.ok(bitEqual(ps[0], ps[1]));
  } finally {
    bd.dispose();
    fd.dispose();
  }
});

test('linear models refuse byte rows (ShapeError); in-place standardize is refused; disposal is tracked', async () => {
  await init({ backend: 'wasm-simd' });
  const { u8 } = images(20, 4, 7);
  const bd = ByteDataset.fromBytes(u8, Float32Array.from({ length: 20 }, (_, i) => i % 2), { features: 16 });
  const m = logistic({ features: 16 });
  try {
    assert.throws(() => train(m, bd, { epochs: 1 }), (e: unknown) => e instanceof ShapeError && /f32 rows/.test((e as Error).message));
    assert.throws(() => m.evaluate(bd), (e: unknown) => e instanceof ShapeError);
    assert.throws(() => bd.standardize(bd.stats()), (e: unknown) => e instanceof ShapeError);
    // A standardized copy shares the bytes: disposing the original first leaves the copy readable.
    const st = bd.stats();
    const copy = bd.standardizedCopy(st.mean, st.std.map((s) => (s > 0 ? s : 1)), st.std, () => {});
    const before = copy.x;
    bd.dispose();
    assert.ok(bitEqual(copy.x, before));
    copy.dispose();
    assert.throws(() => copy.x, (e: unknown) => e instanceof DisposedError);
  } finally {
    m.dispose();
    bd.dispose();
  }
});

test.run();
