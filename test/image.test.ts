// Images to rows: imageToRow (ImageData, canvas, any RGBA) gives the built-in MNIST rows bit for bit from the same
// grey bytes, resamples by area average, inverts, composites transparency, lays RGB out channel-major and centres
// ink as MNIST did; Dataset.fromImageFolder reads dir/<class>/*.png (fixtures written here with pngjs) on every
// backend, and a corrupted PNG, a wrong size or an empty class folder is a DataError naming it, nothing allocated.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import {
  init, backendInfo, Dataset, imageToRow, sequential, train, DataError, HyperParameterError, ShapeError, type RgbaImage,
} from '../src/node.js';
import { backend } from '../src/runtime/index.js';
import { BACKENDS, bitEqual } from './_util.js';

/** RGBA of a grey image given as values in [0, 1] (rounded to bytes), opaque. */
function grey(values: ArrayLike<number>, width: number, height: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const k = Math.round(values[p] * 255);
    data[4 * p] = data[4 * p + 1] = data[4 * p + 2] = k;
    data[4 * p + 3] = 255;
  }
  return { data, width, height };
}

/** Each pixel repeated `f` times in both directions. */
function upscale(img: RgbaImage, f: number): RgbaImage {
  const W = img.width * f, H = img.height * f;
  const data = new Uint8ClampedArray(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const s = (Math.floor(y / f) * img.width + Math.floor(x / f)) * 4;
      for (let k = 0; k < 4; k++) data[(y * W + x) * 4 + k] = img.data[s + k];
    }
  }
  return { data, width: W, height: H };
}

function throwsType(fn: () => unknown, type: Function, match: RegExp): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, type, `${(e as Error).name}: ${(e as Error).message}`);
    assert.match((e as Error).message, match);
    return;
  }
  assert.unreachable(`expected a ${type.name} matching ${match}`);
}

test('imageToRow gives the built-in MNIST rows bit for bit from their grey bytes; area resampling gives them back from 10× images', async () => {
  await init({ backend: 'js' });
  const mnist = Dataset.builtin('mnist');
  const x = mnist.xBlock.view;
  try {
    for (const r of [0, 1, 2, 9999]) {
      const row = x.slice(r * 784, r * 784 + 784);
      const img = grey(row, 28, 28);
      const same = imageToRow(img, { width: 28, height: 28 });
      assert.ok(bitEqual(same, row), `row ${r} at 28×28`);
      // An ImageData-like 280×280 (each pixel 10×10): the area average is the pixel itself, to f32 rounding.
      const big = imageToRow(upscale(img, 10), { width: 28, height: 28 });
      let worst = 0;
      for (let i = 0; i < 784; i++) worst = Math.max(worst, Math.abs(big[i] - row[i]));
      assert.ok(worst <= 1e-7, `row ${r} from 280×280: max diff ${worst}`);
    }
  } finally {
    mnist.dispose();
  }
});

test('imageToRow: area average of a 4×2 image to 2×1, invert, transparency over the background, RGB planes', () => {
  const img = grey([0, 0.2, 0.4, 0.6, 1, 1, 0, 0.2], 4, 2);
  const r = imageToRow(img, { width: 2, height: 1 });
  const b = (v: number) => Math.round(v * 255) / 255;
  assert.ok(Math.abs(r[0] - (b(0) + b(0.2) + b(1) + b(1)) / 4) < 1e-7, String(r[0]));
  assert.ok(Math.abs(r[1] - (b(0.4) + b(0.6) + b(0) + b(0.2)) / 4) < 1e-7, String(r[1]));
  // Three source pixels into two cells: the middle one is split half and half.
  const thirds = imageToRow(grey([0, 1, 0], 3, 1), { width: 2, height: 1 });
  assert.ok(Math.abs(thirds[0] - 1 / 3) < 1e-7 && Math.abs(thirds[1] - 1 / 3) < 1e-7, String(Array.from(thirds)));
  const inv = imageToRow(grey([0, 1], 2, 1), { width: 2, height: 1, invert: true });
  assert.equal(Array.from(inv), [1, 0]);
  // Black ink at alpha 255 and a fully transparent pixel: over white by default, over black when asked.
  const rgba = { data: new Uint8ClampedArray([0, 0, 0, 255, 0, 0, 0, 0]), width: 2, height: 1 };
  assert.equal(Array.from(imageToRow(rgba, { width: 2, height: 1 })), [0, 1]);
  assert.equal(Array.from(imageToRow(rgba, { width: 2, height: 1, background: 0 })), [0, 0]);
  assert.equal(Array.from(imageToRow(rgba, { width: 2, height: 1, invert: true })), [1, 0]);
  // Half-transparent red over white, channel-major RGB: R = 1, G = B = 128/255·… composited.
  const red = { data: new Uint8ClampedArray([255, 0, 0, 255, 255, 0, 0, 0]), width: 2, height: 1 };
  assert.equal(Array.from(imageToRow(red, { width: 2, height: 1, channels: 3 })), [1, 1, 0, 1, 0, 1]);
  // Grey luma from PIL's integer weights.
  const g = imageToRow({ data: new Uint8Array([255, 0, 0, 255]), width: 1, height: 1 }, { width: 1, height: 1 });
  assert.ok(Math.abs(g[0] - 0.299) < 1e-7, String(g[0]));
  // normalize: per feature or for all.
  const n = imageToRow(grey([0, 1], 2, 1), { width: 2, height: 1, normalize: { mean: 0.5, std: [0.5, 0] } });
  assert.equal(Array.from(n), [-1, 0.5]);
});

