// Threads in Node, row blocks and column mode (docs/threads.md): the same training step on 1 and 2 threads over the shared-memory
// build, through the public Trainer (a run is opened once, with its pool, and each timed task advances it
// by one epoch, so the workers' start — tens of milliseconds, paid once per run — is outside the timing):
//   1. MLP 784-128-10 (relu, softmax), Adam lr 1e-3, one epoch of MNIST-10k's training split (8,000 rows,
//      batch 32, 128 and 256, shuffled) — goal ≥ 1.7× on 2 threads at batch 128 — plus a paired alternating
//      measurement (1 and 2 threads epoch by epoch), steadier than separate medians on a shared machine;
//   2. full-batch logistic regression on 100,000 × 100 f32, one Adam step per epoch — goal ≥ 1.3×, with the
//      bandwidth it reaches (40 MB of X read per step);
//   3. linear (squared loss) and logistic mini-batch epochs over 100,000 × 100 at batch 32 … 16,384: where
//      2 threads stop being slower than 1 (the crossover);
//   4. how long Trainer.dispose() takes to end a pool's workers (goal: within 100 ms), and a pool's start;
//   5. 20 train() calls of 10 steps each with threads 2 (MLP 784-128-10, batch 128): workers kept from call to
//      call (src/threads/crew.ts) against new workers per call (disposeThreads() before each, as every call did
//      before the workers were kept) — goal ≥ 3× less total time.
// `none` is a run without the `threads` option (no blocks: the single-thread path of main).
// Run: npx tsx bench/threads.bench.ts [--quick] [--only mlp|linear|calls]
import { Bench } from 'tinybench';
import { init, Dataset, mlp, logistic, linear, train, Trainer, backendInfo, disposeThreads, type TrainOptions, type Trainable } from '../src/node.js';
import { problem } from './lib/data.js';
import { mnistTrain } from './network.bench.js';
import { forceColumnMode, ROW_BLOCKS_MIN_BATCH } from '../src/threads/pool.js';

const quick = process.argv.includes('--quick');
/** `--only mlp`: the MLP rows alone (the 1.7× goal); `--only linear`: the full-batch and mini-batch linear rows. */
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : null;

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s[s.length >> 1];
}

/** Wall time of one epoch of a case. */
function epochMs(c: Case): number {
  const t0 = performance.now();
  c.trainer.step(c.trainer.batchesPerEpoch);
  return performance.now() - t0;
}

interface Case {
  name: string;
  contender: string;
  trainer: Trainer;
  /** Bytes of X one epoch reads (for GB/s), when that is the figure of merit. */
  bytes?: number;
}

function open(name: string, contender: string, model: Trainable, ds: Dataset, options: TrainOptions, bytes?: number): Case {
  const trainer = new Trainer(model, ds, { ...options, epochs: 1e6 });
  trainer.step(trainer.batchesPerEpoch); // warm: the first epoch compiles and touches every page
  return { name, contender, trainer, bytes };
}

async function measure(cases: Case[], time: number): Promise<Map<Case, number>> {
  const bench = new Bench({ time, warmupTime: time / 4, throws: true });
  for (const c of cases) bench.add(`${c.name} | ${c.contender}`, () => {
    c.trainer.step(c.trainer.batchesPerEpoch);
  });
  await bench.run();
  const out = new Map<Case, number>();
  cases.forEach((c, i) => out.set(c, bench.tasks[i].result!.latency.p50!));
  // CPU time of the process (every thread) per epoch, over a few more epochs: on a machine shared with
  // other work, cpu/wall says how many cores the run actually got, and cpu alone what the threads cost.
  for (const c of cases) {
    const c0 = process.cpuUsage(), w0 = performance.now();
    for (let k = 0; k < 3; k++) c.trainer.step(c.trainer.batchesPerEpoch);
    const cpu = process.cpuUsage(c0);
    cpuOf.set(c, { cpu: (cpu.user + cpu.system) / 3000, wall: (performance.now() - w0) / 3 });
  }
  return out;
}

const cpuOf = new Map<Case, { cpu: number; wall: number }>();

function report(title: string, cases: Case[], med: Map<Case, number>): void {
  console.log(`\n${title}`);
  const base = cases.find((c) => c.contender === 'threads 1');
  for (const c of cases) {
    const ms = med.get(c)!;
    const speed = base ? (med.get(base)! / ms).toFixed(2) + '×' : '';
    const gbs = c.bytes ? `  ${(c.bytes / ms / 1e6).toFixed(1)} GB/s` : '';
    const u = cpuOf.get(c)!;
    const cpu = `  cpu ${u.cpu.toFixed(1)} ms/epoch, ${(u.cpu / u.wall).toFixed(2)} cores`;
    console.log(`  ${c.name.padEnd(44)} ${c.contender.padEnd(10)} ${ms.toFixed(2).padStart(9)} ms  ${speed.padStart(6)} vs threads 1${gbs}${cpu}`);
  }
}

