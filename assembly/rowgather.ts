// The networks' input gather: rows idx[s .. s+n) of the dataset into a chunk's input, as the run's slots say
// the rows are stored.
//
// Byte rows (xStorage 1) are turned into f32 here, row by row, instead of once for the whole dataset: 70,000
// MNIST images are 55 MB as bytes and 220 MB as f32. Each byte goes through a table of 256 f32 values
// (byte × scale rounded once, as the f32 copy of the same data holds them) and, with standardization, through
// f32((value − mean) / div) in f64, the operations of standardizeF32 (assembly/preprocess.ts): a byte row
// gathered here holds the bits its f32 twin holds after Dataset.fromArrays and standardization.
import {
  RUN_X, RUN_IDX, RUN_X_STORAGE, RUN_X_TABLE, RUN_X_MEAN, RUN_X_DIV,
} from "./abi.generated";
import { gather, parGather } from "./pargather";
import { ptr, int } from "./slots";

/**
 * Rows idx[start .. start+n) of byte rows X (d bytes each) into dst as f32: table[byte], or with `mean`
 * (not 0) f32((table[byte] − mean[c]) / div[c]) in f64 per feature c.
 */
export function gatherBytes(dst: usize, X: usize, idx: usize, start: i32, n: i32, d: i32, table: usize, mean: usize, div: usize): void {
  for (let r = 0; r < n; r++) {
    const src = X + <usize>load<i32>(idx + (<usize>(start + r) << 2)) * <usize>d;
    const out = dst + ((<usize>r * <usize>d) << 2);
    let c = 0;
    if (mean == 0) {
      for (; c < d; c++) store<f32>(out + (<usize>c << 2), load<f32>(table + (<usize>load<u8>(src + <usize>c) << 2)));
      continue;
    }
    if (ASC_FEATURE_SIMD) {
      // Two lanes of the same IEEE f64 operations as the scalar loop: bit for bit the same values.
      for (; c + 2 <= d; c += 2) {
        const a = <f64>load<f32>(table + (<usize>load<u8>(src + <usize>c) << 2));
        const b = <f64>load<f32>(table + (<usize>load<u8>(src + <usize>c + 1) << 2));
        const v = f64x2.replace_lane(f64x2.splat(a), 1, b);
        const q = f64x2.div(f64x2.sub(v, v128.load(mean + (<usize>c << 3))), v128.load(div + (<usize>c << 3)));
        v128.store_lane<i64>(out + (<usize>c << 2), f32x4.demote_f64x2_zero(q), 0);
      }
    }
    for (; c < d; c++) {
      const v = <f64>load<f32>(table + (<usize>load<u8>(src + <usize>c) << 2));
      store<f32>(out + (<usize>c << 2), <f32>((v - load<f64>(mean + (<usize>c << 3))) / load<f64>(div + (<usize>c << 3))));
    }
  }
}

/**
 * Rows idx[s .. s+n) of the run's data (d features each) into dst as f32: f32 rows copied (split among the
 * pool's threads when `parallel`), byte rows converted. `training` is the run's training flag.
 */
export function gatherInput(run: usize, dst: usize, s: i32, n: i32, d: i32, training: bool, parallel: bool): void {
  const X = ptr(run, RUN_X), idx = ptr(run, RUN_IDX);
  if (int(run, RUN_X_STORAGE) == 1) gatherBytes(dst, X, idx, s, n, d, ptr(run, RUN_X_TABLE), ptr(run, RUN_X_MEAN), ptr(run, RUN_X_DIV));
  else if (parallel) parGather(dst, X, idx, s, n, d);
  else gather(dst, X, idx, s, n, d);
}
