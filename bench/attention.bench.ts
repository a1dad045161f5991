// Multi-head causal self-attention (assembly/attention.ts) at the GPT recipe's shape: a chunk of 32 rows of
// T = 32 positions, d = 64, 4 heads. Two passes: attentionForward alone, and attentionForward +
// attentionBackward (the backward overwrites the forward's buffers, so it is timed with it). Throughput is
// GFLOP/s of the products every implementation must compute: forward 2·n·T·(3d·d + d·d) for the
// projections plus 2·n·T²·d for Q·Kᵀ and P·V (the full T × T, masked or not); the backward twice that.
// Before timing, wasm-simd's output and gradients must agree with js to 1e-5 (relative to the largest value).
// Each row also records CPU milliseconds per call (process.cpuUsage), steadier than the median on a busy host.
// PyTorch CPU on one thread runs the same two passes (bench/peers/torch_attention.py: nn.MultiheadAttention,
// need_weights=False, from the bench's tensors, its output and gradients checked against descent's) when
// DESCENT_TORCH_PYTHON names a Python with torch; --quick leaves it out.
// Runs alone: npx tsx bench/attention.bench.ts [--quick]
import { type Row, type RunOptions, measure, roofline, checkClose } from './lib/harness.js';
import { binaryOf, Arena } from './lib/backends.js';
import { vector } from './lib/data.js';
import { isMain, runAlone } from './lib/main.js';
import { loadBackend } from '../src/runtime/index.js';
import { attentionWorkspace, attentionPackFloats } from '../src/backends/js/attention.js';
import { torchPython } from './network.bench.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const name = 'attention';

const N = 32, T = 32, D = 64, HEADS = 4;
const TORCH_SCRIPT = fileURLToPath(new URL('./peers/torch_attention.py', import.meta.url));
const OUTPUTS = ['out', 'gW', 'gb', 'gWo', 'gbo', 'dx'];

interface TorchAttention { torch: string; capability: string; threads: number; forwardMs: number; forwardCpuMs: number; backwardMs: number; backwardCpuMs: number }

