// The convolution kernels (assembly/conv.ts: im2col patch columns + the gemm kernels) by name, at the shapes
// of the small MNIST CNN (bench/cnn.bench.ts) for one chunk of 64 images: conv1 [1, 28, 28] → 8 filters 3×3 (26×26 out),
// conv2 [8, 13, 13] → 16 filters 3×3 (11×11 out); the forward pass, the weight pass and the input pass
// (conv1's input pass never runs in training: its input needs no gradient, but it is measured). Throughput
// is 2·n·F·OH·OW·C·k·k flops (the useful multiply-adds; im2col's copies are overhead) over the median;
// "of peak" is measured side by side with the f32x4 dot peak probe of bench/lib/machine.ts (as
// bench/gemm.bench.ts). The pooling kernels are memory-bound copies and are reported in GB/s.
// Runs alone: npx tsx bench/conv.bench.ts [--quick]
import { type Row, type RunOptions, measure, innerFor, checkClose, roofline } from './lib/harness.js';
import { backends, binaryOf, Arena } from './lib/backends.js';
import { vector } from './lib/data.js';
import { isMain, runAlone } from './lib/main.js';
import { compileProbe, type Probe } from './lib/machine.js';

export const name = 'conv';

/** Kernel median over the f32x4 dot peak measured in alternation with it (the load drifts within seconds). */
async function pairedOfPeak(p: Probe, fn: () => unknown, flops: number, rounds: number): Promise<{ ratio: number; peak: number; gflops: number }> {
  const N = 1024, reps = 500;
  const a = (pairBuf ??= p.grow(8 * N + 64));
  const v = new Float32Array(p.memory.buffer, a, 2 * N);
  for (let i = 0; i < v.length; i++) v[i] = ((i * 7919) % 1000) / 1000 - 0.5;
  const time = (f: () => unknown, n: number): number => {
    const t = performance.now();
    for (let i = 0; i < n; i++) f();
    return (performance.now() - t) / n;
  };
  const calls = Math.max(1, Math.round((2e6 / flops) * 100));
  const ratios: number[] = [], peaks: number[] = [], gs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const peak = (2 * N * reps) / Math.min(time(() => p.dotRepeat4(a, a + 4 * N, N, reps), 3), time(() => p.dotRepeat8(a, a + 4 * N, N, reps), 3)) / 1e6;
    const g = flops / time(fn, calls) / 1e6;
    ratios.push(g / peak);
    peaks.push(peak);
    gs.push(g);
  }
  const med = (x: number[]): number => x.sort((q, w) => q - w)[x.length >> 1];
  return { ratio: med(ratios), peak: med(peaks), gflops: med(gs) };
}
let pairBuf: number | undefined;

interface Shape { what: string; n: number; C: number; H: number; W: number; F: number; k: number; s: number; pad: number }
const SHAPES: Shape[] = [
  { what: 'MNIST conv1 1→8 3×3 28×28', n: 64, C: 1, H: 28, W: 28, F: 8, k: 3, s: 1, pad: 0 },
  { what: 'MNIST conv2 8→16 3×3 13×13', n: 64, C: 8, H: 13, W: 13, F: 16, k: 3, s: 1, pad: 0 },
];
type Pass = 'forward' | 'direct forward' | 'weights' | 'input';

