// Async threads (Hogwild!, train({ threads: 2, async: true })) against the synchronous single-thread run:
// one epoch of plain SGD (scikit-learn's SGDClassifier settings: optimal schedule, α = 1e-4, one row per
// step) on the spam corpus's 4,836 training messages (seed-13 split, hashed to 2^18 columns), in
// documents/s, wasm-simd over the shared-memory build. Each contender is a Trainer opened once (its pool's
// start outside the timing) and advanced one epoch per sample.
//   1. tinybench medians of each contender and their ratio (one run);
//   2. paired alternating epochs (sync, async, sync, async, …): the median of each and the median of the
//      per-pair ratios, which a shared host's load drifts affect less than two separate runs.
//   3. (Linux) each thread's own CPU time per epoch, from /proc/self/task/*/stat: on a loaded host the wall
//      clock says what the scheduler gave, this says what each thread did — with two free cores the async
//      epoch cannot take less than its busiest thread's CPU time, so sync CPU / busiest async thread's CPU
//      bounds the speed-up an idle 2-core machine would show (an estimate, not a wall-clock figure).
// The load average (os.loadavg, what `uptime` prints) is printed before and after: the host is shared.
// Run: npx tsx bench/threads.hogwild.bench.ts [--quick]
import { loadavg, availableParallelism } from 'node:os';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { Bench } from 'tinybench';
import { init, Dataset, logistic, Trainer, backendInfo, type TrainOptions } from '../src/node.js';
import type { SparseDataset } from '../src/data/dataset.js';
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

// 3. Per-thread CPU time (clock ticks of /proc/self/task/<tid>/stat: utime + stime, fields 14 and 15).
const TASKS = '/proc/self/task';
const ticks = (): Map<string, number> => {
  const out = new Map<string, number>();
  for (const tid of readdirSync(TASKS)) {
    try {
      const f = readFileSync(`${TASKS}/${tid}/stat`, 'utf8');
      const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
      out.set(tid, Number(rest[11]) + Number(rest[12]));
    } catch { /* a thread that ended meanwhile */ }
  }
  return out;
};
if (existsSync(TASKS)) {
  const epochs = quick ? 30 : 100;
  console.log(`\n3. CPU time of each thread per epoch (${epochs} epochs; /proc ticks of 10 ms), busiest threads first`);
  const per: number[][] = [];
  for (const [i, c] of contenders.entries()) {
    const t0 = ticks();
    for (let k = 0; k < epochs; k++) epoch(trainers[i]);
    const t1 = ticks();
    const busy = [...t1].map(([tid, v]) => (v - (t0.get(tid) ?? 0)) * 10 / epochs).filter((ms) => ms > 0).sort((a, b) => b - a);
    per.push(busy);
    console.log(`  ${c.name.padEnd(18)} ${busy.slice(0, 3).map((ms) => ms.toFixed(1) + ' ms').join(', ')}`);
  }
  console.log(`  sync CPU / busiest async thread: ${(per[0][0] / per[1][0]).toFixed(2)}× (the bound on 2 free cores)`);
}
console.log(`\nload average after: ${load()}`);
for (const t of trainers) {
  const m = t.model;
  t.dispose();
  m.dispose();
}
ds.dispose();