/** bench/peers/torch_attention.py on one thread from the bench's tensors: its timings and what it computed (OUTPUTS' order). */
function runTorchAttention(python: string, inputs: Record<string, Float32Array>): { timing: TorchAttention; got: Float32Array[] } {
  const dir = mkdtempSync(join(tmpdir(), 'descent-torch-attention-'));
  try {
    for (const [k, v] of Object.entries(inputs)) writeFileSync(join(dir, `${k}.f32`), new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    const r = spawnSync(python, [TORCH_SCRIPT, '--dir', dir, '--rows', String(N), '--steps', String(T), '--dim', String(D), '--heads', String(HEADS), '--threads', '1'],
      { encoding: 'utf8', timeout: 600_000, env: { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' } });
    if (r.status !== 0) throw new Error(`torch_attention.py failed (${r.status ?? r.signal}): ${r.stderr}`);
    const got = OUTPUTS.map((k) => {
      const b = readFileSync(join(dir, `${k}.f32`));
      return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    });
    return { timing: JSON.parse(r.stdout.trim().split('\n').pop()!) as TorchAttention, got };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(o: RunOptions): Promise<Row[]> {
  const rows: Row[] = [];
  const t = { timeMs: o.quick ? 500 : 2000, minSamples: o.quick ? 5 : 20 };
  const fwdFlops = 2 * N * T * 4 * D * D + 2 * 2 * N * T * T * D;
  const ws = attentionWorkspace(N, T, D, HEADS);
  const x = vector(N * T * D, 1), W = vector(3 * D * D, 2, 0.2), b = vector(3 * D, 3, 0.1), Wo = vector(D * D, 4, 0.2);
  const bo = vector(D, 5, 0.1), dOut = vector(N * T * D, 6);
  let ref: Float32Array[] = [];
  for (const contender of ['js', 'wasm-simd'] as const) {
    const be = await loadBackend(contender);
    const a = new Arena(be);
    const px = a.f32(x), pW = a.f32(W), pb = a.f32(b), pWo = a.f32(Wo), pbo = a.f32(bo), pdOut = a.f32(dOut);
    const out = a.f32(N * T * D), qkv = a.f32(ws.P - ws.qkv), P = a.f32(ws.cat - ws.P), cat = a.f32(ws.scratch - ws.cat);
    const scratch = a.f32(ws.floats - ws.scratch), pack = a.f32(attentionPackFloats(N, T, D, HEADS));
    const gW = a.f32(3 * D * D), gb = a.f32(3 * D), gWo = a.f32(D * D), gbo = a.f32(D), dx = a.f32(N * T * D);
    const forward = () => be.attentionForward(out, qkv, P, cat, px, pW, pb, pWo, pbo, N, T, D, HEADS, 1, pack);
    const both = () => {
      forward();
      be.attentionBackward(gW, gb, gWo, gbo, dx, pdOut, px, qkv, P, cat, scratch, pW, pWo, N, T, D, HEADS, 1, pack);
    };
    both();
    const got = [out, gW, gb, gWo, gbo, dx].map((p, i) => be.f32(p, [N * T * D, 3 * D * D, 3 * D, D * D, D, N * T * D][i]).slice());
    if (contender === 'js') ref = got;
    const err = Math.max(...got.map((g, i) => checkClose(`attention ${contender} output ${i}`, g, ref[i], 1e-5)));
    for (const [pass, fn, flops] of [['forward', forward, fwdFlops], ['forward + backward', both, 3 * fwdFlops]] as const) {
      const label = `causal attention ${pass}, ${N} rows × T ${T}, d ${D}, ${HEADS} heads`;
      // CPU time per call beside the wall-clock median: on a shared host a long call is often preempted.
      let calls = 0;
      const c0 = process.cpuUsage();
      const med = await measure(`${label} ${contender}`, () => (calls++, fn()), { ...t, minSamples: contender === 'js' ? 3 : t.minSamples });
      const c = process.cpuUsage(c0);
      const cpuMs = (c.user + c.system) / 1e3 / calls;
      const row = roofline({ suite: name, case: label, contender, binary: binaryOf(contender), ...med, cpuMs, flops, maxRelErr: err }, o.limits);
      row.note = `CPU ${cpuMs.toPrecision(3)} ms, ${(flops / cpuMs / 1e6).toFixed(2)} GFLOP/s of CPU time`;
      rows.push(row);
      o.log(`  ${label} ${contender}: ${med.medianMs.toPrecision(3)} ms, ${row.gflops!.toFixed(2)} GFLOP/s; ${row.note}`);
    }
    a.free();
  }
  const tp = o.quick ? { python: '', ok: false, reason: 'left out of --quick' } : torchPython();
  if (!tp.ok) {
    o.log(`  skipped: PyTorch reference: ${tp.reason}`);
    return rows;
  }
  const { timing: p, got } = runTorchAttention(tp.python, { x, W, b, Wo, bo, dOut });
  const err = Math.max(...got.map((g, i) => checkClose(`attention torch ${OUTPUTS[i]}`, g, ref[i], 1e-5)));
  for (const [pass, ms, cpuMs, flops] of [['forward', p.forwardMs, p.forwardCpuMs, fwdFlops], ['forward + backward', p.backwardMs, p.backwardCpuMs, 3 * fwdFlops]] as const) {
    const label = `causal attention ${pass}, ${N} rows × T ${T}, d ${D}, ${HEADS} heads`;
    const row = roofline({ suite: name, case: label, contender: 'torch-cpu-1t', binary: `PyTorch ${p.torch} (${p.capability}, ${p.threads} thread)`,
      medianMs: ms, samples: 50, rme: NaN, cpuMs, flops, maxRelErr: err }, o.limits);
    row.note = `reference (not a WASM peer): nn.MultiheadAttention, need_weights=False; CPU ${cpuMs.toPrecision(3)} ms; bench/peers/torch_attention.py`;
    rows.push(row);
    o.log(`  ${label} torch: ${ms.toPrecision(3)} ms (CPU ${cpuMs.toPrecision(3)} ms); output and gradients within ${err.toExponential(1)} of descent js`);
  }
  return rows;
}

if (isMain(import.meta.url)) runAlone(name, run).catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
