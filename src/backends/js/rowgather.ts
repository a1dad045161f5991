// Pure-TS twin of assembly/rowgather.ts: the networks' input gather (f32 rows copied, byte rows converted
// through their table or one f32 operation, then standardized) and the per-row shift of image rows in
// training, with the same
// operations in the same order, so its rows hold the bits the wasm gathers write.
import { AUGMENT, RUN } from '../abi.generated.js';
import type { JsMemory } from './memory.js';
import { standardizeF32 } from './preprocess.js';

/** A block's bytes (byte rows live in an i32 block of ceil(bytes / 4) elements). */
function bytesOf(mem: JsMemory, ptr: number): Uint8Array {
  const v = mem.i32(ptr);
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

/**
 * Twin of gatherBytes: rows idx[start .. start+n) of byte rows X into out at `dst` as f32 values (looked up, or
 * f32(byte) × or ÷ factor in f32: an f64 product or quotient of two f32 rounded once is the f32 one), then
 * standardized by standardizeF32 when `mean` is given (or, with `recip`, by a product with div's reciprocals).
 */
export function gatherBytes(out: Float32Array, dst: number, X: Uint8Array, idx: Int32Array, start: number, n: number, d: number,
  convert: number, factor: number, table: Float32Array, mean: Float64Array | null, div: Float64Array | null, recip = false): void {
  const f = Math.fround(factor);
  for (let r = 0; r < n; r++) {
    const src = idx[start + r] * d, o = dst + r * d;
    if (convert === 0) for (let c = 0; c < d; c++) out[o + c] = table[X[src + c]];
    else if (convert === 1) for (let c = 0; c < d; c++) out[o + c] = X[src + c] * f;
    else for (let c = 0; c < d; c++) out[o + c] = X[src + c] / f;
  }
  if (mean && div) {
    const rows = out.subarray(dst, dst + n * d);
    if (!recip) standardizeF32(rows, rows, n, d, mean, div);
    else for (let i = 0; i < rows.length; i++) rows[i] = (rows[i] - mean[i % d]) * div[i % d];
  }
}

function mix32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** Twin of augmentShift: the shift (dx, dy) in [−shift, shift]² of data row `row` in `epoch`. */
export function augmentShift(seed: number, epoch: number, row: number, shift: number): { dx: number; dy: number } {
  const h = mix32((mix32((mix32(seed >>> 0) ^ epoch) >>> 0) ^ row) >>> 0);
  const m = 2 * shift + 1;
  return { dx: ((h & 0xffff) % m) - shift, dy: ((h >>> 16) % m) - shift };
}

/** Twin of shiftImage: the [C, H, W] row at out[p ..] shifted in place by (dx, dy), zeros where nothing comes from. */
export function shiftImage(out: Float32Array, p: number, C: number, H: number, W: number, dx: number, dy: number): void {
  if (dx === 0 && dy === 0) return;
  const line = (base: number, y: number): void => {
    const dst = base + y * W, sy = y - dy;
    if (sy < 0 || sy >= H) {
      out.fill(0, dst, dst + W);
      return;
    }
    const src = base + sy * W;
    // copyWithin allows overlap, as memory.copy does.
    if (dx >= 0) {
      out.copyWithin(dst + dx, src, src + W - dx);
      out.fill(0, dst, dst + dx);
    } else {
      out.copyWithin(dst, src - dx, src + W);
      out.fill(0, dst + W + dx, dst + W);
    }
  };
  for (let ch = 0; ch < C; ch++) {
    const base = p + ch * H * W;
    if (dy > 0) for (let y = H - 1; y >= 0; y--) line(base, y);
    else for (let y = 0; y < H; y++) line(base, y);
  }
}

/** Twin of augmentRows: each of the n rows at out[dst ..] (data rows idx[start ..]) shifted by its (dx, dy). */
export function augmentRows(out: Float32Array, dst: number, idx: Int32Array, start: number, n: number, aug: Float64Array): void {
  const shift = aug[AUGMENT.shift], C = aug[AUGMENT.channels], H = aug[AUGMENT.height], W = aug[AUGMENT.width];
  const seed = aug[AUGMENT.seed] >>> 0, epoch = aug[AUGMENT.epoch] >>> 0;
  for (let r = 0; r < n; r++) {
    const { dx, dy } = augmentShift(seed, epoch, idx[start + r] >>> 0, shift);
    shiftImage(out, dst + r * C * H * W, C, H, W, dx, dy);
  }
}

/**
 * Twin of gatherInput: rows idx[s .. s+n) of the run's data (d features each) into out at `dst` as f32,
 * then, when `training` and the run has an augmentation record, each row shifted.
 */
export function gatherInput(mem: JsMemory, r: Float64Array, out: Float32Array, dst: number, s: number, n: number, d: number, training: boolean): void {
  const idx = mem.i32(r[RUN.idx]);
  if (r[RUN.xStorage] === 1) {
    const std = r[RUN.xMean] !== 0;
    gatherBytes(out, dst, bytesOf(mem, r[RUN.X]), idx, s, n, d, r[RUN.xConvert], r[RUN.xFactor], mem.f32(r[RUN.xTable]),
      std ? mem.f64(r[RUN.xMean]) : null, std ? mem.f64(r[RUN.xDiv]) : null, r[RUN.xRecip] === 1);
  } else {
    const X = mem.f32(r[RUN.X]);
    for (let i = 0; i < n; i++) {
      const row = idx[s + i] * d;
      out.set(X.subarray(row, row + d), dst + i * d);
    }
  }
  if (training && r[RUN.augment]) augmentRows(out, dst, idx, s, n, mem.f64(r[RUN.augment]));
}
