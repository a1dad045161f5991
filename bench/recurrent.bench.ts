// Recurrent layers (assembly/recurrent.ts) inside the network program, at the character-level language
// model's shape: one chunk of 128 rows of T = 32 token ids → embedding(82, 32) → gru or lstm (128 units,
// last state) → dense(82), softmax. Two passes: forward (backend.forward, inference) and the training
// gradient (backend.lossGrad: forward, head, backpropagation through time). Throughput is reported as
// GFLOP/s of the matrix products every implementation must compute — per step and row 2·G·U·(I + U)
// forward (input and recurrent products), twice that backward (weight and input gradients) — and as
// row-steps per second (rows · T / median), the unit a recurrent layer's speed is usually given in.
// Before timing, each backend's loss must agree with js to 1e-5 relative. A second shape is the char-LM
// default of `descent charlm` (64 rows, 64 units). PyTorch CPU on one thread runs the same passes for
// reference (bench/peers/torch_recurrent.py, from the same initial weights through safetensors, its loss
// checked against descent's) when DESCENT_TORCH_PYTHON names a Python with torch; --quick leaves it out.
// Runs alone: npx tsx bench/recurrent.bench.ts [--quick]
import { type Row, type RunOptions, measure, roofline } from './lib/harness.js';
import { BACKENDS, binaryOf } from './lib/backends.js';
import { isMain, runAlone } from './lib/main.js';
import { init, sequential, Dataset } from '../src/node.js';
import { backend } from '../src/runtime/index.js';
import { Block, disposeAll } from '../src/runtime/block.js';
import { Run } from '../src/runtime/run.js';
import { toSafetensors } from '../src/interchange/torch-state.js';
import { torchPython } from './network.bench.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const name = 'recurrent';

const T = 32, D = 32, V = 82;
/** The bench's shape, then the char-LM default of `descent charlm` (batch 64, units 64). */
const SHAPES = [{ rows: 128, units: 128, what: '' }, { rows: 64, units: 64, what: ' (char-LM default)' }];
const TORCH_SCRIPT = fileURLToPath(new URL('./peers/torch_recurrent.py', import.meta.url));

interface TorchRecurrent { torch: string; capability: string; threads: number; checkLoss: number; forwardMs: number; forwardCpuMs: number; backwardMs: number; backwardCpuMs: number }

