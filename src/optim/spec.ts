import { HYPER, HYPER_LEN, HYPER_SLOTS, type RuleName } from '../backends/abi.generated.js';

/**
 * How an update rule is described to the rest of descent (optax style: a named state and a pure
 * update, here the kernel): its PyTorch defaults, its validated hyper-parameter block and how many
 * state vectors of the parameters' length it keeps. Its kernel code comes from the ABI manifest
 * (assembly/abi.json) by name.
 */
export interface OptimizerSpec<O extends { name: string }> {
  readonly name: O['name'];
  /** Every hyper-parameter's default (PyTorch's), under descent's camelCase names. */
  readonly defaults: Readonly<Required<Omit<O, 'name'>>>;
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

/** The option keys a spec accepts: `name` and those of its defaults. */
export function keysOf(defaults: object): string[] {
  return ['name', ...Object.keys(defaults)];
}

/**
 * A rule's hyper-parameter block: lr, the step count t = 0, then the rule's own slots by name
 * (booleans as 0/1), at the indices the ABI manifest gives them.
 */
export function block<R extends RuleName>(
  rule: R, lr: number, values: { readonly [K in keyof (typeof HYPER_SLOTS)[R]]: number | boolean },
): Float64Array {
  const h = new Float64Array(HYPER_LEN);
  h[HYPER.lr] = lr;
  const slots = HYPER_SLOTS[rule] as Record<string, number>;
  for (const [name, v] of Object.entries(values as Record<string, number | boolean>)) h[slots[name]] = Number(v);
  return h;
}
