// The layer vocabulary of sequential networks (the same JSON as PyTorch-style specs, see
// ../shared/reference/torch-nets.json), its validation, and its compilation into a network program for the
// in-WASM batch loop: a header and one record per layer that does work (abi.json `net`), the offsets of
// every buffer in the workspace, and the parameter layout — every weight matrix first (PyTorch's units ×
// inputs layout, layer after layer), then every bias, so that L2/L1 and weight decay see one weight span.
import { HyperParameterError, ShapeError } from '../errors.js';
import { ACT, HEAD, LAYER, LAYER_LEN, LAYER_SLOT, NET, NET_HEADER_LEN } from '../backends/abi.generated.js';
import { gemmPackFloats } from '../backends/js/gemm.js';
import { onlyKeys, show } from '../validate.js';
import { IMAGE_KEYS, imageRecord, planImageLayer, type ImageLayerSpec } from './image-layers.js';
import { SEQUENCE_KEYS, planSequenceLayer, sequenceRecord, type SequenceLayerSpec } from './sequence-layers.js';

/** One layer of a {@link sequential} network, as plain JSON. */
export type LayerSpec =
  | { type: 'dense'; units: number; bias?: boolean; inputs?: number }
  | { type: 'relu' } | { type: 'tanh' } | { type: 'sigmoid' } | { type: 'gelu' }
  | { type: 'leakyRelu'; slope?: number }
  | { type: 'dropout'; rate: number }
  | { type: 'flatten' }
  | { type: 'reshape'; shape: number[] }
  | ImageLayerSpec
  | SequenceLayerSpec;

/** The loss of a network: softmax cross-entropy on logits, binary cross-entropy on one logit, or mean squared error. */
export type NetworkLoss = 'softmax' | 'logistic' | 'squared';

/** Weight initialization: PyTorch's nn.Linear default, Glorot (Xavier) uniform, or He (Kaiming) uniform. */
export type InitName = 'torch' | 'glorot' | 'he';

/** A validated layer with its shapes; `dense` layers also carry their parameter offsets. */
export interface PlannedLayer {
  spec: LayerSpec;
  inShape: number[];
  outShape: number[];
  /**
   * Offsets (f32 elements) in the parameter vector: dense and conv2d, the weight and the bias (−1 without
   * bias); batchNorm, γ and β (both in the bias span). −1 for layers without parameters.
   */
  w: number;
  b: number;
  /** batchNorm: offset of its running mean (then variance) in the statistics block; −1 otherwise. */
  stats: number;
  /** conv2d: the zero padding on each side. */
  pad: number;
}

/** A compiled network: the program, the workspace it needs and the parameter layout. */
export interface Compiled {
  layers: PlannedLayer[];
  program: Float64Array;
  wsFloats: number;
  nParams: number;
  nWeights: number;
  /** f32 of the running-statistics block (batch norm), 0 without batch norm. */
  nStats: number;
  outputs: number;
}

/** Rows a batch is cut into while it runs: the workspace holds one chunk of every layer's activations. */
export const NET_CHUNK_ROWS = 128;

const ACTIVATIONS = { relu: ACT.relu, leakyRelu: ACT.leakyRelu, tanh: ACT.tanh, sigmoid: ACT.sigmoid, gelu: ACT.gelu } as const;
const KEYS: Record<string, readonly string[]> = {
  dense: ['type', 'units', 'bias', 'inputs'], relu: ['type'], tanh: ['type'], sigmoid: ['type'], gelu: ['type'],
  leakyRelu: ['type', 'slope'], dropout: ['type', 'rate'], flatten: ['type'], reshape: ['type', 'shape'],
  ...IMAGE_KEYS, ...SEQUENCE_KEYS,
};

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

function positiveInt(path: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new HyperParameterError(path, `must be a positive integer, got ${show(v)}`);
  return v;
}

