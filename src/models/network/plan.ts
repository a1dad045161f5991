// Validates a network's layer specs against the registry (src/models/layers/index.ts) and infers every
// layer's shapes and parameter layout, before anything is allocated. Layers are addressed by paths: the
// index in `layers`, then the index inside a container's `layers` ([3, 0]); messages name them the same way
// (`layers[3].layers[0].units`). The parameter vector holds every trainable 'weight' tensor first (layer after
// layer, a layer's tensors in order), then every trainable 'bias' tensor — L2/L1 and weight decay see one weight
// span, the optimizer one trainable prefix — then the frozen layers' tensors (`trainable: false`), weights then
// biases, which no update reaches and no optimizer keeps state for.
import { HyperParameterError, ShapeError, nearestKey } from '../../errors.js';
import { onlyKeys, show } from '../../validate.js';
import { LAYERS, type LayerSpec } from '../layers/index.js';
import { shapeText, size, type LayerDef, type PlannedLayer } from '../layers/layer.js';

import type { NetworkLoss } from './loss.js';

export type { NetworkLoss };

/** A planned network: its layers (a tree), the parameter counts and the statistics block's size. */
export interface Plan {
  layers: PlannedLayer[];
  nParams: number;
  /** The trainable weights: the span penalties see. */
  nWeights: number;
  /** The trainable parameters: the prefix the optimizer updates. */
  nTrainable: number;
  nStats: number;
}

/** The most layers a network may hold (containers' layers included): a bound that keeps a hostile spec cheap to refuse. */
export const MAX_LAYERS = 10_000;

/** The layer definition of a spec's type, with a typed error naming the path for an unknown one. */
export function defOf(at: string, raw: unknown): LayerDef {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new HyperParameterError(at, `must be a layer spec such as { type: 'dense', units: 10 }, got ${show(raw)}`);
  }
  const type = (raw as { type?: unknown }).type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(LAYERS, type)) {
    throw new HyperParameterError(`${at}.type`, `unknown layer type ${show(type)}; expected one of ${Object.keys(LAYERS).join(', ')}${suggest(type)}`);
  }
  return LAYERS[type as keyof typeof LAYERS] as unknown as LayerDef;
}

/** ", did you mean 'dense'?" for a type that misspells a known one (errors.ts nearestKey's rule). */
function suggest(type: unknown): string {
  const near = typeof type === 'string' ? nearestKey(type, Object.keys(LAYERS)) : null;
  return near ? ` (did you mean '${near}'?)` : '';
}

/** Checks that `specs` is a dense array of at most MAX_LAYERS entries (no holes, no huge sparse length). */
export function checkLayerList(at: string, specs: unknown): unknown[] {
  if (!Array.isArray(specs) || specs.length === 0) throw new HyperParameterError(at, `must be a non-empty array of layer specs, got ${show(specs)}`);
  if (specs.length > MAX_LAYERS) throw new HyperParameterError(at, `holds ${specs.length} entries; a network takes at most ${MAX_LAYERS} layers`);
  for (let i = 0; i < specs.length; i++) {
    if (!Object.prototype.hasOwnProperty.call(specs, i)) throw new HyperParameterError(`${at}[${i}]`, 'is missing (a sparse array): every entry must be a layer spec');
  }
  return specs;
}

/**
 * Plans one list of layers from `inShape`; `path` is the list's container path (empty at the top level).
 * Returns the planned layers and the shape they give.
 */
export function planList(specs: unknown, inShape: number[], path: number[], prefix: string, counter: { layers: number }, frozen = false): { layers: PlannedLayer[]; outShape: number[] } {
  const list = checkLayerList(prefix === '' ? 'layers' : `${prefix}.layers`, specs);
  const layers: PlannedLayer[] = [];
  let shape = inShape;
  list.forEach((raw, i) => {
    const at = `${prefix === '' ? '' : `${prefix}.`}layers[${i}]`;
    if (++counter.layers > MAX_LAYERS) throw new HyperParameterError(at, `a network takes at most ${MAX_LAYERS} layers`);
    const def = defOf(at, raw);
    onlyKeys(at, raw as object, [...def.keys, 'trainable']);
    const spec = { ...(raw as object) } as LayerSpec & Record<string, unknown>;
    if (spec.trainable !== undefined && typeof spec.trainable !== 'boolean') {
      throw new HyperParameterError(`${at}.trainable`, `must be true or false, got ${show(spec.trainable)}`);
    }
    const isFrozen = frozen || spec.trainable === false;
    const children = (sub: unknown, from: number[]) => planList(sub, from, [...path, i], at, counter, isFrozen);
    const p = def.plan(spec, shape, { at, first: path.length === 0 && i === 0, children });
    const planned: PlannedLayer = {
      spec, def, path: [...path, i], at, inShape: shape, outShape: p.outShape,
      tensors: (p.tensors ?? []).map((t) => ({ ...t, offset: -1, size: size(t.shape) })),
      stats: (p.stats ?? []).map((s) => ({ ...s, offset: -1 })), children: p.children ?? [], frozen: isFrozen,
    };
    layers.push(planned);
    shape = p.outShape;
  });
  return { layers, outShape: shape };
}

