// The multi-layer perceptron sugar: dense → activation (→ dropout) per hidden size, then the output layer.
import { HyperParameterError } from '../../errors.js';
import { int, onlyKeys, show } from '../../validate.js';
import type { LayerSpec } from '../layers/index.js';
import type { InitName } from '../layers/layer.js';
import { Network } from './network.js';
import type { NetworkLoss } from './plan.js';
import type { SequentialOptions } from './sequential-options.js';

/** Options of {@link mlp}. */
export interface MlpOptions {
  /** Input features per row. */
  features: number;
  /** Hidden layer sizes, e.g. [128, 64]. */
  hidden: number[];
  /** Number of classes: ≥ 3 gives a softmax output, 2 a logistic one; absent means regression (squared loss). */
  classes?: number;
  /** Hidden activation. Default 'relu'. */
  activation?: 'relu' | 'leakyRelu' | 'tanh' | 'sigmoid' | 'gelu';
  /** Dropout rate after each hidden activation. Default 0 (none). */
  dropout?: number;
  init?: InitName;
  seed?: number;
}

/** A multi-layer perceptron: dense → activation (→ dropout) per hidden size, then the output layer. */
export function mlp(options: MlpOptions): Network {
  return new Network(mlpOptions(options));
}

/** @internal mlp's options as sequential's, validated (no allocation). */
export function mlpOptions(options: MlpOptions): SequentialOptions {
  if (options === null || typeof options !== 'object') throw new HyperParameterError('options', `must be an object, got ${show(options)}`);
  onlyKeys('mlp', options, ['features', 'hidden', 'classes', 'activation', 'dropout', 'init', 'seed']);
  if (options.features === undefined) throw new HyperParameterError('features', 'is required (inputs per row)');
  const features = int('features', options.features, 0, 1);
  if (!Array.isArray(options.hidden)) throw new HyperParameterError('hidden', `must be an array of layer sizes such as [128, 64], got ${show(options.hidden)}`);
  const classes = options.classes === undefined ? undefined : int('classes', options.classes, 0, 2);
  const act = options.activation ?? 'relu';
  const dropout = options.dropout ?? 0;
  const layers: LayerSpec[] = [];
  for (const units of options.hidden) {
    layers.push({ type: 'dense', units }, { type: act } as LayerSpec);
    if (dropout > 0) layers.push({ type: 'dropout', rate: dropout });
    else if (dropout !== 0) throw new HyperParameterError('dropout', `must be a number in [0, 1), got ${show(dropout)}`);
  }
  const loss: NetworkLoss = classes === undefined ? 'squared' : classes === 2 ? 'logistic' : 'softmax';
  layers.push({ type: 'dense', units: classes === undefined || classes === 2 ? 1 : classes });
  const o: SequentialOptions = { inputShape: [features], layers, loss };
  if (options.init !== undefined) o.init = options.init;
  if (options.seed !== undefined) o.seed = options.seed;
  return o;
}