/** Validates the specs and infers every layer's shapes and parameter offsets, before anything is allocated. */
export function planLayers(inputShape: number[], specs: unknown, loss: NetworkLoss): { layers: PlannedLayer[]; nParams: number; nWeights: number; nStats: number } {
  if (!Array.isArray(specs) || specs.length === 0) throw new HyperParameterError('layers', `must be a non-empty array of layer specs, got ${show(specs)}`);
  const layers: PlannedLayer[] = [];
  let shape = inputShape;
  let nWeights = 0, nStats = 0;
  // Layers with values in the bias span, in layer order, and how many each holds.
  const biased: { l: PlannedLayer; n: number }[] = [];
  specs.forEach((raw, i) => {
    const at = `layers[${i}]`;
    if (raw === null || typeof raw !== 'object') throw new HyperParameterError(at, `must be a layer spec such as { type: 'dense', units: 10 }, got ${show(raw)}`);
    const spec = raw as LayerSpec;
    const keys = KEYS[spec.type as string];
    if (!keys || !Object.prototype.hasOwnProperty.call(KEYS, spec.type)) {
      throw new HyperParameterError(`${at}.type`, `unknown layer type ${show(spec.type)}; expected one of ${Object.keys(KEYS).join(', ')}`);
    }
    onlyKeys(at, spec, keys);
    const inShape = shape;
    let outShape = shape;
    const planned: PlannedLayer = { spec: { ...spec }, inShape, outShape, w: -1, b: -1, stats: -1, pad: 0 };
    if (spec.type === 'dense') {
      const units = positiveInt(`${at}.units`, spec.units);
      if (inShape.length !== 1) {
        throw new ShapeError(`${at} (dense) needs a flat input, got shape ${shapeText(inShape)}; put { type: 'flatten' } before it`);
      }
      if (spec.inputs !== undefined && spec.inputs !== inShape[0]) {
        throw new ShapeError(`${at}.inputs is ${show(spec.inputs)} but the layer receives ${inShape[0]} values per row`);
      }
      if (spec.bias !== undefined && typeof spec.bias !== 'boolean') throw new HyperParameterError(`${at}.bias`, `must be a boolean, got ${show(spec.bias)}`);
      outShape = [units];
      planned.w = nWeights;
      nWeights += units * inShape[0];
      biased.push({ l: planned, n: spec.bias === false ? 0 : units });
    } else if (spec.type === 'leakyRelu') {
      if (spec.slope !== undefined && !(typeof spec.slope === 'number' && Number.isFinite(spec.slope) && spec.slope >= 0)) {
        throw new HyperParameterError(`${at}.slope`, `must be a finite number ≥ 0, got ${show(spec.slope)}`);
      }
    } else if (spec.type === 'dropout') {
      if (!(typeof spec.rate === 'number' && spec.rate >= 0 && spec.rate < 1)) {
        throw new HyperParameterError(`${at}.rate`, `must be a number in [0, 1), got ${show(spec.rate)}`);
      }
    } else if (spec.type === 'flatten') {
      outShape = [size(inShape)];
    } else if (spec.type === 'reshape') {
      const s = spec.shape;
      if (!Array.isArray(s) || s.length === 0) throw new HyperParameterError(`${at}.shape`, `must be a non-empty array of positive integers, got ${show(s)}`);
      s.forEach((v, j) => positiveInt(`${at}.shape[${j}]`, v));
      if (size(s) !== size(inShape)) {
        throw new ShapeError(`${at} (reshape) to ${shapeText(s)} holds ${size(s)} values but its input ${shapeText(inShape)} holds ${size(inShape)}`);
      }
      outShape = [...s];
    } else if (spec.type in IMAGE_KEYS) {
      const plan = planImageLayer(at, spec as ImageLayerSpec, inShape);
      outShape = plan.outShape;
      planned.pad = plan.pad;
      if (plan.weights > 0) {
        planned.w = nWeights;
        nWeights += plan.weights;
      }
      if (plan.stats > 0) {
        planned.stats = nStats;
        nStats += plan.stats;
      }
      biased.push({ l: planned, n: plan.biases });
    } else if (spec.type in SEQUENCE_KEYS) {
      const plan = planSequenceLayer(at, i, spec as SequenceLayerSpec, inShape);
      outShape = plan.outShape;
      planned.w = nWeights;
      nWeights += plan.weights;
      biased.push({ l: planned, n: plan.biases });
    }
    planned.outShape = outShape;
    layers.push(planned);
    shape = outShape;
  });
  if (biased.length === 0) throw new HyperParameterError('layers', 'a network needs at least one layer with parameters (dense, conv2d, embedding, gru, lstm)');
  // The bias span: dense and conv biases, batch norm's γ then β, in layer order (not penalized by L2/L1).
  let nParams = nWeights;
  for (const { l, n } of biased) {
    if (n === 0) continue;
    if (l.spec.type === 'batchNorm') {
      l.w = nParams;
      l.b = nParams + n / 2;
    } else {
      l.b = nParams;
    }
    nParams += n;
  }
  checkHead(loss, shape, layers.length - 1);
  return { layers, nParams, nWeights, nStats };
}

