// 20,000 create/train cycles of a small model WITHOUT dispose(): a dataset (64 rows × 8 features, 3
// classes), a softmax model and a 2-epoch train() per cycle, every object dropped. Prints the peak WASM
// memory and RSS. Run after `npm run build`:
//
//   node scripts/no-dispose.mjs            # yields to the event loop between cycles (an async app, a UI)
//   node scripts/no-dispose.mjs --sync     # one synchronous loop that never yields
//   node scripts/no-dispose.mjs --dispose  # the reference: the same cycles with dispose()
//
// Objects dropped without dispose() are freed by a FinalizationRegistry, whose callbacks an engine runs
// as a task after a garbage collection: a loop that yields lets them run, a synchronous one cannot.
import { init, backendInfo, Dataset, softmax, train } from '../dist/index.js';

const CYCLES = Number(process.env.CYCLES ?? 20_000);
const sync = process.argv.includes('--sync');
const dispose = process.argv.includes('--dispose');
const backend = process.argv.find((a) => a.startsWith('--backend='))?.slice(10) ?? 'wasm-simd';
await init({ backend });

const rows = 64, features = 8;
const x = new Float32Array(rows * features), y = new Float32Array(rows);
for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 12.9898) * 2;
for (let r = 0; r < rows; r++) y[r] = r % 3;

const MiB = 2 ** 20;
let peakWasm = 0, peakRss = 0;
const t0 = performance.now();
const sample = () => {
  peakWasm = Math.max(peakWasm, backendInfo().memoryBytes);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};
for (let i = 0; i < CYCLES; i++) {
  const ds = Dataset.fromArrays(x, y, { features });
  const m = softmax({ features, classes: 3 });
  train(m, ds, { optimizer: { name: 'adam', lr: 0.01 }, batch: 16, epochs: 2, seed: i });
  if (dispose) {
    m.dispose();
    ds.dispose();
  }
  if (i % 100 === 0) sample();
  if (!sync) await new Promise((resolve) => setImmediate(resolve));
}
sample();
const mode = dispose ? 'with dispose()' : sync ? 'without dispose(), synchronous loop' : 'without dispose(), yielding loop';
console.log(`${CYCLES} cycles on ${backend}, ${mode}: peak WASM memory ${(peakWasm / MiB).toFixed(1)} MiB, ` +
  `peak RSS ${(peakRss / MiB).toFixed(1)} MiB, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
