// A Model is a parameter layout plus its loss: weights first (class-major for softmax), then biases.
// Parameters live in backend memory; everything handed to the user is a copy.
import { DataError, DisposedError, HyperParameterError, ShapeError, parseJSONText } from '../../errors.js';
import { backend } from '../../runtime/index.js';
import { Block, disposeAll } from '../../runtime/block.js';
import { LOSS, type LossName, type RunFields } from '../../backends/abi.generated.js';
import { Run } from '../../runtime/run.js';
import { accuracyScore, r2Score } from '../metrics.js';
import type { Evaluation, Trainable } from '../trainable.js';
import { checkLabels } from '../targets.js';
import { Dataset, F32_MAX, badValue, toFlatMatrix, type Matrix } from '../../data/dataset.js';
import { checkEvaluateOptions, metricsReport, type EvaluateOptions } from '../../metrics/report.js';
import {
  Preprocessing, checkPreprocessing, preprocessingFromJSON, preprocessingToJSON, withPreprocessed, type SavedPreprocessing,
} from '../preprocessing.js';
import { SparseDataset } from '../../data/dataset.js';
import { refuseBytes } from '../../data/bytes.js';
import { checkCsr, csrDecision, datasetDecision, isSparseRows, type SparseRows } from '../../data/sparse.js';
import { show } from '../../validate.js';

/** The model families descent trains. */
export type ModelKind = 'linear' | 'logistic' | 'softmax';

/**
 * Losses of a linear regression model (`linear`), with r = ŷ − y:
 * - `'squared'` (default): ½r²;
 * - `'huber'`: ½r² when |r| ≤ ε, else ε|r| − ½ε² (robust to outliers);
 * - `'epsilonInsensitive'`: max(0, |r| − ε) (linear support-vector regression).
 */
export type RegressionLoss = 'squared' | 'huber' | 'epsilonInsensitive';

/**
 * Losses of a binary classifier (`logistic`), labels 0/1 mapped to s = ±1, margin m = s·z, z = w·x + b:
 * - `'logistic'` (default): log(1 + e^(−m));
 * - `'hinge'`: max(0, 1 − m) (linear SVM);
 * - `'squaredHinge'`: max(0, 1 − m)²;
 * - `'modifiedHuber'`: (1 − m)² for m ≥ −1 (0 beyond m = 1), −4m below; gives probabilities (clip(z, −1, 1) + 1)/2.
 */
export type ClassifierLoss = 'logistic' | 'hinge' | 'squaredHinge' | 'modifiedHuber';

/** Losses each model family accepts; the first is the default. */
const LOSSES: Record<ModelKind, readonly LossName[]> = {
  linear: ['squared', 'huber', 'epsilonInsensitive'],
  logistic: ['logistic', 'hinge', 'squaredHinge', 'modifiedHuber'],
  softmax: ['softmax'],
};

/** scikit-learn's default ε of the Huber and epsilon-insensitive losses. */
const DEFAULT_EPSILON = 0.1;

/** The JSON form of a model ({@link Model.toJSON}); parameters as plain numbers, exact for f32. */
export interface ModelJSON extends SavedPreprocessing {
  format: 'descent-model';
  version: 1;
  kind: ModelKind;
  loss: LossName;
  /** ε of the Huber / epsilon-insensitive losses (absent for the others). */
  epsilon?: number;
  features: number;
  outputs: number;
  /** Weights (outputs × features, row-major), then biases. */
  params: number[];
}

/** Options shared by the model factories: the loss and its ε. @internal */
export interface LossOptions {
  loss?: string;
  epsilon?: number;
}

export type { Evaluation };

