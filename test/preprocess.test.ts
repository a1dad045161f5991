// The preprocessing kernels (assembly/preprocess.ts, js twins in src/backends/js/preprocess.ts) on every
// backend: column moments bit-identical to the streaming Moments (so a streamed standardization is the
// in-memory one), standardization bit-identical to the twin at boundary widths, in place (aliasing) and
// out of place, an overflow reported at its exact flat index with nothing lost, and Dataset/Preprocessing
// using them (train()'s default standardized copy equals the dataset standardized in place).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadBackend } from '../src/runtime/index.js';
import { Block } from '../src/runtime/block.js';
import { Moments } from '../src/data/moments.js';
import { standardizeF32 } from '../src/backends/js/preprocess.js';
import { Dataset, init } from '../src/index.js';
import { Preprocessing } from '../src/models/preprocessing.js';
import { DataError } from '../src/errors.js';
import { Rng } from '../src/rng.js';
import { BACKENDS, uniform, bitEqual } from './_util.js';

const WIDTHS = [1, 2, 3, 4, 5, 7, 8, 15, 16, 17];
const ROWS = [1, 3, 5];

/** Columns with different offsets and scales, so mean and std differ per column. */
function data(rng: Rng, rows: number, d: number): Float32Array {
  const x = uniform(rng, rows * d, -1, 1);
  for (let i = 0; i < x.length; i++) x[i] = Math.fround(x[i] * (1 + (i % d) * 10) + (i % d) * 3);
  return x;
}

for (const name of BACKENDS) {
  test(`${name}: colMoments equals the streaming Moments bit for bit; standardizeF32 equals the twin, in and out of place`, async () => {
    const be = await loadBackend(name);
    const rng = new Rng(7);
    for (const d of WIDTHS) for (const rows of ROWS) {
      const x = data(rng, rows, d);
      const xb = new Block(be, 'f32', x.length), mean = new Block(be, 'f64', d), m2 = new Block(be, 'f64', d);
      xb.view.set(x);
      mean.view.fill(0);
      m2.view.fill(0);
      // Two calls (rows then rows again) as a stream pushes batches.
      be.colMoments(mean.ptr, m2.ptr, xb.ptr, rows, d, 0);
      be.colMoments(mean.ptr, m2.ptr, xb.ptr, rows, d, rows);
      const ref = new Moments(d);
      ref.push(x);
      ref.push(x);
      const r = ref.result();
      assert.equal(Array.from(mean.view), Array.from(r.mean), `mean d ${d} rows ${rows}`);
      assert.equal(Array.from(m2.view, (v) => Math.sqrt(v / (2 * rows))), Array.from(r.std), `std d ${d} rows ${rows}`);

      const div = r.std.map((s) => (s > 0 ? s : 1));
      const want = new Float32Array(x.length);
      assert.is(standardizeF32(want, x, rows, d, r.mean, div), -1);
      const out = new Block(be, 'f32', x.length);
      const mb = new Block(be, 'f64', d), sb = new Block(be, 'f64', d);
      mb.view.set(r.mean);
      sb.view.set(div);
      assert.is(be.standardizeF32(out.ptr, xb.ptr, rows, d, mb.ptr, sb.ptr), -1);
      assert.ok(bitEqual(out.view, want), `out of place d ${d} rows ${rows}`);
      assert.is(be.standardizeF32(xb.ptr, xb.ptr, rows, d, mb.ptr, sb.ptr), -1);
      assert.ok(bitEqual(xb.view, want), `in place d ${d} rows ${rows}`);
      for (const b of [xb, mean, m2, out, mb, sb]) b.dispose();
    }
  });

  test(`${name}: a value leaving the f32 range is reported at its flat index, in every lane position`, async () => {
    const be = await loadBackend(name);
    for (const d of [1, 2, 3, 5, 8]) for (let bad = 0; bad < 2 * d; bad++) {
      const x = new Float32Array(2 * d).fill(1);
      x[bad] = 3e38;
      const xb = new Block(be, 'f32', x.length), out = new Block(be, 'f32', x.length);
      const mb = new Block(be, 'f64', d), sb = new Block(be, 'f64', d);
      xb.view.set(x);
      mb.view.fill(-3e38);
      sb.view.fill(1);
      assert.is(be.standardizeF32(out.ptr, xb.ptr, 2, d, mb.ptr, sb.ptr), bad, `d ${d} bad ${bad}`);
      assert.is(standardizeF32(new Float32Array(2 * d), x, 2, d, mb.view, sb.view), bad);
      for (const b of [xb, out, mb, sb]) b.dispose();
    }
  });
}

test('Dataset.standardize loses nothing on overflow; a Preprocessing copy equals the in-place standardization', async () => {
  await init({ backend: 'wasm-simd' });
  const rng = new Rng(3);
  const x = data(rng, 37, 13);
  const y = Float32Array.from({ length: 37 }, (_, i) => i % 2);
  const ds = Dataset.fromArrays(x, y, { features: 13 });
  const before = ds.xBlock.view.slice();
  assert.throws(() => ds.standardize({ mean: new Float64Array(13), std: new Float64Array(13).fill(1e-40) }),
    (e: unknown) => e instanceof DataError && /row 0, column 0 becomes/.test((e as Error).message));
  assert.ok(bitEqual(ds.xBlock.view, before), 'the data are unchanged after the error');
  const pre = Preprocessing.fit(ds);
  const copy = pre.dataset(ds);
  ds.standardize(ds.stats());
  assert.ok(bitEqual(copy.xBlock.view, ds.xBlock.view));
  assert.ok(bitEqual(copy.yBlock.view, ds.yBlock.view));
  const rows = pre.applyInPlace(before.slice());
  assert.ok(bitEqual(rows, ds.xBlock.view), 'applyInPlace (predict) = the kernel');
  copy.dispose();
  ds.dispose();
});

test.run();
