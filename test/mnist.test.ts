// The MNIST built-in: the shipped file (data/mnist.u8.gz) decodes to the pinned arrays, Dataset.builtin('mnist')
// carries its shape and names on every backend, the every-5th split is class-balanced (the rows are stored
// shuffled with Rng seed 11), corrupted bytes are typed errors, and browser bundles never carry the decoder.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { build, type Metafile } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { init, Dataset, DataError, builtinCatalog, mnistFromBytes, decodeMnist } from '../src/node.js';
import { loadBuiltin } from '../src/data/builtin.js';
import { encodeMnist, MNIST_HEADER_BYTES, MNIST_SHUFFLE_SEED } from '../src/data/mnist.js';
import { readMnistFile } from '../src/data/mnist-node.js';
import { BACKENDS } from './_util.js';

const root = resolve('.');
const file = join(root, 'data', 'mnist.u8.gz');
const gz = new Uint8Array(readFileSync(file));
const raw = new Uint8Array(gunzipSync(gz));

const sha = (a: ArrayBufferView) => createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');
// Printed by scripts/build-mnist.mjs; a new file (another seed, another source) must change these on purpose.
const SHA_X = '22aba0681d1c34ea2c8400e9eaf6285ab7932ae947867cfdc533cb20ead25a3a';
const SHA_Y = '16e1af4431056cb53728da82282256f83dab53438c80462629e503a07b40eb68';

async function rejects(p: Promise<unknown>, match: RegExp): Promise<DataError> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, DataError);
    assert.match((e as Error).message, match);
    return e as DataError;
  }
  throw new Error(`expected a DataError matching ${match}`);
}

function throws(fn: () => unknown, match: RegExp): DataError {
  try {
    fn();
  } catch (e) {
    assert.instance(e, DataError);
    assert.match((e as Error).message, match);
    return e as DataError;
  }
  throw new Error(`expected a DataError matching ${match}`);
}

test('the shipped file: header, size, pinned arrays, pixels byte/255 in [0, 1], labels 0–9', async () => {
  assert.ok(gz.length < 1_800_000, `gzip file is ${gz.length} bytes`);
  assert.is(raw.length, MNIST_HEADER_BYTES + 10000 * 785);
  assert.is(new TextDecoder().decode(raw.subarray(0, 8)), 'MNIST-U8');
  assert.is(MNIST_SHUFFLE_SEED, 11);
  const t = await mnistFromBytes(gz); // gzip, through DecompressionStream
  assert.is(t.rows, 10000);
  assert.is(t.features, 784);
  assert.equal(t.imageShape, [1, 28, 28]);
  assert.is(t.classes, 10);
  assert.is(sha(t.x), SHA_X);
  assert.is(sha(t.y), SHA_Y);
  let min = Infinity, max = -Infinity, off = 0;
  for (const v of t.x) {
    if (v < min) min = v;
    if (v > max) max = v;
    if (Math.fround(Math.round(v * 255) / 255) !== v) off++;
  }
  assert.is(min, 0);
  assert.is(max, 1);
  assert.is(off, 0, 'every pixel is a byte / 255');
  assert.ok(t.y.every((v) => Number.isInteger(v) && v >= 0 && v <= 9));
  // Deterministic: the sync decoder on the gunzipped bytes and the Node reader give the same bits.
  const u = decodeMnist(raw);
  assert.is(sha(u.x), SHA_X);
  assert.is(sha(u.y), SHA_Y);
  assert.is(sha(readMnistFile(file).x), SHA_X);
});

test("Dataset.builtin('mnist') on every backend: shape, names, imageShape, the catalogue; digits is [1, 8, 8]", async () => {
  const info = builtinCatalog.mnist;
  assert.equal(info.imageShape, [1, 28, 28]);
  assert.equal(builtinCatalog.digits.imageShape, [1, 8, 8]);
  for (const name of BACKENDS) {
    await init({ backend: name });
    const ds = Dataset.builtin('mnist');
    assert.is(ds.rows, info.rows);
    assert.is(ds.features, 784);
    assert.is(ds.targetName, 'digit');
    assert.equal(ds.imageShape, [1, 28, 28]);
    assert.is(ds.featureNames!.length, 784);
    assert.is(ds.featureNames![0], 'px0');
    assert.is(ds.featureNames![783], 'px783');
    assert.is(sha(ds.x), SHA_X, name);
    assert.is(sha(ds.y), SHA_Y, name);
    const { train, test: te } = ds.split({ every: 5 });
    assert.equal(te.imageShape, [1, 28, 28], 'the shape travels through split');
    assert.is(train.rows, 8000);
    assert.is(te.rows, 2000);
    for (const d of [ds, train, te]) d.dispose();
    const digits = Dataset.builtin('digits');
    assert.equal(digits.imageShape, [1, 8, 8]);
    digits.dispose();
  }
  const t = loadBuiltin('mnist');
  assert.is(t.columns.length, 785);
  assert.is(t.columns[784], 'digit');
  assert.is(sha(t.x), SHA_X);
});