/** A linear model over `features` inputs, trained by {@link train}. */
export class Model implements Trainable {
  /** Model family. */
  readonly kind: ModelKind;
  /** Number of input features. */
  readonly features: number;
  /** Number of outputs: 1 for linear and logistic, the class count for softmax. */
  readonly outputs: number;
  /** Number of parameters (weights then biases). */
  readonly size: number;
  /** Every parameter trains (a linear model has no frozen part). */
  get trainableSize(): number {
    return this.size;
  }
  /** The training loss (see {@link RegressionLoss}, {@link ClassifierLoss}; softmax models use `'softmax'`). */
  readonly loss: LossName;
  /** ε of the Huber / epsilon-insensitive losses; 0 for the other losses. */
  readonly epsilon: number;
  /** 'regression' for linear models, 'classification' for logistic and softmax. */
  readonly task: 'regression' | 'classification';
  /** Weights (outputs × features), the parameters before the biases. */
  readonly nWeights: number;
  /** @internal */ readonly paramsBlock: Block<'f32'>;
  private pre: Preprocessing | null = null;

  /**
   * The preprocessing applied to raw data by predict, decision and evaluate, and saved with the model:
   * set by {@link train} (fitted on the training rows unless `standardize: false`), or by hand; null: none.
   */
  get preprocessing(): Preprocessing | null {
    return this.pre;
  }

  set preprocessing(p: Preprocessing | null) {
    this.pre = checkPreprocessing(p, this.features);
  }

  /** @internal use linear(), logistic() or softmax(). */
  constructor(kind: ModelKind, features: number, outputs: number, lossOptions: LossOptions = {}) {
    if (!Number.isInteger(features) || features < 1) throw new ShapeError(`${kind}: features must be a positive integer, got ${features}`);
    if (!Number.isInteger(outputs) || outputs < 1) throw new ShapeError(`${kind}: classes must be an integer ≥ 2, got ${outputs}`);
    const { loss, epsilon } = resolveLoss(kind, lossOptions);
    this.kind = kind;
    this.features = features;
    this.outputs = outputs;
    this.size = outputs * (features + 1);
    this.nWeights = outputs * features;
    this.task = kind === 'linear' ? 'regression' : 'classification';
    this.loss = loss;
    this.epsilon = epsilon;
    this.paramsBlock = new Block(backend(), 'f32', this.size);
    this.paramsBlock.view.fill(0);
  }

  /**
   * The model as plain JSON (kind, loss, shape and a copy of the parameters). f32 values survive
   * JSON.stringify/parse exactly, so {@link Model.fromJSON} gives back identical parameters.
   */
  toJSON(): ModelJSON {
    const json: ModelJSON = {
      format: 'descent-model', version: 1, kind: this.kind, loss: this.loss,
      features: this.features, outputs: this.outputs, params: Array.from(this.paramsBlock.view),
    };
    if (this.loss === 'huber' || this.loss === 'epsilonInsensitive') json.epsilon = this.epsilon;
    return Object.assign(json, preprocessingToJSON(this.pre));
  }

