// Readers of the f64 blocks that cross the JS↔WASM boundary (the run descriptor, a pool's control block):
// every slot is an f64, read by its generated offset (abi.json) as a number, a pointer or an integer.

/** The slot at `offset` of the block at `p`, as an f64. */
// @ts-ignore: decorator
@inline
export function slot(p: usize, offset: usize): f64 {
  return load<f64>(p + offset);
}

/** The slot as a pointer. */
// @ts-ignore: decorator
@inline
export function ptr(p: usize, offset: usize): usize {
  return <usize>load<f64>(p + offset);
}

/** The slot as an integer. */
// @ts-ignore: decorator
@inline
export function int(p: usize, offset: usize): i32 {
  return <i32>load<f64>(p + offset);
}
