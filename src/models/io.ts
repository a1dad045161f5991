// A saved model for predicting on raw data: Model.toJSON's object (kind, loss, shape, parameters as
// JSON numbers, which read back exactly, and the preprocessing the model carries: `standardize` and
// `targetScale`) plus what the CLI's `predict` needs besides — the feature names and the class names. Plain JSON, so
// it can be read anywhere and inspected by eye; Model.fromJSON / loadModel read it too (extras ignored).
import { DataError, HyperParameterError, ShapeError } from '../errors.js';
import { Model, type ModelKind } from './linear/model.js';
import { Network, checkSequential, type LayerSpec, type NetworkLoss } from './network/network.js';

/** The `format` tag of a saved model. */
export const MODEL_FORMAT = 'descent-model';
/** The format version this code writes. */
export const MODEL_FORMAT_VERSION = 1;

/** What travels with the parameters. */
export interface ModelExtras {
  /** One name per feature, in the model's order. */
  featureNames?: readonly string[];
  /** The target column's name. */
  target?: string;
  /** Class names in label order. */
  classes?: readonly string[];
  /** Statistics to standardize raw features with before predicting: (x − mean) / std (std 0: centring only). Default: the model's own (`model.preprocessing`). */
  standardize?: { mean: ArrayLike<number>; std: ArrayLike<number> };
  /** A linear model trained on (y − mean) / std: predictions are mapped back as p·std + mean. */
  targetScale?: { mean: number; std: number };
  /** Free-form notes on how the model was trained (optimizer, epochs, …). */
  training?: Record<string, unknown>;
}

/**
 * A saved model as JSON: Model.toJSON's fields (or Network.toJSON's, with kind 'sequential', its inputShape
 * and layers) and the extras. `features` and `outputs` are present for every kind.
 */
export interface SavedModel {
  format: 'descent-model';
  version: number;
  kind: ModelKind | 'sequential';
  loss: string;
  epsilon?: number;
  features: number;
  outputs: number;
  params: number[];
  /** Networks: the shape of one input row and the layer specs. */
  inputShape?: number[];
  layers?: LayerSpec[];
  featureNames?: string[];
  target?: string;
  classes?: string[];
  standardize?: { mean: number[]; std: number[] };
  targetScale?: { mean: number; std: number };
  training?: Record<string, unknown>;
}

/** A JSON-ready copy of a model and its extras. */
export function modelToJSON(model: Model | Network, extras: ModelExtras = {}): SavedModel {
  const out: SavedModel = model instanceof Network
    ? { ...model.toJSON(), features: model.features, outputs: model.outputs }
    : model.toJSON();
  if (extras.featureNames) out.featureNames = [...extras.featureNames];
  if (extras.target !== undefined) out.target = extras.target;
  if (extras.classes) out.classes = [...extras.classes];
  if (extras.standardize) out.standardize = { mean: Array.from(extras.standardize.mean), std: Array.from(extras.standardize.std) };
  if (extras.targetScale) out.targetScale = { mean: extras.targetScale.mean, std: extras.targetScale.std };
  if (extras.training) out.training = extras.training;
  return parseSavedModel(out); // the writer obeys the reader's rules
}

function fail(source: string, what: string): never {
  throw new DataError(`${source}: not a descent model: ${what}`);
}

function numbers(v: unknown, n: number, source: string, what: string): number[] {
  if (!Array.isArray(v) || v.length !== n) fail(source, `${what} must be ${n} numbers`);
  for (let i = 0; i < n; i++) {
    if (typeof v[i] !== 'number' || !Number.isFinite(v[i])) fail(source, `${what}[${i}] is ${JSON.stringify(v[i])}, not a finite number`);
  }
  return v as number[];
}

function strings(v: unknown, n: number | undefined, source: string, what: string): string[] {
  if (!Array.isArray(v) || (n !== undefined && v.length !== n) || !v.every((s) => typeof s === 'string')) {
    fail(source, `${what} must be ${n ?? 'a list of'} strings`);
  }
  return v as string[];
}

/** The extras every kind may carry, checked against the model's features, outputs and task. */
function parseExtras(j: Record<string, unknown>, out: SavedModel, source: string, regression: boolean): SavedModel {
  const d = out.features, k = out.outputs;
  if (j.featureNames !== undefined) out.featureNames = strings(j.featureNames, d, source, 'featureNames');
  if (j.target !== undefined) {
    if (typeof j.target !== 'string') fail(source, 'target must be a string');
    out.target = j.target;
  }
  if (j.classes !== undefined) {
    if (regression) fail(source, 'a regression model has no classes');
    out.classes = strings(j.classes, k >= 2 ? k : 2, source, 'classes');
  }
  if (j.standardize !== undefined) {
    const s = j.standardize as Record<string, unknown> | null;
    if (s === null || typeof s !== 'object') fail(source, 'standardize must be { mean, std }');
    out.standardize = { mean: numbers(s.mean, d, source, 'standardize.mean'), std: numbers(s.std, d, source, 'standardize.std') };
  }
  if (j.targetScale !== undefined) {
    const s = j.targetScale as Record<string, unknown> | null;
    if (!regression) fail(source, 'only a regression model has a targetScale');
    if (s === null || typeof s !== 'object') fail(source, 'targetScale must be { mean, std }');
    const [mean, std] = numbers([s.mean, s.std], 2, source, 'targetScale');
    if (!(std > 0)) fail(source, 'targetScale.std must be positive');
    out.targetScale = { mean, std };
  }
  if (j.training !== undefined) {
    if (j.training === null || typeof j.training !== 'object') fail(source, 'training must be an object');
    out.training = j.training as Record<string, unknown>;
  }
  return out;
}

