// `npm run bench [-- --quick] [-- --only linalg,optim]`: measures this machine's limits, runs every
// suite, prints one markdown table (medians, ratios to js and to TF.js wasm, fraction of the roofline,
// the binary that ran) and the targets, and writes bench/results/latest.json and bench/RESULTS.md.
import { writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { measureLimits, machineInfo, type Limits } from './lib/machine.js';
import { type Row, type RunOptions, addRatios, table, fmtMs } from './lib/harness.js';
import { forget } from './lib/data.js';
import { binaryOf } from './lib/backends.js';
import * as linalg from './linalg.bench.js';
import * as losses from './losses.bench.js';
import * as optim from './optim.bench.js';
import * as trainSuite from './train.bench.js';
import * as gemm from './gemm.bench.js';
import * as network from './network.bench.js';
import * as conv from './conv.bench.js';
import * as recurrent from './recurrent.bench.js';
import * as attention from './attention.bench.js';
import * as cnn from './cnn.bench.js';
import * as activations from './activations.bench.js';
import * as heads from './heads.bench.js';
import * as sparse from './sparse.bench.js';
import * as preprocess from './preprocess.bench.js';
import * as gptSuite from './gpt.bench.js';

const SUITES = [linalg, losses, optim, trainSuite, gemm, activations, heads, conv, network, cnn, recurrent, attention, sparse, preprocess, gptSuite];

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const onlyArg = argv.find((a) => a.startsWith('--only'));
const only = onlyArg ? (onlyArg.includes('=') ? onlyArg.split('=')[1] : argv[argv.indexOf(onlyArg) + 1]).split(',') : null;
const command = `npm run bench${argv.length ? ' -- ' + argv.join(' ') : ''}`;
const tStart = performance.now();
const log = (s: string) => process.stderr.write(`[${((performance.now() - tStart) / 1e3).toFixed(1).padStart(5)} s] ${s}\n`);

/** A performance target, judged on one run's rows. */
interface Target {
  what: string;
  value: string;
  met: boolean | null;
}

function find(rows: Row[], suite: string, casePart: string, contender: string): Row | undefined {
  return rows.find((r) => r.suite === suite && r.case.includes(casePart) && r.contender === contender);
}

function targets(rows: Row[], limits: Limits): Target[] {
  const out: Target[] = [];
  const pct = (v?: number) => (v === undefined ? 'n/a' : `${(v * 100).toFixed(0)}%`);
  const x = (v?: number) => (v === undefined ? 'n/a' : `${v.toFixed(1)}×`);
  const fb = find(rows, 'train', '100,000×100 full batch', 'wasm-simd');
  if (fb) {
    out.push({ what: 'full batch 100,000×100: wasm-simd ≥ 8× js', value: x(fb.vsJs), met: fb.vsJs !== undefined ? fb.vsJs >= 8 : null });
    out.push({ what: 'full batch 100,000×100: wasm-simd ≥ 8× TF.js wasm', value: x(fb.vsTfWasm), met: fb.vsTfWasm !== undefined ? fb.vsTfWasm >= 8 : null });
    out.push({ what: 'full batch 100,000×100: wasm-simd ≥ 50% of roofline', value: `${pct(fb.ofLimit)} (limit ${fb.limitMs !== undefined ? fmtMs(fb.limitMs) : 'n/a'}, ${fb.limitKind})`, met: fb.ofLimit !== undefined ? fb.ofLimit >= 0.5 : null });
  }
  for (const b of ['mini-batch 32', 'stochastic']) {
    const r = find(rows, 'train', `100,000×100 ${b}`, 'wasm-simd');
    if (!r) continue;
    out.push({ what: `${b} 100,000×100: wasm-simd ≥ 10× TF.js wasm`, value: x(r.vsTfWasm), met: r.vsTfWasm !== undefined ? r.vsTfWasm >= 10 : null });
    out.push({ what: `${b} 100,000×100: wasm-simd ≥ 5× js`, value: x(r.vsJs), met: r.vsJs !== undefined ? r.vsJs >= 5 : null });
  }
  for (const n of [1024, 65536]) {
    const r = find(rows, 'linalg', `dotF32 n=${n} `, 'wasm-simd');
    if (r) out.push({ what: `dotF32 n=${n} in cache: wasm-simd ≥ 80% of the f32x4 peak (${limits.peakGflops.toFixed(1)} GFLOP/s)`, value: `${r.gflops?.toFixed(1)} GFLOP/s = ${pct(r.ofLimit)}`, met: r.ofLimit !== undefined ? r.ofLimit >= 0.8 : null });
  }
  const adam = find(rows, 'optim', 'adamStep n=10,000,000', 'wasm-simd');
  if (adam) out.push({ what: `adamStep 10M params: wasm-simd ≥ 60% of memory bandwidth (${limits.bandwidthGBs.toFixed(1)} GB/s)`, value: `${adam.gbs?.toFixed(1)} GB/s = ${pct(adam.ofLimit)}`, met: adam.ofLimit !== undefined ? adam.ofLimit >= 0.6 : null });
  const g = find(rows, 'gemm', 'gemmNT 256×256×256', 'wasm-simd');
  if (g) out.push({ what: `gemmNT 256³: wasm-simd ≥ 75% of the f32x4 peak (${limits.peakGflops.toFixed(1)} GFLOP/s)`, value: `${g.gflops?.toFixed(1)} GFLOP/s = ${pct(g.ofLimit)}`, met: g.ofLimit !== undefined ? g.ofLimit >= 0.75 : null });
  const mlpCase = 'mlp 784-128-10 adam, MNIST 8,000 rows, batch 128';
  const net = find(rows, 'network', mlpCase, 'wasm-simd');
  if (net) {
    out.push({ what: 'MLP 784-128-10 epoch, MNIST 8,000 rows, batch 128, Adam: wasm-simd ≥ 5× TF.js wasm layers model.fit', value: x(net.vsTfWasm), met: net.vsTfWasm !== undefined ? net.vsTfWasm >= 5 : null });
    out.push({ what: 'MLP 784-128-10 epoch, batch 128: wasm-simd ≥ 10× js', value: x(net.vsJs), met: net.vsJs !== undefined ? net.vsJs >= 10 : null });
    out.push({ what: `MLP 784-128-10 epoch, batch 128: wasm-simd as a fraction of the f32x4 roofline (${limits.peakGflops.toFixed(1)} GFLOP/s)`, value: `${net.gflops?.toFixed(1)} GFLOP/s = ${pct(net.ofLimit)} (limit ${net.limitMs !== undefined ? fmtMs(net.limitMs) : 'n/a'})`, met: null });
    const pt = find(rows, 'network', mlpCase, 'torch-cpu-1t');
    out.push({ what: 'MLP 784-128-10 epoch, batch 128: PyTorch CPU one thread (reference)', value: pt ? `${fmtMs(pt.medianMs)}; wasm-simd ${fmtMs(net.medianMs)} = ${x(pt.medianMs / net.medianMs)}` : 'skipped', met: null });
  }
  return out;
}

function targetsMd(ts: Target[]): string {
  return ['| target | this run | met |', '| --- | ---: | :---: |', ...ts.map((t) => `| ${t.what} | ${t.value} | ${t.met === null ? '—' : t.met ? 'yes' : 'no'} |`)].join('\n');
}

function limitsMd(l: Limits): string {
  return [
    `- memory bandwidth, one thread, ${l.bandwidthBytes >> 20} MB arrays: read (f32x4 sum) ${l.readGBs.toFixed(1)} GB/s, in-place update ${l.updateGBs.toFixed(1)} GB/s, ` +
      `memory.copy ${l.copyGBs.toFixed(1)} GB/s, Float32Array#set ${l.jsCopyGBs.toFixed(1)} GB/s (read + write counted); rooflines use the best, **${l.bandwidthGBs.toFixed(1)} GB/s**`,
    `- f32x4 peak (dot product of two 4 KB arrays, repeated inside one WASM call): 4 accumulators ${l.dot4Gflops.toFixed(1)} GFLOP/s, 8 accumulators ${l.dot8Gflops.toFixed(1)}; ` +
      `rooflines use the best, **${l.peakGflops.toFixed(1)} GFLOP/s** (register-only f32x4 mul+add: ${l.arithGflops.toFixed(1)} GFLOP/s)`,
  ].join('\n');
}

const t0 = performance.now();
const machine = machineInfo();
log(`descent bench${quick ? ' (quick)' : ''} on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`);
log('machine limits…');
const limits = await measureLimits(quick, log);
const o: RunOptions = { quick, limits, log };
const rows: Row[] = [];
for (const s of SUITES) {
  if (only && !only.includes(s.name)) continue;
  const ts = performance.now();
  log(`suite ${s.name}…`);
  rows.push(...(await s.run(o)));
  forget();
  log(`suite ${s.name} done in ${((performance.now() - ts) / 1e3).toFixed(1)} s`);
}
addRatios(rows);
const ts = targets(rows, limits);
const seconds = (performance.now() - t0) / 1e3;

const md = [
  `# descent benchmark results`,
  '',
  `Produced by \`${command}\` on ${machine.date.slice(0, 10)} (${seconds.toFixed(0)} s): ${machine.cpu}, ${machine.cores} cores, ` +
    `${machine.totalMemGB} GB, ${machine.platform}, Node ${machine.node} (V8 ${machine.v8}). Binaries: ${binaryOf('wasm-simd')}, ${binaryOf('wasm-scalar')}.`,
  '',
  'Medians of tinybench samples, one run. "× js" and "× TF.js wasm" are the median of that contender over this one on the same case ' +
    '(higher is faster). "of limit" is the roofline time over the median: the roofline is the slower of one pass over the data at ' +
    'the measured memory bandwidth (for data of 32 MB or more) and the flops at the measured f32x4 peak. Every contender was first ' +
    'checked to give the same result as `js` (to float32 tolerance) on the same work.',
  '',
  '## Machine limits (measured in this run)',
  '',
  limitsMd(limits),
  '',
  '## Targets',
  '',
  targetsMd(ts),
  '',
  '## Results',
  '',
  table(rows),
  '',
  ...(rows.some((r) => r.suite === 'network') ? ['## Networks: MLP epoch, wall clock and CPU time', '', network.section(rows, limits), ''] : []),
  ...(rows.some((r) => r.suite === 'gpt') ? ['## Char GPT on Moby-Dick (bench/gpt.bench.ts)', '', gptSuite.section(), ''] : []),
].join('\n');

console.log(md);
const root = fileURLToPath(new URL('.', import.meta.url));
mkdirSync(root + 'results', { recursive: true });
if (!only) {
  writeFileSync(root + 'results/latest.json', JSON.stringify({ command, quick, seconds, machine, limits, binaries: { 'wasm-simd': binaryOf('wasm-simd'), 'wasm-scalar': binaryOf('wasm-scalar') }, targets: ts, results: rows }, null, 2) + '\n');
  writeFileSync(root + 'RESULTS.md', md);
  log(`wrote bench/results/latest.json and bench/RESULTS.md (${seconds.toFixed(0)} s)`);
} else {
  writeFileSync(root + 'results/partial.tmp.json', JSON.stringify({ command, quick, machine, limits, results: rows }, null, 2) + '\n');
  log(`--only: wrote bench/results/partial.tmp.json (not latest.json)`);
}
