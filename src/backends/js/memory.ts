// The js backend's memory as the twins that read a run descriptor see it.

/** The js backend's memory as the twins see it: each pointer names a block with three views. */
export interface JsMemory {
  f32(ptr: number): Float32Array;
  i32(ptr: number): Int32Array;
  f64(ptr: number): Float64Array;
}
