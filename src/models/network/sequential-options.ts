// The options of sequential networks and their validation, without allocating anything: shared by the
// Network constructor, the worker's client (which checks a job before a worker starts) and the CLI.
import { HyperParameterError } from '../../errors.js';
import { int, onlyKeys, show } from '../../validate.js';
import type { LayerSpec } from '../layers/index.js';
import type { InitName } from '../layers/layer.js';
import { planLayers, type NetworkLoss } from './plan.js';

/** Options of {@link sequential}. */
export interface SequentialOptions {
  /** The shape of one input row, e.g. [784] or [1, 28, 28]; its product is the number of features. */
  inputShape: number[];
  /** The layers, in order (plain JSON, see {@link LayerSpec}). */
  layers: LayerSpec[];
  /** 'softmax' (cross-entropy on logits, ≥ 2 outputs), 'logistic' (binary, 1 output) or 'squared' (regression, 1 output). */
  loss: NetworkLoss;
  /** Weight initialization. Default 'torch' (nn.Linear's: weights and biases uniform in ±1/√fan_in). */
  init?: InitName;
  /** Seed of the initialization. Default 0. */
  seed?: number;
}

const KEYS = ['inputShape', 'layers', 'loss', 'init', 'seed'] as const;
const LOSSES: readonly NetworkLoss[] = ['softmax', 'logistic', 'squared'];

/** Every check of sequential's options, without allocating anything. */
export function validateSequential(options: SequentialOptions): ReturnType<typeof planLayers> & { init: InitName; seed: number } {
  if (options === null || typeof options !== 'object') throw new HyperParameterError('options', `must be an object, got ${show(options)}`);
  onlyKeys('sequential', options, KEYS);
  const shape = options.inputShape;
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((v) => Number.isInteger(v) && v >= 1)) {
    throw new HyperParameterError('inputShape', `must be a non-empty array of positive integers such as [784], got ${show(shape)}`);
  }
  if (!LOSSES.includes(options.loss)) throw new HyperParameterError('loss', `must be one of ${LOSSES.map((l) => `'${l}'`).join(', ')}, got ${show(options.loss)}`);
  const init = options.init ?? 'torch';
  if (init !== 'torch' && init !== 'glorot' && init !== 'he' && init !== 'gpt2') {
    throw new HyperParameterError('init', `must be 'torch', 'glorot', 'he' or 'gpt2', got ${show(init)}`);
  }
  const seed = int('seed', options.seed, 0, 0, 0xffffffff);
  return { ...planLayers([...shape], options.layers, options.loss), init, seed };
}

/**
 * @internal Validates a network's options without allocating (for the worker's client, which checks a job
 * before a worker starts, and the command line); returns the number of parameters.
 */
export function checkSequential(options: SequentialOptions): { nParams: number; outputs: number } {
  const v = validateSequential(options);
  return { nParams: v.nParams, outputs: v.layers[v.layers.length - 1].outShape.reduce((a, b) => a * b, 1) };
}

