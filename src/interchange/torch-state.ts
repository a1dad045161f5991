// Networks in and out of safetensors files with PyTorch's state_dict names (torch-layers.ts says which), so
// that a file descent writes loads with strict names into the torch.nn.Sequential of the same layers, and
// PyTorch's own file loads into a descent network. The layer spec travels in `__metadata__` (key `descent`,
// the JSON of Network.toJSON without its parameters), so a file descent wrote rebuilds its network alone.
// Everything a file holds is checked against the network before a single value is written or allocated.
import { DataError, DisposedError, HyperParameterError } from '../errors.js';
import { F32_MAX } from '../data/dataset.js';
import { Network, sequential, type LayerWeights, type NetworkJSON } from '../models/network/network.js';
import { validateSequential } from '../models/network/sequential-options.js';
import type { PlannedLayer } from '../models/layers/layer.js';
import { preprocessingFromJSON, preprocessingToJSON } from '../models/preprocessing.js';
import { onlyKeys, show } from '../validate.js';
import { decodeSafetensors, encodeSafetensors, type SafeTensor, type TensorToWrite } from './safetensors.js';
import { torchTensors, type WeightKey } from './torch-layers.js';

/** The `__metadata__` key holding the network's spec. */
export const SPEC_KEY = 'descent';

/** Options of {@link loadSafetensors}. */
export interface LoadSafetensorsOptions {
  /**
   * How the file's tensor names map to the network's: 'torch' (the default) when they are PyTorch's names for
   * the torch.nn.Sequential of the same layers (`0.weight`, `1.weight_ih_l0`); or a map from a name, or a
   * module prefix, in the file to the Sequential's — `{ emb: 0, rnn: 1, out: 2 }` reads `rnn.weight_ih_l0` as
   * `1.weight_ih_l0` (the longest matching prefix wins; a whole tensor name may be mapped too).
   */
  names?: 'torch' | Record<string, string | number>;
  /** Refuse tensors the network has no place for (true, the default, as torch's load_state_dict). */
  strict?: boolean;
}

/** The planned layers of a network (validation only: nothing is allocated). */
function planOf(net: Network): PlannedLayer[] {
  return validateSequential({ inputShape: [...net.inputShape], layers: net.layers.map((l) => ({ ...l })), loss: net.loss }).layers;
}

/** The spec part of a network's JSON: everything but the parameters and statistics. */
function specOf(net: Network): Omit<NetworkJSON, 'params' | 'stats'> {
  const { params: _p, stats: _s, ...spec } = net.toJSON();
  return spec;
}

/**
 * The network as a safetensors file: its tensors under PyTorch's state_dict names for the torch.nn.Sequential
 * of the same layers (F32; batch norm's num_batches_tracked as an I64 0, which torch only reads with
 * momentum=None), and its spec and preprocessing in `__metadata__` (`descent`; `format: 'pt'` as PyTorch's
 * writers put).
 */
export function toSafetensors(net: Network): Uint8Array {
  if (net.disposed) throw new DisposedError('toSafetensors: the network was disposed');
  const tensors = new Map<string, TensorToWrite>();
  const cache = new Map<string, LayerWeights>();
  for (const t of torchTensors(planOf(net))) {
    if (t.key === 'numBatchesTracked') {
      tensors.set(t.fullName, { data: [0], shape: [], dtype: 'I64' });
      continue;
    }
    if (!cache.has(t.at)) cache.set(t.at, net.getWeights(t.path));
    tensors.set(t.fullName, { data: cache.get(t.at)![t.key]!, shape: t.shape });
  }
  return encodeSafetensors(tensors, { format: 'pt', [SPEC_KEY]: JSON.stringify(specOf(net)) });
}

/** The file's tensors under the network's names, per `names`. */
function rename(tensors: Map<string, SafeTensor>, names: LoadSafetensorsOptions['names']): Map<string, SafeTensor> {
  if (names === undefined || names === 'torch') return tensors;
  if (names === null || typeof names !== 'object' || Array.isArray(names)) throw new HyperParameterError('names', `must be 'torch' or a map of names, got ${show(names)}`);
  for (const [k, v] of Object.entries(names)) {
    if (!(typeof v === 'string' || (Number.isInteger(v) && v >= 0))) throw new HyperParameterError(`names.${k}`, `must be a name or a layer index, got ${show(v)}`);
  }
  const out = new Map<string, SafeTensor>();
  for (const [name, t] of tensors) {
    let mapped = name;
    if (Object.prototype.hasOwnProperty.call(names, name)) mapped = String(names[name]);
    else {
      for (let cut = name.lastIndexOf('.'); cut > 0; cut = name.lastIndexOf('.', cut - 1)) {
        const prefix = name.slice(0, cut);
        if (Object.prototype.hasOwnProperty.call(names, prefix)) {
          mapped = `${names[prefix]}${name.slice(cut)}`;
          break;
        }
      }
    }
    if (out.has(mapped)) throw new DataError(`safetensors: tensors map to the same name "${mapped}" (one of them is "${name}")`);
    out.set(mapped, t);
  }
  return out;
}

/**
 * Checks every tensor the layers need against the file (present, same shape, finite float32 values) and
 * returns each layer's setWeights argument. Throws before anything is written.
 */
