// The preprocessing kernels of assembly/preprocess.ts, by name: colMoments (the statistics train() fits by
// default) and standardizeF32 (the standardized copy it trains on), over MNIST's shape (10,000 × 784). They
// are memory passes: the note gives GB/s of f32 read (and written); every backend's result is first checked
// against js, bit for bit.
import { type Row, type RunOptions, measure, innerFor } from './lib/harness.js';
import { backends, binaryOf, Arena } from './lib/backends.js';
import { vector } from './lib/data.js';
import { isMain, runAlone } from './lib/main.js';

export const name = 'preprocess';

/** Runs the suite: one row per (kernel, backend). */
export async function run(o: RunOptions): Promise<Row[]> {
  const bes = await backends();
  const out: Row[] = [];
  const t = { timeMs: o.quick ? 300 : 1000, minSamples: o.quick ? 5 : 15 };
  const rows = o.quick ? 2000 : 10000, d = 784;
  const X = vector(rows * d, 5, 1);
  const label = `${rows}×${d}`;
  const refs: Record<string, Float64Array | Float32Array> = {};
  for (const be of bes) {
    const a = new Arena(be);
    const px = a.f32(X), po = a.f32(rows * d), pm = a.f64(d), ps = a.f64(d);
    const mean = () => be.f64(pm, d), m2 = () => be.f64(ps, d);
    const moments = () => {
      mean().fill(0);
      m2().fill(0);
      be.colMoments(pm, ps, px, rows, d, 0);
    };
    moments();
    const stats = Float64Array.from([...mean(), ...m2()]);
    // Standardize with the fitted statistics (the divisor of a constant column is 1).
    const div = m2().map((v) => (v > 0 ? Math.sqrt(v / rows) : 1));
    m2().set(div);
    const standardize = () => be.standardizeF32(po, px, rows, d, pm, ps);
    standardize();
    const result = be.f32(po, rows * d).slice();
    if (be.name === 'js') {
      refs.stats = stats;
      refs.result = result;
    } else if (stats.some((v, i) => !Object.is(v, refs.stats[i])) || result.some((v, i) => !Object.is(v, refs.result[i]))) {
      throw new Error(`equality check failed on ${be.name}: not bit-identical to js`);
    }
    for (const [kernel, fn, bytes] of [['colMoments', moments, 4 * rows * d], ['standardizeF32', standardize, 8 * rows * d]] as const) {
      const med = await measure(`${kernel} ${label} ${be.name}`, fn, { ...t, inner: innerFor(fn, 1) });
      const row: Row = { suite: name, case: `${kernel} ${label}`, contender: be.name, binary: binaryOf(be.name), ...med, maxRelErr: 0 };
      row.note = `${(bytes / med.medianMs / 1e6).toFixed(2)} GB/s`;
      out.push(row);
      o.log(`  ${kernel} ${label} ${be.name}: ${med.medianMs.toPrecision(3)} ms, ${row.note}`);
    }
    a.free();
  }
  return out;
}

if (isMain(import.meta.url)) runAlone(name, run).catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
