import { HYPER_LEN } from '../backends/codes.js';

/**
 * How an update rule is described to the rest of descent (optax style: a named state and a pure
 * update, here the kernel): its code for the kernels, its validated hyper-parameter block and how
 * many state vectors of the parameters' length it keeps.
 */
export interface OptimizerSpec<O extends { name: string }> {
  readonly name: O['name'];
  /** Code of the rule in assembly/train.ts. */
  readonly code: number;
  /** Validates options (throwing a HyperParameterError naming the parameter) and fills the f64 block. */
  hyper(options: O): Float64Array;
  /** Number of n-length f32 state vectors the rule keeps, given the validated block. */
  stateVectors(h: Float64Array): number;
  /**
   * Fills the state of a fresh optimizer when zero is not the rule's starting state (Adagrad's
   * `initialAccumulatorValue`). Called once, after the state was zero-filled; `state` holds
   * `stateVectors(h) × n` values.
   */
  initState?(h: Float64Array, state: Float32Array, n: number): void;
}

/** A zeroed hyper-parameter block: [lr, t = 0, …]. */
export function block(lr: number, ...rest: number[]): Float64Array {
  const h = new Float64Array(HYPER_LEN);
  h[0] = lr;
  h.set(rest, 2);
  return h;
}
