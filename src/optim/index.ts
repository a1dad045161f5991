// The optimizer registry and the low-level optimizer object: params and grads live in backend
// memory, step() runs one update kernel.
import { HyperParameterError, ShapeError } from '../errors.js';
import { backend } from '../runtime/index.js';
import { Block, disposeAll } from '../runtime/block.js';
import { HYPER, HYPER_LEN, RULE, type RunFields } from '../backends/abi.generated.js';
import type { OptimizerSpec } from './spec.js';
import { SPECS, type OptimizerName, type OptimizerOptions } from './registry.generated.js';
import { show } from './validate.js';

export type * from './registry.generated.js';

/** The optimizer names descent knows. */
export const optimizerNames = Object.keys(SPECS) as OptimizerName[];

/**
 * PyTorch's default of every hyper-parameter of a rule, under descent's camelCase names: what the
 * rule uses for an option that is not given.
 */
export function optimizerDefaults<N extends OptimizerName>(name: N): (typeof SPECS)[N]['defaults'] {
  if (!Object.prototype.hasOwnProperty.call(SPECS, name)) {
    throw new HyperParameterError('optimizer.name', `unknown optimizer ${show(name)}; expected one of ${optimizerNames.join(', ')}`);
  }
  return SPECS[name].defaults;
}

/** A validated optimizer: its spec and hyper-parameter block (step count 0). */
export interface ResolvedOptimizer {
  spec: OptimizerSpec<any>;
  hyper: Float64Array;
  stateVectors: number;
}

/** Validates optimizer options; throws a HyperParameterError naming the bad parameter. */
export function resolveOptimizer(options: OptimizerOptions): ResolvedOptimizer {
  if (options === null || typeof options !== 'object') {
    throw new HyperParameterError('optimizer', `must be an object such as { name: 'adam' }, got ${show(options)}`);
  }
  const spec: OptimizerSpec<any> | undefined = Object.prototype.hasOwnProperty.call(SPECS, options.name) ? SPECS[options.name] : undefined;
  if (!spec) {
    throw new HyperParameterError('optimizer.name', `unknown optimizer ${show(options.name)}; expected one of ${optimizerNames.join(', ')}`);
  }
  const hyper = spec.hyper(options);
  return { spec, hyper, stateVectors: spec.stateVectors(hyper) };
}

/**
 * A low-level optimizer over n parameters for any objective: write the gradient into `grads`, call
 * `step()`. Both arrays are live views into backend memory, re-made after memory growth, so read
 * them again after any call that may allocate rather than keeping an old reference.
 */
export class Optimizer {
  /** The rule's name. */
  readonly name: OptimizerName;
  /** Number of parameters. */
  readonly size: number;
  /** @internal */ readonly code: number;
  /** @internal */ readonly paramsBlock: Block<'f32'>;
  /** @internal */ readonly gradsBlock: Block<'f32'>;
  /** @internal */ readonly stateBlock: Block<'f32'>;
  /** @internal */ readonly hyperBlock: Block<'f64'>;
  private readonly ownsParams: boolean;

  /**
   * @internal use {@link optimizer}. `gradSize` (default n) is the gradient buffer's length: a network with
   * frozen layers computes its whole gradient but updates (and keeps state for) only its first n parameters.
   */
  constructor(r: ResolvedOptimizer, n: number, params?: Block<'f32'>, gradSize = n) {
    const be = params?.backend ?? backend();
    this.name = r.spec.name;
    this.code = RULE[r.spec.name as OptimizerName];
    this.size = n;
    this.ownsParams = !params;
    const blocks: Block[] = [];
    try {
      this.paramsBlock = params ?? track(blocks, new Block(be, 'f32', n));
      this.gradsBlock = track(blocks, new Block(be, 'f32', gradSize));
      this.stateBlock = track(blocks, new Block(be, 'f32', Math.max(1, r.stateVectors * n)));
      this.hyperBlock = track(blocks, new Block(be, 'f64', HYPER_LEN));
    } catch (e) {
      disposeAll(...blocks);
      throw e;
    }
    if (!params) this.paramsBlock.view.fill(0);
    this.gradsBlock.view.fill(0);
    this.stateBlock.view.fill(0);
    r.spec.initState?.(r.hyper, this.stateBlock.view, n);
    this.hyperBlock.view.set(r.hyper);
  }

  /** Live view of the parameters (write the starting point here). */
  get params(): Float32Array {
    return this.paramsBlock.view;
  }

  /** Live view of the gradient the next step() reads. */
  get grads(): Float32Array {
    return this.gradsBlock.view;
  }

  /** The learning rate the next step uses; schedules set it between steps. */
  get lr(): number {
    return this.hyperBlock.view[HYPER.lr];
  }

  set lr(v: number) {
    if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0)) {
      throw new HyperParameterError('optimizer.lr', `must be a finite number ≥ 0, got ${show(v)}`);
    }
    this.hyperBlock.view[HYPER.lr] = v;
  }

  /** Number of steps taken. */
  get stepCount(): number {
    return this.hyperBlock.view[HYPER.t];
  }

  /** @internal the optimizer's part of a run descriptor: rule, gradient, state and hyper block. */
  runFields(): Pick<RunFields, 'rule' | 'grads' | 'state' | 'hyper'> {
    return { rule: this.code, grads: this.gradsBlock.ptr, state: this.stateBlock.ptr, hyper: this.hyperBlock.ptr };
  }

  /** One update of params from grads. */
  step(): void {
    this.paramsBlock.backend.optimStep(this.code, this.paramsBlock.ptr, this.gradsBlock.ptr, this.stateBlock.ptr,
      this.size, this.hyperBlock.ptr);
  }

  /** Frees the optimizer's memory (and its parameters, when it owns them). */
  dispose(): void {
    disposeAll(this.gradsBlock, this.stateBlock, this.hyperBlock, this.ownsParams ? this.paramsBlock : null);
  }
}

function track<B extends Block>(list: Block[], b: B): B {
  list.push(b);
  return b;
}

/** Creates a low-level optimizer over n parameters (starting at zero) on the current backend. */
export function optimizer(options: OptimizerOptions, n: number): Optimizer {
  const r = resolveOptimizer(options);
  if (!Number.isInteger(n) || n < 1) throw new ShapeError(`optimizer: n must be a positive integer, got ${show(n)}`);
  return new Optimizer(r, n);
}
