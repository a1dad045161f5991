// Test accuracy on the full datasets against PyTorch with the same recipe: MNIST (60,000 training, 10,000 test
// rows) and Fashion-MNIST (the same sizes), pixels byte / 255 on both sides (no standardization), PyTorch's default
// initialization, Adam, shuffled batches, the test accuracy after every epoch.
//
//   mlp: 784-128-10 (dense, relu, dense), Adam 1e-3, batch 128, 10 epochs
//   cnn: conv2d 8 3×3, relu, maxPool 2, conv2d 16 3×3, relu, maxPool 2, flatten, dense 400-10 (the network of
//        bench/cnn.bench.ts), Adam 1e-3, batch 64, 10 epochs
//
// descent trains on wasm-simd with byte rows (loadMnist / loadFashionMnist { storage: 'u8' }); PyTorch CPU on one
// thread (bench/peers/torch_mnist.py, DESCENT_TORCH_PYTHON) reads the same bytes from a temporary file the bench
// writes. The two runs go side by side, each from its own seed (the same number on both sides, not the same
// weights: the figures compared are the recipes' accuracies). Each finished run is merged into
// bench/results/mnist-accuracy.json under its (model, data, side, seed), so a long series keeps what it has.
//
//   npx tsx bench/mnist-accuracy.bench.ts --model mlp|cnn --data mnist|fashion [--seeds 1,2] [--epochs 10]
//        [--threads 2] [--side both|descent|torch]
//   npx tsx bench/mnist-accuracy.bench.ts --table     (the results file as a markdown table, per seed and mean)
// Minutes a seed (the CNN: 10 epochs over 60,000 images on each side), so not part of `npm run bench`; run it under
// `nice -n 19` on a shared machine.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { init, sequential, train, type Dataset } from '../src/node.js';
import { loadMnist, loadFashionMnist } from '../src/datasets.js';
import type { ByteDataset } from '../src/data/bytes.js';
import type { Network } from '../src/models/network/network.js';
import { torchPython } from './network.bench.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(HERE, 'results', 'mnist-accuracy.json');
const TORCH_SCRIPT = join(HERE, 'peers', 'torch_mnist.py');

/** The two recipes: the network, its batch size and learning rate. */
const RECIPES = {
  mlp: { batch: 128, lr: 1e-3, layers: [{ type: 'flatten' }, { type: 'dense', units: 128 }, { type: 'relu' }, { type: 'dense', units: 10 }] },
  cnn: {
    batch: 64, lr: 1e-3, layers: [
      { type: 'conv2d', filters: 8, kernel: 3 }, { type: 'relu' }, { type: 'maxPool2d', size: 2 },
      { type: 'conv2d', filters: 16, kernel: 3 }, { type: 'relu' }, { type: 'maxPool2d', size: 2 },
      { type: 'flatten' }, { type: 'dense', units: 10 },
    ],
  },
} as const;
type ModelName = keyof typeof RECIPES;
type DataName = 'mnist' | 'fashion';

/** One run's figures, as stored in the results file. */
interface RunRecord {
  model: ModelName;
  data: DataName;
  side: 'descent' | 'torch';
  seed: number;
  batch: number;
  lr: number;
  epochs: number;
  trainRows: number;
  testRows: number;
  /** Mean training loss and test accuracy after each epoch. */
  losses: number[];
  accuracy: number[];
  seconds: number;
  /** descent: backend and threads; torch: its version and threads. */
  runtime: string;
  date: string;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

/** The byte file torch_mnist.py reads: magic, three uint32 (training rows, test rows, features), then pixels and labels. */
function writeBytes(path: string, tr: ByteDataset, te: ByteDataset): void {
  const head = new Uint8Array(20);
  head.set(new TextEncoder().encode('DACC-U8\0'));
  const dv = new DataView(head.buffer);
  dv.setUint32(8, tr.rows, true);
  dv.setUint32(12, te.rows, true);
  dv.setUint32(16, tr.features, true);
  const parts = [head, tr.bytes.slice(), Uint8Array.from(tr.y), te.bytes.slice(), Uint8Array.from(te.y)];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let off = 0;
  for (const p of parts) { out.set(p, off); off += p.length; }
  writeFileSync(path, out);
}

/** Merges one run into the results file (replacing an earlier run with the same key). */
function record(r: RunRecord): void {
  const all: RunRecord[] = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')) : [];
  const key = (x: RunRecord) => `${x.model}/${x.data}/${x.side}/${x.seed}`;
  const kept = all.filter((x) => key(x) !== key(r));
  kept.push(r);
  kept.sort((a, b) => key(a).localeCompare(key(b)));
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, JSON.stringify(kept, null, 1) + '\n');
  const last = r.accuracy.at(-1)!;
  console.log(`${r.side.padEnd(7)} ${r.model} ${r.data} seed ${r.seed}: test accuracy ${last.toFixed(4)} after ${r.epochs} epochs (${r.seconds.toFixed(0)} s)`);
}

/** Starts the PyTorch run in the background (niced: it shares the machine); resolves with its record. */
function runTorch(python: string, file: string, model: ModelName, data: DataName, seed: number, epochs: number): Promise<RunRecord> {
  const { batch, lr } = RECIPES[model];
  const args = ['-n', '19', python, TORCH_SCRIPT, '--data', file, '--arch', model, '--batch', String(batch), '--lr', String(lr),
    '--epochs', String(epochs), '--seed', String(seed)];
  return new Promise((resolve, reject) => {
    const p = spawn('nice', args, { env: { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' } });
    let out = '', err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`torch_mnist.py failed (${code}): ${err}`));
      const j = JSON.parse(out.trim().split('\n').pop()!);
      resolve({ model, data, side: 'torch', seed, batch, lr, epochs, trainRows: j.trainRows, testRows: j.testRows,
        losses: j.losses, accuracy: j.accuracy, seconds: j.seconds, runtime: `torch ${j.torch}, ${j.threads} thread`, date: new Date().toISOString() });
    });
  });
}

