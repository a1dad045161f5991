// Compiles planned layers into a network program for the in-WASM batch loop (abi.json `net`): a header and
// one record per layer that does work, the offsets of every buffer in the workspace, and the pack scratch of
// the matrix products. Each layer module writes its own record(s) through a ProgramBuilder.
import { HEAD, LAYER_LEN, LAYER_SLOT, NET, NET_HEADER_LEN } from '../../backends/abi.generated.js';
import { size, type PlannedLayer, type ProgramBuilder } from '../layers/layer.js';
import type { NetworkLoss } from './loss.js';

/** Rows a batch is cut into while it runs: the workspace holds one chunk of every layer's activations. */
export const NET_CHUNK_ROWS = 128;

/** A compiled network: the program, the workspace it needs and the parameter layout. */
export interface Compiled {
  layers: PlannedLayer[];
  program: Float64Array;
  wsFloats: number;
  nParams: number;
  nWeights: number;
  /** f32 of the running-statistics block (batch norm), 0 without one. */
  nStats: number;
  /** Outputs per row (T·classes for a [T, classes] output). */
  outputs: number;
  /** Labels per row: T for a [T, classes] softmax output, 1 otherwise. */
  positions: number;
}

/** The program under construction (see {@link ProgramBuilder}). */
class Builder implements ProgramBuilder {
  /** Rows per chunk. */
  readonly chunk: number;
  /** The records so far. */
  readonly records: number[][] = [];
  /** Workspace f32 taken so far (buffers are 16-byte aligned). */
  wsFloats = 0;
  /** The largest pack scratch a layer asked for. */
  pack = 0;
  /** The buffers the next layer reads: its input and the gradient it writes (−1 = none needed). */
  x: number;
  dx = -1;
  /** The step mask an embedding with a pad id writes and the recurrent layers after it read (−1 = none). */
  stepMask = -1;

  constructor(chunk: number, inputs: number) {
    this.chunk = chunk;
    this.x = this.take(chunk * inputs);
  }

  /** Reserves n f32 of workspace; returns their offset. */
  take(n: number): number {
    const at = this.wsFloats;
    this.wsFloats += Math.ceil(n / 4) * 4;
    return at;
  }

  /** Asks for a pack scratch of at least n f32 (the matrix products' packing). */
  needPack(n: number): void {
    this.pack = Math.max(this.pack, n);
  }

  /** The last record written, or null. */
  get last(): number[] | null {
    return this.records.at(-1) ?? null;
  }

  /**
   * A new record of layer kind `kind` for `l`: the common slots set (its input x and input gradient dx are the
   * previous layer's output and output gradient), every other slot −1. The layer sets y and dy (see
   * {@link outputs}) and its own slots; the next layer reads its y and dy.
   */
  record(kind: number, l: PlannedLayer<unknown>): number[] {
    const r = new Array<number>(LAYER_LEN).fill(-1);
    r[LAYER_SLOT.kind] = kind;
    r[LAYER_SLOT.inSize] = size(l.inShape);
    r[LAYER_SLOT.outSize] = size(l.outShape);
    r[LAYER_SLOT.x] = this.x;
    r[LAYER_SLOT.dx] = this.dx;
    this.records.push(r);
    return r;
  }

  /** Reserves the record's output and its gradient (chunk × outSize each), in that order. */
  outputs(r: number[]): void {
    r[LAYER_SLOT.y] = this.take(this.chunk * r[LAYER_SLOT.outSize]);
    r[LAYER_SLOT.dy] = this.take(this.chunk * r[LAYER_SLOT.outSize]);
  }

  /** Writes the records of `layers` in order (a container calls it for its own layers). */
  emit(layers: readonly PlannedLayer[]): void {
    for (const l of layers) {
      if (!l.def.compile) continue; // the same rows, seen with another shape
      const before = this.records.length;
      l.def.compile(l, this);
      if (this.records.length > before) this.advance();
    }
  }

  /** Moves on: the next layer reads the last record's output. */
  advance(): void {
    const r = this.last!;
    this.x = r[LAYER_SLOT.y];
    this.dx = r[LAYER_SLOT.dy];
  }
}

/** Compiles the layers (and containers' layers, in order) into a program with chunks of `chunk` rows. */
export function compile(layers: PlannedLayer[], loss: NetworkLoss, nParams: number, nWeights: number, nStats = 0, chunk = NET_CHUNK_ROWS): Compiled {
  const b = new Builder(chunk, size(layers[0].inShape));
  const input = b.x;
  b.emit(layers);
  const header = new Array<number>(NET_HEADER_LEN).fill(0);
  header[NET.layers] = b.records.length;
  const out = layers[layers.length - 1].outShape;
  // A [T, classes] output under softmax has a label at each position (checked by plan.ts's checkHead).
  const positions = loss === 'softmax' && out.length === 2 ? out[0] : 1;
  header[NET.head] = out.length === 2 ? HEAD.softmaxSeq : HEAD[loss];
  header[NET.positions] = positions;
  header[NET.chunk] = chunk;
  header[NET.inputs] = size(layers[0].inShape);
  header[NET.outputs] = size(layers[layers.length - 1].outShape);
  header[NET.input] = input;
  header[NET.logits] = b.x;
  header[NET.dlogits] = b.dx;
  header[NET.pack] = b.take(b.pack);
  header[NET.gpart] = b.take(nParams);
  header[NET.rng] = b.take(4);
  const program = new Float64Array(NET_HEADER_LEN + b.records.length * LAYER_LEN);
  program.set(header);
  b.records.forEach((r, i) => program.set(r, NET_HEADER_LEN + i * LAYER_LEN));
  return { layers, program, wsFloats: b.wsFloats, nParams, nWeights, nStats, outputs: header[NET.outputs], positions };
}

/** The workspace a network with sequence layers may take (f32: 64 MB): BPTT keeps every step of every row. */
export const SEQUENCE_WS_FLOATS = 1 << 24;

/**
 * compile() with 128-row chunks (fewer when a layer asks for fewer: LayerDef.chunkRows), or, for a network with a layer that sizes the chunk (embedding, gru, lstm)
 * whose chunk would need more than {@link SEQUENCE_WS_FLOATS}, with as many rows per chunk as fit (at least
 * 1): long sequences run in smaller chunks rather than taking gigabytes.
 */
export function compileNetwork(layers: PlannedLayer[], loss: NetworkLoss, nParams: number, nWeights: number, nStats: number): Compiled {
  let rows = NET_CHUNK_ROWS;
  for (const l of walk(layers)) if (l.def.chunkRows) rows = Math.max(1, Math.min(rows, l.def.chunkRows(l)));
  const full = compile(layers, loss, nParams, nWeights, nStats, rows);
  if (full.wsFloats <= SEQUENCE_WS_FLOATS || !walk(layers).some((l) => l.def.sequence)) return full;
  const chunk = Math.max(1, Math.floor((rows * SEQUENCE_WS_FLOATS) / full.wsFloats));
  return compile(layers, loss, nParams, nWeights, nStats, chunk);
}

/** Every planned layer, containers' layers after their container, in program order. */
export function walk(layers: readonly PlannedLayer[]): PlannedLayer[] {
  const out: PlannedLayer[] = [];
  const visit = (ls: readonly PlannedLayer[]): void => {
    for (const l of ls) {
      out.push(l);
      visit(l.children);
    }
  };
  visit(layers);
  return out;
}