/** Validates the specs and infers every layer's shapes and parameter offsets, before anything is allocated. */
export function planLayers(inputShape: number[], specs: unknown, loss: NetworkLoss): Plan {
  const { layers, outShape } = planList(specs, inputShape, [], '', { layers: 0 });
  const all = flatten(layers);
  let nParams = 0, nStats = 0;
  const place = (frozen: boolean, span: 'weight' | 'bias'): void => {
    for (const l of all) if (l.frozen === frozen) for (const t of l.tensors) if (t.span === span) (t.offset = nParams), (nParams += t.size);
  };
  place(false, 'weight');
  const nWeights = nParams;
  place(false, 'bias');
  const nTrainable = nParams;
  place(true, 'weight');
  place(true, 'bias');
  for (const l of all) for (const s of l.stats) (s.offset = nStats), (nStats += s.size);
  if (!all.some((l) => l.tensors.length > 0)) {
    throw new HyperParameterError('layers', 'a network needs at least one layer with parameters (dense, conv2d, embedding, gru, lstm, …)');
  }
  checkHead(loss, outShape, layers[layers.length - 1].at);
  return { layers, nParams, nWeights, nTrainable, nStats };
}

function flatten(layers: readonly PlannedLayer[]): PlannedLayer[] {
  const out: PlannedLayer[] = [];
  for (const l of layers) out.push(l, ...flatten(l.children));
  return out;
}

/**
 * The last layer must give what the loss needs: a flat output, or, under 'softmax', [T, classes] (a label at
 * each of T positions).
 */
function checkHead(loss: NetworkLoss, shape: number[], last: string): void {
  const k = shape[shape.length - 1];
  if (shape.length === 2 && loss === 'softmax') {
    if (k < 2) throw new ShapeError(`loss 'softmax' needs at least 2 classes per position; ${last} outputs shape ${shapeText(shape)}`);
    return;
  }
  if (shape.length !== 1) {
    const seq = shape.length === 2 ? `; a label per position ([T, classes]) needs loss 'softmax'` : '';
    throw new ShapeError(`the last layer (${last}) outputs shape ${shapeText(shape)}; the loss needs a flat output: add { type: 'flatten' }${seq}`);
  }
  if (loss === 'softmax' && k < 2) throw new ShapeError(`loss 'softmax' needs at least 2 outputs (one per class); ${last} gives ${k}: use 'logistic' for two classes with one output`);
  if ((loss === 'logistic' || loss === 'squared') && k !== 1) {
    throw new ShapeError(`loss '${loss}' takes one output per row (one target per row); ${last} gives ${k}`);
  }
}

/** The planned layer at `path` (a top-level index or an array of indices), with a typed error naming it when there is none. */
export function layerAt(layers: readonly PlannedLayer[], path: number | readonly number[], what: string): PlannedLayer {
  const p = typeof path === 'number' ? [path] : path;
  if (!Array.isArray(p) || p.length === 0) throw new ShapeError(`${what}: a layer path is an index or a non-empty array of indices, got ${show(path)}`);
  let list = layers, l: PlannedLayer | undefined, at = '';
  for (const i of p) {
    if (!Number.isInteger(i) || i < 0 || i >= list.length) {
      throw new ShapeError(`${what}: ${at === '' ? 'layer index' : `${at} has ${list.length} layers; index`} must be an integer in [0, ${list.length - 1}], got ${show(i)}`);
    }
    l = list[i];
    at = l.at;
    list = l.children;
  }
  return l!;
}
