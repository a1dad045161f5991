// Multi-head causal self-attention (assembly/attention.ts) at the GPT recipe's shape: a chunk of 32 rows of
// T = 32 positions, d = 64, 4 heads. Two passes: attentionForward alone, and attentionForward +
// attentionBackward (the backward overwrites the forward's buffers, so it is timed with it). Throughput is
// GFLOP/s of the products every implementation must compute: forward 2·n·T·(3d·d + d·d) for the
// projections plus 2·n·T²·d for Q·Kᵀ and P·V (the full T × T, masked or not); the backward twice that.
// Before timing, wasm-simd's output and gradients must agree with js to 1e-5 (relative to the largest value).
// Each row also records CPU milliseconds per call (process.cpuUsage), steadier than the median on a busy host.
// Runs alone: npx tsx bench/attention.bench.ts [--quick]
import { type Row, type RunOptions, measure, roofline, checkClose } from './lib/harness.js';
import { binaryOf, Arena } from './lib/backends.js';
import { vector } from './lib/data.js';
import { isMain, runAlone } from './lib/main.js';
import { loadBackend } from '../src/runtime/index.js';
import { attentionWorkspace, attentionPackFloats } from '../src/backends/js/attention.js';

export const name = 'attention';

const N = 32, T = 32, D = 64, HEADS = 4;

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
  return rows;
}

if (isMain(import.meta.url)) runAlone(name, run).catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
