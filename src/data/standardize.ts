// Column statistics and standardization of rows already in backend memory, by the backend's kernels
// (assembly/preprocess.ts, js twins in src/backends/js/preprocess.ts): one pass each, in f64 per element,
// the same operations as the streaming Moments, so the three agree bit for bit. train() standardizes by
// default, and on MNIST (10,000 × 784) the JS loops this replaces cost ~0.3–0.5 s per call.
import type { Backend } from '../runtime/index.js';
import { Block, disposeAll } from '../runtime/block.js';

/** Mean and population standard deviation of each of `d` columns over `rows` rows at `x` (f32). */
export function columnStats(be: Backend, x: Block<'f32'>, rows: number, d: number): { mean: Float64Array; std: Float64Array } {
  return columnMoments(be, rows, d, (mean, m2) => be.colMoments(mean, m2, x.ptr, rows, d, 0));
}

/**
 * Mean and population standard deviation of `d` columns over `rows` rows fed by `feed`, which runs the backend's
 * colMoments on the rows (in pieces, each after the rows before it) into the f64 accumulators at `mean` and `m2`.
 */
export function columnMoments(be: Backend, rows: number, d: number, feed: (mean: number, m2: number) => void): { mean: Float64Array; std: Float64Array } {
  const mean = new Block(be, 'f64', d);
  let m2: Block<'f64'> | undefined;
  try {
    m2 = new Block(be, 'f64', d);
    mean.view.fill(0);
    m2.view.fill(0);
    feed(mean.ptr, m2.ptr);
    return { mean: mean.view.slice(), std: m2.view.map((v) => Math.sqrt(v / rows)) };
  } finally {
    disposeAll(mean, m2);
  }
}

/**
 * out = f32((x − mean) / div) per column over `rows` rows of `d` columns, in the backend (out may be x).
 * Returns −1, or the flat index of the first value that would leave the f32 range (values before it are
 * written: callers that must lose nothing write into a fresh block).
 */
export function standardizeRows(be: Backend, out: Block<'f32'>, x: Block<'f32'>, rows: number, d: number,
  mean: ArrayLike<number>, div: ArrayLike<number>): number {
  const m = new Block(be, 'f64', d);
  let s: Block<'f64'> | undefined;
  try {
    s = new Block(be, 'f64', d);
    m.view.set(mean);
    s.view.set(div);
    return be.standardizeF32(out.ptr, x.ptr, rows, d, m.ptr, s.ptr);
  } finally {
    disposeAll(m, s);
  }
}
