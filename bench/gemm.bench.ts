// The matrix products of dense layers (assembly/gemm.ts), by name: gemmNT (forward, bias + relu fused),
// gemmNN (dX = dZ·W) and gemmTN (dW = dZᵀ·X) at 256³ and at an MLP's real shapes (batch 128, 784 inputs,
// 128 hidden units, 10 outputs). Throughput is 2·m·n·k flops over the median; "of limit" compares it
// with the f32x4 dot peak bench/probe measured in the same run.
import { type Row, type RunOptions, measure, innerFor, checkClose, roofline } from './lib/harness.js';
import { backends, binaryOf, Arena } from './lib/backends.js';
import { vector } from './lib/data.js';
import { isMain, runAlone } from './lib/main.js';
import { ACT_IDENTITY, ACT_RELU } from '../src/backends/js/activations.js';

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
  const t = { timeMs: o.quick ? 300 : 1000, minSamples: o.quick ? 10 : 30 };
  let seed = 50;
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