export async function run(o: RunOptions): Promise<Row[]> {
  const bes = await backends();
  const rows: Row[] = [];
  const t = { timeMs: o.quick ? 150 : 1000, minSamples: o.quick ? 5 : 30 };
  let probe: Probe | undefined;
  let seed = 70;
  for (const sh of SHAPES) {
    const { n, C, H, W, F, k, s, pad } = sh;
    const OH = Math.floor((H + 2 * pad - k) / s) + 1, OW = Math.floor((W + 2 * pad - k) / s) + 1;
    const inLen = n * C * H * W, outLen = n * F * OH * OW, wLen = F * C * k * k;
    const X = vector(inLen, seed++), Wt = vector(wLen, seed++, 0.3), B = vector(F, seed++), DY = vector(outLen, seed++);
    const flops = 2 * n * F * OH * OW * C * k * k;
    // --quick leaves out the direct kernel (the one im2col + gemm beat); the full run compares them.
    for (const pass of (o.quick ? ['forward', 'weights', 'input'] : ['forward', 'direct forward', 'weights', 'input']) as Pass[]) {
      const label = `conv2d ${pass} ${sh.what}, ${n} images`;
      let ref: Float32Array | null = null;
      for (const be of bes) {
        const a = new Arena(be);
        const px = a.f32(X), pw = a.f32(Wt), pb = a.f32(B), pdy = a.f32(DY), py = a.f32(outLen), pdx = a.f32(inLen);
        const pgw = a.f32(wLen), pgb = a.f32(F), col = a.f32(n * OH * OW * C * k * k), tt = a.f32(n * OH * OW * F);
        const pack = a.f32(be.convPackFloats(n, C, F, k, OH, OW)), col2 = a.f32(n * OH * OW * C * k * k);
        // The weight pass reads the patch columns the forward pass leaves in col.
        be.conv2dForward(py, px, pw, pb, n, C, H, W, F, k, s, pad, OH, OW, col, tt, pack);
        const fn = pass === 'forward' ? () => be.conv2dForward(py, px, pw, pb, n, C, H, W, F, k, s, pad, OH, OW, col, tt, pack)
          : pass === 'direct forward' ? () => be.conv2dDirectForward(py, px, pw, pb, n, C, H, W, F, k, s, pad, OH, OW)
          : pass === 'weights' ? () => be.conv2dBackwardWeights(pgw, pgb, pdy, col, n, C, F, k, OH, OW, tt, pack)
            : () => be.conv2dBackwardInput(pdx, pdy, pw, n, C, H, W, F, k, s, pad, OH, OW, col2, tt, pack);
        fn();
        const fw = pass === 'forward' || pass === 'direct forward';
        const got = be.f32(fw ? py : pass === 'weights' ? pgw : pdx, fw ? outLen : pass === 'weights' ? wLen : inLen).slice();
        if (be.name === 'js') ref = got;
        const err = checkClose(`${label} on ${be.name}`, got, ref!, 1e-5 * Math.sqrt(pass === 'weights' ? n * OH * OW : C * k * k));
        const med = await measure(`${label} ${be.name}`, fn, { ...t, inner: innerFor(fn, 2) });
        const row = roofline({ suite: name, case: label, contender: be.name, binary: binaryOf(be.name), ...med, flops, maxRelErr: err }, o.limits);
        if (be.name === 'wasm-simd') {
          probe ??= await compileProbe();
          const pr = await pairedOfPeak(probe, fn, flops, o.quick ? 5 : 21);
          row.note = `paired with the probe: ${(pr.ratio * 100).toFixed(0)}% of peak (${pr.gflops.toFixed(1)} of ${pr.peak.toFixed(1)} GFLOP/s, medians)`;
          o.log(`  ${label} ${be.name}: ${row.note}`);
        }
        rows.push(row);
        o.log(`  ${label} ${be.name}: ${med.medianMs.toPrecision(3)} ms, ${row.gflops!.toFixed(2)} GFLOP/s = ${((row.ofLimit ?? 0) * 100).toFixed(0)}% of ${o.limits.peakGflops.toFixed(1)}`);
        a.free();
      }
    }
  }
  rows.push(...await poolAndNorm(o, bes, t));
  return rows;
}

/**
 * Pooling and batch norm at the MNIST CNN's shapes for a chunk of 64 images: max and average pooling 2×2 of
 * conv1's output [8, 26, 26] and conv2's [16, 11, 11] (floor: the last row and column drop), forward and
 * backward; batch norm (training: batch statistics and the running update) over conv1's output, forward and
 * backward. Memory-bound: reported in GB/s of one pass over what each call reads and writes (f32, the argmax
 * i32); no roofline, these sizes stay in cache.
 */
