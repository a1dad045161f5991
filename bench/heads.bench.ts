// The loss heads of assembly/heads.ts, by name: headSoftmax, headLogistic and headSquared on one 128-row
// chunk, at an MNIST classifier's 10 classes and a character model's 100-symbol vocabulary. Like the
// activations they are small next to the matrix products; the figure is rows per second and × js.
import { type Row, type RunOptions, measure, innerFor } from './lib/harness.js';
import { backends, binaryOf, Arena, iota } from './lib/backends.js';
import { vector } from './lib/data.js';
import { isMain, runAlone } from './lib/main.js';

export const name = 'heads';

type Head = 'headSoftmax' | 'headLogistic' | 'headSquared';
const CASES: { head: Head; k: number }[] = [
  { head: 'headSoftmax', k: 10 },
  { head: 'headSoftmax', k: 100 },
  { head: 'headLogistic', k: 1 },
  { head: 'headSquared', k: 10 },
];

/** Runs the suite: one row per (head, width, backend); every backend's loss is first checked against js. */
export async function run(o: RunOptions): Promise<Row[]> {
  const bes = await backends();
  const rows: Row[] = [];
  const t = { timeMs: o.quick ? 200 : 600, minSamples: o.quick ? 10 : 30 };
  const count = 128;
  for (const { head, k } of CASES) {
    const label = `${head} 128×${k}`;
    const Z = vector(count * k, 81 + k, 3);
    // Targets: a class index per row (softmax), a 0/1 label per row (logistic), k values per row (squared).
    const y = head === 'headSoftmax' ? Float32Array.from({ length: count }, (_, i) => (i * 7) % k)
      : head === 'headLogistic' ? Float32Array.from({ length: count }, (_, i) => i % 2)
        : vector(count * k, 91, 2);
    let ref = NaN;
    for (const be of bes) {
      const a = new Arena(be);
      const pZ = a.f32(Z), pdZ = a.f32(count * k), py = a.f32(y), pIdx = a.i32(iota(count));
      const fn = () => be[head](pdZ, pZ, py, pIdx, 0, count, k, k);
      const loss = fn();
      if (be.name === 'js') ref = loss;
      const err = Math.abs(loss - ref) / Math.max(1e-12, Math.abs(ref));
      if (!(err <= 1e-6)) throw new Error(`equality check failed for ${label} on ${be.name}: loss ${loss} vs js ${ref}`);
      const med = await measure(`${label} ${be.name}`, fn, { ...t, inner: innerFor(fn, 1) });
      const row: Row = { suite: name, case: label, contender: be.name, binary: binaryOf(be.name), ...med, maxRelErr: err };
      row.note = `${(count / med.medianMs / 1e3).toFixed(2)} M rows/s`;
      rows.push(row);
      o.log(`  ${label} ${be.name}: ${(med.medianMs * 1e3).toPrecision(3)} µs, ${row.note}`);
      a.free();
    }
  }
  return rows;
}

if (isMain(import.meta.url)) runAlone(name, run).catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
