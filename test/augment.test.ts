// train's `augment: { shift }` (src/training/augment.ts; the shift is applied in the networks' gather,
// assembly/rowgather.ts and its js twin). The shift of a tiny image against images written out by hand and
// against a direct reference (out[c][y][x] = in[c][y − dy][x − dx], 0 outside) on every backend; the draws
// cover [−shift, shift]² evenly and change with the epoch; the parameters after augmented training are bit
// for bit the same on wasm-scalar and wasm-simd, with one thread and with two (row blocks and column split)
// and after a resume, close on js (which computes other kernels in f64), and differ from unaugmented training;
// bad options are HyperParameterErrors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, Dataset, ByteDataset, sequential, mlp, logistic, train, Trainer, HyperParameterError, type BackendName } from '../src/node.js';
import { backend } from '../src/runtime/index.js';
import { Run } from '../src/runtime/run.js';
import { Block } from '../src/runtime/block.js';
import { AUGMENT, AUGMENT_LEN } from '../src/backends/abi.generated.js';
import { augmentShift } from '../src/backends/js/rowgather.js';
import { Rng } from '../src/rng.js';
import { BACKENDS, bitEqual, maxRelDiff } from './_util.js';
import { exits, poolOf } from './_threads.js';

/** Rows `rows` of ds gathered by the backend's training gather with a shift record (seed, epoch, shift). */
function gathered(ds: Dataset, rows: number[], shape: [number, number, number], shift: number, seed: number, epoch: number): Float32Array {
  const be = backend(), d = ds.features;
  const idx = new Block(be, 'i32', rows.length), out = new Block(be, 'f32', rows.length * d), rec = new Block(be, 'f64', AUGMENT_LEN);
  idx.view.set(rows);
  rec.view.fill(0);
  rec.view[AUGMENT.shift] = shift;
  [rec.view[AUGMENT.channels], rec.view[AUGMENT.height], rec.view[AUGMENT.width]] = shape;
  rec.view[AUGMENT.seed] = seed;
  rec.view[AUGMENT.epoch] = epoch;
  const run = new Run(be, { ...ds.runFields(), idx: idx.ptr, augment: rec.ptr });
  be.gatherInput(run.ptr, out.ptr, 0, rows.length, d, true);
  const x = out.view.slice();
  run.dispose();
  for (const b of [idx, out, rec]) b.dispose();
  return x;
}

/** A data row whose shift in (seed, epoch) is (dx, dy). */
function rowWith(seed: number, epoch: number, shift: number, dx: number, dy: number): number {
  for (let r = 0; ; r++) {
    const s = augmentShift(seed, epoch, r, shift);
    if (s.dx === dx && s.dy === dy) return r;
  }
}

// A 2-channel 3 × 4 image, values 1..24, and what shifts by hand give.
const IMAGE = Float32Array.from({ length: 24 }, (_, i) => i + 1);
const BY_HAND: [number, number, number[]][] = [
  [1, -1, [0, 5, 6, 7, 0, 9, 10, 11, 0, 0, 0, 0, /* channel 1 */ 0, 17, 18, 19, 0, 21, 22, 23, 0, 0, 0, 0]],
  [-2, 2, [0, 0, 0, 0, 0, 0, 0, 0, 3, 4, 0, 0, /* channel 1 */ 0, 0, 0, 0, 0, 0, 0, 0, 15, 16, 0, 0]],
  [0, 1, [0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, /* channel 1 */ 0, 0, 0, 0, 13, 14, 15, 16, 17, 18, 19, 20]],
  [0, 0, Array.from(IMAGE)],
];

/** The direct definition of a shift, one [C, H, W] row. */
function reference(row: Float32Array, [C, H, W]: [number, number, number], dx: number, dy: number): Float32Array {
  const out = new Float32Array(row.length);
  for (let c = 0; c < C; c++) {
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const sy = y - dy, sx = x - dx;
        out[(c * H + y) * W + x] = sy >= 0 && sy < H && sx >= 0 && sx < W ? row[(c * H + sy) * W + sx] : 0;
      }
    }
  }
  return out;
}

