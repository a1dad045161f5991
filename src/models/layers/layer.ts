// What a layer module defines (src/models/layers/<type>.ts, registered in ./index.ts): its spec keys and
// validation, shape inference, parameter tensors (shapes, PyTorch names, which span), initialization, the
// record(s) it writes into the network program, and what the trainer needs to know about it. Nothing
// outside the modules switches on a layer's type.
import { HyperParameterError } from '../../errors.js';
import type { Rng } from '../../rng.js';
import { show } from '../../validate.js';

/**
 * Weight initialization: PyTorch's default of each module, Glorot (Xavier) uniform, He (Kaiming) uniform, or
 * GPT-2's: weights and embeddings N(0, 0.02), biases 0, and the output projection of each residual
 * block (its last dense, an attention's out_proj) scaled by 1/√(residual blocks) (1/√(2·blocks) in a GPT).
 */
export type InitName = 'torch' | 'glorot' | 'he' | 'gpt2';

/** The standard deviation of GPT-2's initialization (N(0, 0.02), as nanoGPT's `_init_weights`). */
export const GPT2_STD = 0.02;

/**
 * A parameter tensor of a layer. `span` places it: 'weight' tensors come first in the parameter vector (layer
 * after layer; the span L2/L1 penalties see), then every 'bias' tensor (never penalized).
 */
export interface TensorDecl {
  /** Its key in getWeights/setWeights. */
  name: string;
  /** Its name in PyTorch's state_dict of the same module. */
  torch: string;
  /** PyTorch's shape (row-major). */
  shape: number[];
  span: 'weight' | 'bias';
}

/** A running statistic of a layer (state, not a parameter: no gradient, saved with the network). */
export interface StatDecl {
  name: string;
  torch: string;
  size: number;
  /** The value a new layer starts with. */
  fill: number;
}

/** What planning a layer gives. */
export interface LayerPlan {
  outShape: number[];
  /** A container's planned layers. */
  children?: PlannedLayer[];
  tensors?: TensorDecl[];
  stats?: StatDecl[];
}

/** A tensor with its place (f32 offset) in the parameter vector. */
export interface PlacedTensor extends TensorDecl {
  offset: number;
  size: number;
}

/** A statistic with its place (f32 offset) in the network's statistics block. */
export interface PlacedStat extends StatDecl {
  offset: number;
}

/** A validated layer: its spec, shapes, and where its tensors are. */
export interface PlannedLayer<S = Record<string, unknown>> {
  spec: S & { type: string };
  def: LayerDef<S>;
  /** Its path: the index in `layers`, then the index inside each container. */
  path: number[];
  /** The path as text, for messages: `layers[3].layers[0]`. */
  at: string;
  inShape: number[];
  outShape: number[];
  tensors: PlacedTensor[];
  stats: PlacedStat[];
  /** A container's layers (empty for others). */
  children: PlannedLayer[];
  /** True when the layer's tensors are not trained (`trainable: false` on it or on a container holding it). */
  frozen: boolean;
}

/** Where planning is: the layer's path as text, whether it is the network's first layer, and how to plan a container's layers. */
export interface PlanContext {
  at: string;
  first: boolean;
  /** Plans a container's `layers` from `inShape` (paths and messages under this layer's). */
  children(specs: unknown, inShape: number[]): { layers: PlannedLayer[]; outShape: number[] };
}

/** One layer type. */
export interface LayerDef<S = Record<string, unknown>> {
  /** The spec's `type`. */
  readonly type: string;
  /** Every key its spec accepts (`type` included). */
  readonly keys: readonly string[];
  /** Validates the spec against the input shape (typed errors naming `ctx.at` and the field) before anything is allocated. */
  plan(spec: S, inShape: number[], ctx: PlanContext): LayerPlan;
  /** Draws the layer's parameters into `p` at its tensors' offsets (PyTorch's order of draws). */
  init?(l: PlannedLayer<S>, p: Float32Array, init: InitName, rng: Rng): void;
  /** Writes its record(s) into the program; absent for layers that only re-view the rows (flatten, reshape). */
  compile?(l: PlannedLayer<S>, b: ProgramBuilder): void;
  /**
   * True when the layer's state advances chunk after chunk (dropout's PRNG, batch norm's statistics) or its
   * chunks are too few to share (a recurrent layer's BPTT chunks): threads split columns, not rows.
   */
  readonly columnOnly?: boolean;
  /**
   * The rows per chunk the layer asks for (the network runs the smallest ask, at most 128): a layer whose rows
   * are long (many positions) asks for fewer, so a batch still makes several chunks — the row blocks threads
   * share — and a chunk's buffers stay near the caches.
   */
  chunkRows?(l: PlannedLayer<S>): number;
  /** True when the layer keeps every time step of a chunk (backpropagation through time): long rows shrink the chunk. */
  readonly sequence?: boolean;
  /** The gradient clipping (global L2 norm) a network with this layer gets unless training says otherwise. */
  readonly clipNorm?: number;
  /** True when the layer reads token ids (it must come first; the inputs are never standardized). */
  readonly tokenIds?: boolean;
  /** The tensor that projects to the layer's output (dense: 'weight', attention: 'outWeight'): init 'gpt2' scales it at the end of a residual block. */
  readonly projection?: string;
}

