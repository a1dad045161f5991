// Async threads (Hogwild!, train({ threads: 2, async: true })) against the synchronous single-thread run:
// one epoch of plain SGD (scikit-learn's SGDClassifier settings: optimal schedule, α = 1e-4, one row per
// step) on the spam corpus's 4,836 training messages (seed-13 split, hashed to 2^18 columns), in
// documents/s, wasm-simd over the shared-memory build. Each contender is a Trainer opened once (its pool's
// start outside the timing) and advanced one epoch per sample.
//   1. tinybench medians of each contender and their ratio (one run);
//   2. paired alternating epochs (sync, async, sync, async, …): the median of each and the median of the
//      per-pair ratios, which a shared host's load drifts affect less than two separate runs.
// The load average (os.loadavg, what `uptime` prints) is printed before and after: the host is shared.
// Run: npx tsx bench/threads.hogwild.bench.ts [--quick]
import { loadavg, availableParallelism } from 'node:os';
import { Bench } from 'tinybench';
import { init, Dataset, logistic, Trainer, backendInfo, type TrainOptions } from '../src/node.js';
import type { SparseDataset } from '../src/data/sparse.js';
import { loadSpamAssassin, shuffledSplit } from '../src/text/node.js';

const quick = process.argv.includes('--quick');
const SGD: TrainOptions = {
  optimizer: { name: 'sgd', lr: 1 }, schedule: { name: 'optimal' }, penalty: 'l2', alpha: 1e-4, batch: 1, epochs: 1e6,
};
const load = () => loadavg().map((x) => x.toFixed(2)).join(', ');
const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

await init({ backend: 'wasm-simd' });
console.log(`backend ${backendInfo().name}, threads ${JSON.stringify(backendInfo().threads)}, ${availableParallelism()} cores`);
console.log(`load average (1, 5, 15 min) before: ${load()}`);
const spam = loadSpamAssassin();
const { train: tr } = shuffledSplit(spam.texts.length, { seed: 13 });
const ds = Dataset.fromText(Array.from(tr, (i) => spam.texts[i]), Array.from(tr, (i) => spam.labels[i])) as SparseDataset;
const docs = ds.rows;

const contenders = [
  { name: 'sync, 1 thread', options: {} as TrainOptions },
  { name: 'async, 2 threads', options: { threads: 2, async: true } as TrainOptions },
];
const trainers = contenders.map((c) => {
  const t = new Trainer(logistic({ features: ds.features }), ds, { ...SGD, ...c.options, seed: 1 });
  t.step(t.batchesPerEpoch); // warm: compiles, touches the weights' pages
  return t;
});
const epoch = (t: Trainer) => t.step(t.batchesPerEpoch);

// 1. tinybench medians.
const time = quick ? 1000 : 5000;
const bench = new Bench({ time, warmupTime: time / 5, throws: true });
contenders.forEach((c, i) => bench.add(c.name, () => void epoch(trainers[i])));
await bench.run();
const med = bench.tasks.map((t) => t.result!.latency.p50!);
console.log(`\n1. one epoch of ${docs} spam messages, tinybench medians (${time} ms per contender)`);
contenders.forEach((c, i) => {
  console.log(`  ${c.name.padEnd(18)} ${med[i].toFixed(2).padStart(8)} ms  ${(docs / med[i] * 1000).toFixed(0).padStart(8)} documents/s  ${(med[0] / med[i]).toFixed(2)}× vs sync`);
});

// 2. Paired alternating epochs.
const pairs = quick ? 10 : 40;
const ms: number[][] = [[], []];
const cpu: number[][] = [[], []];
for (let k = 0; k < pairs; k++) {
  for (let i = 0; i < 2; i++) {
    const c0 = process.cpuUsage(), t0 = performance.now();
    epoch(trainers[i]);
    ms[i].push(performance.now() - t0);
    const u = process.cpuUsage(c0);
    cpu[i].push((u.user + u.system) / 1000);
  }
}
const ratios = ms[0].map((s, k) => s / ms[1][k]);
console.log(`\n2. ${pairs} alternating pairs of epochs (sync, async): medians`);
contenders.forEach((c, i) => {
  const m = median(ms[i]);
  console.log(`  ${c.name.padEnd(18)} ${m.toFixed(2).padStart(8)} ms  ${(docs / m * 1000).toFixed(0).padStart(8)} documents/s  cpu ${median(cpu[i]).toFixed(1)} ms (${(median(cpu[i]) / m).toFixed(2)} cores)`);
});
console.log(`  median of the per-pair ratios sync/async: ${median(ratios).toFixed(2)}× (min ${Math.min(...ratios).toFixed(2)}, max ${Math.max(...ratios).toFixed(2)})`);
console.log(`\nload average after: ${load()}`);
for (const t of trainers) {
  const m = t.model;
  t.dispose();
  m.dispose();
}
ds.dispose();