/** A saved network: its spec is checked as sequential() checks it, without allocating. */
function parseSavedNetwork(j: Record<string, unknown>, source: string): SavedModel {
  const inputShape = j.inputShape, layers = j.layers, loss = j.loss;
  if (!Array.isArray(inputShape) || !Array.isArray(layers)) fail(source, 'a sequential model needs inputShape and layers arrays');
  let shape: { nParams: number; outputs: number };
  try {
    shape = checkSequential({ inputShape: inputShape as number[], layers: layers as LayerSpec[], loss: loss as NetworkLoss });
  } catch (e) {
    return fail(source, `its network does not validate: ${(e as Error).message}`);
  }
  const features = (inputShape as number[]).reduce((a, b) => a * b, 1);
  const out: SavedModel = {
    format: MODEL_FORMAT, version: MODEL_FORMAT_VERSION, kind: 'sequential', loss: loss as string, features,
    outputs: shape.outputs, params: numbers(j.params, shape.nParams, source, 'params'),
    inputShape: [...(inputShape as number[])], layers: (layers as LayerSpec[]).map((l) => ({ ...l })),
  };
  return parseExtras(j, out, source, loss === 'squared');
}

/** Validates parsed JSON as a saved model; a DataError says what is wrong. */
export function parseSavedModel(json: unknown, source = 'model'): SavedModel {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) fail(source, 'expected a JSON object');
  const j = json as Record<string, unknown>;
  if (j.format !== MODEL_FORMAT) fail(source, `format is ${JSON.stringify(j.format)}, expected "${MODEL_FORMAT}"`);
  if (typeof j.version !== 'number' || j.version > MODEL_FORMAT_VERSION) {
    fail(source, `version ${JSON.stringify(j.version)} is newer than this descent reads (${MODEL_FORMAT_VERSION})`);
  }
  const kind = j.kind;
  if (kind === 'sequential') return parseSavedNetwork(j, source);
  if (kind !== 'linear' && kind !== 'logistic' && kind !== 'softmax') fail(source, `unknown kind ${JSON.stringify(kind)}`);
  const d = j.features, k = j.outputs;
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) fail(source, 'features must be a positive integer');
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || (kind === 'softmax' ? k < 2 : k !== 1)) {
    fail(source, `outputs ${JSON.stringify(k)} does not fit a ${kind} model`);
  }
  const loss = j.loss ?? DEFAULT_LOSS[kind];
  if (typeof loss !== 'string') fail(source, 'loss must be a string');
  if (j.epsilon !== undefined && (typeof j.epsilon !== 'number' || !Number.isFinite(j.epsilon))) fail(source, 'epsilon must be a finite number');
  const out: SavedModel = {
    format: MODEL_FORMAT, version: MODEL_FORMAT_VERSION, kind, loss: loss as SavedModel['loss'], features: d, outputs: k,
    params: numbers(j.params, k * (d + 1), source, 'params'),
  };
  if (j.epsilon !== undefined) out.epsilon = j.epsilon as number;
  return parseExtras(j, out, source, kind === 'linear');
}

/** A model (on the current backend) with the saved parameters. Accepts parsed JSON or JSON text. */
export function modelFromJSON(json: unknown, source = 'model'): Model | Network {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (e) {
      throw new DataError(`${source}: not valid JSON (${(e as Error).message})`);
    }
  }
  const s = parseSavedModel(value, source);
  const { format, version, kind, loss, epsilon, features, outputs, params, standardize, targetScale } = s;
  // The model carries the saved preprocessing: it standardizes raw rows and maps predictions back itself.
  const pre = { standardize, targetScale };
  try {
    if (kind === 'sequential') {
      return Network.fromJSON({ format, version: 1, kind, loss: loss as NetworkLoss, inputShape: s.inputShape!, layers: s.layers!, params, ...pre });
    }
    return Model.fromJSON({ format, version: version as 1, kind, loss: loss as never, ...(epsilon !== undefined ? { epsilon } : {}), features, outputs, params, ...pre });
  } catch (e) {
    // An unknown loss for the kind, say: the model file is at fault, so it is a data error.
    throw e instanceof HyperParameterError || e instanceof ShapeError ? new DataError(`${source}: not a usable descent model: ${e.message}`) : e;
  }
}

/** Each kind's loss when a saved model does not name one. */
const DEFAULT_LOSS = { linear: 'squared', logistic: 'logistic', softmax: 'softmax' } as const;
