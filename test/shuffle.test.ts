// The seeded shuffle buffer of out-of-core training (shuffleBatches, trainStream's shuffleBuffer): every
// row exactly once per epoch, never before it was read, seeded and different per epoch, bounded memory,
// and what it is for: a label-sorted stream trains clearly better through a buffer than in file order.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  init, Dataset, softmax, trainStream, shuffleBatches, HyperParameterError, ShapeError, type ShuffledBatch,
} from '../src/node.js';
import { ShuffleBuffer } from '../src/data/shuffle.js';
import { Rng } from '../src/rng.js';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Rows 0..n-1 with one feature pair (id, -id) and target id, in batches of `chunk`. */
function* ids(n: number, chunk: number, features = 2): Generator<{ x: Float32Array; y: Float32Array }> {
  for (let s = 0; s < n; s += chunk) {
    const m = Math.min(chunk, n - s);
    const x = new Float32Array(m * features), y = new Float32Array(m);
    for (let i = 0; i < m; i++) {
      y[i] = s + i;
      for (let c = 0; c < features; c++) x[i * features + c] = c % 2 ? -(s + i) : s + i;
    }
    yield { x, y };
  }
}

/** The row ids in emitted order, checking that each row's features travelled with its target. */
async function order(source: AsyncIterable<ShuffledBatch>, features = 2): Promise<{ ids: number[]; sizes: number[] }> {
  const out: number[] = [], sizes: number[] = [];
  for await (const b of source) {
    assert.is(b.features, features);
    assert.is(b.x.length, b.rows * features);
    assert.is(b.y.length, b.rows);
    sizes.push(b.rows);
    for (let i = 0; i < b.rows; i++) {
      const id = b.y[i];
      for (let c = 0; c < features; c++) assert.is(b.x[i * features + c], c % 2 ? -id : id, 'features stay with their target');
      out.push(id);
    }
  }
  return { ids: out, sizes };
}

function isPermutation(a: number[], n: number): boolean {
  if (a.length !== n) return false;
  const seen = new Uint8Array(n);
  for (const v of a) {
    if (!Number.isInteger(v) || v < 0 || v >= n || seen[v]) return false;
    seen[v] = 1;
  }
  return true;
}

const inOrder = (n: number) => Array.from({ length: n }, (_, i) => i);

test('buffer ≥ rows: a permutation of all rows, the same for a seed, different per seed and per epoch', async () => {
  const n = 200;
  const a = (await order(shuffleBatches(ids(n, 17), { buffer: 500, seed: 7, batch: 32 }))).ids;
  const again = (await order(shuffleBatches(ids(n, 17), { buffer: 500, seed: 7, batch: 32 }))).ids;
  const other = (await order(shuffleBatches(ids(n, 17), { buffer: 500, seed: 8, batch: 32 }))).ids;
  const epoch1 = (await order(shuffleBatches(ids(n, 17), { buffer: 500, seed: 7, epoch: 1, batch: 32 }))).ids;
  for (const p of [a, other, epoch1]) assert.ok(isPermutation(p, n), 'every row exactly once');
  assert.equal(again, a, 'same seed, same order');
  assert.not.equal(other, a, 'another seed, another order');
  assert.not.equal(epoch1, a, 'another epoch, another order');
  assert.not.equal(a, inOrder(n), 'shuffled');
  // The read chunking does not matter, only the rows' order: the draws are per row.
  assert.equal((await order(shuffleBatches(ids(n, 200), { buffer: 500, seed: 7, batch: 32 }))).ids, a);
});

test('a small buffer: every row once per epoch, and none emitted before it was read', async () => {
  for (const [n, buffer, chunk, batch] of [[1000, 10, 64, 16], [333, 50, 7, 25], [97, 96, 10, 5], [500, 3, 1, 1]]) {
    for (const seed of [0, 1, 0xffffffff]) {
      const { ids: out, sizes } = await order(shuffleBatches(ids(n, chunk), { buffer, seed, batch }));
      assert.ok(isPermutation(out, n), `n ${n} buffer ${buffer}: a permutation`);
      // Row id is read at position id; it can come out no earlier than position id − buffer.
      for (let p = 0; p < n; p++) {
        if (out[p] > p + buffer) assert.unreachable(`row ${out[p]} emitted at ${p}, more than ${buffer} early`);
      }
      assert.ok(sizes.slice(0, -1).every((s) => s === batch) && sizes.at(-1)! <= batch, `batches of ${batch}: ${sizes}`);
      assert.is(sizes.length, Math.ceil(n / batch));
    }
  }
});

