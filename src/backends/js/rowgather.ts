// Pure-TS twin of assembly/rowgather.ts: the networks' input gather (f32 rows copied, byte rows converted
// through their table or one f32 operation, then standardized), with the same
// operations in the same order, so its rows hold the bits the wasm gathers write.
import { RUN } from '../abi.generated.js';
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
 * standardized by standardizeF32 when `mean` is given.
 */
export function gatherBytes(out: Float32Array, dst: number, X: Uint8Array, idx: Int32Array, start: number, n: number, d: number,
  convert: number, factor: number, table: Float32Array, mean: Float64Array | null, div: Float64Array | null): void {
  const f = Math.fround(factor);
  for (let r = 0; r < n; r++) {
    const src = idx[start + r] * d, o = dst + r * d;
    if (convert === 0) for (let c = 0; c < d; c++) out[o + c] = table[X[src + c]];
    else if (convert === 1) for (let c = 0; c < d; c++) out[o + c] = X[src + c] * f;
    else for (let c = 0; c < d; c++) out[o + c] = X[src + c] / f;
  }
  if (mean && div) {
    const rows = out.subarray(dst, dst + n * d);
    standardizeF32(rows, rows, n, d, mean, div);
  }
}

/**
 * Twin of gatherInput: rows idx[s .. s+n) of the run's data (d features each) into out at `dst` as f32.
 */
export function gatherInput(mem: JsMemory, r: Float64Array, out: Float32Array, dst: number, s: number, n: number, d: number, training: boolean): void {
  const idx = mem.i32(r[RUN.idx]);
  if (r[RUN.xStorage] === 1) {
    const std = r[RUN.xMean] !== 0;
    gatherBytes(out, dst, bytesOf(mem, r[RUN.X]), idx, s, n, d, r[RUN.xConvert], r[RUN.xFactor], mem.f32(r[RUN.xTable]),
      std ? mem.f64(r[RUN.xMean]) : null, std ? mem.f64(r[RUN.xDiv]) : null);
  } else {
    const X = mem.f32(r[RUN.X]);
    for (let i = 0; i < n; i++) {
      const row = idx[s + i] * d;
      out.set(X.subarray(row, row + d), dst + i * d);
    }
  }
}