  /** Rebuilds a model saved by {@link Model.toJSON} (a parsed object or its JSON text) on the current backend. */
  static fromJSON(json: ModelJSON | string): Model {
    const o = (typeof json === 'string' ? parseJSONText(json, 'Model.fromJSON') : json) as ModelJSON;
    if (o === null || typeof o !== 'object' || o.format !== 'descent-model') {
      throw new ShapeError('fromJSON: not a descent model (format must be "descent-model")');
    }
    if (o.version !== 1) throw new ShapeError(`fromJSON: unsupported model version ${o.version}`);
    if ((o.kind as string) === 'sequential') throw new ShapeError('Model.fromJSON: this is a saved network (kind "sequential"): load it with Network.fromJSON');
    if (!Object.prototype.hasOwnProperty.call(LOSSES, o.kind)) throw new ShapeError(`Model.fromJSON: unknown model kind ${show(o.kind)} (linear, logistic or softmax)`);
    if (o.kind === 'softmax' && !(Number.isInteger(o.outputs) && o.outputs >= 2)) {
      throw new ShapeError(`fromJSON: a softmax model needs outputs ≥ 2, got ${o.outputs}`);
    }
    if (o.kind !== 'softmax' && o.outputs !== 1) throw new ShapeError(`fromJSON: a ${o.kind} model has 1 output, got ${show(o.outputs)}`);
    if (!Number.isInteger(o.features) || o.features < 1) throw new ShapeError(`fromJSON: features must be a positive integer, got ${show(o.features)}`);
    if (!Array.isArray(o.params) || o.params.length !== o.outputs * (o.features + 1)) {
      throw new ShapeError(`fromJSON: expected ${o.outputs * (o.features + 1)} parameters, got ${Array.isArray(o.params) ? o.params.length : 'none'}`);
    }
    for (let i = 0; i < o.params.length; i++) {
      if (typeof o.params[i] !== 'number' || !(Math.abs(o.params[i]) <= F32_MAX)) {
        throw new DataError(`fromJSON: parameter ${i} is ${badValue(o.params[i])}`, { column: i });
      }
    }
    const m = new Model(o.kind, o.features, o.outputs, o.kind === 'softmax' ? {} : { loss: o.loss, epsilon: o.epsilon });
    m.paramsBlock.view.set(o.params);
    m.pre = preprocessingFromJSON(o, o.features, 'fromJSON');
    return m;
  }

  /** @internal kernel code of the loss. */
  get lossCode(): number {
    return LOSS[this.loss];
  }

  /** @internal the model's part of a run descriptor: loss, parameters and shape. */
  runFields(): Pick<RunFields, 'loss' | 'params' | 'nParams' | 'nWeights' | 'features' | 'outputs' | 'lossParam'> {
    return {
      loss: this.lossCode, params: this.paramsBlock.ptr, nParams: this.size, nWeights: this.nWeights,
      features: this.features, outputs: this.outputs, lossParam: this.epsilon,
    };
  }

  /** A copy of the parameters: weights (outputs × features, row-major), then biases. */
  get params(): Float32Array {
    return this.paramsBlock.view.slice();
  }

  /** Replaces the parameters (same layout as {@link params}). */
  setParams(p: ArrayLike<number>): void {
    if (p === null || typeof p !== 'object' || typeof p.length !== 'number') throw new ShapeError(`setParams: expected an array of ${this.size} numbers`);
    if (p.length !== this.size) throw new ShapeError(`setParams: expected ${this.size} values, got ${p.length}`);
    if (this.paramsBlock.disposed) throw new DisposedError(`the ${this.kind} model was disposed`);
    for (let i = 0; i < p.length; i++) {
      // The data rule: numbers only, finite, float32-representable (1e39 would be stored as Infinity).
      const v = p[i] as unknown;
      if (typeof v !== 'number' || !(Math.abs(v) <= F32_MAX)) throw new DataError(`setParams: value ${i} is ${badValue(v)}`, { column: i });
    }
    this.paramsBlock.view.set(p);
  }

  /** @internal checks that a dataset's labels suit this model, before any allocation. */
  checkTargets(ds: Dataset): void {
    if (this.paramsBlock.disposed) throw new DisposedError(`the ${this.kind} model was disposed`);
    refuseBytes(ds, this.kind);
    checkLabels(ds, this.paramsBlock.backend, this.features, this.kind,
      this.kind === 'linear' ? 'values' : this.kind === 'logistic' ? 'binary' : this.outputs);
  }

  /** Raw outputs z = W·x + b for each row (dense, or CSR rows { indptr, indices, values }): rows × outputs, in f64. */
  decision(x: Matrix | SparseRows): Float64Array {
    if (isSparseRows(x)) {
      const m = checkCsr(x, this.features, 'x');
      return csrDecision(this.paramsBlock.view, this.features, this.outputs, m, m.rows);
    }
    const m = toFlatMatrix(x, this.features);
    // Raw features in: standardized here with the model's statistics (the outputs stay in the trained units).
    return this.decisionOf(this.paramsBlock.view, this.pre ? this.pre.applyInPlace(Float32Array.from(m.data)) : m.data, m.rows);
  }