test('boundaries: buffer 1 keeps file order, buffer = rows, a last partial batch, empty streams', async () => {
  assert.equal((await order(shuffleBatches(ids(103, 10), { buffer: 1, seed: 5, batch: 8 }))).ids, inOrder(103), 'buffer 1 is file order');
  const full = await order(shuffleBatches(ids(64, 64), { buffer: 64, seed: 2, batch: 10 }));
  assert.ok(isPermutation(full.ids, 64));
  assert.equal(full.sizes, [10, 10, 10, 10, 10, 10, 4], 'rows not a multiple of the batch: the last is smaller');
  // Default batch: the source's first batch's size.
  assert.equal((await order(shuffleBatches(ids(25, 10), { buffer: 4 }))).sizes, [10, 10, 5]);
  assert.equal((await order(shuffleBatches(ids(0, 10), { buffer: 4 }))).ids, [], 'an empty stream gives no batch');
  const empties = [{ x: new Float32Array(0), y: new Float32Array(0) }];
  assert.equal((await order(shuffleBatches(empties, { buffer: 4 }))).sizes, [], 'empty batches are skipped');
  // One row, arrays of rows, and a Dataset as input.
  const one = await order(shuffleBatches([{ x: [[3, -3]], y: [3] }], { buffer: 10 }));
  assert.equal(one.ids, [3]);
  await init({ backend: 'js' });
  const ds = Dataset.fromArrays([[0, 0], [1, -1], [2, -2]], [0, 1, 2]);
  assert.ok(isPermutation((await order(shuffleBatches([ds], { buffer: 2, seed: 1 }))).ids, 3));
  ds.dispose();
});