await init();
const info = backendInfo();
console.log(`backend ${info.name}, shared memory: ${JSON.stringify(info.threads)}; median of tinybench samples${quick ? ' (quick)' : ''}`);
const time = quick ? 500 : 3000;

// 1. MLP on MNIST. Batch 32 and 128 run in column mode (each product split among the threads), 256 in
// row blocks (two 128-row blocks); "threads 2, columns" forces column mode at 256 to compare the modes.
if (!only || only === 'mlp') {
  const ds = mnistTrain();
  const cases: Case[] = [];
  const contenders: [string, number | undefined, boolean | null][] = [['none', undefined, null], ['threads 1', 1, null], ['threads 2', 2, null]];
  for (const batch of [32, 128, 256]) {
    const list = batch === 256 ? [...contenders, ['threads 2, columns', 2, true] as [string, number, boolean]] : contenders;
    for (const [contender, threads, columns] of list) {
      const net = mlp({ features: 784, hidden: [128], classes: 10, seed: 1 });
      forceColumnMode(columns);
      try {
        cases.push(open(`mlp 784-128-10 adam, MNIST 8,000, batch ${batch}`, contender, net, ds, { optimizer: { name: 'adam', lr: 1e-3 }, batch, threads }));
      } finally {
        forceColumnMode(null);
      }
    }
  }
  const med = await measure(cases, time);
  for (const batch of [32, 128, 256]) {
    const mode = batch < ROW_BLOCKS_MIN_BATCH ? 'column mode: each large product split' : 'row blocks: two 128-row blocks';
    report(`MLP 784-128-10 epoch, batch ${batch}, 1 vs 2 threads (${mode})`, cases.filter((c) => c.name.endsWith(`batch ${batch}`)), med);
  }
  // Paired, alternating: one epoch on 1 thread, one on 2, in turn; the ratio of each pair, median. On a
  // shared machine the load changes from second to second; pairs see nearly the same load.
  for (const batch of [32, 128, 256]) {
    const one = cases.find((c) => c.name.endsWith(`batch ${batch}`) && c.contender === 'threads 1')!;
    const two = cases.find((c) => c.name.endsWith(`batch ${batch}`) && c.contender === 'threads 2')!;
    const ratios: number[] = [], t1: number[] = [], t2: number[] = [];
    for (let i = 0; i < (quick ? 5 : 21); i++) {
      const a = epochMs(one), b = epochMs(two);
      t1.push(a);
      t2.push(b);
      ratios.push(a / b);
    }
    console.log(`  paired, batch ${batch}: ${ratios.length} alternating pairs, threads 1 median ${median(t1).toFixed(2)} ms, threads 2 median ${median(t2).toFixed(2)} ms, median ratio ${median(ratios).toFixed(2)}× (min ${Math.min(...ratios).toFixed(2)}, max ${Math.max(...ratios).toFixed(2)}); fastest epochs ${Math.min(...t1).toFixed(2)} / ${Math.min(...t2).toFixed(2)} ms = ${(Math.min(...t1) / Math.min(...t2)).toFixed(2)}×`);
  }
  for (const c of cases) {
    c.trainer.model.dispose();
    c.trainer.dispose();
  }
  ds.dispose();
}
if (only === 'mlp') process.exit(0);

// 2. Full-batch logistic, 100,000 × 100
const P = problem(100_000, 100);
if (!only || only === 'linear') {
  const ds = Dataset.fromArrays(P.X, P.yBin, { features: 100 });
  const cases: Case[] = [];
  for (const threads of [undefined, 1, 2]) {
    cases.push(open('logistic 100,000×100 full batch, adam', threads === undefined ? 'none' : `threads ${threads}`,
      logistic({ features: 100 }), ds, { optimizer: { name: 'adam' }, batch: 'full', threads }, P.X.byteLength));
  }
  report('Full-batch logistic step', cases, await measure(cases, time));
  for (const c of cases) {
    c.trainer.model.dispose();
    c.trainer.dispose();
  }
  ds.dispose();
}

