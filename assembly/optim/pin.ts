// V8's optimizing compiler schedules pure operations as late as it can, so a loop-invariant f64 → f32
// conversion, square root or division that feeds a scalar loop may be placed inside the loop and redone
// for every element (measured: NAdam's scalar loop ran 2.7× slower than plain JS). A value written to
// memory and read back before the loop cannot move: the load is an effect, ordered before the loop.
// The SIMD loops are not affected (their constants are splats, materialized once).

const PINNED = memory.data(64, 16);

/** Returns x, pinned before the loop that follows (slot 0..15; one slot per live constant). */
// @ts-ignore: decorator
@inline
export function pin(slot: i32, x: f32): f32 {
  const a = PINNED + (<usize>slot << 2);
  store<f32>(a, x);
  return load<f32>(a);
}
