// Level-1 kernels of assembly/linalg.ts, by name: dotF32 and axpyF32, in L1, in L2 and from DRAM.
import { type Row, type RunOptions, measure, innerFor, checkClose, roofline } from './lib/harness.js';
import { backends, binaryOf, Arena } from './lib/backends.js';
import { vector } from './lib/data.js';
import { isMain, runAlone } from './lib/main.js';

export const name = 'linalg';

export async function run(o: RunOptions): Promise<Row[]> {
  const sizes = o.quick ? [1024, 65536] : [1024, 65536, 1 << 20, 1 << 24];
  const bes = await backends();
  const rows: Row[] = [];
  const t = { timeMs: o.quick ? 150 : 600, minSamples: o.quick ? 10 : 30 };
  for (const n of sizes) {
    const where = n * 8 <= 32 << 10 ? 'L1' : n * 8 <= 1 << 20 ? 'L2' : n * 8 <= 16 << 20 ? 'L3' : 'DRAM';
    const x = vector(n, 11), y = vector(n, 12);
    // dotF32: the same sum on every backend (to f32 rounding of a reduction).
    const label = `dotF32 n=${n} (${(n * 4) >> 10} KB/array, ${where})`;
    let ref = NaN;
    for (const be of bes) {
      const a = new Arena(be);
      const pa = a.f32(x), pb = a.f32(y);
      const got = be.dotF32(pa, pb, n);
      if (be.name === 'js') ref = got;
      const err = checkClose(`${label} on ${be.name}`, [got], [ref], 1e-4 * Math.sqrt(n) / Math.max(1e-3, Math.abs(ref)) + 1e-5);
      const fn = () => be.dotF32(pa, pb, n);
      const m = await measure(`${label} ${be.name}`, fn, { ...t, inner: innerFor(fn) });
      rows.push(roofline({ suite: name, case: label, contender: be.name, binary: binaryOf(be.name), ...m, flops: 2 * n, bytes: 8 * n, maxRelErr: err }, o.limits));
      o.log(`  ${label} ${be.name}: ${m.medianMs.toPrecision(3)} ms`);
      a.free();
    }
    // axpyF32: y += αx, elementwise, so every backend gives the same floats (js rounds once, in f64).
    const alabel = `axpyF32 n=${n} (${where})`;
    let aref: Float32Array | null = null;
    for (const be of bes) {
      const a = new Arena(be);
      const py = a.f32(y), px = a.f32(x);
      be.axpyF32(py, 0.5, px, n);
      const got = be.f32(py, n).slice();
      if (be.name === 'js') aref = got;
      const err = checkClose(`${alabel} on ${be.name}`, got, aref!, 1e-6);
      // Alternating ±α keeps y bounded however many calls the timer makes.
      let s = 1e-3;
      const fn = () => be.axpyF32(py, (s = -s), px, n);
      const m = await measure(`${alabel} ${be.name}`, fn, { ...t, inner: innerFor(fn) });
      rows.push(roofline({ suite: name, case: alabel, contender: be.name, binary: binaryOf(be.name), ...m, flops: 2 * n, bytes: 12 * n, maxRelErr: err }, o.limits));
      o.log(`  ${alabel} ${be.name}: ${m.medianMs.toPrecision(3)} ms`);
      a.free();
    }
  }
  return rows;
}

if (isMain(import.meta.url)) runAlone(name, run).catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