/** The last layer must give what the loss needs. */
function checkHead(loss: NetworkLoss, shape: number[], last: number): void {
  const k = size(shape);
  if (shape.length !== 1) throw new ShapeError(`the last layer (layers[${last}]) outputs shape ${shapeText(shape)}; the loss needs a flat output: add { type: 'flatten' }`);
  if (loss === 'softmax' && k < 2) throw new ShapeError(`loss 'softmax' needs at least 2 outputs (one per class); layers[${last}] gives ${k}: use 'logistic' for two classes with one output`);
  if ((loss === 'logistic' || loss === 'squared') && k !== 1) {
    throw new ShapeError(`loss '${loss}' takes one output per row (one target per row); layers[${last}] gives ${k}`);
  }
}

/** Bump allocator of workspace buffers, in f32 elements, 16-byte aligned. */
class Arena {
  floats = 0;
  take(n: number): number {
    const at = this.floats;
    this.floats += Math.ceil(n / 4) * 4;
    return at;
  }
}

/**
 * Compiles planned layers into a network program. Activations whose derivative needs only their output
 * (relu, leaky relu with slope ≥ 0, tanh, sigmoid) are fused into the dense layer before them: the product's
 * epilogue applies them and the activation record only runs backward, in place.
 */
export function compile(layers: PlannedLayer[], loss: NetworkLoss, nParams: number, nWeights: number, nStats = 0, chunk = NET_CHUNK_ROWS): Compiled {
  const ws = new Arena();
  const inputs = size(layers[0].inShape);
  const input = ws.take(chunk * inputs);
  let cur = { x: input, dx: -1 };
  const records: number[][] = [];
  let pack = 0;
  let prevDense: number[] | null = null;
  let stepMask = -1;
  for (const l of layers) {
    const t = l.spec.type;
    if (t === 'flatten' || t === 'reshape') continue; // the same rows, seen with another shape
    const inSize = size(l.inShape), outSize = size(l.outShape);
    const r = new Array<number>(LAYER_LEN).fill(-1);
    r[LAYER_SLOT.inSize] = inSize;
    r[LAYER_SLOT.outSize] = outSize;
    r[LAYER_SLOT.x] = cur.x;
    r[LAYER_SLOT.dx] = cur.dx;
    r[LAYER_SLOT.act] = ACT.identity;
    r[LAYER_SLOT.param] = 0;
    r[LAYER_SLOT.fused] = 0;
    if (t === 'dense') {
      r[LAYER_SLOT.kind] = LAYER.dense;
      r[LAYER_SLOT.w] = l.w;
      r[LAYER_SLOT.b] = l.b;
      r[LAYER_SLOT.y] = ws.take(chunk * outSize);
      r[LAYER_SLOT.dy] = ws.take(chunk * outSize);
      pack = Math.max(pack, gemmPackFloats(chunk, outSize, inSize), gemmPackFloats(chunk, inSize, outSize),
        gemmPackFloats(outSize, inSize, chunk));
      prevDense = r;
    } else if (t in IMAGE_KEYS) {
      pack = Math.max(pack, imageRecord(r, l as PlannedLayer & { spec: ImageLayerSpec }, chunk, (n) => ws.take(n)));
      prevDense = null;
    } else if (t in SEQUENCE_KEYS) {
      const rec = sequenceRecord(r, l as PlannedLayer & { spec: SequenceLayerSpec }, chunk, (n) => ws.take(n), stepMask);
      pack = Math.max(pack, rec.pack);
      stepMask = rec.mask;
      prevDense = null;
    } else if (t === 'dropout') {
      r[LAYER_SLOT.kind] = LAYER.dropout;
      r[LAYER_SLOT.param] = l.spec.rate;
      r[LAYER_SLOT.y] = ws.take(chunk * outSize);
      r[LAYER_SLOT.dy] = ws.take(chunk * outSize);
      r[LAYER_SLOT.mask] = ws.take(chunk * outSize);
      prevDense = null;
    } else {
      const act = ACTIVATIONS[t as keyof typeof ACTIVATIONS];
      const param = t === 'leakyRelu' ? (l.spec as { slope?: number }).slope ?? 0.01 : 0;
      r[LAYER_SLOT.kind] = LAYER.activation;
      r[LAYER_SLOT.act] = act;
      r[LAYER_SLOT.param] = param;
      const fusable = act !== ACT.gelu && prevDense !== null && prevDense[LAYER_SLOT.act] === ACT.identity;
      if (fusable) {
        prevDense![LAYER_SLOT.act] = act;
        prevDense![LAYER_SLOT.param] = param;
        r[LAYER_SLOT.fused] = 1;
        r[LAYER_SLOT.y] = cur.x; // the dense layer's output, already activated
        r[LAYER_SLOT.dy] = cur.dx;
        r[LAYER_SLOT.dx] = cur.dx; // backward in place
      } else {
        r[LAYER_SLOT.y] = ws.take(chunk * outSize);
        r[LAYER_SLOT.dy] = ws.take(chunk * outSize);
      }
      prevDense = null;
    }
    records.push(r);
    cur = { x: r[LAYER_SLOT.y], dx: r[LAYER_SLOT.dy] };
  }
  const header = new Array<number>(NET_HEADER_LEN).fill(0);
  header[NET.layers] = records.length;
  header[NET.head] = HEAD[loss];
  header[NET.chunk] = chunk;
  header[NET.inputs] = inputs;
  header[NET.outputs] = size(layers[layers.length - 1].outShape);
  header[NET.input] = input;
  header[NET.logits] = cur.x;
  header[NET.dlogits] = cur.dx;
  header[NET.pack] = ws.take(pack);
  header[NET.gpart] = ws.take(nParams);
  header[NET.rng] = ws.take(4);
  const program = new Float64Array(NET_HEADER_LEN + records.length * LAYER_LEN);
  program.set(header);
  records.forEach((r, i) => program.set(r, NET_HEADER_LEN + i * LAYER_LEN));
  return { layers, program, wsFloats: ws.floats, nParams, nWeights, nStats, outputs: header[NET.outputs] };
}

/** The workspace a network with sequence layers may take (f32: 64 MB): BPTT keeps every step of every row. */
export const SEQUENCE_WS_FLOATS = 1 << 24;

/**
 * compile() with 128-row chunks, or, for a network with embedding/gru/lstm layers whose chunk would need
 * more than {@link SEQUENCE_WS_FLOATS}, with as many rows per chunk as fit (at least 1): long sequences run
 * in smaller chunks rather than taking gigabytes.
 */
export function compileNetwork(layers: PlannedLayer[], loss: NetworkLoss, nParams: number, nWeights: number, nStats: number): Compiled {
  const full = compile(layers, loss, nParams, nWeights, nStats);
  if (full.wsFloats <= SEQUENCE_WS_FLOATS || !layers.some((l) => l.spec.type in SEQUENCE_KEYS)) return full;
  const chunk = Math.max(1, Math.floor((NET_CHUNK_ROWS * SEQUENCE_WS_FLOATS) / full.wsFloats));
  return compile(layers, loss, nParams, nWeights, nStats, chunk);
}