function runDescent(tr: Dataset, te: Dataset, model: ModelName, data: DataName, seed: number, epochs: number, threads: number): RunRecord {
  const { batch, lr, layers } = RECIPES[model];
  const net: Network = sequential({ inputShape: [1, 28, 28], layers: layers as never, loss: 'softmax', seed });
  const accuracy: number[] = [];
  const r = train(net, tr, {
    optimizer: { name: 'adam', lr }, batch, epochs, seed, threads, standardize: false, // pixels byte / 255, as PyTorch gets them
    onEpoch: (e) => {
      accuracy.push(net.evaluate(te).accuracy!);
      process.stderr.write(`  descent ${model} ${data} seed ${seed} epoch ${e.epoch}: loss ${e.loss.toFixed(4)} test ${accuracy.at(-1)!.toFixed(4)}\n`);
    },
  });
  net.dispose();
  return { model, data, side: 'descent', seed, batch, lr, epochs: r.epochs, trainRows: tr.rows, testRows: te.rows,
    losses: r.history.map((h) => h.loss), accuracy, seconds: r.ms / 1000, runtime: `wasm-simd, ${threads} threads`, date: new Date().toISOString() };
}

/** The results file as a markdown table: one line per (model, data), each side's accuracy per seed and their means. */
function summary(): string {
  const all: RunRecord[] = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')) : [];
  const lines = ['| model | data | recipe | descent (per seed) | PyTorch (per seed) | descent mean | PyTorch mean | difference | last epoch’s training loss, means (descent / PyTorch) | seconds (descent / PyTorch) |',
    '|---|---|---|---|---|---|---|---|---|---|'];
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  for (const m of Object.keys(RECIPES) as ModelName[]) {
    for (const d of ['mnist', 'fashion'] as DataName[]) {
      const of = (side: string) => all.filter((r) => r.model === m && r.data === d && r.side === side).sort((a, b) => a.seed - b.seed);
      const ours = of('descent'), theirs = of('torch');
      if (!ours.length && !theirs.length) continue;
      const last = (rs: RunRecord[]) => rs.map((r) => r.accuracy.at(-1)!);
      const per = (rs: RunRecord[]) => rs.map((r) => `${r.accuracy.at(-1)!.toFixed(4)} (seed ${r.seed})`).join(', ') || 'n/a';
      const mu = (rs: RunRecord[]) => (rs.length ? mean(last(rs)) : NaN);
      const diff = mu(ours) - mu(theirs);
      const r0 = ours[0] ?? theirs[0];
      const loss = (rs: RunRecord[]) => (rs.length ? mean(rs.map((r) => r.losses.at(-1)!)).toFixed(4) : 'n/a');
      const secs = (rs: RunRecord[]) => rs.map((r) => r.seconds.toFixed(0)).join(', ') || 'n/a';
      lines.push(`| ${m} | ${d} | Adam ${r0.lr}, batch ${r0.batch}, ${r0.epochs} epochs | ${per(ours)} | ${per(theirs)} | ${mu(ours).toFixed(4)} | ${mu(theirs).toFixed(4)} | ${Number.isNaN(diff) ? 'n/a' : (diff >= 0 ? '+' : '') + diff.toFixed(4)} | ${loss(ours)} / ${loss(theirs)} | ${secs(ours)} / ${secs(theirs)} |`);
    }
  }
  return lines.join('\n');
}

if (process.argv.includes('--table')) {
  console.log(summary());
  process.exit(0);
}
const model = arg('model', 'mlp') as ModelName;
const data = arg('data', 'mnist') as DataName;
const seeds = arg('seeds', '1').split(',').map(Number);
const epochs = Number(arg('epochs', '10'));
const threads = Number(arg('threads', '2'));
const side = arg('side', 'both');
if (!(model in RECIPES) || !['mnist', 'fashion'].includes(data) || !['both', 'descent', 'torch'].includes(side)) {
  throw new Error('usage: mnist-accuracy.bench.ts --model mlp|cnn --data mnist|fashion [--seeds 1,2] [--epochs 10] [--threads 2] [--side both|descent|torch]');
}
await init({ backend: 'wasm-simd' });
const { train: tr, test: te } = data === 'mnist' ? loadMnist({ storage: 'u8' }) : loadFashionMnist({ storage: 'u8' });
const dir = mkdtempSync(join(tmpdir(), 'descent-acc-'));
try {
  const file = join(dir, 'rows.u8');
  let tp = { python: '', ok: false, reason: 'not asked for' } as ReturnType<typeof torchPython>;
  if (side !== 'descent') {
    tp = torchPython();
    if (!tp.ok) throw new Error(tp.reason);
    writeBytes(file, tr as ByteDataset, te as ByteDataset);
  }
  for (const seed of seeds) {
    const peer = tp.ok ? runTorch(tp.python, file, model, data, seed, epochs).then((r) => (record(r), r)) : null;
    if (side !== 'torch') record(runDescent(tr, te, model, data, seed, epochs, threads));
    if (peer) await peer;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
