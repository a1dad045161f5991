// Networks end to end: an MLP 784-128-10 (relu, softmax cross-entropy on the logits) trained
// for one epoch with Adam (lr 1e-3) on MNIST-10k's training split (8,000 rows, `split({ every: 5 })`),
// shuffled, through the public API (mlp + train, as a user calls them) on js, wasm-scalar and wasm-simd;
// the same epoch with TF.js layers `model.fit` on its wasm and cpu backends; PyTorch CPU on one thread
// for reference (bench/peers/torch_net.py, when an interpreter with torch is at hand). descent also runs
// at batch 32 and full batch.
//
// Before anything is timed every contender trains one epoch from the same initial weights over the same
// rows in the same order (shuffling off) and must land on descent js's epoch loss and parameters.
//
// Flops of an epoch (what "of limit" and GFLOP/s use): the products every contender must compute,
// 2·rows·(784·128 + 128·10) forward, the same again for the weight gradients, and 2·rows·128·10 for
// the hidden layer's input gradient (no contender computes the input layer's: the data needs none),
// plus ADAM_FLOPS per parameter per step. The rougher "3 × forward" count is printed beside it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Row, type RunOptions, measure, relErr, roofline, fmtMs, addRatios, table } from './lib/harness.js';
import { measureLimits, machineInfo, type Limits } from './lib/machine.js';
import { BACKENDS, binaryOf, iota } from './lib/backends.js';
import { isMain } from './lib/main.js';
import { init, Dataset, mlp, train, type BatchOption } from '../src/node.js';
import type { Network } from '../src/models/network/network.js';
import { tfBinary, type TfBackend } from './peers/tfjs.js';
import { TfMlp } from './peers/tfjs-layers.js';

export const name = 'network';

export const SIZES = [784, 128, 10];
export const LR = 1e-3;
/** Adam's flops per parameter and step (two moment updates, bias corrections, sqrt, divide, step). */
export const ADAM_FLOPS = 12;
/**
 * Equality check of one epoch against descent js (measured on this data, wasm-simd, in order, batch 128).
 * Loss: the epoch's mean loss (each batch's loss before its step) to 1e-4 relative. Correct float32
 * implementations agree to ~1e-5 (TF.js wasm 1.3e-5 over the whole epoch); one batch fewer moves it by
 * ~1e-2, lr + 10% by 4e-3 (640 rows) to 5e-2 (8,000 rows), rows in another order by more.
 * Parameters: max |Δ| over max |p| ≤ 5e-2. Over the first five batches correct implementations agree
 * to ~1e-5, but over a whole epoch a few hidden units sit on a ReLU kink, and Adam, which divides each
 * gradient by its own running size, turns a flipped kink into full lr-sized steps: starting descent
 * itself from the same weights moved by one ulp (one of three random ±1-ulp draws) ends the epoch 2.4e-2
 * away (loss 1.7e-5 away), TF.js wasm ends 2.6e-2 away, on units 37 and 38. So the parameter bound is set
 * at twice the spread float32 rounding alone produces, and the loss bound does the rejecting of a wrong
 * epoch; lr + 10% also moves the parameters by 0.37 (test/bench.peers.test.ts checks both bounds bite).
 */
export const NET_LOSS_TOL = 1e-4;
export const NET_PARAM_TOL = 5e-2;

/** Flops of an epoch over `rows` rows in `steps` steps: [the minimal products + Adam, the rough 3 × forward count]. */
export function epochFlops(rows: number, steps: number, sizes = SIZES): { flops: number; flops3x: number; nParams: number } {
  let fwd = 0, dx = 0, nParams = 0;
  for (let i = 1; i < sizes.length; i++) {
    fwd += sizes[i - 1] * sizes[i];
    if (i > 1) dx += sizes[i - 1] * sizes[i];
    nParams += sizes[i - 1] * sizes[i] + sizes[i];
  }
  const adam = ADAM_FLOPS * nParams * steps;
  return { flops: 2 * rows * (2 * fwd + dx) + adam, flops3x: 3 * 2 * rows * fwd + adam, nParams };
}