/** bench/peers/torch_recurrent.py on one thread from the network's current weights. */
function runTorchRecurrent(python: string, weights: Uint8Array, cell: string, rows: number, units: number): TorchRecurrent {
  const dir = mkdtempSync(join(tmpdir(), 'descent-torch-rnn-'));
  try {
    const init = join(dir, 'init.safetensors');
    writeFileSync(init, weights);
    const r = spawnSync(python, [TORCH_SCRIPT, '--cell', cell, '--rows', String(rows), '--steps', String(T), '--units', String(units),
      '--dim', String(D), '--vocab', String(V), '--threads', '1', '--init', init],
    { encoding: 'utf8', timeout: 600_000, env: { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' } });
    if (r.status !== 0) throw new Error(`torch_recurrent.py failed (${r.status ?? r.signal}): ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as TorchRecurrent;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(o: RunOptions): Promise<Row[]> {
  const rows: Row[] = [];
  const t = { timeMs: o.quick ? 300 : 4000, minSamples: o.quick ? 3 : 15 };
  const tp = o.quick ? { python: '', ok: false, reason: 'left out of --quick' } : torchPython();
  if (!tp.ok) {
    o.log(`  skipped: PyTorch reference: ${tp.reason}`);
    console.log(`skipped: PyTorch reference (recurrent suite): ${tp.reason}`);
  }
  for (const { rows: ROWS, units: U, what } of o.quick ? SHAPES.slice(0, 1) : SHAPES) for (const cell of ['gru', 'lstm'] as const) {
    const G = (cell === 'gru' ? 3 : 4) * U;
    const fwdFlops = ROWS * T * 2 * G * (D + U) + ROWS * 2 * U * V;
    let ref = NaN, weights: Uint8Array | null = null, fwdLoss = NaN;
    // --quick leaves js out (its BPTT takes seconds per call): the first backend that runs is the check's reference.
    for (const b of o.quick ? BACKENDS.filter((x) => x !== 'js') : BACKENDS) {
      await init({ backend: b });
      const net = sequential({ inputShape: [T], layers: [{ type: 'embedding', vocab: V, dim: D }, { type: cell, units: U }, { type: 'dense', units: V }], loss: 'softmax', seed: 1 });
      const x = Float32Array.from({ length: ROWS * T }, (_, i) => (i * 7919) % V), y = Float32Array.from({ length: ROWS }, (_, i) => (i * 31) % V);
      const ds = Dataset.fromArrays(x, y, { features: T });
      const be = backend();
      const idx = new Block(be, 'i32', ROWS), grads = new Block(be, 'f32', net.size);
      const r = new Run(be, { ...net.runFields(), ...ds.runFields(), grads: grads.ptr, idx: idx.ptr, rows: ROWS });
      try {
        be.iotaI32(idx.ptr, ROWS);
        const loss = be.lossGrad(r.ptr, 0, ROWS);
        if (Number.isNaN(ref)) {
          ref = loss;
          weights = toSafetensors(net);
          fwdLoss = be.forward(r.ptr, 0, ROWS);
        }
        const err = Math.abs(loss - ref) / Math.abs(ref);
        if (err > 1e-5) throw new Error(`${cell} on ${b}: loss ${loss} vs js ${ref}`);
        for (const pass of ['forward', 'forward + BPTT'] as const) {
          const fn = pass === 'forward' ? () => be.forward(r.ptr, 0, ROWS) : () => be.lossGrad(r.ptr, 0, ROWS);
          const label = `${cell} ${pass}, ${ROWS} rows × T ${T}, units ${U}, inputs ${D}${what}`;
          const flops = pass === 'forward' ? fwdFlops : 3 * fwdFlops;
          const med = await measure(`${label} ${b}`, fn, { ...t, timeMs: b === 'js' ? t.timeMs / 2 : t.timeMs, minSamples: b === 'js' ? 2 : t.minSamples });
          const row = roofline({ suite: name, case: label, contender: b, binary: binaryOf(b), ...med, flops, maxRelErr: err }, o.limits);
          row.note = `${((ROWS * T) / (med.medianMs / 1e3) / 1e3).toFixed(0)}k row-steps/s`;
          rows.push(row);
          o.log(`  ${label} ${b}: ${med.medianMs.toPrecision(3)} ms, ${row.gflops!.toFixed(2)} GFLOP/s, ${row.note}`);
        }
      } finally {
        r.dispose();
        disposeAll(idx, grads);
        ds.dispose();
        net.dispose();
      }
    }
    if (tp.ok && weights) {
      const p = runTorchRecurrent(tp.python, weights, cell, ROWS, U);
      const err = Math.abs(p.checkLoss - fwdLoss) / Math.abs(fwdLoss);
      if (err > 1e-4) throw new Error(`${cell}: PyTorch's loss ${p.checkLoss} vs descent's ${fwdLoss}`);
      for (const pass of ['forward', 'forward + BPTT'] as const) {
        const label = `${cell} ${pass}, ${ROWS} rows × T ${T}, units ${U}, inputs ${D}${what}`;
        const ms = pass === 'forward' ? p.forwardMs : p.backwardMs, cpu = pass === 'forward' ? p.forwardCpuMs : p.backwardCpuMs;
        const row = roofline({ suite: name, case: label, contender: 'torch-cpu-1t', binary: `PyTorch ${p.torch} (${p.capability}, ${p.threads} thread)`,
          medianMs: ms, samples: 15, rme: NaN, cpuMs: cpu, flops: pass === 'forward' ? fwdFlops : 3 * fwdFlops, maxRelErr: err }, o.limits);
        row.note = `reference (not a WASM peer); CPU ${cpu.toPrecision(3)} ms; ${((ROWS * T) / (ms / 1e3) / 1e3).toFixed(0)}k row-steps/s; bench/peers/torch_recurrent.py`;
        rows.push(row);
        o.log(`  ${label} torch: ${ms.toPrecision(3)} ms (CPU ${cpu.toPrecision(3)} ms)`);
      }
    }
  }
  return rows;
}

if (isMain(import.meta.url)) runAlone(name, run).catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