async function poolAndNorm(o: RunOptions, bes: Awaited<ReturnType<typeof backends>>, t: { timeMs: number; minSamples: number }): Promise<Row[]> {
  const rows: Row[] = [];
  let seed = 90;
  const n = 64;
  for (const [C, H, W] of [[8, 26, 26], [16, 11, 11]] as const) {
    const size = 2, OH = Math.floor(H / size), OW = Math.floor(W / size);
    const inLen = n * C * H * W, outLen = n * C * OH * OW;
    const X = vector(inLen, seed++), DY = vector(outLen, seed++);
    for (const pass of ['maxPool2d forward', 'maxPool2d backward', 'avgPool2d forward', 'avgPool2d backward'] as const) {
      const label = `${pass} 2×2 of [${C}, ${H}, ${W}], ${n} images`;
      const max = pass.startsWith('max'), fw = pass.endsWith('forward');
      // forward: read x, write y (and the argmax); backward: read dy (and the argmax), write dx. Same count.
      const bytes = 4 * (inLen + outLen + (max ? outLen : 0));
      let ref: Float32Array | null = null;
      for (const be of bes) {
        const a = new Arena(be);
        const px = a.f32(X), pdy = a.f32(DY), py = a.f32(outLen), pdx = a.f32(inLen), arg = a.i32(new Int32Array(outLen));
        if (max) be.maxPool2dForward(py, arg, px, n, C, H, W, size, size, OH, OW);
        const fn = pass === 'maxPool2d forward' ? () => be.maxPool2dForward(py, arg, px, n, C, H, W, size, size, OH, OW)
          : pass === 'maxPool2d backward' ? () => be.maxPool2dBackward(pdx, pdy, arg, n, C, H, W, OH, OW)
          : pass === 'avgPool2d forward' ? () => be.avgPool2dForward(py, px, n, C, H, W, size, size, OH, OW)
            : () => be.avgPool2dBackward(pdx, pdy, n, C, H, W, size, size, OH, OW);
        fn();
        const got = be.f32(fw ? py : pdx, fw ? outLen : inLen).slice();
        if (be.name === 'js') ref = got;
        const err = checkClose(`${label} on ${be.name}`, got, ref!, 1e-6);
        const med = await measure(`${label} ${be.name}`, fn, { ...t, inner: innerFor(fn, 2) });
        const row = roofline({ suite: name, case: label, contender: be.name, binary: binaryOf(be.name), ...med, bytes, maxRelErr: err }, o.limits);
        rows.push(row);
        o.log(`  ${label} ${be.name}: ${med.medianMs.toPrecision(3)} ms, ${row.gbs!.toFixed(2)} GB/s`);
        a.free();
      }
    }
  }
  const C = 8, S = 26 * 26, len = n * C * S;
  const X = vector(len, seed++), DY = vector(len, seed++), G = vector(C, seed++, 1), B = vector(C, seed++);
  for (const pass of ['batchNorm forward', 'batchNorm backward'] as const) {
    const label = `${pass} (training) of [${C}, 26, 26], ${n} images`;
    // forward: read x, write y and x̂; backward: read dy and x̂, write dx (the per-channel sums are small).
    const bytes = 4 * 3 * len;
    let ref: Float32Array | null = null;
    for (const be of bes) {
      const a = new Arena(be);
      const px = a.f32(X), pdy = a.f32(DY), py = a.f32(len), pxh = a.f32(len), pdx = a.f32(len);
      const pg = a.f32(G.map((v) => 1 + 0.5 * v)), pb = a.f32(B), pm = a.f32(C), pv = a.f32(new Float32Array(C).fill(1));
      const aux = a.f32(2 * C), gg = a.f32(C), gb = a.f32(C);
      be.batchNormForward(py, pxh, px, pg, pb, pm, pv, aux, n, C, S, 1, 0.1, 1e-5);
      const fn = pass === 'batchNorm forward' ? () => be.batchNormForward(py, pxh, px, pg, pb, pm, pv, aux, n, C, S, 1, 0.1, 1e-5)
        : () => be.batchNormBackward(pdx, gg, gb, pdy, pxh, pg, aux, n, C, S, 1);
      fn();
      const got = be.f32(pass === 'batchNorm forward' ? py : pdx, len).slice();
      if (be.name === 'js') ref = got;
      const err = checkClose(`${label} on ${be.name}`, got, ref!, 1e-4);
      const med = await measure(`${label} ${be.name}`, fn, { ...t, inner: innerFor(fn, 2) });
      const row = roofline({ suite: name, case: label, contender: be.name, binary: binaryOf(be.name), ...med, bytes, maxRelErr: err }, o.limits);
      rows.push(row);
      o.log(`  ${label} ${be.name}: ${med.medianMs.toPrecision(3)} ms, ${row.gbs!.toFixed(2)} GB/s`);
      a.free();
    }
  }
  return rows;
}

if (isMain(import.meta.url)) runAlone(name, run).catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