/**
 * What a layer's compile() writes its records with (src/models/network/program.ts builds the program): the
 * workspace, the records so far, and the buffers the next layer reads.
 */
export interface ProgramBuilder {
  /** Rows per chunk: every buffer holds one chunk. */
  readonly chunk: number;
  /** The step mask an embedding with a pad id writes and the recurrent layers after it read (−1 = none). */
  stepMask: number;
  /** The last record written, or null. */
  readonly last: number[] | null;
  /** Reserves n f32 of workspace; returns their offset. */
  take(n: number): number;
  /** Asks for a pack scratch of at least n f32 (the matrix products' packing). */
  needPack(n: number): void;
  /**
   * A new record of layer kind `kind` for `l`: the common slots set (its input x and input gradient dx are the
   * previous layer's output and output gradient), every other slot −1. The layer sets y and dy (see
   * `outputs`) and its own slots.
   */
  record(kind: number, l: PlannedLayer<unknown>): number[];
  /** Reserves the record's output and its gradient (chunk × outSize each), in that order. */
  outputs(r: number[]): void;
  /** Moves on: the next layer reads the last record's output. */
  advance(): void;
  /** Writes the records of `layers` in order (a container calls it for its own layers). */
  emit(layers: readonly PlannedLayer[]): void;
}

/** Values per row of a shape. */
export const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** A shape as text: `[3, 28, 28]`. */
export const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** A spec field that must be a positive integer. */
export function positiveInt(path: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new HyperParameterError(path, `must be a positive integer, got ${show(v)}`);
  return v;
}

/** An optional boolean spec field. */
export function optionalBool(path: string, v: unknown): void {
  if (v !== undefined && typeof v !== 'boolean') throw new HyperParameterError(path, `must be a boolean, got ${show(v)}`);
}

/** The tensor `name` of a planned layer, or undefined. */
export function tensorOf(l: PlannedLayer<unknown>, name: string): PlacedTensor | undefined {
  return l.tensors.find((t) => t.name === name);
}

/** The offset of tensor `name` in the parameters, −1 when the layer has none (e.g. bias: false). */
export function offsetOf(l: PlannedLayer<unknown>, name: string): number {
  return tensorOf(l, name)?.offset ?? -1;
}

/**
 * A weight and its optional bias drawn by `init`: 'torch' (nn.Linear's and nn.Conv2d's kaiming_uniform(a = √5):
 * weight and bias uniform in ±1/√fanIn), 'glorot' ±√(6/(fanIn + fanOut)) or 'he' ±√(6/fanIn) with biases 0,
 * 'gpt2' N(0, 0.02) with biases 0.
 */
export function fanInit(l: PlannedLayer<unknown>, p: Float32Array, init: InitName, rng: Rng, fanIn: number, fanOut: number): void {
  const w = tensorOf(l, 'weight')!, b = tensorOf(l, 'bias');
  if (init === 'gpt2') {
    normal(p, w.offset, w.size, GPT2_STD, rng);
    if (b) p.fill(0, b.offset, b.offset + b.size);
    return;
  }
  const bound = init === 'torch' ? 1 / Math.sqrt(fanIn) : init === 'glorot' ? Math.sqrt(6 / (fanIn + fanOut)) : Math.sqrt(6 / fanIn);
  uniform(p, w.offset, w.size, bound, rng);
  if (!b) return;
  if (init === 'torch') uniform(p, b.offset, b.size, 1 / Math.sqrt(fanIn), rng);
  else p.fill(0, b.offset, b.offset + b.size);
}

/** Normal draws N(0, std²) into p[from .. from + n). */
export function normal(p: Float32Array, from: number, n: number, std: number, rng: Rng): void {
  for (let i = 0; i < n; i++) p[from + i] = rng.normal() * std;
}

/** Uniform draws in ±bound into p[from .. from + n). */
export function uniform(p: Float32Array, from: number, n: number, bound: number, rng: Rng): void {
  for (let i = 0; i < n; i++) p[from + i] = (2 * rng.next() - 1) * bound;
}