// 3. Mini-batch epochs: the crossover
if (!only || only === 'linear') {
  const dsBin = Dataset.fromArrays(P.X, P.yBin, { features: 100 });
  const dsReal = Dataset.fromArrays(P.X, P.yReal, { features: 100 });
  for (const batch of quick ? [32, 2048, 8192] : [32, 1024, 2048, 4096, 8192, 16384]) {
    const cases: Case[] = [];
    for (const threads of [1, 2]) {
      cases.push(open(`linear 100,000×100, batch ${batch}, sgd`, `threads ${threads}`, linear({ features: 100 }), dsReal,
        { batch, threads }, P.X.byteLength));
      cases.push(open(`logistic 100,000×100, batch ${batch}, sgd`, `threads ${threads}`, logistic({ features: 100 }), dsBin,
        { batch, threads }, P.X.byteLength));
    }
    const med = await measure(cases, time / 2);
    report(`Mini-batch epoch, batch ${batch}`, cases.filter((c) => c.name.startsWith('linear')), med);
    report('', cases.filter((c) => c.name.startsWith('logistic')), med);
    for (const c of cases) {
      c.trainer.model.dispose();
      c.trainer.dispose();
    }
  }
  dsBin.dispose();
  dsReal.dispose();
}

// 4. Ending (and starting) a pool: dispose() returns once every worker has left the kernels' loop. Each run
// here starts on fresh workers (disposeThreads() first, outside the timing): the cost a run pays when no idle
// workers are kept (section 5).
if (!only) {
  const ds = Dataset.fromArrays(P.X.subarray(0, 4096 * 100), P.yBin.subarray(0, 4096), { features: 100 });
  for (const threads of [2, 4]) {
    const starts: number[] = [], stops: number[] = [];
    for (let i = 0; i < (quick ? 5 : 21); i++) {
      const m = logistic({ features: 100 });
      disposeThreads();
      const t0 = performance.now();
      const t = new Trainer(m, ds, { batch: 'full', threads, epochs: 10 });
      const t1 = performance.now();
      t.step(2);
      const t2 = performance.now();
      t.dispose();
      stops.push(performance.now() - t2);
      starts.push(t1 - t0);
      m.dispose();
    }
    const med = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1];
    console.log(`\nthreads ${threads}: pool start (new Trainer) median ${med(starts).toFixed(1)} ms, dispose() median ${med(stops).toFixed(2)} ms, max ${Math.max(...stops).toFixed(2)} ms (${stops.length} runs)`);
  }
  ds.dispose();
}

// 5. Small runs back to back: 20 train() calls of 10 batches each with threads 2, the workers kept between calls or
// started anew for each (disposeThreads() before each call, timed: what ending a call's workers cost then). Two
// models: logistic regression on 20,480 × 100 rows at batch 2048 (two 1024-row blocks per batch: 0.1 ms of work a
// batch, so the calls measure the threads' overhead) and MLP 784-128-10 on 1,280 MNIST rows at batch 128 (column
// mode). Rounds alternate the two ways, so both see the same machine.
if (!only || only === 'calls') {
  const all = mnistTrain();
  const digits = all.subset(Array.from({ length: 1280 }, (_, i) => i));
  const rows = Dataset.fromArrays(P.X.subarray(0, 20480 * 100), P.yBin.subarray(0, 20480), { features: 100 });
  const recipes: [string, () => Trainable, Dataset, TrainOptions][] = [
    ['logistic 20,480 × 100, batch 2048', () => logistic({ features: 100 }), rows, { batch: 2048 }],
    ['MLP 784-128-10, 1,280 rows, batch 128', () => mlp({ features: 784, hidden: [128], classes: 10, seed: 1 }), digits, { batch: 128 }],
  ];
  for (const [name, model, ds, o] of recipes) {
    const calls = (fresh: boolean): number => {
      const t0 = performance.now();
      for (let i = 0; i < 20; i++) {
        if (fresh) disposeThreads();
        const m = model();
        train(m, ds, { optimizer: { name: 'adam', lr: 1e-3 }, epochs: 1, threads: 2, shuffle: false, ...o });
        m.dispose();
      }
      return performance.now() - t0;
    };
    calls(false);
    const kept: number[] = [], fresh: number[] = [];
    for (let r = 0; r < (quick ? 3 : 9); r++) {
      fresh.push(calls(true));
      kept.push(calls(false));
    }
    const mk = median(kept), mf = median(fresh);
    console.log(`\n20 train() calls × 10 steps, threads 2, ${name}, median of ${kept.length} rounds: ` +
      `workers kept ${mk.toFixed(1)} ms, new workers per call ${mf.toFixed(1)} ms: ${(mf / mk).toFixed(2)}× less time`);
  }
  disposeThreads();
  for (const d of [digits, rows, all]) d.dispose();
}
