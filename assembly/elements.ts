// Element access on f32 buffers by index: the address of element i of p, and f32 / f32x4 loads and stores
// there. Inlined, so a kernel reads `ld(x, i)` rather than the byte arithmetic (i < 2³⁰ whenever the buffer fits
// in a wasm32 memory).

/** The address of element i of p. */
// @ts-ignore: decorator
@inline
export function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

/** Element i of p. */
// @ts-ignore: decorator
@inline
export function ld(p: usize, i: i32): f32 {
  return load<f32>(p + (<usize>i << 2));
}

/** Writes v to element i of p. */
// @ts-ignore: decorator
@inline
export function st(p: usize, i: i32, v: f32): void {
  store<f32>(p + (<usize>i << 2), v);
}

/** Elements i … i+3 of p. */
// @ts-ignore: decorator
@inline
export function ld4(p: usize, i: i32): v128 {
  return v128.load(p + (<usize>i << 2));
}

/** Writes v to elements i … i+3 of p. */
// @ts-ignore: decorator
@inline
export function st4(p: usize, i: i32, v: v128): void {
  v128.store(p + (<usize>i << 2), v);
}