for (const b of BACKENDS) {
  test(`[${b}] the gather shifts a 2 × 3 × 4 image as written out by hand, and 9 × 7 images of bytes as the direct definition`, async () => {
    await init({ backend: b });
    const seed = 17, epoch = 3, shift = 2;
    const rows = BY_HAND.map(([dx, dy]) => rowWith(seed, epoch, shift, dx, dy));
    const x = new Float32Array((Math.max(...rows) + 1) * 24);
    for (const r of rows) x.set(IMAGE, r * 24);
    const ds = Dataset.fromArrays(x, new Float32Array(x.length / 24), { features: 24 });
    try {
      const got = gathered(ds, rows, [2, 3, 4], shift, seed, epoch);
      BY_HAND.forEach(([dx, dy, want], i) => assert.equal(Array.from(got.subarray(i * 24, i * 24 + 24)), want, `(dx, dy) = (${dx}, ${dy})`));
    } finally {
      ds.dispose();
    }
    // Byte rows, a larger shift, an image that is not square: every row against the definition.
    const rng = new Rng(5), n = 40, shape: [number, number, number] = [1, 9, 7];
    const u8 = Uint8Array.from({ length: n * 63 }, () => rng.below(256));
    const bd = ByteDataset.fromBytes(u8, new Float32Array(n), { features: 63, scale: 1 });
    try {
      const all = Array.from({ length: n }, (_, i) => n - 1 - i);
      const got = gathered(bd, all, shape, 4, 99, 0);
      all.forEach((r, i) => {
        const { dx, dy } = augmentShift(99, 0, r, 4);
        const want = reference(Float32Array.from(u8.subarray(r * 63, r * 63 + 63)), shape, dx, dy);
        assert.ok(bitEqual(got.subarray(i * 63, i * 63 + 63), want), `row ${r}, (dx, dy) = (${dx}, ${dy})`);
      });
    } finally {
      bd.dispose();
    }
  });
}

test('the shifts cover [−shift, shift]² evenly, and each epoch draws anew', () => {
  const shift = 2, m = 2 * shift + 1, n = 25000;
  const counts = new Array(m * m).fill(0);
  let same = 0;
  for (let r = 0; r < n; r++) {
    const a = augmentShift(7, 0, r, shift), b = augmentShift(7, 1, r, shift);
    assert.ok(Math.abs(a.dx) <= shift && Math.abs(a.dy) <= shift);
    counts[(a.dy + shift) * m + a.dx + shift]++;
    if (a.dx === b.dx && a.dy === b.dy) same++;
  }
  // Each of the 25 cells expects 1000 (σ ≈ 31): within ±150 everywhere.
  for (const c of counts) assert.ok(Math.abs(c - n / (m * m)) < 150, `cell count ${c}`);
  // Epochs 0 and 1 agree on a row as often as two independent draws do (1/25).
  assert.ok(Math.abs(same / n - 1 / 25) < 0.01, `same shift in two epochs: ${same / n}`);
});

/** Random images (8 × 8) and labels. */
function images(n: number, seed: number): { x: Float32Array; y: Float32Array } {
  const rng = new Rng(seed);
  return { x: Float32Array.from({ length: n * 64 }, () => rng.next()), y: Float32Array.from({ length: n }, () => rng.below(3)) };
}

const cnn = () => sequential({
  inputShape: [1, 8, 8], loss: 'softmax', seed: 2,
  layers: [{ type: 'conv2d', filters: 4, kernel: 3 }, { type: 'relu' }, { type: 'maxPool2d', size: 2 }, { type: 'flatten' }, { type: 'dense', units: 3 }],
});

test('augmented CNN training: wasm-scalar ≡ wasm-simd bit for bit, js within 1e-5, and not the unaugmented parameters', async () => {
  const { x, y } = images(96, 1);
  const params: Record<string, Float32Array> = {};
  for (const b of ['wasm-scalar', 'wasm-simd', 'js'] as BackendName[]) {
    await init({ backend: b });
    for (const shift of [0, 2]) {
      const ds = Dataset.fromArrays(x, y, { features: 64, imageShape: [1, 8, 8] });
      const net = cnn();
      train(net, ds, { optimizer: { name: 'adam', lr: 1e-2 }, batch: 16, epochs: 3, seed: 1, augment: { shift } });
      params[`${b} ${shift}`] = net.paramsBlock.view.slice();
      net.dispose();
      ds.dispose();
    }
  }
  assert.ok(bitEqual(params['wasm-scalar 2'], params['wasm-simd 2']), 'wasm-scalar and wasm-simd differ');
  assert.ok(maxRelDiff(params['js 2'], params['wasm-simd 2']) < 1e-5, `js: ${maxRelDiff(params['js 2'], params['wasm-simd 2'])}`);
  assert.not.ok(bitEqual(params['wasm-simd 0'], params['wasm-simd 2']), 'shift 2 changed nothing');
  // shift 0 is no augmentation at all.
  await init({ backend: 'wasm-simd' });
  const ds = Dataset.fromArrays(x, y, { features: 64, imageShape: [1, 8, 8] });
  const net = cnn();
  train(net, ds, { optimizer: { name: 'adam', lr: 1e-2 }, batch: 16, epochs: 3, seed: 1 });
  assert.ok(bitEqual(net.paramsBlock.view.slice(), params['wasm-simd 0']));
  net.dispose();
  ds.dispose();
});

