// What the js twins of the layer kernels work on (src/backends/js/net.ts runs them): the network program,
// the workspace and the run's arrays. Record slots are indices into `net` from a record's start L
// (abi.json `net`): buffer slots hold offsets into `ws`, parameter slots offsets into `params` (or a
// gradient vector), −1 for none.

/** The arrays of one call of the network runner. */
export interface NetCtx {
  /** The network program: header, then one record per layer. */
  net: Float64Array;
  /** The run's workspace, and the same memory as u32 (the dropout PRNG) and i32 (max pooling's argmax). */
  ws: Float32Array;
  u32: Uint32Array;
  i32: Int32Array;
  params: Float32Array;
  /** The running statistics (batch norm), or an empty array. */
  stats: Float32Array;
}