/** MNIST-10k's training split (8,000 rows) on the current backend. */
export function mnistTrain(): Dataset {
  const all = Dataset.builtin('mnist');
  const { train: tr, test } = all.split({ every: 5 });
  test.dispose();
  all.dispose();
  return tr;
}

/** One epoch of descent's train() (a fresh Adam); the epoch's mean loss. */
export function descentEpoch(net: Network, ds: Dataset, batch: BatchOption, shuffle: boolean, seed = 0): number {
  const r = train(net, ds, { standardize: false, optimizer: { name: 'adam', lr: LR }, batch, epochs: 1, shuffle, seed }); // raw data, as the peers get it
  return r.history[0].loss;
}

/** Throws unless an epoch's loss and parameters agree with the reference; returns the parameter deviation. */
export function checkEpoch(what: string, loss: number, params: Float32Array, ref: { loss: number; params: Float32Array }): number {
  const le = Math.abs(loss - ref.loss) / Math.abs(ref.loss);
  const pe = relErr(params, ref.params);
  if (!(le <= NET_LOSS_TOL) || !(pe <= NET_PARAM_TOL)) {
    throw new Error(`equality check failed for ${what}: epoch loss ${loss} vs ${ref.loss} (relative ${le.toExponential(2)}, tolerance ${NET_LOSS_TOL}), ` +
      `parameters max relative deviation ${pe.toExponential(2)} (tolerance ${NET_PARAM_TOL})`);
  }
  return pe;
}

const fmtRows = (n: number) => n.toLocaleString('en-US');

/** Measures `fn` and adds CPU milliseconds per call (process.cpuUsage over every call tinybench made, warm-up included). */
export async function timed(label: string, fn: () => unknown, t: { timeMs: number; minSamples: number }) {
  let calls = 0;
  const c0 = process.cpuUsage();
  const r = await measure(label, async () => {
    calls++;
    await fn();
  }, { ...t, warmupMs: 1 });
  const c = process.cpuUsage(c0);
  return { ...r, cpuMs: (c.user + c.system) / 1e3 / calls };
}

// ---- PyTorch (reference) ----

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TORCH_SCRIPT = join(ROOT, 'bench', 'peers', 'torch_net.py');

export interface TorchResult {
  torch: string;
  capability: string;
  threads: number;
  medianMs: number;
  medianCpuMs: number;
  wallMs: number[];
  checkLoss?: number;
  params?: Float32Array;
}

/** The interpreter to try (DESCENT_TORCH_PYTHON, else python3) and whether `import torch` works in it. */
export function torchPython(): { python: string; ok: boolean; reason?: string } {
  const python = process.env.DESCENT_TORCH_PYTHON || 'python3';
  const r = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8', timeout: 120_000 });
  if (r.error) return { python, ok: false, reason: `${python}: ${r.error.message} (set DESCENT_TORCH_PYTHON to a Python with torch)` };
  if (r.status !== 0) {
    const last = (r.stderr || '').trim().split('\n').pop() ?? '';
    return { python, ok: false, reason: `\`${python} -c "import torch"\` failed: ${last} (set DESCENT_TORCH_PYTHON to a Python with torch)` };
  }
  return { python, ok: true };
}