test('imageToRow reads a canvas through its 2d context; center puts a corner digit in the middle of a 20-pixel box', () => {
  // A 56×56 image with a 10×20 bar of ink in its top-left corner (black on white, as drawn).
  const W = 56;
  const vals = new Float32Array(W * W).fill(1);
  for (let y = 2; y < 22; y++) for (let x = 3; x < 13; x++) vals[y * W + x] = 0;
  const img = grey(vals, W, W);
  let calls = 0;
  const canvas = { width: W, height: W, getContext: (kind: string) => (kind === '2d' ? { getImageData: () => (calls++, img) } : null) };
  const r = imageToRow(canvas as never, { width: 28, height: 28, invert: true, center: true });
  assert.is(calls, 1);
  let m = 0, mx = 0, my = 0, x0 = 28, x1 = -1, y0 = 28, y1 = -1;
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const v = r[y * 28 + x];
      m += v; mx += v * (x + 0.5); my += v * (y + 0.5);
      if (v > 0.5) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
    }
  }
  assert.ok(Math.abs(mx / m - 14) <= 0.5 && Math.abs(my / m - 14) <= 0.5, `centre of mass ${mx / m}, ${my / m}`);
  assert.is(y1 - y0 + 1, 20, 'the long side fills 20 pixels');
  assert.is(x1 - x0 + 1, 10, 'the aspect ratio is kept');
  // No ink at all: a plain resize (all background).
  const blank = imageToRow(grey(new Float32Array(16).fill(1), 4, 4), { width: 2, height: 2, invert: true, center: true });
  assert.equal(Array.from(blank), [0, 0, 0, 0]);
});

test('imageToRow: bad options and sources are typed errors naming the field', () => {
  const img = grey([0, 1, 0, 1], 2, 2);
  throwsType(() => imageToRow(img, { width: 0, height: 2 }), HyperParameterError, /imageToRow\.width/);
  throwsType(() => imageToRow(img, { height: 2 } as never), HyperParameterError, /width and height/);
  throwsType(() => imageToRow(img, { width: 2, height: 2, channels: 2 as never }), HyperParameterError, /channels.*1 \(grey\) or 3/);
  throwsType(() => imageToRow(img, { width: 2, height: 2, invrt: true } as never), HyperParameterError, /imageToRow\.invrt.*unknown option/);
  throwsType(() => imageToRow(img, { width: 2, height: 2, background: 2 }), HyperParameterError, /background/);
  throwsType(() => imageToRow(img, { width: 2, height: 2, normalize: { mean: [0, 0], std: 1 } }), ShapeError, /normalize\.mean: 2 values for 4 features/);
  throwsType(() => imageToRow(img, { width: 2, height: 2, normalize: { mean: 0, std: -1 } }), HyperParameterError, /normalize\.std\[0\]/);
  throwsType(() => imageToRow({ data: new Uint8Array(15), width: 2, height: 2 }, { width: 2, height: 2 }), ShapeError, /15 bytes of pixels, expected 16/);
  throwsType(() => imageToRow(null as never, { width: 2, height: 2 }), DataError, /expected an ImageData/);
  const gl = { width: 2, height: 2, getContext: () => null };
  throwsType(() => imageToRow(gl as never, { width: 2, height: 2 }), DataError, /no 2d context/);
});

// ------------------------------------------------------------------------------------------- PNG folders

/** Writes a PNG of grey values (a 'rgb' colour type when `rgb`). */
function writePng(path: string, values: ArrayLike<number>, width: number, height: number): void {
  const png = new PNG({ width, height });
  png.data.set(grey(values, width, height).data as Uint8ClampedArray);
  writeFileSync(path, PNG.sync.write(png));
}

