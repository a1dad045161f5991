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

// Network program records (abi.json `net`): buffer slots hold f32 offsets into the run's workspace and
// parameter slots f32 offsets into the parameters (or gradients), −1 for none.

/** The workspace buffer named by the record slot at `offset`: `ws` + its f32 offset, in bytes. */
// @ts-ignore: decorator
@inline
export function wsAt(ws: usize, L: usize, offset: usize): usize {
  return ws + (<usize>int(L, offset) << 2);
}

/** The workspace buffer named by the record slot at `offset`, or 0 for −1 (none). */
// @ts-ignore: decorator
@inline
export function wsOpt(ws: usize, L: usize, offset: usize): usize {
  const o = int(L, offset);
  return o >= 0 ? ws + (<usize>o << 2) : 0;
}

/** The tensor named by the record slot at `offset` in a parameter (or gradient) vector, or 0 for −1 (none). */
// @ts-ignore: decorator
@inline
export function paramAt(params: usize, L: usize, offset: usize): usize {
  const o = int(L, offset);
  return o >= 0 ? params + (<usize>o << 2) : 0;
}
