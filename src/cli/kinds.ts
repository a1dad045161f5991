// The model families of the command line: the linear ones and the multi-layer perceptron.
import type { Model, ModelKind } from '../models/linear/model.js';
import type { Network } from '../models/network/network.js';

/** A model family of the command line. */
export type CliKind = ModelKind | 'mlp' | 'cnn' | 'layers';

/** A model the command line trains: a linear model or a network. */
export type CliModel = Model | Network;

/** True when the chosen family and class count make a regression (values, R²). */
export function isRegression(kind: CliKind, classes: number): boolean {
  return kind === 'linear' || (kind !== 'logistic' && kind !== 'softmax' && classes < 2);
}