const tmp = mkdtempSync(join(tmpdir(), 'descent-images-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

function folder(name: string, classes: Record<string, [number, number][]>): string {
  const dir = join(tmp, name);
  for (const [c, sizes] of Object.entries(classes)) {
    mkdirSync(join(dir, c), { recursive: true });
    sizes.forEach(([w, h], i) => {
      const v = Float32Array.from({ length: w * h }, (_, p) => ((p * 37 + i * 11 + c.length * 5) % 256) / 255);
      writePng(join(dir, c, `img${i}.png`), v, w, h);
    });
  }
  return dir;
}

test('Dataset.fromImageFolder: classes from sorted folder names, rows as imageToRow makes them, on every backend; a CNN trains on them', async () => {
  const dir = folder('ok', { zebra: [[6, 6], [6, 6]], ant: [[6, 6], [6, 6], [6, 6]] });
  writeFileSync(join(dir, 'ant', 'notes.txt'), 'not an image: skipped');
  for (const name of BACKENDS) {
    await init({ backend: name });
    const ds = Dataset.fromImageFolder(dir);
    try {
      assert.is(ds.rows, 5, name);
      assert.equal(ds.classes, ['ant', 'zebra']);
      assert.equal(ds.imageShape, [1, 6, 6]);
      assert.equal(Array.from(ds.yBlock.view), [0, 0, 0, 1, 1]);
      // Row 3 is zebra/img0.png: the same values imageToRow gives for its pixels.
      const png = PNG.sync.read(readFileSync(join(dir, 'zebra', 'img0.png')));
      const want = imageToRow(png, { width: 6, height: 6 });
      assert.ok(bitEqual(ds.xBlock.view.slice(3 * 36, 4 * 36), want), `${name}: row 3`);
      const rgb = Dataset.fromImageFolder(dir, { channels: 3, width: 3, height: 3, resize: true, invert: true });
      assert.equal(rgb.imageShape, [3, 3, 3]);
      assert.is(rgb.features, 27);
      rgb.dispose();
      const net = sequential({
        inputShape: [1, 6, 6], loss: 'softmax', seed: 1,
        layers: [{ type: 'conv2d', filters: 2, kernel: 3 }, { type: 'relu' }, { type: 'maxPool2d', size: 2 }, { type: 'flatten' }, { type: 'dense', units: 2 }],
      });
      const r = train(net, ds, { optimizer: { name: 'adam', lr: 0.01 }, epochs: 3, batch: 2, seed: 1 });
      assert.is(r.epochs, 3);
      assert.ok(r.history.every((h) => Number.isFinite(h.loss)), name);
      net.dispose();
    } finally {
      ds.dispose();
    }
    assert.is(backendInfo().name, name);
  }
});

test('Dataset.fromImageFolder: a corrupted PNG, a wrong size, an empty class folder or no class folder is a DataError naming it, nothing allocated', async () => {
  await init({ backend: 'wasm-simd' });
  const be = backend();
  const live = be.liveBytes();
  const bad = folder('corrupt', { a: [[4, 4]], b: [[4, 4], [4, 4]] });
  // A PNG cut in half: the signature is right, the data is not.
  const whole = PNG.sync.write(Object.assign(new PNG({ width: 4, height: 4 }), {}));
  writeFileSync(join(bad, 'b', 'img1.png'), whole.subarray(0, Math.floor(whole.length / 2)));
  throwsType(() => Dataset.fromImageFolder(bad), DataError, /b\/img1\.png: not a readable PNG image/);
  writeFileSync(join(bad, 'b', 'img1.png'), 'hello, not a PNG');
  throwsType(() => Dataset.fromImageFolder(bad), DataError, /b\/img1\.png: not a readable PNG image/);

  const sized = folder('sizes', { a: [[4, 4], [5, 4]], b: [[4, 4]] });
  throwsType(() => Dataset.fromImageFolder(sized), DataError, /a\/img1\.png: the image is 5×4, expected 4×4 \(the size of a\/img0\.png\); pass resize: true/);
  throwsType(() => Dataset.fromImageFolder(sized, { width: 5, height: 4 }), DataError, /a\/img0\.png: the image is 4×4, expected 5×4 \(the width and height asked for\)/);
  const resized = Dataset.fromImageFolder(sized, { resize: true, width: 2, height: 2 });
  assert.is(resized.rows, 3);
  resized.dispose();

  const empty = folder('empty', { a: [[4, 4]] });
  mkdirSync(join(empty, 'b'));
  writeFileSync(join(empty, 'b', 'readme.md'), 'no images here');
  throwsType(() => Dataset.fromImageFolder(empty), DataError, /empty\/b: the class folder "b" holds no \.png image/);
  throwsType(() => Dataset.fromImageFolder(folder('single', { only: [[4, 4]] })), DataError, /single: one class folder \("only"\); a classifier needs at least two/);
  const none = join(tmp, 'none');
  mkdirSync(none);
  throwsType(() => Dataset.fromImageFolder(none), DataError, /none: no class folders/);
  throwsType(() => Dataset.fromImageFolder(join(tmp, 'missing')), DataError, /cannot read folder .*missing: no such folder/);
  throwsType(() => Dataset.fromImageFolder(empty, { channels: 4 as never }), HyperParameterError, /fromImageFolder\.channels/);
  throwsType(() => Dataset.fromImageFolder(sized, { resize: 'yes' as never }), HyperParameterError, /fromImageFolder\.resize/);
  assert.is(be.liveBytes(), live, 'nothing left allocated by the failures');
});

test.run();
