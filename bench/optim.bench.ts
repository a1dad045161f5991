// Update rules of assembly/optim/*.ts, by name: every rule descent knows (optimizerNames, so rules
// added later appear here by themselves), one step over n parameters. At 10,000,000 parameters the step
// is a stream over params, grads and state, reported as GB/s next to the measured memory bandwidth.
import { type Row, type RunOptions, measure, innerFor, checkClose, roofline } from './lib/harness.js';
import { backends, binaryOf, Arena } from './lib/backends.js';
import { vector } from './lib/data.js';
import { isMain, runAlone } from './lib/main.js';
import { optimizerNames, resolveOptimizer, type OptimizerOptions } from '../src/optim/index.js';
import { RULE } from '../src/backends/abi.generated.js';

export const name = 'optim';

/** Options that make each rule do its full work (SGD without momentum would touch no state). */
function optionsFor(rule: string): OptimizerOptions {
  if (rule === 'sgd') return { name: 'sgd', lr: 1e-2, momentum: 0.9 };
  return { name: rule } as OptimizerOptions;
}

/**
 * Bytes one step moves per parameter: params read and written, grads read, and each f32 state vector
 * read and written (every rule descent has reads and rewrites all of its state once per step).
 */
export function bytesPerParam(stateVectors: number): number {
  return 4 * (3 + 2 * stateVectors);
}

export async function run(o: RunOptions): Promise<Row[]> {
  const bes = await backends();
  const rows: Row[] = [];
  const sizes = [10_000, 10_000_000];
  for (const n of sizes) {
    const p0 = vector(n, 21, 1), g0 = vector(n, 22, 0.1);
    // --quick: every rule at 10,000 parameters, only Adam (the bandwidth target's rule) at 10,000,000.
    for (const rule of o.quick && n > 10_000 ? ['adam'] : optimizerNames) {
      const opts = optionsFor(rule);
      const r = resolveOptimizer(opts);
      const S = r.stateVectors;
      const per = bytesPerParam(S);
      const label = `${rule}Step n=${n.toLocaleString('en-US')}${rule === 'sgd' ? ' (momentum)' : ''}`;
      let ref: number[] | Float32Array = [];
      const t = { timeMs: o.quick ? 100 : 800, minSamples: o.quick ? 3 : 15 };
      for (const be of bes) {
        const a = new Arena(be);
        const pp = a.f32(p0), pg = a.f32(g0), ps = a.f32(Math.max(1, S * n)), ph = a.f64(r.hyper);
        // Two steps from the same start on every backend: the second one reads non-zero state.
        be.optimStep(RULE[r.spec.name as keyof typeof RULE], pp, pg, ps, n, ph);
        be.optimStep(RULE[r.spec.name as keyof typeof RULE], pp, pg, ps, n, ph);
        const got = be.f32(pp, n).slice();
        if (be.name === 'js') ref = got;
        const err = checkClose(`${label} on ${be.name}`, got, ref, 1e-5);
        const fn = () => be.optimStep(RULE[r.spec.name as keyof typeof RULE], pp, pg, ps, n, ph);
        const m = await measure(`${label} ${be.name}`, fn, { ...t, inner: innerFor(fn, 1) });
        rows.push(roofline({
          suite: name, case: label, contender: be.name, binary: binaryOf(be.name), ...m, bytes: per * n, maxRelErr: err,
          note: `${per} B/param (${S} state vectors)`,
        }, o.limits));
        o.log(`  ${label} ${be.name}: ${m.medianMs.toPrecision(3)} ms`);
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
