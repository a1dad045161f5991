// The networks' input gather: rows idx[s .. s+n) of the dataset into a chunk's input, as the run's slots say
// the rows are stored.
//
// Byte rows (xStorage 1) are turned into f32 here, row by row, instead of once for the whole dataset: 70,000
// MNIST images are 55 MB as bytes and 220 MB as f32. A byte's value is byte × scale rounded to f32 once, as the
// f32 copy of the same data holds it: where one f32 multiplication or division gives all 256 of them bit for
// bit (src/data/bytes.ts checks; 1/255 is a division by 255), 16 bytes are converted per SIMD step, else each
// byte is looked up in the table. Standardized rows then go through standardizeF32 (assembly/preprocess.ts),
// the operations the f32 rows were standardized with, or through a product by each feature's reciprocal where
// that gives the same f32 for all 256 values (checked in src/data/bytes.ts; a division costs 5 × a copy): a
// byte row gathered here holds the bits its f32 twin holds.
//
// In training, each image row is then shifted by its own (dx, dy), drawn from a counter-based hash of (seed,
// epoch, data row): no stream advances, so the shift is the same whichever thread or chunk gathers the row and
// however the batches are grouped.
import {
  RUN_X, RUN_IDX, RUN_X_STORAGE, RUN_X_TABLE, RUN_X_CONVERT, RUN_X_FACTOR, RUN_X_MEAN, RUN_X_DIV, RUN_X_RECIP, RUN_AUGMENT,
  AUG_SHIFT, AUG_CHANNELS, AUG_HEIGHT, AUG_WIDTH, AUG_SEED, AUG_EPOCH, POOL_THREADS, POOL_ERROR, POOL_GATHER_DST,
  POOL_GATHER_START, POOL_GATHER_ROWS, POOL_GATHER_D, POOL_GATHER_JOBS, POOL_GATHER_RUN, JOB_GATHER_BYTES,
} from "./abi.generated";
import { gather, parGather } from "./pargather";
import { standardizeF32 } from "./preprocess";
import { gemmSplit } from "./gemm";
import { batchPool } from "./pargemm";
import { startJob, finishJob } from "./barrier";
import { ptr, int } from "./slots";

/** Byte gathers of fewer values run on thread 0 alone (pargather.ts's threshold for f32 rows). A constant. */
const PAR_GATHER_MIN_VALUES: i32 = 1 << 15;

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

/** Byte rows of the run `run` (X, idx and the conversion slots): rows idx[start .. start+n) into dst (gatherBytes). */
function gatherRunBytes(run: usize, dst: usize, start: i32, n: i32, d: i32): void {
  gatherBytes(dst, ptr(run, RUN_X), ptr(run, RUN_IDX), start, n, d, int(run, RUN_X_CONVERT), <f32>load<f64>(run + RUN_X_FACTOR),
    ptr(run, RUN_X_TABLE), ptr(run, RUN_X_MEAN), ptr(run, RUN_X_DIV), int(run, RUN_X_RECIP) != 0);
}

/** Thread `tid`'s range of the published byte gather's rows. */
export function gatherBytesJob(pool: usize, tid: i32): void {
  const n = int(pool, POOL_GATHER_ROWS), d = int(pool, POOL_GATHER_D);
  const r = gemmSplit(n, 1, int(pool, POOL_THREADS), tid);
  const r0 = <i32>(r & 0xffffffff), r1 = <i32>(r >> 32);
  gatherRunBytes(ptr(pool, POOL_GATHER_RUN), ptr(pool, POOL_GATHER_DST) + (<usize>r0 * <usize>d << 2), int(pool, POOL_GATHER_START) + r0, r1 - r0, d);
}

/**
 * The byte rows' gather, split among the batch's pool threads by rows as parGather splits f32 rows (column mode):
 * each row is converted by one thread, with the same operations whichever it is.
 */
