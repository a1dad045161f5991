// The elementwise network kernels of assembly/activations.ts, by name: actForward and actBackward for every
// activation, and dropoutMask, on one 128-row chunk of a 128-unit hidden layer (16,384 values, in cache:
// the shape the batch loop hands them). They are tiny next to the matrix products (an MLP 784-128-10 chunk
// spends ~25 MFLOP in gemm and 16k elements here), so the figure that matters is elements per second and
// the share of a chunk's time; "of limit" is left empty: in cache there is no bandwidth roofline and the
// transcendental activations have no single flop count.
import { type Row, type RunOptions, measure, innerFor, checkClose } from './lib/harness.js';
import { backends, binaryOf, Arena } from './lib/backends.js';
import { vector } from './lib/data.js';
import { isMain, runAlone } from './lib/main.js';
import { ACT_RELU, ACT_LEAKY_RELU, ACT_TANH, ACT_SIGMOID, ACT_GELU } from '../src/backends/js/activations.js';

export const name = 'activations';

const ACTS: [string, number][] = [['relu', ACT_RELU], ['leakyRelu', ACT_LEAKY_RELU], ['tanh', ACT_TANH], ['sigmoid', ACT_SIGMOID], ['gelu', ACT_GELU]];
const SLOPE = 0.01;

/** Runs the suite: one row per (kernel, activation, backend). */
export async function run(o: RunOptions): Promise<Row[]> {
  const bes = await backends();
  const rows: Row[] = [];
  const t = { timeMs: o.quick ? 100 : 600, minSamples: o.quick ? 5 : 30 };
  const n = 128 * 128;
  const X = vector(n, 71, 4), dY = vector(n, 72);
  const cases: { label: string; make: (be: Arena) => { fn: () => unknown; out: () => Float32Array }; tol: number }[] = [];
  for (const [act, code] of ACTS) {
    // relu and leaky relu are exact in every backend; the others are float32 approximations of tanh/exp.
    const tol = code <= ACT_LEAKY_RELU ? 0 : 1e-5;
    cases.push({
      label: `actForward ${act} 128×128`, tol,
      make: (a) => {
        const pX = a.f32(X), pY = a.f32(n);
        return { fn: () => a.be.actForward(pY, pX, n, code, SLOPE), out: () => a.be.f32(pY, n).slice() };
      },
    });
    cases.push({
      label: `actBackward ${act} 128×128`, tol,
      make: (a) => {
        const pX = a.f32(X), pV = a.f32(n), pdY = a.f32(dY), pdX = a.f32(n);
        // V is what the batch loop keeps: the activation's output (its input for gelu).
        if (code === ACT_GELU) a.be.f32(pV, n).set(X);
        else a.be.actForward(pV, pX, n, code, SLOPE);
        return { fn: () => a.be.actBackward(pdX, pdY, pV, n, code, SLOPE), out: () => a.be.f32(pdX, n).slice() };
      },
    });
  }
  cases.push({
    label: 'dropoutMask rate 0.2, 128×128', tol: 0,
    make: (a) => {
      const pMask = a.f32(n), pRng = a.i32([0, 0, 0, 0]);
      // The same xoshiro128** words before every call, so each call draws the same mask (bit-identical across backends).
      const seed = () => a.be.i32(pRng, 4).set([0x9e3779b9, 0x243f6a88, 0xb7e15162, 0x12345678]);
      return {
        fn: () => { seed(); a.be.dropoutMask(pMask, n, 0.2, pRng); },
        out: () => a.be.f32(pMask, n).slice(),
      };
    },
  });
  for (const c of cases) {
    let ref: Float32Array | null = null;
    for (const be of bes) {
      const a = new Arena(be);
      const { fn, out } = c.make(a);
      fn();
      const got = out();
      if (be.name === 'js') ref = got;
      const err = checkClose(`${c.label} on ${be.name}`, got, ref!, c.tol);
      const med = await measure(`${c.label} ${be.name}`, fn, { ...t, inner: innerFor(fn, 1) });
      const row: Row = { suite: name, case: c.label, contender: be.name, binary: binaryOf(be.name), ...med, maxRelErr: err };
      row.note = `${(n / med.medianMs / 1e6).toFixed(2)} G elements/s`;
      rows.push(row);
      o.log(`  ${c.label} ${be.name}: ${(med.medianMs * 1e3).toPrecision(3)} µs, ${row.note}`);
      a.free();
    }
  }
  return rows;
}

if (isMain(import.meta.url)) runAlone(name, run).catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
