// The matrix products of dense layers (assembly/gemm.ts), by name: gemmNT (forward, bias + relu fused),
// gemmNN (dX = dZ·W) and gemmTN (dW = dZᵀ·X) at 256³ and at an MLP's real shapes (batch 128, 784 inputs,
// 128 hidden units, 10 outputs). Throughput is 2·m·n·k flops over the median; "of limit" compares it
// with the f32x4 dot peak bench/probe measured in the same run.
import { type Row, type RunOptions, measure, innerFor, checkClose, roofline } from './lib/harness.js';
import { backends, binaryOf, Arena } from './lib/backends.js';
import { vector } from './lib/data.js';
import { isMain, runAlone } from './lib/main.js';
import { ACT_IDENTITY, ACT_RELU } from '../src/backends/js/activations.js';
import { compileProbe, type Probe } from './lib/machine.js';

/**
 * This shared 2-core machine's load drifts within seconds, so a peak measured once at the start can be
 * far from the one a kernel met. For wasm-simd the suite also times the kernel and the f32x4 dot peak
 * probe (the better of its 4- and 8-accumulator forms, as bench/lib/machine.ts) in alternation, and
 * reports the median over rounds of kernel / peak measured side by side.
 */
async function pairedOfPeak(p: Probe, fn: () => unknown, flops: number, rounds: number): Promise<{ ratio: number; peak: number; gflops: number }> {
  const N = 1024, reps = 500;
  const a = pairBuf ??= p.grow(8 * N + 64);
  const v = new Float32Array(p.memory.buffer, a, 2 * N);
  for (let i = 0; i < v.length; i++) v[i] = ((i * 7919) % 1000) / 1000 - 0.5;
  const time = (f: () => unknown, n: number) => {
    const t = performance.now();
    for (let i = 0; i < n; i++) f();
    return (performance.now() - t) / n;
  };
  const calls = Math.max(1, Math.round(2e6 / flops * 100));
  const ratios: number[] = [], peaks: number[] = [], gs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const d4 = time(() => p.dotRepeat4(a, a + 4 * N, N, reps), 3), d8 = time(() => p.dotRepeat8(a, a + 4 * N, N, reps), 3);
    const peak = (2 * N * reps) / Math.min(d4, d8) / 1e6;
    const g = flops / time(fn, calls) / 1e6;
    ratios.push(g / peak);
    peaks.push(peak);
    gs.push(g);
  }
  const med = (x: number[]) => x.sort((q, w) => q - w)[x.length >> 1];
  return { ratio: med(ratios), peak: med(peaks), gflops: med(gs) };
}
let pairBuf: number | undefined;


export const name = 'gemm';

type Form = 'NT' | 'NN' | 'TN';
interface Shape { form: Form; m: number; n: number; k: number; act: number; what: string }

const SHAPES: Shape[] = [
  { form: 'NT', m: 256, n: 256, k: 256, act: ACT_IDENTITY, what: '256³' },
  { form: 'NN', m: 256, n: 256, k: 256, act: ACT_IDENTITY, what: '256³' },
  { form: 'TN', m: 256, n: 256, k: 256, act: ACT_IDENTITY, what: '256³' },
  { form: 'NT', m: 128, n: 128, k: 784, act: ACT_RELU, what: 'hidden forward, + bias, relu' },
  { form: 'NN', m: 128, n: 784, k: 128, act: ACT_IDENTITY, what: 'hidden dX = dZ·W' },
  { form: 'TN', m: 128, n: 784, k: 128, act: ACT_IDENTITY, what: 'hidden dW = dZᵀ·X' },
  { form: 'NT', m: 128, n: 10, k: 128, act: ACT_IDENTITY, what: 'output forward, + bias' },
  { form: 'NN', m: 128, n: 128, k: 10, act: ACT_IDENTITY, what: 'output dX' },
  { form: 'TN', m: 10, n: 128, k: 128, act: ACT_IDENTITY, what: 'output dW' },
];

export async function run(o: RunOptions): Promise<Row[]> {
  const bes = await backends();
  const rows: Row[] = [];
  const t = { timeMs: o.quick ? 150 : 1000, minSamples: o.quick ? 5 : 30 };
  let seed = 50;
  let probe: Probe | undefined;
  for (const s of SHAPES) {
    const { form, m, n, k } = s;
    const label = `gemm${form} ${m}×${n}×${k} (${s.what})`;
    const aLen = m * k, bLen = n * k, cLen = m * n;
    const A = vector(aLen, seed++), B = vector(bLen, seed++), bias = vector(n, seed++);
    let ref: Float32Array | null = null;
    for (const be of bes) {
      const a = new Arena(be);
      const pA = a.f32(A), pB = a.f32(B), pC = a.f32(cLen), pBias = a.f32(bias);
      const pPack = a.f32(be.gemmPackFloats(m, n, k));
      const fn = form === 'NT' ? () => be.gemmNT(pC, pA, pB, m, n, k, k, k, n, 0, pBias, s.act, 0, pPack)
        : form === 'NN' ? () => be.gemmNN(pC, pA, pB, m, n, k, k, n, n, 0, pPack)
          : () => be.gemmTN(pC, pA, pB, m, n, k, m, n, n, 0, pPack);
      fn();
      const got = be.f32(pC, cLen).slice();
      if (be.name === 'js') ref = got;
      const err = checkClose(`${label} on ${be.name}`, got, ref!, 1e-5 * Math.sqrt(k));
      const med = await measure(`${label} ${be.name}`, fn, { ...t, inner: innerFor(fn, 2) });
      const row = roofline({ suite: name, case: label, contender: be.name, binary: binaryOf(be.name), ...med, flops: 2 * m * n * k, maxRelErr: err }, o.limits);
      if (be.name === 'wasm-simd') {
        probe ??= await compileProbe();
        const pr = await pairedOfPeak(probe, fn, 2 * m * n * k, o.quick ? 5 : 21);
        row.note = `paired with the probe: ${(pr.ratio * 100).toFixed(0)}% of peak (${pr.gflops.toFixed(1)} of ${pr.peak.toFixed(1)} GFLOP/s, medians)`;
        o.log(`  ${label} ${be.name}: ${row.note}`);
      }
      rows.push(row);
      o.log(`  ${label} ${be.name}: ${med.medianMs.toPrecision(3)} ms, ${row.gflops!.toFixed(1)} GFLOP/s = ${((row.ofLimit ?? 0) * 100).toFixed(0)}% of ${o.limits.peakGflops.toFixed(1)}`);
      a.free();
    }
  }
  return rows;
}

if (isMain(import.meta.url)) runAlone(name, run).catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
