// The networks' input gather: rows idx[s .. s+n) of the dataset into a chunk's input, as the run's slots say
// the rows are stored.
//
// Byte rows (xStorage 1) are turned into f32 here, row by row, instead of once for the whole dataset: 70,000
// MNIST images are 55 MB as bytes and 220 MB as f32. A byte's value is byte × scale rounded to f32 once, as the
// f32 copy of the same data holds it: where one f32 multiplication or division gives all 256 of them bit for
// bit (src/data/bytes.ts checks; 1/255 is a division by 255), 16 bytes are converted per SIMD step, else each
// byte is looked up in the table. Standardized rows then go through standardizeF32 (assembly/preprocess.ts),
// the operations the f32 rows were standardized with: a byte row gathered here holds the bits its f32 twin holds.
import {
  RUN_X, RUN_IDX, RUN_X_STORAGE, RUN_X_TABLE, RUN_X_CONVERT, RUN_X_FACTOR, RUN_X_MEAN, RUN_X_DIV,
} from "./abi.generated";
import { gather, parGather } from "./pargather";
import { standardizeF32 } from "./preprocess";
import { ptr, int } from "./slots";

/** The values of d bytes at src into out (f32): `convert` 0 looks them up in `table`, 1 multiplies by `factor`, 2 divides. */
// @ts-ignore: decorator
@inline
function byteRow(out: usize, src: usize, d: i32, convert: i32, factor: f32, table: usize): void {
  let c = 0;
  if (convert == 0) {
    for (; c < d; c++) store<f32>(out + (<usize>c << 2), load<f32>(table + (<usize>load<u8>(src + <usize>c) << 2)));
    return;
  }
  if (ASC_FEATURE_SIMD) {
    // Each lane does the scalar loop's one f32 operation on the same operands: the same bits.
    const f = f32x4.splat(factor);
    for (; c + 16 <= d; c += 16) {
      const v = v128.load(src + <usize>c);
      const lo = i16x8.extend_low_i8x16_u(v), hi = i16x8.extend_high_i8x16_u(v);
      const a = f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(lo)), b = f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(lo));
      const e = f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(hi)), g = f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(hi));
      const o = out + (<usize>c << 2);
      if (convert == 1) {
        v128.store(o, f32x4.mul(a, f));
        v128.store(o + 16, f32x4.mul(b, f));
        v128.store(o + 32, f32x4.mul(e, f));
        v128.store(o + 48, f32x4.mul(g, f));
      } else {
        v128.store(o, f32x4.div(a, f));
        v128.store(o + 16, f32x4.div(b, f));
        v128.store(o + 32, f32x4.div(e, f));
        v128.store(o + 48, f32x4.div(g, f));
      }
    }
  }
  if (convert == 1) for (; c < d; c++) store<f32>(out + (<usize>c << 2), <f32>load<u8>(src + <usize>c) * factor);
  else for (; c < d; c++) store<f32>(out + (<usize>c << 2), <f32>load<u8>(src + <usize>c) / factor);
}

/**
 * Rows idx[start .. start+n) of byte rows X (d bytes each) into dst as f32 values (see byteRow), then, when
 * `mean` is not 0, standardized in place: f32((value − mean[c]) / div[c]) in f64, as standardizeF32.
 */
export function gatherBytes(dst: usize, X: usize, idx: usize, start: i32, n: i32, d: i32, convert: i32, factor: f32, table: usize,
  mean: usize, div: usize): void {
  for (let r = 0; r < n; r++) {
    const src = X + <usize>load<i32>(idx + (<usize>(start + r) << 2)) * <usize>d;
    byteRow(dst + ((<usize>r * <usize>d) << 2), src, d, convert, factor, table);
  }
  // The statistics were checked against every byte's value when the dataset was made: no value leaves f32.
  if (mean != 0) standardizeF32(dst, dst, n, d, mean, div);
}

/**
 * Rows idx[s .. s+n) of the run's data (d features each) into dst as f32: f32 rows copied (split among the
 * pool's threads when `parallel`), byte rows converted. `training` is the run's training flag.
 */
export function gatherInput(run: usize, dst: usize, s: i32, n: i32, d: i32, training: bool, parallel: bool): void {
  const X = ptr(run, RUN_X), idx = ptr(run, RUN_IDX);
  if (int(run, RUN_X_STORAGE) == 1) {
    gatherBytes(dst, X, idx, s, n, d, int(run, RUN_X_CONVERT), <f32>load<f64>(run + RUN_X_FACTOR), ptr(run, RUN_X_TABLE),
      ptr(run, RUN_X_MEAN), ptr(run, RUN_X_DIV));
  } else if (parallel) parGather(dst, X, idx, s, n, d);
  else gather(dst, X, idx, s, n, d);
}