function parGatherBytes(run: usize, dst: usize, s: i32, n: i32, d: i32): void {
  const pool = batchPool();
  if (!ASC_FEATURE_THREADS || pool == 0 || n * d < PAR_GATHER_MIN_VALUES || int(pool, POOL_THREADS) < 2
    || atomic.load<i32>(pool + POOL_ERROR) != 0) {
    gatherRunBytes(run, dst, s, n, d);
    return;
  }
  store<f64>(pool + POOL_GATHER_DST, <f64>dst);
  store<f64>(pool + POOL_GATHER_RUN, <f64>run);
  store<f64>(pool + POOL_GATHER_START, <f64>s);
  store<f64>(pool + POOL_GATHER_ROWS, <f64>n);
  store<f64>(pool + POOL_GATHER_D, <f64>d);
  store<f64>(pool + POOL_GATHER_JOBS, load<f64>(pool + POOL_GATHER_JOBS) + 1);
  startJob(pool, JOB_GATHER_BYTES);
  gatherBytesJob(pool, 0);
  finishJob(pool);
}

/**
 * Rows idx[start .. start+n) of byte rows X (d bytes each) into dst as f32 values (see byteRow), then, when
 * `mean` is not 0, standardized in place: f32((value − mean[c]) / div[c]) in f64, as standardizeF32, or with
 * `recip` f32((value − mean[c]) × div[c]), div holding reciprocals that give the same f32 for every byte.
 */
export function gatherBytes(dst: usize, X: usize, idx: usize, start: i32, n: i32, d: i32, convert: i32, factor: f32, table: usize,
  mean: usize, div: usize, recip: bool): void {
  for (let r = 0; r < n; r++) {
    const src = X + <usize>load<i32>(idx + (<usize>(start + r) << 2)) * <usize>d;
    byteRow(dst + ((<usize>r * <usize>d) << 2), src, d, convert, factor, table);
  }
  // The statistics were checked against every byte's value when the dataset was made: no value leaves f32.
  if (mean == 0) return;
  if (recip) scaleRows(dst, n, d, mean, div);
  else standardizeF32(dst, dst, n, d, mean, div);
}

/** x = f32((x − mean[c]) × recip[c]) in f64 over n rows of d f32 at p: standardizeF32 with a product for the quotient. */
function scaleRows(p: usize, n: i32, d: i32, mean: usize, recip: usize): void {
  for (let r = 0; r < n; r++) {
    const row = p + ((<usize>r * <usize>d) << 2);
    let c = 0;
    if (ASC_FEATURE_SIMD) {
      for (; c + 2 <= d; c += 2) {
        const v = f64x2.promote_low_f32x4(v128.load64_zero(row + (<usize>c << 2)));
        const q = f64x2.mul(f64x2.sub(v, v128.load(mean + (<usize>c << 3))), v128.load(recip + (<usize>c << 3)));
        v128.store_lane<i64>(row + (<usize>c << 2), f32x4.demote_f64x2_zero(q), 0);
      }
    }
    for (; c < d; c++) {
      const o = row + (<usize>c << 2);
      store<f32>(o, <f32>((<f64>load<f32>(o) - load<f64>(mean + (<usize>c << 3))) * load<f64>(recip + (<usize>c << 3))));
    }
  }
}

// @ts-ignore: decorator
@inline
function mix32(x: u32): u32 {
  x ^= x >>> 16;
  x *= 0x7feb352d;
  x ^= x >>> 15;
  x *= 0x846ca68b;
  x ^= x >>> 16;
  return x;
}

/** The shift of data row `row` in `epoch`: (dx, dy) in [−shift, shift]², dx in the low 32 bits (as i32). */
export function augmentShift(seed: u32, epoch: u32, row: u32, shift: i32): i64 {
  const h = mix32(mix32(mix32(seed) ^ epoch) ^ row);
  const m = <u32>(2 * shift + 1);
  const dx = <i32>((h & 0xffff) % m) - shift, dy = <i32>((h >>> 16) % m) - shift;
  return (<i64>dy << 32) | <i64><u32>dx;
}