function collect(layers: PlannedLayer[], tensors: Map<string, SafeTensor>, strict: boolean): Map<string, { path: number[]; w: Partial<Record<WeightKey, Float32Array>> }> {
  const expected = torchTensors(layers);
  const known = new Set(expected.map((t) => t.fullName));
  if (strict) {
    const extra = [...tensors.keys()].filter((n) => !known.has(n));
    if (extra.length > 0) throw new DataError(`safetensors: the network has no tensor named ${extra.slice(0, 5).map((n) => `"${n}"`).join(', ')}${extra.length > 5 ? ` (and ${extra.length - 5} more)` : ''}; expected ${[...known].join(', ')}`);
  }
  const byLayer = new Map<string, { path: number[]; w: Partial<Record<WeightKey, Float32Array>> }>();
  for (const t of expected) {
    const got = tensors.get(t.fullName);
    if (!got) {
      if (t.key === 'numBatchesTracked') continue;
      throw new DataError(`safetensors: tensor "${t.fullName}" is missing (${t.at} needs ${t.key} of shape [${t.shape.join(', ')}])`);
    }
    if (got.shape.length !== t.shape.length || got.shape.some((d, j) => d !== t.shape[j])) {
      throw new DataError(`safetensors: tensor "${t.fullName}" has shape [${got.shape.join(', ')}], ${t.at} needs [${t.shape.join(', ')}]`);
    }
    if (t.key === 'numBatchesTracked') continue;
    const bad = got.data.findIndex((v) => !(Math.abs(v) <= F32_MAX));
    if (bad >= 0) throw new DataError(`safetensors: tensor "${t.fullName}" value ${bad} is ${got.data[bad]}, not a finite float32`, { column: bad });
    const entry = byLayer.get(t.at) ?? { path: t.path, w: {} };
    entry.w[t.key] = got.data;
    byLayer.set(t.at, entry);
  }
  return byLayer;
}

function apply(net: Network, byLayer: Map<string, { path: number[]; w: Partial<Record<WeightKey, Float32Array>> }>): void {
  for (const { path, w } of byLayer.values()) net.setWeights(path, { ...w, weight: w.weight!, bias: w.bias ?? null });
}

/**
 * Loads a safetensors file's tensors into a network built from a spec: PyTorch's own state_dict of the
 * torch.nn.Sequential of the same layers (`names: 'torch'`), or another naming through a map. Every tensor is
 * checked (present, shape, finite float32; with `strict`, no tensor left over) before any is written.
 */
export function loadSafetensors(net: Network, bytes: Uint8Array, options: LoadSafetensorsOptions = {}): void {
  if (options === null || typeof options !== 'object') throw new HyperParameterError('options', `must be an object, got ${show(options)}`);
  onlyKeys('loadSafetensors', options, ['names', 'strict']);
  if (options.strict !== undefined && typeof options.strict !== 'boolean') throw new HyperParameterError('strict', `must be a boolean, got ${show(options.strict)}`);
  if (net.disposed) throw new DisposedError('loadSafetensors: the network was disposed');
  const { tensors } = decodeSafetensors(bytes);
  apply(net, collect(planOf(net), rename(tensors, options.names), options.strict ?? true));
}

/**
 * Rebuilds a network from a file {@link toSafetensors} wrote (its spec is in `__metadata__`), on the current
 * backend. The file and the spec are checked completely before the network is allocated.
 */
export function networkFromSafetensors(bytes: Uint8Array): Network {
  const { tensors, metadata } = decodeSafetensors(bytes);
  const text = metadata[SPEC_KEY];
  if (text === undefined) throw new DataError(`safetensors: no "${SPEC_KEY}" entry in __metadata__ (not written by descent): build the network from its spec and use loadSafetensors`);
  let spec: NetworkJSON;
  try {
    spec = JSON.parse(text);
  } catch (e) {
    throw new DataError(`safetensors: __metadata__.${SPEC_KEY} is not valid JSON (${(e as Error).message})`);
  }
  if (spec === null || typeof spec !== 'object' || spec.format !== 'descent-model' || spec.kind !== 'sequential') {
    throw new DataError(`safetensors: __metadata__.${SPEC_KEY} is not a descent network spec (format "descent-model", kind "sequential")`);
  }
  if (spec.version !== 1) throw new DataError(`safetensors: unsupported descent-model version ${show(spec.version)}`);
  const options = { inputShape: spec.inputShape, layers: spec.layers, loss: spec.loss };
  const { layers } = validateSequential(options);
  const byLayer = collect(layers, tensors, true);
  const features = layers[0].inShape.reduce((a, b) => a * b, 1);
  const pre = preprocessingFromJSON(spec, features, `safetensors __metadata__.${SPEC_KEY}`);
  const net = sequential(options);
  try {
    apply(net, byLayer);
    net.preprocessing = pre;
  } catch (e) {
    net.dispose();
    throw e;
  }
  return net;
}

/** @internal used by the ONNX exporter: the preprocessing in its saved form. */
export const savedPreprocessing = (net: Network): ReturnType<typeof preprocessingToJSON> => preprocessingToJSON(net.preprocessing);