test('bad options and shapes are typed errors naming the option', async () => {
  const drain = async (o: unknown, src: Iterable<any> = ids(10, 5)) => {
    for await (const _ of shuffleBatches(src, o as never)) { /* */ }
  };
  const cases: [unknown, RegExp][] = [
    [{}, /^buffer: is required/], [{ buffer: 0 }, /^buffer: must be in \[1/], [{ buffer: 2.5 }, /^buffer: must be an integer/],
    [{ buffer: 4, seed: -1 }, /^seed:/], [{ buffer: 4, batch: 0 }, /^batch:/], [{ buffer: 4, epoch: 1.5 }, /^epoch:/],
    [{ buffer: 4, shuffle: true }, /^options\.shuffle: unknown option/], [null, /^options:/],
  ];
  for (const [o, re] of cases) {
    try {
      await drain(o);
      assert.unreachable(`${JSON.stringify(o)} accepted`);
    } catch (e) {
      assert.instance(e, HyperParameterError, String(e));
      assert.match((e as Error).message, re);
    }
  }
  try {
    await drain({ buffer: 4 }, [{ x: new Float32Array(4), y: [1, 2] }, { x: new Float32Array(3), y: [1] }]);
    assert.unreachable('a batch of another width accepted');
  } catch (e) {
    assert.instance(e, ShapeError, String(e));
  }
  const m = softmax({ features: 2, classes: 3 });
  for (const [o, re] of [[{ shuffleBuffer: 0 }, /^shuffleBuffer:/], [{ shuffleBuffer: 'big' }, /^shuffleBuffer:/], [{ shuffleBuffer: 4, seed: 0.5 }, /^seed:/]] as const) {
    try {
      await trainStream(m, [], o as never);
      assert.unreachable(`${JSON.stringify(o)} accepted`);
    } catch (e) {
      assert.instance(e, HyperParameterError, String(e));
      assert.match((e as Error).message, re);
    }
  }
  m.dispose();
});

test('memory: the buffer is buffer × features floats, allocated once, whatever the stream', async () => {
  const b = new ShuffleBuffer(1000, 16, new Rng(1));
  assert.is(b.x.length, 1000 * 16);
  assert.is(b.y.length, 1000);
  // A 200,000 × 16 stream (12.8 MB as float32) through a 1,000-row buffer (64 KB): after a forced
  // collection, the array buffers alive mid-stream are the buffer and a few batches, not the data.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const n = 200_000, d = 16;
  let peak = 0, rows = 0;
  gc();
  const base = process.memoryUsage().arrayBuffers;
  for await (const batch of shuffleBatches(ids(n, 1024, d), { buffer: 1000, seed: 3, batch: 1024 })) {
    rows += batch.rows;
    if (rows % (20 * 1024) === 0) {
      // A turn of the event loop first: freed backing stores are released after the microtasks settle.
      gc();
      await new Promise((r) => setTimeout(r, 0));
      gc();
      peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
    }
  }
  assert.is(rows, n);
  console.log(`    shuffle buffer memory: ${(peak / 1e3).toFixed(0)} kB of array buffers live mid-stream (after gc) while streaming ${(n * d * 4 / 1e6).toFixed(1)} MB`);
  assert.ok(peak < 1e6, `${peak} bytes live mid-stream; the data are ${n * d * 4}`);
});

test('trainStream with shuffleBuffer = file-order trainStream over shuffleBatches(seed, epoch − 1), bit for bit', async () => {
  await init({ backend: 'wasm-simd' });
  const n = 60;
  const optimizer = { name: 'sgd', lr: 1e-4 } as const;
  const run = async (o: { shuffleBuffer?: number; seed?: number }, source: () => AsyncIterable<ShuffledBatch> | Iterable<{ x: Float32Array; y: Float32Array }>) => {
    const m = softmax({ features: 2, classes: n });
    const r = await trainStream(m, source, { epochs: 3, batch: 4, optimizer, ...o });
    const p = m.params.slice();
    m.dispose();
    return { p, r };
  };
  const buffered = await run({ shuffleBuffer: 100, seed: 9 }, () => ids(n, 7));
  let epoch = 0;
  // trainStream hands the fitter chunks of whole mini-batches: 4 × ceil(1024 / 4) = 1024 rows.
  const manual = await run({}, () => shuffleBatches(ids(n, 7), { buffer: 100, seed: 9, epoch: epoch++, batch: 1024 }));
  assert.equal(Array.from(buffered.p), Array.from(manual.p), 'the same parameters');
  assert.equal(buffered.r.history.map((h) => h.loss), manual.r.history.map((h) => h.loss));
  assert.is(buffered.r.samples, 3 * n);
  const fileOrder = await run({}, () => ids(n, 7));
  assert.not.equal(Array.from(buffered.p), Array.from(fileOrder.p), 'the buffer changed the order');
  const otherSeed = await run({ shuffleBuffer: 100, seed: 10 }, () => ids(n, 7));
  assert.not.equal(Array.from(buffered.p), Array.from(otherSeed.p));
  // A buffer of 1 is file order again, in chunks of whole mini-batches (file-order chunks of 7 rows
  // would make steps of 4 and 3 rows).
  const one = await run({ shuffleBuffer: 1 }, () => ids(n, 7));
  assert.equal(Array.from(one.p), Array.from((await run({}, () => ids(n, 1024))).p));
});

test('a label-sorted stream: one epoch of SGD through a shuffle buffer is clearly more accurate than file order', async () => {
  await init({ backend: 'wasm-simd' });
  const ds = Dataset.builtin('digits');
  ds.standardize(ds.stats());
  const x = ds.x, y = ds.y, d = ds.features, n = ds.rows;
  ds.dispose();
  // Sorted by label, as exports grouped by class are; streamed 10 rows at a time.
  const idx = inOrder(n).sort((a, b) => y[a] - y[b] || a - b);
  const sx = new Float32Array(n * d), sy = new Float32Array(n);
  idx.forEach((r, i) => { sx.set(x.subarray(r * d, r * d + d), i * d); sy[i] = y[r]; });
  const source = function* () {
    for (let i = 0; i < n; i += 10) yield { x: sx.slice(i * d, Math.min(n, i + 10) * d), y: sy.slice(i, Math.min(n, i + 10)) };
  };
  const all = Dataset.fromArrays(sx, sy, { features: d });
  const accuracy = async (shuffleBuffer?: number) => {
    const m = softmax({ features: d, classes: 10 });
    await trainStream(m, source, { optimizer: { name: 'sgd', lr: 0.2 }, batch: 8, shuffleBuffer, seed: 1 });
    const a = m.evaluate(all).accuracy!;
    m.dispose();
    return a;
  };
  const fileOrder = await accuracy(), buffered = await accuracy(512), full = await accuracy(n);
  all.dispose();
  console.log(`    digits sorted by label, 1 epoch SGD lr 0.2 batch 8: file order ${fileOrder.toFixed(3)}, ` +
    `shuffle buffer 512 ${buffered.toFixed(3)}, buffer ${n} (full) ${full.toFixed(3)}`);
  assert.ok(fileOrder < 0.8, `file order ${fileOrder}`);
  assert.ok(buffered > fileOrder + 0.1, `buffer 512: ${buffered} vs file order ${fileOrder}`);
  assert.ok(full > 0.93, `full buffer ${full}`);
});

test.run();