  /** @internal z = W·x + b for `rows` rows of a flat matrix, with the given parameters, in f64. */
  decisionOf(p: Float32Array, data: ArrayLike<number>, rows: number): Float64Array {
    const d = this.features, k = this.outputs, nW = k * d;
    const out = new Float64Array(rows * k);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < k; c++) {
        let s = p[nW + c];
        for (let j = 0; j < d; j++) s += p[c * d + j] * data[r * d + j];
        out[r * k + c] = s;
      }
    }
    return out;
  }

  /** Values (linear), labels 0/1 (logistic) or class indices (softmax, first maximum) from decisions. */
  private labelsOf(z: Float64Array): Float64Array {
    const k = this.outputs;
    const rows = z.length / k;
    const out = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      if (this.kind === 'linear') out[r] = z[r];
      else if (this.kind === 'logistic') out[r] = z[r] > 0 ? 1 : 0;
      else {
        let best = 0;
        for (let c = 1; c < k; c++) if (z[r * k + c] > z[r * k + best]) best = c;
        out[r] = best;
      }
    }
    return out;
  }

  /**
   * Predictions from raw features (dense, or CSR rows): values in the target's units (linear), labels 0/1
   * (logistic), class indices (softmax).
   */
  predict(x: Matrix | SparseRows): Float32Array {
    const p = Float32Array.from(this.labelsOf(this.decision(x)));
    return this.pre && this.kind === 'linear' ? this.pre.invert(p) : p;
  }

  /**
   * @internal The metric of `params` on a dataset: R² (regression) or accuracy (classifiers), from f64
   * predictions. Model.evaluate and the trainer's validation share it.
   */
  metricOf(ds: Dataset, params: number = this.paramsBlock.ptr): number {
    const w = this.paramsBlock.backend.f32(params, this.size);
    const z = ds instanceof SparseDataset ? datasetDecision(w, this.features, this.outputs, ds) : this.decisionOf(w, ds.xBlock.view, ds.rows);
    const pred = this.labelsOf(z);
    return this.kind === 'linear' ? r2Score(pred, ds.yBlock.view) : accuracyScore(pred, ds.yBlock.view);
  }

  /**
   * Class probabilities: rows × 1 (P(y = 1), logistic) or rows × classes (softmax). Classifiers
   * trained with `'modifiedHuber'` give scikit-learn's (clip(z, −1, 1) + 1)/2; hinge losses give none.
   */
  predictProba(x: Matrix | SparseRows): Float64Array {
    if (this.kind === 'linear') throw new ShapeError('predictProba: a linear (regression) model has no probabilities');
    if (this.loss === 'hinge' || this.loss === 'squaredHinge') {
      throw new ShapeError(`predictProba: a classifier trained with the ${this.loss} loss has no probabilities; use 'logistic' or 'modifiedHuber'`);
    }
    const z = this.decision(x);
    const k = this.outputs;
    if (this.loss === 'modifiedHuber') return z.map((v) => (Math.min(1, Math.max(-1, v)) + 1) / 2);
    if (k === 1) return z.map((v) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v))));
    for (let r = 0; r < z.length / k; r++) {
      let mx = -Infinity;
      for (let c = 0; c < k; c++) mx = Math.max(mx, z[r * k + c]);
      let s = 0;
      for (let c = 0; c < k; c++) s += (z[r * k + c] = Math.exp(z[r * k + c] - mx));
      for (let c = 0; c < k; c++) z[r * k + c] /= s;
    }
    return z;
  }

  /**
   * Loss (the kernel's, without penalty) and accuracy or R² on a dataset of raw rows. With preprocessing,
   * on a transformed copy: the loss is in the units the model trained in (a scaled target's), as train()'s history.
   * `{ metrics: ['f1', 'confusionMatrix', …] }` adds scikit-learn's metrics in `metrics` (see MetricsReport).
   */
  evaluate(ds: Dataset, options?: EvaluateOptions): Evaluation {
    this.checkTargets(ds);
    const names = checkEvaluateOptions(options, this.task);
    const e = withPreprocessed(this.pre, ds, (d) => this.evaluateRaw(d));
    if (!names) return e;
    // Predictions in the target's units from the raw rows, as predict() gives them.
    const x = ds instanceof SparseDataset ? ds.csr : ds.x;
    const noProba = this.kind === 'linear' || this.loss === 'hinge' || this.loss === 'squaredHinge';
    return { ...e, metrics: metricsReport(names, {
      task: this.task, classes: this.kind === 'logistic' ? 2 : this.outputs, yTrue: ds.y,
      predict: () => this.predict(x), proba: () => (noProba ? null : this.predictProba(x)),
    }, options?.k) };
  }

  private evaluateRaw(ds: Dataset): Evaluation {
    const be = this.paramsBlock.backend;
    const n = ds.rows;
    const idx = new Block(be, 'i32', n);
    let grad: Block<'f32'> | undefined, scratch: Block<'f32'> | undefined, run: Run | undefined;
    let loss: number;
    try {
      grad = new Block(be, 'f32', this.size);
      scratch = new Block(be, 'f32', this.outputs);
      run = new Run(be, { ...this.runFields(), ...ds.runFields(), grads: grad.ptr, scratch: scratch.ptr, idx: idx.ptr, rows: n });
      be.iotaI32(idx.ptr, n);
      loss = be.lossGrad(run.ptr, 0, n);
    } finally {
      disposeAll(idx, grad, scratch);
      run?.dispose();
    }
    const metric = this.metricOf(ds);
    return this.kind === 'linear' ? { loss, r2: metric } : { loss, accuracy: metric };
  }

  /** True once dispose() ran. */
  get disposed(): boolean {
    return this.paramsBlock.disposed;
  }

  /**
   * @internal State kept for this model elsewhere (partialFit's optimizer), freed with it: such state is
   * useless once the parameters are gone, and would otherwise wait for a garbage collection.
   */
  readonly attached = new Set<{ dispose(): void }>();

  /** Frees the parameters and any partialFit state kept for the model; safe to call twice. */
  dispose(): void {
    for (const a of [...this.attached]) a.dispose();
    this.attached.clear();
    this.paramsBlock.dispose();
  }
}