test('the every-5th split is class-balanced: each class in both halves, near its overall share', () => {
  const t = decodeMnist(raw);
  const all = new Array(10).fill(0), tr = new Array(10).fill(0), te = new Array(10).fill(0);
  for (let r = 0; r < t.rows; r++) {
    all[t.y[r]]++;
    (r % 5 === 0 ? te : tr)[t.y[r]]++;
  }
  assert.equal(all, [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
  assert.equal(te, [195, 214, 202, 210, 195, 172, 193, 216, 211, 192]);
  for (let k = 0; k < 10; k++) {
    const expected = all[k] / 5;
    assert.ok(Math.abs(te[k] - expected) < 4 * Math.sqrt(expected), `class ${k}: ${te[k]} test rows, expected ≈ ${expected}`);
    assert.ok(tr[k] > 600, `class ${k}: ${tr[k]} training rows`);
  }
});

test('corrupted bytes are DataErrors: truncated, bad magic, wrong length, label > 9, broken gzip', async () => {
  throws(() => decodeMnist(raw.subarray(0, 10)), /shorter than the 16-byte header/);
  const cut = throws(() => decodeMnist(raw.subarray(0, raw.length - 100)), /expected 7850016 .*truncated after row 9999/);
  assert.is(cut.row, 9999);
  throws(() => decodeMnist(new Uint8Array([...raw.subarray(0, 1000), 0])), /expected .* for 10000 rows/);
  const magic = raw.slice();
  magic[0] ^= 0xff;
  throws(() => decodeMnist(magic), /bad magic/);
  await rejects(mnistFromBytes(magic), /bad magic/);
  const label = raw.slice();
  label[MNIST_HEADER_BYTES + 3 * 785 + 784] = 10;
  const e = throws(() => decodeMnist(label), /row 3 has label 10/);
  assert.is(e.row, 3);
  assert.is(e.column, 784);
  throws(() => decodeMnist(gz), /gzip-compressed/);
  await rejects(mnistFromBytes(gz.subarray(0, gz.length >> 1)), /cannot gunzip/);
  await rejects(mnistFromBytes(gzipSync(raw.subarray(0, raw.length - 1))), /truncated/);
  // A small file round-trips through the encoder.
  const small = encodeMnist(new Uint8Array([0, 255, 51, 102, 0, 0, 0, 0]), new Uint8Array([7, 0]), [1, 2, 2], 10);
  const s = await mnistFromBytes(gzipSync(small));
  assert.equal([...s.x], [0, 1, Math.fround(0.2), Math.fround(0.4), 0, 0, 0, 0]);
  assert.equal([...s.y], [7, 0]);
  assert.equal(s.imageShape, [1, 2, 2]);
});

test('imageShape is checked against the feature count', () => {
  assert.throws(() => Dataset.fromArrays(new Float32Array(8), [0, 1], { features: 4, imageShape: [1, 2, 3] }), /imageShape/);
  const ds = Dataset.fromArrays(new Float32Array(8), [0, 1], { features: 4, imageShape: [1, 2, 2] });
  assert.equal(ds.subset([1]).imageShape, [1, 2, 2]);
  ds.dispose();
});

test('browser bundles: the default entry carries no MNIST decoder or data; descent/mnist bundles without Node built-ins', async () => {
  const bundle = async (contents: string) => {
    const r = await build({
      stdin: { contents, resolveDir: root, loader: 'ts', sourcefile: 'app.ts' },
      bundle: true, format: 'esm', platform: 'browser', target: 'es2020', write: false, metafile: true, logLevel: 'silent',
    });
    return { inputs: Object.keys((r.metafile as Metafile).inputs), code: r.outputFiles[0].text };
  };
  const core = await bundle(`import * as d from './src/index.ts'; (globalThis as any).d = d;`);
  assert.equal(core.inputs.filter((f) => /mnist/.test(f)), [], 'the default entry imports no MNIST module');
  assert.not.match(core.code, /MNIST-U8|DecompressionStream|mnist\.u8/);
  const page = await bundle(`export { mnistFromBytes } from './src/data/mnist.ts';`);
  assert.ok(page.inputs.includes('src/data/mnist.ts'));
  assert.equal(page.inputs.filter((f) => /node:|mnist-node|data\/node|^fs$|zlib/.test(f)), []);
  assert.not.match(page.code, /readFileSync|require\(["']node:|from ["']node:/);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.is(pkg.exports['./mnist'].default, './dist/data/mnist.js');
});

test.run();
