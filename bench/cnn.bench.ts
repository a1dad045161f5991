// A small convolutional network end to end: [1, 28, 28] → conv2d 8 3×3 → relu → maxPool 2 → conv2d
// 16 3×3 → relu → maxPool 2 → flatten → dense 10 (softmax cross-entropy on the logits), one epoch of Adam
// (lr 1e-3, batch 64, shuffled) on MNIST-10k's 8,000 training rows through the public API (sequential +
// train) on js, wasm-scalar and wasm-simd; TF.js layers `model.fit` on its wasm and cpu backends
// (bench/peers/tfjs-cnn.ts); ConvNetJS (bench/peers/convnetjs-cnn.ts); PyTorch CPU on one thread for
// reference (bench/peers/torch_net.py --arch cnn, when DESCENT_TORCH_PYTHON names a Python with torch).
// The full run adds the network at batch 128 on wasm-simd: standardized pixels on one and two threads, raw
// pixels, and PyTorch one thread on the same standardized pixels.
//
// Before anything is timed every contender trains from the same initial weights over the same first 640
// rows in order (10 batches) and must land on descent js's mean loss and parameters (the tolerances of
// bench/network.bench.ts); ConvNetJS, which has no Adam, is checked with plain SGD against descent's SGD.
//
// Flops of an epoch: per image, forward 2·(8·26²·9 + 16·11²·72 + 10·400), the same for the weight
// gradients, and the input gradients of conv2 and dense (conv1 needs none): 1.06 MFLOP, 8.44 GFLOP an epoch.
import { type Row, type RunOptions, roofline, addRatios, table } from './lib/harness.js';
import { measureLimits, machineInfo } from './lib/machine.js';
import { BACKENDS, binaryOf, iota } from './lib/backends.js';
import { isMain } from './lib/main.js';
import { init, sequential, train, type Dataset } from '../src/node.js';
import type { Network } from '../src/models/network/network.js';
import { mnistTrain, checkEpoch, timed, torchPython, runTorch, type TorchResult } from './network.bench.js';
import { tfBinary, type TfBackend } from './peers/tfjs.js';
import { TfCnn } from './peers/tfjs-cnn.js';
import { ConvNetJsCnn } from './peers/convnetjs-cnn.js';
import { Rng } from '../src/rng.js';

export const name = 'cnn';

const LR = 1e-3, BATCH = 64, SGD_LR = 0.01;
const FWD = 2 * (8 * 26 * 26 * 9 + 16 * 11 * 11 * 72 + 10 * 400);
const DX = 2 * (16 * 11 * 11 * 72 + 10 * 400);
/** Flops of one epoch over `rows` images: forward, weight gradients, the input gradients of conv2 and dense. */
export const cnnFlops = (rows: number): number => rows * (2 * FWD + DX);

/** The network, PyTorch's default initialization from `seed`. */
export function smallCnn(seed = 1): Network {
  return sequential({
    inputShape: [1, 28, 28],
    layers: [
      { type: 'conv2d', filters: 8, kernel: 3 }, { type: 'relu' }, { type: 'maxPool2d', size: 2 },
      { type: 'conv2d', filters: 16, kernel: 3 }, { type: 'relu' }, { type: 'maxPool2d', size: 2 },
      { type: 'flatten' }, { type: 'dense', units: 10 },
    ],
    loss: 'softmax', seed,
  });
}