/** Line y of a channel (W f32 at `base`) ← line sy shifted right by dx, zeros where nothing comes from. */
// @ts-ignore: decorator
@inline
function shiftLine(base: usize, y: i32, sy: i32, H: i32, W: i32, dx: i32): void {
  const dst = base + ((<usize>y * <usize>W) << 2);
  const lineBytes = <usize>W << 2;
  if (sy < 0 || sy >= H) {
    memory.fill(dst, 0, lineBytes);
    return;
  }
  const src = base + ((<usize>sy * <usize>W) << 2);
  // memory.copy allows overlap (dy = 0 shifts a line onto itself); the zeros go where the copy left stale values.
  if (dx >= 0) {
    memory.copy(dst + (<usize>dx << 2), src, <usize>(W - dx) << 2);
    memory.fill(dst, 0, <usize>dx << 2);
  } else {
    memory.copy(dst, src + (<usize>(-dx) << 2), <usize>(W + dx) << 2);
    memory.fill(dst + (<usize>(W + dx) << 2), 0, <usize>(-dx) << 2);
  }
}

/**
 * Shifts one [C, H, W] f32 row at `p` in place: out[c][y][x] = in[c][y − dy][x − dx], 0 outside (|dx| < W,
 * |dy| < H). Lines are visited so that each source line is read before it is overwritten.
 */
export function shiftImage(p: usize, C: i32, H: i32, W: i32, dx: i32, dy: i32): void {
  if (dx == 0 && dy == 0) return;
  const plane = (<usize>H * <usize>W) << 2;
  for (let ch = 0; ch < C; ch++) {
    const base = p + <usize>ch * plane;
    if (dy > 0) for (let y = H - 1; y >= 0; y--) shiftLine(base, y, y - dy, H, W, dx);
    else for (let y = 0; y < H; y++) shiftLine(base, y, y - dy, H, W, dx);
  }
}

/** Shifts each of the n gathered rows at dst (data rows idx[start ..]) by its (dx, dy) of the record's epoch. */
export function augmentRows(dst: usize, idx: usize, start: i32, n: i32, aug: usize): void {
  const shift = int(aug, AUG_SHIFT), C = int(aug, AUG_CHANNELS), H = int(aug, AUG_HEIGHT), W = int(aug, AUG_WIDTH);
  const seed = <u32>load<f64>(aug + AUG_SEED), epoch = <u32>load<f64>(aug + AUG_EPOCH);
  const rowBytes = (<usize>C * <usize>H * <usize>W) << 2;
  for (let r = 0; r < n; r++) {
    const row = <u32>load<i32>(idx + (<usize>(start + r) << 2));
    const s = augmentShift(seed, epoch, row, shift);
    shiftImage(dst + <usize>r * rowBytes, C, H, W, <i32>s, <i32>(s >> 32));
  }
}

/**
 * Rows idx[s .. s+n) of the run's data (d features each) into dst as f32: f32 rows copied (split among the
 * pool's threads when `parallel`), byte rows converted; then, when `training` and the run has an augmentation
 * record, each row shifted (after standardization: the zeros it brings in are the features' means).
 */
export function gatherInput(run: usize, dst: usize, s: i32, n: i32, d: i32, training: bool, parallel: bool): void {
  const X = ptr(run, RUN_X), idx = ptr(run, RUN_IDX);
  if (int(run, RUN_X_STORAGE) == 1) {
    if (parallel) parGatherBytes(run, dst, s, n, d);
    else gatherRunBytes(run, dst, s, n, d);
  } else if (parallel) parGather(dst, X, idx, s, n, d);
  else gather(dst, X, idx, s, n, d);
  const aug = ptr(run, RUN_AUGMENT);
  if (training && aug != 0) augmentRows(dst, idx, s, n, aug);
}