/** Runs bench/peers/torch_net.py: the check epoch from `init` over `checkRows` rows, then `epochs` timed epochs. */
export function runTorch(python: string, init: Float32Array, checkRows: number, epochs: number, batch = 128, arch: 'mlp' | 'cnn' = 'mlp', standardize = false): TorchResult {
  const dir = mkdtempSync(join(tmpdir(), 'descent-torch-'));
  try {
    const fin = join(dir, 'init.f32'), fout = join(dir, 'out.f32');
    writeFileSync(fin, new Uint8Array(init.buffer, init.byteOffset, init.byteLength));
    const r = spawnSync(python, [TORCH_SCRIPT, '--arch', arch, '--data', join(ROOT, 'data', 'mnist.u8.gz'), '--batch', String(batch), '--lr', String(LR),
      '--epochs', String(epochs), '--threads', '1', '--init', fin, '--out', fout, '--check-rows', String(checkRows), ...(standardize ? ['--standardize'] : [])],
    { encoding: 'utf8', timeout: 600_000, env: { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' } });
    if (r.status !== 0) throw new Error(`torch_net.py failed (${r.status ?? r.signal}): ${r.stderr}`);
    const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as TorchResult;
    if (existsSync(fout)) {
      const b = readFileSync(fout);
      j.params = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    }
    return j;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- the suite ----

interface Plan {
  batch: BatchOption;
  label: string;
  size: number;
  /** Rows the js backend is timed on (scaled by rows to the epoch), or 0 to skip js. */
  jsRows: number;
}

export async function run(o: RunOptions): Promise<Row[]> {
  const rows: Row[] = [];
  const q = o.quick;
  // The check: a whole epoch in a full run, its first two batches with --quick (js takes ~8 CPU-s per epoch).
  const checkRows = q ? 256 : 8000;
  const plans: Plan[] = [
    { batch: 128, label: 'batch 128', size: 128, jsRows: q ? 256 : 3072 },
    { batch: 32, label: 'batch 32', size: 32, jsRows: q ? 0 : 3072 },
    { batch: 'full', label: 'full batch', size: 8000, jsRows: q ? 0 : 3072 },
  ];
  // TF.js model.fit at batch 128: tfjs-wasm on whole epochs (a prefix with --quick), tfjs-cpu (~2 CPU-s per
  // 1,000 rows) on a prefix; scaled by rows.
  const tfRows: Record<TfBackend, number> = { wasm: q ? 1024 : 8000, cpu: q ? 512 : 2048 };

  // descent: one dataset per backend (datasets bind to the backend current when made), one network each.
  const ours: { be: (typeof BACKENDS)[number]; ds: Dataset; net: Network; subs: Map<number, Dataset> }[] = [];
  for (const be of BACKENDS) {
    await init({ backend: be });
    ours.push({ be, ds: mnistTrain(), net: mlp({ features: SIZES[0], hidden: [SIZES[1]], classes: SIZES[2], seed: 1 }), subs: new Map() });
  }
  const N = ours[0].ds.rows;
  const X = ours[0].ds.x, y = ours[0].ds.y;
  const p0 = ours[0].net.params; // the same seed gives the same initial weights on every backend
  const sub = (d: (typeof ours)[number], n: number): Dataset => {
    if (n >= N) return d.ds;
    let s = d.subs.get(n);
    if (!s) d.subs.set(n, (s = d.ds.subset(iota(n))));
    return s;
  };

  // -- equality check: one epoch, batch 128, shuffling off, from p0, on the first checkRows rows
  const checkCase = `one epoch from the same weights, ${fmtRows(checkRows)} rows in order, batch 128`;
  o.log(`  check: ${checkCase}`);
  let ref: { loss: number; params: Float32Array } | null = null;
  const checkErr = new Map<string, number>();
  for (const d of ours) {
    await init({ backend: d.be });
    d.net.setParams(p0);
    const loss = descentEpoch(d.net, sub(d, checkRows), 128, false);
    const params = d.net.params;
    if (d.be === 'js') ref = { loss, params };
    checkErr.set(d.be, checkEpoch(`${d.be} (${checkCase})`, loss, params, ref!));
    o.log(`    ${d.be}: loss ${loss.toPrecision(7)}, parameters within ${checkErr.get(d.be)!.toExponential(1)} of js`);
  }
  const peers: TfMlp[] = [];
  // --quick: TF.js on its wasm backend only (the ratio the targets use); the full run adds tfjs-cpu.
  for (const be of (q ? ['wasm'] : ['wasm', 'cpu']) as TfBackend[]) {
    const m = await TfMlp.create(be, X, y, N, SIZES);
    m.compile(LR);
    m.setParams(p0);
    await m.prepare(checkRows);
    const loss = await m.epoch(128, false, checkRows);
    checkErr.set(`tfjs-${be}`, checkEpoch(`tfjs-${be} (${checkCase})`, loss, m.params(), ref!));
    o.log(`    tfjs-${be}: loss ${loss.toPrecision(7)}, parameters within ${checkErr.get(`tfjs-${be}`)!.toExponential(1)} of js`);
    peers.push(m);
  }
  // PyTorch: its check epoch, then its timed epochs, in one process (before the others are timed).
  // --quick leaves PyTorch out (a Python process and its own epochs); the full run has it when torch imports.
  const tp = q ? { python: '', ok: false, reason: 'left out of --quick' } : torchPython();
  let torch: TorchResult | null = null;
  if (tp.ok) {
    o.log(`  PyTorch (${tp.python}, one thread)…`);
    torch = runTorch(tp.python, p0, checkRows, q ? 3 : 10);
    checkErr.set('torch', checkEpoch(`PyTorch (${checkCase})`, torch.checkLoss!, torch.params!, ref!));
    o.log(`    torch ${torch.torch}: loss ${torch.checkLoss!.toPrecision(7)}, parameters within ${checkErr.get('torch')!.toExponential(1)} of js`);
  } else {
    o.log(`  skipped: PyTorch reference: ${tp.reason}`);
    console.log(`skipped: PyTorch reference (network suite): ${tp.reason}`);
  }

  // -- timing
  for (const plan of plans) {
    const nb = Math.ceil(N / plan.size);
    const caseName = `mlp 784-128-10 adam, MNIST ${fmtRows(N)} rows, ${plan.label}${plan.size < N ? ', shuffled' : ''}`;
    const { flops, flops3x } = epochFlops(N, nb);
    for (const d of ours) {
      const part = d.be === 'js' ? plan.jsRows : N;
      // --quick keeps batch 32 and full batch to wasm-simd (js and wasm-scalar: batch 128 only).
      if (part === 0 || (q && plan.size !== 128 && d.be !== 'wasm-simd')) continue;
      await init({ backend: d.be });
      const ds = sub(d, part);
      const slow = d.be !== 'wasm-simd';
      const t = { timeMs: q ? 800 : slow ? 4000 : 3000, minSamples: q ? 3 : slow ? 4 : 8 };
      const r = await timed(`${caseName} ${d.be}`, () => descentEpoch(d.net, ds, plan.batch, true), t);
      const scale = N / part;
      rows.push(roofline({
        suite: name, case: caseName, contender: d.be, binary: binaryOf(d.be), medianMs: r.medianMs * scale, samples: r.samples, rme: r.rme,
        cpuMs: r.cpuMs * scale, flops, maxRelErr: plan.size === 128 ? checkErr.get(d.be) : undefined,
        note: `CPU ${(r.cpuMs * scale).toPrecision(3)} ms/epoch; ${(flops3x / 1e9).toFixed(2)} GFLOP by the 3× count` +
          (part < N ? `; timed on the first ${fmtRows(part)} rows${plan.batch === 'full' ? ' (one full batch of them)' : ''}, scaled by rows` : ''),
      }, o.limits));
      o.log(`  ${caseName} ${d.be}: ${(r.medianMs * scale).toPrecision(3)} ms (CPU ${(r.cpuMs * scale).toPrecision(3)} ms)${part < N ? ` from ${part} rows` : ''}`);
    }
    if (plan.size !== 128) continue;
    for (const m of peers) {
      const part = tfRows[m.backend];
      await m.prepare(part);
      m.compile(LR);
      const t = { timeMs: q ? 800 : 4000, minSamples: q ? 3 : 4 };
      const r = await timed(`${caseName} tfjs-${m.backend}`, () => m.epoch(128, true, part), t);
      const scale = N / part;
      rows.push(roofline({
        suite: name, case: caseName, contender: `tfjs-${m.backend}`, binary: await tfBinary(m.backend), medianMs: r.medianMs * scale,
        samples: r.samples, rme: r.rme, cpuMs: r.cpuMs * scale, flops, maxRelErr: checkErr.get(`tfjs-${m.backend}`),
        note: `model.fit; CPU ${(r.cpuMs * scale).toPrecision(3)} ms/epoch` + (part < N ? `; timed on the first ${fmtRows(part)} rows, scaled by rows` : ''),
      }, o.limits));
      o.log(`  ${caseName} tfjs-${m.backend}: ${(r.medianMs * scale).toPrecision(3)} ms (CPU ${(r.cpuMs * scale).toPrecision(3)} ms)${part < N ? ` from ${part} rows` : ''}`);
    }
    if (torch) {
      rows.push(roofline({
        suite: name, case: caseName, contender: 'torch-cpu-1t', binary: `PyTorch ${torch.torch} (${torch.capability}, ${torch.threads} thread)`,
        medianMs: torch.medianMs, samples: torch.wallMs.length, rme: NaN, cpuMs: torch.medianCpuMs, flops, maxRelErr: checkErr.get('torch'),
        note: `reference (not a WASM peer); CPU ${torch.medianCpuMs.toPrecision(3)} ms/epoch; bench/peers/torch_net.py`,
      }, o.limits));
    }
  }

  for (const m of peers) m.dispose();
  for (const d of ours) {
    for (const s of d.subs.values()) s.dispose();
    d.net.dispose();
    d.ds.dispose();
  }
  return rows;
}

/**
 * The suite's own section of bench/RESULTS.md: per case, each contender's wall-clock median and CPU time
 * per epoch, GFLOP/s on both, the fraction of the f32x4 roofline (wall clock: the peak probe is a wall-clock
 * measurement too), the ratios on both, and the check's deviation.
 */
export function section(rows: Row[], _limits?: Limits): string {
  const mine = rows.filter((r) => r.suite === name);
  if (mine.length === 0) return '';
  const x = (v?: number) => (v === undefined || !Number.isFinite(v) ? '—' : v >= 10 ? v.toFixed(0) + '×' : v.toFixed(2) + '×');
  const pct = (v?: number) => (v === undefined ? '—' : `${(v * 100).toFixed(0)}%`);
  const out = [
    '| case | contender | median (wall) | CPU / epoch | GFLOP/s (wall, CPU) | of f32x4 roofline (wall) | × js (wall, CPU) | × TF.js wasm (wall, CPU) | check Δ | note |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const r of mine) {
    const group = mine.filter((g) => g.case === r.case);
    const js = group.find((g) => g.contender === 'js'), tf = group.find((g) => g.contender === 'tfjs-wasm');
    const cpuG = r.flops !== undefined && r.cpuMs ? r.flops / (r.cpuMs / 1e3) / 1e9 : undefined;
    out.push(`| ${[
      r.case.replace('mlp 784-128-10 adam, MNIST 8,000 rows, ', ''), r.contender, fmtMs(r.medianMs), r.cpuMs ? fmtMs(r.cpuMs) : '—',
      `${r.gflops?.toFixed(2) ?? '—'}, ${cpuG?.toFixed(2) ?? '—'}`,
      pct(r.ofLimit),
      `${x(js ? js.medianMs / r.medianMs : undefined)}, ${x(js?.cpuMs && r.cpuMs ? js.cpuMs / r.cpuMs : undefined)}`,
      `${x(tf ? tf.medianMs / r.medianMs : undefined)}, ${x(tf?.cpuMs && r.cpuMs ? tf.cpuMs / r.cpuMs : undefined)}`,
      r.maxRelErr !== undefined ? r.maxRelErr.toExponential(1) : '—', (r.note ?? '').replace(/CPU [^;]* ms\/epoch(; )?/, '').replace(/; $/, ''),
    ].join(' | ')} |`);
  }
  return out.join('\n');
}

// `npx tsx bench/network.bench.ts [--quick]`: this suite alone, with the machine's limits, the common
// table and the suite's section.
if (isMain(import.meta.url)) {
  (async () => {
    const quick = process.argv.includes('--quick');
    const log = (s: string) => process.stderr.write(s + '\n');
    const m = machineInfo();
    log(`${name}: measuring this machine's limits…`);
    const limits = await measureLimits(true, log);
    const t0 = performance.now();
    const rows = await run({ quick, limits, log });
    addRatios(rows);
    console.log(`\`npx tsx bench/network.bench.ts${quick ? ' --quick' : ''}\` on ${m.date.slice(0, 16).replace('T', ' ')} UTC ` +
      `(${((performance.now() - t0) / 1e3).toFixed(0)} s): ${m.cpu}, ${m.cores} cores, Node ${m.node}; ${binaryOf('wasm-simd')}, ${binaryOf('wasm-scalar')}; ` +
      `f32x4 peak ${limits.peakGflops.toFixed(1)} GFLOP/s (measured in this run).\n`);
    console.log(table(rows) + '\n');
    console.log(section(rows, limits));
  })().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