function epoch(net: Network, ds: Dataset, shuffle: boolean, optimizer: 'adam' | 'sgd' = 'adam'): number {
  const opt = optimizer === 'adam' ? { name: 'adam' as const, lr: LR } : { name: 'sgd' as const, lr: SGD_LR };
  return train(net, ds, { standardize: false, optimizer: opt, batch: BATCH, epochs: 1, shuffle, seed: 0 }).history[0].loss; // raw pixels, as the peers get them
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** Runs the suite: the check, then one row per contender. */
export async function run(o: RunOptions): Promise<Row[]> {
  const q = o.quick;
  const rows: Row[] = [];
  // The check's rows: 10 batches, 2 with --quick.
  const CHECK_ROWS = q ? 128 : 640;
  const part: Record<string, number> = q
    ? { js: 128, 'wasm-scalar': 256, 'wasm-simd': 2048, 'tfjs-wasm': 512, 'tfjs-cpu': 128, convnetjs: 128 }
    : { js: 512, 'wasm-scalar': 4096, 'wasm-simd': 8000, 'tfjs-wasm': 2048, 'tfjs-cpu': 256, convnetjs: 512 };
  const ours: { be: (typeof BACKENDS)[number]; ds: Dataset; net: Network; subs: Map<number, Dataset> }[] = [];
  for (const be of BACKENDS) {
    await init({ backend: be });
    ours.push({ be, ds: mnistTrain(), net: smallCnn(1), subs: new Map() });
  }
  const N = ours[0].ds.rows, X = ours[0].ds.x, y = ours[0].ds.y;
  const p0 = ours[0].net.params;
  const sub = (d: (typeof ours)[number], n: number): Dataset => {
    if (n >= N) return d.ds;
    let s = d.subs.get(n);
    if (!s) d.subs.set(n, (s = d.ds.subset(iota(n))));
    return s;
  };
  const caseName = `small CNN adam, MNIST ${fmt(N)} rows, batch ${BATCH}, shuffled`;
  const flops = cnnFlops(N);

  // -- the check
  o.log(`  check: one epoch from the same weights, ${CHECK_ROWS} rows in order, batch ${BATCH}`);
  const err = new Map<string, number>();
  let ref: { loss: number; params: Float32Array } | null = null, sgdRef: { loss: number; params: Float32Array } | null = null;
  for (const d of ours) {
    await init({ backend: d.be });
    d.net.setParams(p0);
    const loss = epoch(d.net, sub(d, CHECK_ROWS), false);
    if (d.be === 'js') {
      ref = { loss, params: d.net.params };
      d.net.setParams(p0);
      sgdRef = { loss: epoch(d.net, sub(d, CHECK_ROWS), false, 'sgd'), params: d.net.params };
    }
    err.set(d.be, checkEpoch(`${d.be} CNN`, loss, d.be === 'js' ? ref!.params : d.net.params, ref!));
  }
  const tfs: TfCnn[] = [];
  const cannot = new Map<string, string>();
  // --quick: TF.js's wasm backend only (which reports that it cannot train this network); the full run adds tfjs-cpu.
  for (const be of (q ? ['wasm'] : ['wasm', 'cpu']) as TfBackend[]) {
    const m = await TfCnn.create(be, X, y, N);
    try {
      m.compile(LR);
      m.setParams(p0);
      await m.prepare(CHECK_ROWS);
      const loss = await m.epoch(BATCH, false, CHECK_ROWS);
      err.set(`tfjs-${be}`, checkEpoch(`tfjs-${be} CNN`, loss, m.params(), ref!));
      tfs.push(m);
    } catch (e) {
      // TF.js's wasm backend lacks some gradient kernels; report what it says instead of a time.
      cannot.set(`tfjs-${be}`, (e as Error).message.split('\n')[0]);
      o.log(`    tfjs-${be} cannot train this network: ${cannot.get(`tfjs-${be}`)}`);
      m.dispose();
    }
  }
  const cj = new ConvNetJsCnn(X, y, Math.max(CHECK_ROWS, part.convnetjs));
  cj.setParams(p0);
  cj.compile(SGD_LR, BATCH, 0);
  err.set('convnetjs', checkEpoch('ConvNetJS CNN (plain SGD)', cj.epoch(CHECK_ROWS), cj.params(), sgdRef!));
  // --quick leaves PyTorch out; the full run has it when torch imports.
  const tp = q ? { python: '', ok: false, reason: 'left out of --quick' } : torchPython();
  let torch: TorchResult | null = null;
  if (tp.ok) {
    torch = runTorch(tp.python, p0, CHECK_ROWS, q ? 3 : 10, BATCH, 'cnn');
    err.set('torch', checkEpoch('PyTorch CNN', torch.checkLoss!, torch.params!, ref!));
  } else {
    o.log(`  skipped: PyTorch reference: ${tp.reason}`);
    console.log(`skipped: PyTorch reference (cnn suite): ${tp.reason}`);
  }
  for (const [k, v] of err) o.log(`    ${k}: parameters within ${v.toExponential(1)} of descent js`);

  // -- timing
  const push = (contender: string, binary: string, r: { medianMs: number; samples: number; rme: number; cpuMs: number }, n: number, note: string) => {
    const scale = N / n;
    rows.push(roofline({
      suite: name, case: caseName, contender, binary, medianMs: r.medianMs * scale, samples: r.samples, rme: r.rme, cpuMs: r.cpuMs * scale,
      flops, maxRelErr: err.get(contender), note: `CPU ${(r.cpuMs * scale).toPrecision(3)} ms/epoch; ${note}${n < N ? `; timed on the first ${fmt(n)} rows, scaled by rows` : ''}`,
    }, o.limits));
    o.log(`  ${contender}: ${(r.medianMs * scale).toPrecision(3)} ms per epoch (CPU ${(r.cpuMs * scale).toPrecision(3)} ms)`);
  };
  const t = (slow: boolean) => ({ timeMs: q ? 800 : slow ? 4000 : 3000, minSamples: q ? 3 : slow ? 4 : 6 });
  for (const d of ours) {
    await init({ backend: d.be });
    const n = part[d.be], ds = sub(d, n);
    push(d.be, binaryOf(d.be), await timed(`${caseName} ${d.be}`, () => epoch(d.net, ds, true), t(d.be !== 'wasm-simd')), n, 'train()');
  }
  for (const m of tfs) {
    const n = part[`tfjs-${m.backend}`];
    await m.prepare(n);
    m.compile(LR);
    push(`tfjs-${m.backend}`, await tfBinary(m.backend), await timed(`${caseName} tfjs-${m.backend}`, () => m.epoch(BATCH, true, n), t(true)), n, 'model.fit');
    m.dispose();
  }
  for (const [c, why] of cannot) o.log(`  ${c}: no time (cannot train: ${why})`);
  const rng = new Rng(3);
  const order = iota(part.convnetjs);
  cj.compile(SGD_LR, BATCH, 0.9);
  push('convnetjs', 'convnetjs 0.3.0 (JS, f64)', await timed(`${caseName} convnetjs`, () => { rng.shuffle(order); return cj.epoch(order.length, order); }, t(true)),
    part.convnetjs, 'Trainer sgd, momentum 0.9 (0.3.0 has no Adam)');
  if (torch) {
    rows.push(roofline({
      suite: name, case: caseName, contender: 'torch-cpu-1t', binary: `PyTorch ${torch.torch} (${torch.capability}, ${torch.threads} thread)`,
      medianMs: torch.medianMs, samples: torch.wallMs.length, rme: NaN, cpuMs: torch.medianCpuMs, flops, maxRelErr: err.get('torch'),
      note: `reference (not a WASM peer); CPU ${torch.medianCpuMs.toPrecision(3)} ms/epoch; bench/peers/torch_net.py --arch cnn`,
    }, o.limits));
  }
  if (q) o.log('  batch 128 rows (threads, standardized and raw pixels): left out of --quick');
  else rows.push(...await batch128(o, ours.find((d) => d.be === 'wasm-simd')!.ds, p0, tp));
  for (const d of ours) {
    for (const s of d.subs.values()) s.dispose();
    d.net.dispose();
    d.ds.dispose();
  }
  return rows;
}

/**
 * The CNN at batch 128 on wasm-simd, whole epochs from the same weights: standardized pixels on one and two
 * threads (2 threads split a batch into 4 row blocks of conv2d's 32-row chunks), raw [0, 1] pixels on one
 * (the two inputs must take the same time: no value-dependent slow path), and PyTorch on one thread with the
 * same standardization (torch_net.py --standardize).
 */
async function batch128(o: RunOptions, raw: Dataset, p0: Float32Array, tp: ReturnType<typeof torchPython>): Promise<Row[]> {
  await init({ backend: 'wasm-simd' });
  const std = raw.subset(iota(raw.rows));
  std.standardize(std.stats());
  const net = smallCnn(1);
  const N = raw.rows, flops = cnnFlops(N), caseName = `small CNN adam, MNIST ${fmt(N)} rows, batch 128, shuffled`;
  const out: Row[] = [];
  const ep = (ds: Dataset, threads: number) => () => {
    net.setParams(p0);
    train(net, ds, { standardize: false, optimizer: { name: 'adam', lr: LR }, batch: 128, epochs: 1, shuffle: true, seed: 0, threads });
  };
  const cases: [string, Dataset, number][] = [['standardized pixels, 1 thread', std, 1], ['standardized pixels, 2 threads', std, 2], ['raw [0, 1] pixels, 1 thread', raw, 1]];
  const ms: number[] = [];
  for (const [label, ds, threads] of cases) {
    const r = await timed(`${caseName} ${label}`, ep(ds, threads), { timeMs: 4000, minSamples: 7 });
    ms.push(r.medianMs);
    out.push(roofline({ suite: name, case: `${caseName}, ${label}`, contender: 'wasm-simd', binary: binaryOf('wasm-simd'), medianMs: r.medianMs, samples: r.samples,
      rme: r.rme, cpuMs: r.cpuMs, flops, note: `CPU ${r.cpuMs.toPrecision(3)} ms/epoch; train(), threads ${threads}` }, o.limits));
    o.log(`  batch 128, ${label}: ${r.medianMs.toPrecision(3)} ms per epoch`);
  }
  o.log(`  batch 128: 2 threads ${(ms[0] / ms[1]).toFixed(2)}× one; raw / standardized pixels ${(ms[2] / ms[0]).toFixed(3)}`);
  if (tp.ok) {
    const t = runTorch(tp.python, p0, 128, 10, 128, 'cnn', true);
    out.push(roofline({ suite: name, case: `${caseName}, standardized pixels, 1 thread`, contender: 'torch-cpu-1t', binary: `PyTorch ${t.torch} (${t.capability}, ${t.threads} thread)`,
      medianMs: t.medianMs, samples: t.wallMs.length, rme: NaN, cpuMs: t.medianCpuMs, flops, note: 'reference (not a WASM peer); bench/peers/torch_net.py --arch cnn --batch 128 --standardize' }, o.limits));
    o.log(`  batch 128, PyTorch one thread, standardized pixels: ${t.medianMs.toPrecision(3)} ms per epoch; descent one thread ${(t.medianMs / ms[0]).toFixed(2)}× its speed, two threads ${(t.medianMs / ms[1]).toFixed(2)}×`);
  }
  net.dispose();
  std.dispose();
  return out;
}

// `npx tsx bench/cnn.bench.ts [--quick]`: this suite alone, with the machine's limits.
if (isMain(import.meta.url)) {
  (async () => {
    const quick = process.argv.includes('--quick');
    const log = (s: string) => process.stderr.write(s + '\n');
    const m = machineInfo();
    const limits = await measureLimits(true, log);
    const rows = await run({ quick, limits, log });
    addRatios(rows);
    console.log(`\`npx tsx bench/cnn.bench.ts${quick ? ' --quick' : ''}\` on ${m.date.slice(0, 16).replace('T', ' ')} UTC: ${m.cpu}, ${m.cores} cores, ` +
      `Node ${m.node}; ${binaryOf('wasm-simd')}, ${binaryOf('wasm-scalar')}; f32x4 peak ${limits.peakGflops.toFixed(1)} GFLOP/s (this run).\n`);
    console.log(table(rows));
  })().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
