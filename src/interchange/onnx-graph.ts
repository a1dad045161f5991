// A small builder of ONNX graphs: nodes with unique value names, initializers (f32 and int64, stored as
// little-endian raw_data) and attributes, as plain objects of the onnx.proto messages (onnx-schema.ts).
import { ATTRIBUTE, DATA_TYPE } from './onnx-schema.js';

/** An attribute value: a number is an INT when whole unless listed in `floats`; arrays likewise; a string is a STRING. */
export type AttrValue = number | string | number[] | { float: number } | { floats: number[] };

/** A node's attributes. */
export type Attrs = Record<string, AttrValue>;

function attribute(name: string, v: AttrValue): Record<string, unknown> {
  if (typeof v === 'string') return { name, type: ATTRIBUTE.STRING, s: new TextEncoder().encode(v) };
  if (typeof v === 'number') return { name, type: ATTRIBUTE.INT, i: v };
  if (Array.isArray(v)) return { name, type: ATTRIBUTE.INTS, ints: v };
  if ('float' in v) return { name, type: ATTRIBUTE.FLOAT, f: v.float };
  return { name, type: ATTRIBUTE.FLOATS, floats: v.floats };
}

/** A value's type: element type and shape, 'N' for the rows (a dynamic dimension). */
export function valueInfo(name: string, elemType: number, shape: (number | string)[]): Record<string, unknown> {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: shape.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  };
}

/** An ONNX graph being built. */
export class OnnxGraph {
  readonly nodes: Record<string, unknown>[] = [];
  readonly initializers: Record<string, unknown>[] = [];
  private readonly used = new Set<string>();

  constructor(readonly opset: number) {}

  /** A fresh value name starting with `base`. */
  name(base: string): string {
    let n = base, k = 1;
    while (this.used.has(n)) n = `${base}_${k++}`;
    this.used.add(n);
    return n;
  }

  /** Adds a node; returns its output names (`outputs` of them, named after `base`). */
  nodeN(opType: string, inputs: string[], attrs: Attrs, base: string, outputs: number): string[] {
    const out = Array.from({ length: outputs }, (_, i) => this.name(outputs === 1 ? base : `${base}_${i}`));
    this.nodes.push({
      opType, input: inputs, output: out, name: this.name(`${base}_${opType}`),
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return out;
  }

  /** Adds a node with one output; returns its name. */
  node(opType: string, inputs: string[], base: string, attrs: Attrs = {}): string {
    return this.nodeN(opType, inputs, attrs, base, 1)[0];
  }

  /** An f32 initializer of shape `dims`. */
  floats(base: string, dims: number[], values: ArrayLike<number>): string {
    const raw = new Uint8Array(4 * values.length), view = new DataView(raw.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(4 * i, values[i], true);
    const name = this.name(base);
    this.initializers.push({ name, dims, dataType: DATA_TYPE.FLOAT, rawData: raw });
    return name;
  }

  /** An int64 initializer of shape `dims` (whole numbers within ±2^53). */
  ints(base: string, dims: number[], values: readonly number[]): string {
    const raw = new Uint8Array(8 * values.length), view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setBigInt64(8 * i, BigInt(v), true));
    const name = this.name(base);
    this.initializers.push({ name, dims, dataType: DATA_TYPE.INT64, rawData: raw });
    return name;
  }

  /** A scalar f32 constant. */
  scalar(base: string, v: number): string {
    return this.floats(base, [], [v]);
  }
}
