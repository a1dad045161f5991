// What the training engine needs of a model, whatever its family: the linear models (Model) and the
// networks (Network) both are one. Trainer, partialFit, trainStream and the evaluation helpers take
// this interface, so every optimizer, schedule, penalty and stopping rule applies to both.
import type { Block } from '../runtime/block.js';
import type { RunFields } from '../backends/abi.generated.js';
import type { Dataset, Matrix } from '../data/dataset.js';
import type { Preprocessing } from './preprocessing.js';
import type { MetricsReport } from '../metrics/report.js';

/** What {@link Trainable.evaluate} returns. */
export interface Evaluation {
  /** Mean data loss (no penalty) over the dataset. */
  loss: number;
  /** Fraction of correct labels (classifiers). */
  accuracy?: number;
  /** Coefficient of determination (regression). */
  r2?: number;
  /** The metrics asked for with evaluate(ds, { metrics }). */
  metrics?: MetricsReport;
}

/** The saved form every model shares (the families add their own fields). */
export interface TrainableJSON {
  format: 'descent-model';
  version: number;
  kind: string;
  loss: string;
  params: number[];
}

/** A model the training engine can train: a parameter vector in backend memory and a loss over it. */
export interface Trainable {
  /** Model family: 'linear' | 'logistic' | 'softmax' | 'sequential'. */
  readonly kind: string;
  /** The training loss. */
  readonly loss: string;
  /** Whether predictions are values (regression: R²) or labels (classification: accuracy). */
  readonly task: 'regression' | 'classification';
  /** Number of input features per row. */
  readonly features: number;
  /** Number of outputs per row. */
  readonly outputs: number;
  /** Number of parameters. */
  readonly size: number;
  /** The parameters the optimizer updates: the first trainableSize (all of them but a network's frozen layers). */
  readonly trainableSize: number;
  /** The parameters that are weights: the first `nWeights` of the vector, the span L2 and L1 penalize. */
  readonly nWeights: number;
  /** True once dispose() ran. */
  readonly disposed: boolean;
  /** The clipNorm training uses when the options give none (recurrent networks: 5); absent = no clipping. */
  readonly defaultClipNorm?: number;
  /** True when the inputs are token ids (a network whose first layer is an embedding): train() never standardizes them. */
  readonly tokenIds?: boolean;
  /** Standardization (and target scaling) applied to raw data by predict and evaluate; null: none. Set by train(). */
  preprocessing: Preprocessing | null;
  /** @internal the parameters (weights, then biases). */
  readonly paramsBlock: Block<'f32'>;
  /** @internal state that training changes besides the parameters (batch norm's running statistics), if any. */
  readonly statsBlock?: Block<'f32'> | null;
  /** @internal the model's part of a run descriptor. */
  runFields(): Partial<RunFields>;
  /** @internal checks that a dataset's shape and targets suit the model, before any allocation. */
  checkTargets(ds: Dataset): void;
  /** @internal accuracy or R² on a dataset, with the parameters at `params` (a pointer; default the model's). */
  metricOf(ds: Dataset, params?: number): number;
  /** Mean loss (no penalty) and accuracy or R² on a dataset. */
  evaluate(ds: Dataset): Evaluation;
  /** Predictions: values (regression) or labels. */
  predict(x: Matrix): Float32Array;
  /** The model as plain JSON. */
  toJSON(): TrainableJSON;
  /** Frees the model's memory; safe to call twice. */
  dispose(): void;
}