test('a run saved mid-epoch and resumed ends with the parameters of the run straight through (wasm-simd)', async () => {
  await init({ backend: 'wasm-simd' });
  const { x, y } = images(96, 4);
  const ds = Dataset.fromArrays(x, y, { features: 64, imageShape: [1, 8, 8] });
  const opts = { optimizer: { name: 'adam', lr: 1e-2 }, batch: 16, epochs: 3, seed: 1, augment: { shift: 2 } } as const;
  const a = cnn(), b = cnn();
  try {
    train(a, ds, opts);
    const t = new Trainer(b, ds, opts);
    t.step(t.batchesPerEpoch + 2);
    const saved = JSON.parse(JSON.stringify(t.save()));
    t.dispose();
    train(b, ds, { ...opts, resume: saved });
    assert.ok(bitEqual(a.paramsBlock.view.slice(), b.paramsBlock.view.slice()));
  } finally {
    a.dispose();
    b.dispose();
    ds.dispose();
  }
});

test('threads: 2 (row blocks at batch 256, column split at batch 16) gives the parameters of one thread, f32 and byte rows', async () => {
  await init({ backend: 'wasm-simd' });
  const { x, y } = images(512, 2);
  const u8 = Uint8Array.from(x, (v) => Math.floor(v * 256));
  const sets = [Dataset.fromArrays(x, y, { features: 64, imageShape: [1, 8, 8] }), ByteDataset.fromBytes(u8, y, { features: 64, imageShape: [1, 8, 8] })];
  try {
    for (const ds of sets) {
      for (const batch of [256, 16]) {
        const run = (threads?: number): Float32Array => {
          const net = mlp({ features: 64, hidden: [32], classes: 3, seed: 4 });
          const t = new Trainer(net, ds, { optimizer: { name: 'adam', lr: 1e-2 }, batch, epochs: 2, seed: 5, augment: { shift: 3, seed: 11 }, ...(threads ? { threads } : {}) });
          t.run();
          assert.is(t.threadsUsed, threads ?? 1);
          assert.is(poolOf(t)?.colSplit ?? false, threads !== undefined && batch === 16);
          t.dispose();
          const p = net.paramsBlock.view.slice();
          net.dispose();
          return p;
        };
        assert.ok(bitEqual(run(2), run()), `${ds.constructor.name}, batch ${batch}`);
      }
    }
  } finally {
    for (const ds of sets) ds.dispose();
    await exits();
  }
});

test('augment options: typed errors before anything is allocated', async () => {
  await init({ backend: 'wasm-simd' });
  const { x, y } = images(32, 3);
  const img = Dataset.fromArrays(x, y, { features: 64, imageShape: [1, 8, 8] });
  const flat = Dataset.fromArrays(x, y, { features: 64 });
  const net = mlp({ features: 64, hidden: [8], classes: 3, seed: 1 });
  const lin = logistic({ features: 64 });
  const bad = (m: typeof net | typeof lin, ds: Dataset, augment: unknown, re: RegExp) =>
    assert.throws(() => train(m, ds, { epochs: 1, augment } as never), (e: unknown) => e instanceof HyperParameterError && re.test((e as Error).message));
  try {
    bad(net, img, { shift: 8 }, /below the image's height and width/);
    bad(net, img, { shift: -1 }, /augment\.shift/);
    bad(net, img, { shift: 1.5 }, /augment\.shift/);
    bad(net, img, {}, /augment\.shift/);
    bad(net, img, { shift: 1, flip: true }, /flip/);
    bad(net, img, 2, /augment/);
    bad(net, flat, { shift: 1 }, /image rows/);
    bad(lin, img, { shift: 1 }, /network/);
    // A network whose input is [C, H, W] takes rows without imageShape.
    const c = cnn();
    const ys = Float32Array.from(y, (v) => v % 3);
    const ds = Dataset.fromArrays(x, ys, { features: 64 });
    train(c, ds, { epochs: 1, augment: { shift: 1 } });
    c.dispose();
    ds.dispose();
  } finally {
    net.dispose();
    lin.dispose();
    img.dispose();
    flat.dispose();
  }
});

test.run();