/** Validates a model's loss and ε before anything is allocated. */
function resolveLoss(kind: ModelKind, o: LossOptions): { loss: LossName; epsilon: number } {
  const allowed = LOSSES[kind];
  const loss = (o.loss === undefined ? allowed[0] : o.loss) as LossName;
  if (!allowed.includes(loss)) {
    throw new HyperParameterError('loss', `a ${kind} model takes one of ${allowed.map((l) => `'${l}'`).join(', ')}, got ${JSON.stringify(o.loss)}`);
  }
  const usesEps = loss === 'huber' || loss === 'epsilonInsensitive';
  if (o.epsilon !== undefined && !usesEps) {
    throw new HyperParameterError('epsilon', `only the 'huber' and 'epsilonInsensitive' losses take epsilon (loss is '${loss}')`);
  }
  let epsilon = 0;
  if (usesEps) {
    epsilon = o.epsilon === undefined ? DEFAULT_EPSILON : o.epsilon;
    if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon < 0 || (loss === 'huber' && epsilon === 0)) {
      throw new HyperParameterError('epsilon', `must be a finite number ${loss === 'huber' ? '> 0' : '≥ 0'}, got ${epsilon}`);
    }
  }
  return { loss, epsilon };
}

/** Rebuilds a model saved with {@link Model.toJSON}; same as {@link Model.fromJSON}. */
export function loadModel(json: ModelJSON | string): Model {
  return Model.fromJSON(json);
}

