// The measuring core shared by every suite: one tinybench task per (case, contender), medians only,
// an equality check of every contender against `js` before anything is timed, and the roofline
// arithmetic that turns a median into "fraction of this machine's limit".
import type { Limits } from './machine.js';

export { measure, type TimedOptions } from './measure.js';

/** Options every suite receives from bench/index.ts. */
export interface RunOptions {
  /** `--quick`: small sizes only, shorter time budgets (the whole run stays under 2 minutes). */
  quick: boolean;
  /** The machine's limits measured at the start of the run. */
  limits: Limits;
  /** Progress lines go here (stderr), so stdout carries only the table. */
  log: (line: string) => void;
}

/** One measured (case, contender) pair, as written to bench/results/latest.json. */
export interface Row {
  suite: string;
  /** What was computed, e.g. `lossGradLogistic 100000×100`. */
  case: string;
  /** The contender: `js`, `wasm-scalar`, `wasm-simd`, `tfjs-wasm`, `tfjs-cpu`. */
  contender: string;
  /** The binary that ran, e.g. `descent.simd.wasm` or `tfjs-backend-wasm-simd.wasm`. */
  binary: string;
  /** Median milliseconds per call of the case (scaled to a whole epoch where `note` says so). */
  medianMs: number;
  /** Samples behind the median, and their relative margin of error (%). */
  samples: number;
  rme: number;
  /** Work per call: floating-point operations and bytes of one pass over the data. */
  flops?: number;
  bytes?: number;
  /** Throughput in the unit that matters for this case. */
  gflops?: number;
  gbs?: number;
  /** Roofline: the best time this machine allows for the case, and median / that (≤ 1). */
  limitMs?: number;
  limitKind?: 'bandwidth' | 'f32x4' | 'f32x4 dot peak';
  ofLimit?: number;
  /** js median / this median, TF.js-wasm median / this median (same case). */
  vsJs?: number;
  vsTfWasm?: number;
  /** CPU milliseconds per call (process.cpuUsage), where a suite records it: less sensitive than the
   * wall-clock median to other processes on a shared host. */
  cpuMs?: number;
  /** Largest relative deviation from `js` found by the equality check. */
  maxRelErr?: number;
  note?: string;
}

/** Number of calls that make one sample last about `targetMs` (from one timed probe call). */
export function innerFor(fn: () => unknown, targetMs = 0.5): number {
  fn();
  let n = 1;
  for (;;) {
    const t = performance.now();
    for (let i = 0; i < n; i++) fn();
    const dt = performance.now() - t;
    if (dt >= targetMs / 4 || n >= 1 << 24) return Math.max(1, Math.round((n * targetMs) / Math.max(dt, 1e-6)));
    n *= 4;
  }
}

/** Largest |a − b| relative to the largest |b| (at least `floor`), over the first n values. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-6): number {
  if (a.length !== b.length) return Infinity;
  let d = 0, m = floor;
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]) || !Number.isFinite(b[i])) return Infinity;
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return d / m;
}

/** Throws unless `got` agrees with `ref` to `tol`; returns the deviation for the record. */
export function checkClose(what: string, got: ArrayLike<number>, ref: ArrayLike<number>, tol: number): number {
  const e = relErr(got, ref);
  if (!(e <= tol)) {
    throw new Error(`equality check failed for ${what}: max relative deviation ${e.toExponential(2)} > ${tol} ` +
      `(first values ${Array.from(got).slice(0, 3).map((v) => v.toPrecision(6))} vs ${Array.from(ref).slice(0, 3).map((v) => v.toPrecision(6))})`);
  }
  return e;
}

/** Data of this size or more is taken to come from DRAM (the L3 of these machines is 32 MB); below it,
 * only the in-cache f32x4 bound applies. */
export const DRAM_BYTES = 32 << 20;

/**
 * Fills the derived fields of a row: throughput, roofline and fraction of it. The roofline is the
 * slower of one pass over `bytes` at the measured memory bandwidth and `flops` at the in-cache f32x4
 * dot peak; the bandwidth bound counts only for data too large for the caches. Kernels without a flop
 * count (update rules) thus get a limit only at DRAM sizes.
 */
export function roofline(row: Row, limits: Limits): Row {
  const s = row.medianMs / 1e3;
  if (row.flops !== undefined) row.gflops = row.flops / s / 1e9;
  if (row.bytes !== undefined) row.gbs = row.bytes / s / 1e9;
  const tb = row.bytes !== undefined && row.bytes >= DRAM_BYTES ? row.bytes / (limits.bandwidthGBs * 1e9) : 0;
  const tf = row.flops !== undefined ? row.flops / (limits.peakGflops * 1e9) : 0;
  if (tb === 0 && tf === 0) return row;
  row.limitMs = Math.max(tb, tf) * 1e3;
  row.limitKind = tb >= tf ? 'bandwidth' : 'f32x4';
  row.ofLimit = row.limitMs / row.medianMs;
  return row;
}

/** Adds the vs-js and vs-TF.js-wasm ratios to every row of one case. */
export function addRatios(rows: Row[]): void {
  const byCase = new Map<string, Row[]>();
  for (const r of rows) {
    const k = r.suite + '\u0000' + r.case;
    byCase.set(k, [...(byCase.get(k) ?? []), r]);
  }
  for (const group of byCase.values()) {
    const js = group.find((r) => r.contender === 'js');
    const tf = group.find((r) => r.contender === 'tfjs-wasm');
    for (const r of group) {
      if (js) r.vsJs = js.medianMs / r.medianMs;
      if (tf) r.vsTfWasm = tf.medianMs / r.medianMs;
    }
  }
}

/** Milliseconds shown with three significant digits (µs below 0.1 ms). */
export function fmtMs(ms: number): string {
  if (ms < 0.1) return `${(ms * 1e3).toPrecision(3)} µs`;
  if (ms < 1000) return `${ms.toPrecision(3)} ms`;
  return `${(ms / 1e3).toPrecision(3)} s`;
}

/** Markdown table of rows. */
export function table(rows: Row[]): string {
  const head = ['suite', 'case', 'contender', 'binary', 'median', 'throughput', 'of limit', '× js', '× TF.js wasm', 'note'];
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map((h, i) => (i >= 4 && i <= 8 ? '---:' : '---')).join(' | ')} |`];
  for (const r of rows) {
    const tp = r.gflops !== undefined && r.limitKind !== 'bandwidth' && r.flops !== undefined
      ? `${r.gflops.toFixed(2)} GFLOP/s`
      : r.gbs !== undefined ? `${r.gbs.toFixed(1)} GB/s` : '';
    const lim = r.ofLimit !== undefined ? `${(r.ofLimit * 100).toFixed(0)}% (${r.limitKind === 'bandwidth' ? 'BW' : 'f32x4'})` : '—';
    const x = (v?: number) => (v === undefined ? '—' : v >= 10 ? v.toFixed(0) + '×' : v.toFixed(2) + '×');
    lines.push(`| ${[r.suite, r.case, r.contender, r.binary, fmtMs(r.medianMs), tp, lim, x(r.vsJs), x(r.vsTfWasm), r.note ?? ''].join(' | ')} |`);
  }
  return lines.join('\n');
}
