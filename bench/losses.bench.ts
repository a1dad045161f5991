// Fused loss + gradient kernels of assembly/losses.ts, by name, over all rows (full batch): one pass
// over X per call, so the big shapes are bandwidth-or-f32x4 bound and the small ones show overheads.
import { type Row, type RunOptions, measure, innerFor, checkClose, roofline } from './lib/harness.js';
import { backends, binaryOf, Arena, iota } from './lib/backends.js';
import { problem, vector, shape } from './lib/data.js';
import { isMain, runAlone } from './lib/main.js';
import { LOSS } from '../src/backends/abi.generated.js';
import { Run } from '../src/runtime/run.js';

export const name = 'losses';

// y: which labels the loss reads; eps: the ε of Huber and epsilon-insensitive, about the residuals'
// spread at the start, so both branches of each loss run.
const KERNELS = [
  { kernel: 'lossGradSquared', code: LOSS.squared, k: 1, y: 'real', eps: 0 },
  { kernel: 'lossGradLogistic', code: LOSS.logistic, k: 1, y: 'bin', eps: 0 },
  { kernel: 'lossGradSoftmax', code: LOSS.softmax, k: 10, y: 'class', eps: 0 },
  { kernel: 'lossGradHinge', code: LOSS.hinge, k: 1, y: 'bin', eps: 0 },
  { kernel: 'lossGradSquaredHinge', code: LOSS.squaredHinge, k: 1, y: 'bin', eps: 0 },
  { kernel: 'lossGradModifiedHuber', code: LOSS.modifiedHuber, k: 1, y: 'bin', eps: 0 },
  { kernel: 'lossGradHuber', code: LOSS.huber, k: 1, y: 'real', eps: 0.5 },
  { kernel: 'lossGradEpsilonInsensitive', code: LOSS.epsilonInsensitive, k: 1, y: 'real', eps: 0.5 },
] as const;

// `npx tsx bench/losses.bench.ts --kernels Hinge,Huber`: only the kernels whose name contains one of the parts.
function selected(): readonly (typeof KERNELS)[number][] {
  const a = process.argv.find((s) => s.startsWith('--kernels'));
  if (!a) return KERNELS;
  const parts = (a.includes('=') ? a.split('=')[1] : process.argv[process.argv.indexOf(a) + 1]).split(',');
  return KERNELS.filter((k) => parts.some((p) => k.kernel.includes(p)));
}

export async function run(o: RunOptions): Promise<Row[]> {
  // --quick: a shape in cache and one of 4 MB (the 40 MB one alone took a minute on a loaded host: js softmax).
  const shapes: [number, number][] = o.quick ? [[1000, 10], [10000, 100]] : [[1000, 10], [10000, 100], [100000, 100], [1000000, 32]];
  const bes = await backends();
  const rows: Row[] = [];
  for (const [n, d] of shapes) {
    const P = problem(n, d);
    const idx = iota(n);
    for (const { kernel, code, k, y: labels, eps } of selected()) {
      const y = labels === 'real' ? P.yReal : labels === 'bin' ? P.yBin : P.yClass;
      const nP = k * (d + 1);
      const params = vector(nP, 7, 0.1);
      const label = `${kernel} ${shape(n, d)}${k > 1 ? ` k=${k}` : ''}`;
      let ref: number[] = [];
      const flops = 4 * n * d * k;
      const bytes = 4 * n * d + 8 * n; // X once, plus y and the index array
      const t = { timeMs: o.quick ? 100 : 800, minSamples: o.quick ? 3 : 15 };
      for (const be of bes) {
        const a = new Arena(be);
        const pX = a.f32(P.X), py = a.f32(y), pi = a.i32(idx), pp = a.f32(params), pg = a.f32(nP), ps = a.f32(k);
        const desc = new Run(be, { loss: code, grads: pg, params: pp, X: pX, y: py, idx: pi, features: d, outputs: k, l2: 1e-4, scratch: ps, lossParam: eps });
        const L = be.lossGrad(desc.ptr, 0, n);
        const got = [L, ...be.f32(pg, nP)];
        if (be.name === 'js') ref = got;
        const err = checkClose(`${label} on ${be.name}`, got, ref, 1e-4);
        const fn = () => be.lossGrad(desc.ptr, 0, n);
        const m = await measure(`${label} ${be.name}`, fn, { ...t, inner: innerFor(fn, 2) });
        rows.push(roofline({ suite: name, case: label, contender: be.name, binary: binaryOf(be.name), ...m, flops, bytes, maxRelErr: err }, o.limits));
        o.log(`  ${label} ${be.name}: ${m.medianMs.toPrecision(3)} ms`);
        desc.dispose();
        a.free();
      }
    }
  }
  return rows;
}

if (isMain(import.meta.url)) runAlone(name, run).catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
