// Feed-forward networks as first-class models of the training engine: a Network holds its parameters,
// its compiled program and its workspace in backend memory, and the batch loop runs forward, loss,
// backward, the gradient tools and the update inside WASM. Everything the user gets back is a copy.
import { DataError, DisposedError, ShapeError, parseJSONText } from '../../errors.js';
import { backend } from '../../runtime/index.js';
import { Block, disposeAll } from '../../runtime/block.js';
import { Run } from '../../runtime/run.js';
import { NET, type RunFields } from '../../backends/abi.generated.js';
import { Dataset, F32_MAX, badValue, toFlatMatrix, type Matrix } from '../../data/dataset.js';
import { Rng } from '../../rng.js';
import { show } from '../../validate.js';
import { accuracyScore, r2Score } from '../metrics.js';
import { checkLabels } from '../targets.js';
import type { LayerSpec } from '../layers/index.js';
import type { InitName, PlannedLayer } from '../layers/layer.js';
import type { Evaluation, Trainable, TrainableJSON } from '../trainable.js';
import { Preprocessing, checkPreprocessing, preprocessingFromJSON, preprocessingToJSON, withPreprocessed, type SavedPreprocessing } from '../preprocessing.js';
import { compileNetwork, walk, type Compiled } from './program.js';
import { layerAt, type NetworkLoss } from './plan.js';
import { readWeights, writeWeights, type LayerWeights, type LayerWeightsInput } from './weights.js';
import { checkSequential, validateSequential, type SequentialOptions } from './sequential-options.js';
import { checkTokenIds } from './tokens.js';
import { scaleResidualProjections } from '../layers/residual.js';
import { relayout, withTrainable } from './freeze.js';
import { argmaxGroups, sigmoids, softmaxGroups } from './outputs.js';
import { NetworkSummary } from './summary.js';
import { checkEvaluateOptions, metricsReport, type EvaluateOptions } from '../../metrics/report.js';

export type { LayerSpec, NetworkLoss, InitName, LayerWeights, LayerWeightsInput };
export { checkSequential, type SequentialOptions } from './sequential-options.js';

/** A layer's address: its index in `layers`, or the indices down through containers (`[3, 0]`). */
export type LayerPath = number | readonly number[];

/** The JSON form of a network ({@link Network.toJSON}). */
export interface NetworkJSON extends TrainableJSON, SavedPreprocessing {
  kind: 'sequential';
  loss: NetworkLoss;
  inputShape: number[];
  layers: LayerSpec[];
  /** Batch norm's running means and variances, layer after layer (absent without batch norm). */
  stats?: number[];
}

/** A sequential network (see {@link sequential}). */
export class Network implements Trainable {
  readonly kind = 'sequential';
  readonly loss: NetworkLoss;
  readonly task: 'regression' | 'classification';
  /** The shape of one input row. */
  readonly inputShape: readonly number[];
  /** The layer specs (a frozen copy). */
  readonly layers: readonly LayerSpec[];
  readonly features: number;
  /** Outputs per row: classes (softmax), 1 (logistic, squared), or T·classes for a [T, classes] output. */
  readonly outputs: number;
  /** Labels per row: T when the last layer outputs [T, classes] under softmax (a label at each position), else 1. */
  readonly positions: number;
  /** Classes of a softmax network (per position for a [T, classes] output); 2 for logistic, 0 for squared. */
  readonly classes: number;
  readonly size: number;
  /** Trainable weights (the span L2/L1 penalties see). */
  readonly nWeights: number;
  /** Trainable parameters: the first trainableSize of {@link params} (frozen layers' tensors follow them). */
  readonly trainableSize: number;
  /** Networks with a layer that asks for it (gru, lstm: 5) clip the gradient's norm unless training says otherwise (clipNorm). */
  readonly defaultClipNorm?: number;
  /** True when a layer's state advances chunk after chunk (dropout, batch norm) or it is recurrent: threads split columns. */
  readonly columnOnly: boolean;
  /** Rows per chunk: a batch runs chunk after chunk (gradients summed in chunk order); threads share whole chunks. */
  readonly chunkRows: number;
  /** True when the first layer reads token ids (an embedding): the inputs are never standardized. */
  readonly tokenIds: boolean;
  /** @internal */ readonly paramsBlock: Block<'f32'>;
  private readonly compiled: Compiled;
  private readonly program: Block<'f64'>;
  private readonly ws: Block<'f32'>;
  /** Batch norm's running statistics (mean then variance per layer), null without batch norm. */
  private readonly stats: Block<'f32'> | null = null;
  private pre: Preprocessing | null = null;
  private layoutVersion = 0;
  /** Preprocessing applied to raw data by predict, decision and evaluate, and saved (see Model.preprocessing); null: none. */
  get preprocessing(): Preprocessing | null { return this.pre; }
  set preprocessing(p: Preprocessing | null) { this.pre = checkPreprocessing(p, this.features); }

  /** @internal use {@link sequential} or {@link mlp}. */
  constructor(options: SequentialOptions) {
    const { layers, nParams, nWeights, nTrainable, nStats, init, seed } = validateSequential(options);
    const shape = options.inputShape;
    this.compiled = compileNetwork(layers, options.loss, nParams, nWeights, nStats);
    this.loss = options.loss;
    this.task = options.loss === 'squared' ? 'regression' : 'classification';
    this.inputShape = Object.freeze([...shape]);
    this.layers = Object.freeze(layers.map((l) => Object.freeze({ ...l.spec }) as LayerSpec));
    this.features = shape.reduce((a, b) => a * b, 1);
    this.outputs = this.compiled.outputs;
    this.positions = this.compiled.positions;
    this.classes = options.loss === 'softmax' ? this.outputs / this.positions : options.loss === 'logistic' ? 2 : 0;
    this.size = nParams;
    this.trainableSize = nTrainable;
    this.nWeights = nWeights;
    const clip = walk(layers).find((l) => l.def.clipNorm !== undefined)?.def.clipNorm;
    if (clip !== undefined) this.defaultClipNorm = clip;
    this.tokenIds = layers[0].def.tokenIds === true;
    this.columnOnly = walk(layers).some((l) => l.def.columnOnly === true);
    this.chunkRows = this.compiled.program[NET.chunk];
    const be = backend();
    const blocks: Block[] = [];
    try {
      this.paramsBlock = new Block(be, 'f32', nParams);
      blocks.push(this.paramsBlock);
      this.program = new Block(be, 'f64', this.compiled.program.length);
      blocks.push(this.program);
      this.ws = new Block(be, 'f32', this.compiled.wsFloats);
      blocks.push(this.ws);
      if (nStats > 0) this.stats = new Block(be, 'f32', nStats);
    } catch (e) {
      disposeAll(...blocks);
      throw e;
    }
    this.program.view.set(this.compiled.program);
    this.ws.view.fill(0);
    this.initialize(init, seed);
  }

  /** Draws every layer's parameters, layer after layer, from one seeded stream (each module's order of draws). */
  private initialize(init: InitName, seed: number): void {
    const rng = new Rng(seed);
    const all = walk(this.compiled.layers);
    for (const l of all) l.def.init?.(l, this.paramsBlock.view, init, rng);
    if (init === 'gpt2') scaleResidualProjections(all, this.paramsBlock.view);
    this.resetStats();
  }

  /** Every statistic at its starting value (batch norm: running means 0 and variances 1, as a new torch.nn.BatchNorm). */
  private resetStats(): void {
    if (!this.stats) return;
    for (const l of walk(this.compiled.layers)) for (const s of l.stats) this.stats.view.fill(s.fill, s.offset, s.offset + s.size);
  }

  private withParams(path: LayerPath, what: string): PlannedLayer {
    if (this.disposed) throw new DisposedError('the network was disposed');
    const l = layerAt(this.compiled.layers, path, what);
    if (l.tensors.length === 0) throw new ShapeError(`${what}: ${l.at} is a ${l.spec.type} layer, which has no weights`);
    return l;
  }

  /**
   * Freezes the layer at `path` (a container: all its layers) as `trainable: false` does: its tensors stay as they
   * are, optimizers keep no state for them. The parameters are laid out again (trainable first): a Trainer made
   * before refuses to go on, partialFit starts a fresh optimizer.
   */
  freeze(path: LayerPath): void {
    this.setTrainable(path, false, `freeze(${pathText(path)})`);
  }

  /** Makes the layer at `path` trainable again (see {@link freeze}). */
  unfreeze(path: LayerPath): void {
    this.setTrainable(path, true, `unfreeze(${pathText(path)})`);
  }

  /** @internal Bumped by freeze/unfreeze: a Trainer checks that the layout it was made for still holds. */
  get layout(): number {
    return this.layoutVersion;
  }

  private setTrainable(path: LayerPath, trainable: boolean, what: string): void {
    if (this.disposed) throw new DisposedError('the network was disposed');
    const specs = withTrainable(this.layers, layerAt(this.compiled.layers, path, what).path, trainable, what);
    const r = relayout({ inputShape: [...this.inputShape], layers: specs, loss: this.loss }, this.compiled.layers, this.paramsBlock.view);
    this.paramsBlock.view.set(r.params);
    this.program.view.set(r.compiled.program);
    Object.assign(this as unknown as Record<string, unknown>, {
      compiled: r.compiled, layers: r.specs, nWeights: r.compiled.nWeights, trainableSize: r.nTrainable, layoutVersion: this.layoutVersion + 1,
    });
  }

  /** The planned layer at a path (its spec, shapes and tensors). @internal */
  layerAt(path: LayerPath): PlannedLayer {
    return layerAt(this.compiled.layers, path, 'layerAt');
  }

  /**
   * The tensors of the layer at `path` (an index, or indices down through containers: `[3, 0]`) in PyTorch's
   * layout, as copies (see {@link LayerWeights}).
   */
  getWeights(path: LayerPath): LayerWeights {
    const l = this.withParams(path, `getWeights(${pathText(path)})`);
    return readWeights(l, this.paramsBlock.view, this.stats?.view ?? null);
  }

  /**
   * Replaces the tensors of the layer at `path` (and a batch norm's runningMean/runningVar when given), in
   * PyTorch's layout; shapes and values are checked before anything is written.
   */
  setWeights(path: LayerPath, w: LayerWeightsInput): void {
    const where = `setWeights(${pathText(path)})`;
    const l = this.withParams(path, where);
    writeWeights(l, where, w, this.paramsBlock.view, this.stats?.view ?? null);
  }

  /** A copy of every parameter: all weights (layer after layer), then all biases. */
  get params(): Float32Array {
    return this.paramsBlock.view.slice();
  }

  /** Replaces every parameter (same layout as {@link params}). */
  setParams(p: ArrayLike<number>): void {
    if (p === null || typeof p !== 'object' || typeof p.length !== 'number') throw new ShapeError(`setParams: expected an array of ${this.size} numbers`);
    if (p.length !== this.size) throw new ShapeError(`setParams: expected ${this.size} values, got ${p.length}`);
    if (this.disposed) throw new DisposedError('the network was disposed');
    for (let i = 0; i < p.length; i++) {
      const v = p[i] as unknown;
      if (typeof v !== 'number' || !(Math.abs(v) <= F32_MAX)) throw new DataError(`setParams: value ${i} is ${badValue(v)}`, { column: i });
    }
    this.paramsBlock.view.set(p);
  }

  /** @internal the network's part of a run descriptor: parameters, program and workspace; dropout on. */
  runFields(): Partial<RunFields> {
    return {
      params: this.paramsBlock.ptr, nParams: this.trainableSize, nWeights: this.nWeights, features: this.features,
      outputs: this.outputs, net: this.program.ptr, ws: this.ws.ptr, training: 1, stats: this.stats?.ptr ?? 0,
    };
  }

  /** @internal checks that a dataset's shape and targets suit the network, before any allocation. */
  checkTargets(ds: Dataset): void {
    if (this.disposed) throw new DisposedError('the network was disposed');
    checkTokenIds(this.compiled.layers[0], ds.xBlock.view, this.features);
    const perRow = this.loss === 'softmax' ? this.positions : this.outputs;
    checkLabels(ds, this.paramsBlock.backend, this.features, 'network',
      this.loss === 'softmax' ? this.classes : this.loss === 'logistic' ? 'binary' : 'values', perRow);
  }

  /** The outputs (logits for classifiers) of rows idx[0..rows) of a dataset, with parameters at `params`. */
  private outputsOf(ds: Dataset, params: number, withLoss: boolean): { out: Float32Array; loss: number } {
    const be = this.paramsBlock.backend;
    const n = ds.rows;
    checkTokenIds(this.compiled.layers[0], ds.xBlock.view, this.features);
    const idx = new Block(be, 'i32', n);
    let out: Block<'f32'> | undefined, run: Run | undefined;
    try {
      out = new Block(be, 'f32', n * this.outputs);
      run = new Run(be, { ...this.runFields(), ...ds.runFields(), params, idx: idx.ptr, rows: n, out: out.ptr, training: 0 });
      if (!withLoss) run.set({ y: 0 });
      be.iotaI32(idx.ptr, n);
      const loss = be.forward(run.ptr, 0, n);
      return { out: out.view.slice(), loss };
    } finally {
      disposeAll(idx, out);
      run?.dispose();
    }
  }

  /** Raw outputs for each row (rows × outputs): logits for 'softmax' and 'logistic', values for 'squared'. */
  decision(x: Matrix | Dataset): Float32Array {
    if (x instanceof Dataset) return withPreprocessed(this.pre, x, (d) => this.outputsOf(d, this.paramsBlock.ptr, false).out);
    // On the network's own backend, whatever init() chose since (objects stay on the backend that made them).
    const m = toFlatMatrix(x, this.features);
    const data = this.pre ? this.pre.applyInPlace(Float32Array.from(m.data)) : m.data;
    const ds = Dataset.fromArraysOn(this.paramsBlock.backend, data, new Float32Array(m.rows), { features: this.features });
    try {
      return this.outputsOf(ds, this.paramsBlock.ptr, false).out;
    } finally {
      ds.dispose();
    }
  }

  private labelsOf(z: Float32Array): Float32Array {
    if (this.loss === 'squared') return z;
    if (this.loss === 'logistic') return z.map((v) => (v > 0 ? 1 : 0));
    return argmaxGroups(z, this.classes);
  }

  /**
   * Predictions: values ('squared'), labels 0/1 ('logistic') or class indices ('softmax'; rows × T of them for
   * a [T, classes] output).
   */
  predict(x: Matrix | Dataset): Float32Array {
    const p = this.labelsOf(this.decision(x));
    return this.pre && this.loss === 'squared' ? this.pre.invert(p) : p; // back to the target's units
  }

  /**
   * Class probabilities in f64: rows × 1 (P(y = 1), 'logistic'), rows × classes ('softmax'), or rows × T × classes
   * for a [T, classes] output (each position's distribution).
   */
  predictProba(x: Matrix | Dataset): Float64Array {
    if (this.loss === 'squared') throw new ShapeError("predictProba: a network with loss 'squared' (regression) has no probabilities");
    const z = this.decision(x);
    return this.loss === 'logistic' ? sigmoids(z) : softmaxGroups(z, this.classes);
  }

  /** @internal accuracy or R² with the parameters at `params`. */
  metricOf(ds: Dataset, params: number = this.paramsBlock.ptr): number {
    const pred = this.labelsOf(this.outputsOf(ds, params, false).out);
    return this.task === 'regression' ? r2Score(pred, ds.yBlock.view) : accuracyScore(pred, ds.yBlock.view);
  }

  /**
   * Mean loss (no penalty, dropout off) and accuracy or R² on a dataset; `{ metrics: [...] }` adds
   * scikit-learn's metrics in `metrics` (see MetricsReport).
   */
  evaluate(raw: Dataset, options?: EvaluateOptions): Evaluation {
    this.checkTargets(raw);
    const names = checkEvaluateOptions(options, this.task);
    const e: Evaluation = withPreprocessed(this.pre, raw, (ds) => {
      const { out, loss } = this.outputsOf(ds, this.paramsBlock.ptr, true);
      const pred = this.labelsOf(out);
      return this.task === 'regression' ? { loss, r2: r2Score(pred, ds.yBlock.view) } : { loss, accuracy: accuracyScore(pred, ds.yBlock.view) };
    });
    if (!names) return e;
    return { ...e, metrics: metricsReport(names, {
      task: this.task, classes: this.classes, yTrue: raw.y,
      predict: () => this.predict(raw), proba: () => (this.task === 'regression' ? null : this.predictProba(raw)),
    }, options?.k) };
  }

  /** The network as plain JSON (spec and parameters); {@link Network.fromJSON} gives it back bit for bit. */
  toJSON(): NetworkJSON {
    return {
      format: 'descent-model', version: 1, kind: 'sequential', loss: this.loss, inputShape: [...this.inputShape],
      layers: this.layers.map((l) => ({ ...l })), params: Array.from(this.paramsBlock.view),
      ...(this.stats ? { stats: Array.from(this.stats.view) } : {}), ...preprocessingToJSON(this.pre),
    };
  }

  /** Rebuilds a network saved by {@link Network.toJSON} (an object or its JSON text) on the current backend. */
  static fromJSON(json: NetworkJSON | string): Network {
    const o = (typeof json === 'string' ? parseJSONText(json, 'Network.fromJSON') : json) as NetworkJSON;
    if (o === null || typeof o !== 'object' || o.format !== 'descent-model') {
      throw new ShapeError('Network.fromJSON: not a saved descent model (format must be "descent-model")');
    }
    if (o.kind !== 'sequential') {
      throw new ShapeError(`Network.fromJSON: this is a saved ${show(o.kind)} model, not a network (kind "sequential"): load it with Model.fromJSON`);
    }
    if (o.version !== 1) throw new ShapeError(`Network.fromJSON: unsupported version ${show(o.version)}`);
    // Checked before anything is allocated: a short file must not make the process allocate what its spec claims.
    const { nParams } = checkSequential({ inputShape: o.inputShape, layers: o.layers, loss: o.loss });
    if (!Array.isArray(o.params)) throw new ShapeError('Network.fromJSON: no params array');
    if (o.params.length !== nParams) throw new ShapeError(`Network.fromJSON: the layers hold ${nParams} parameters but params holds ${o.params.length}`);
    const net = new Network({ inputShape: o.inputShape, layers: o.layers, loss: o.loss });
    try {
      net.setParams(o.params);
      if (net.stats) {
        const st = o.stats;
        if (!Array.isArray(st) || st.length !== net.stats.length || !st.every((v) => typeof v === 'number' && Number.isFinite(v))) {
          throw new ShapeError(`Network.fromJSON: stats must hold ${net.stats.length} finite numbers (batch norm's running statistics)`);
        }
        for (const l of walk(net.compiled.layers)) {
          for (const stat of l.stats) {
            if (stat.name === 'runningVar' && st.slice(stat.offset, stat.offset + stat.size).some((v) => v < 0)) {
              throw new ShapeError(`Network.fromJSON: ${l.at}'s running variance holds a negative value`);
            }
          }
        }
        net.stats.view.set(st);
      }
      net.pre = preprocessingFromJSON(o, net.features, 'Network.fromJSON');
    } catch (e) {
      net.dispose();
      throw e;
    }
    return net;
  }

  /** @internal batch norm's running statistics (what toJSON writes as `stats`), null without batch norm. */
  get statsBlock(): Block<'f32'> | null {
    return this.stats;
  }

  /**
   * The layers with their paths, types, output shapes and parameter counts, and the totals, as Keras's
   * model.summary() or torchinfo: `console.log(String(net.summary()))` prints the table (see {@link NetworkSummary}).
   */
  summary(): NetworkSummary {
    return new NetworkSummary(this.compiled.layers, {
      inputShape: this.inputShape, loss: this.loss, params: this.size, weights: this.nWeights, statistics: this.stats?.length ?? 0,
    });
  }

  /** True once dispose() ran. */
  get disposed(): boolean {
    return this.paramsBlock.disposed;
  }

  /** Frees the parameters, the program and the workspace; safe to call twice. */
  dispose(): void {
    disposeAll(this.paramsBlock, this.program, this.ws, this.stats ?? undefined);
  }
}

/** A path as text: `3` or `[3, 0]`. */
function pathText(path: LayerPath): string {
  return Array.isArray(path) ? `[${path.map((v) => show(v)).join(', ')}]` : show(path);
}

/**
 * A feed-forward network from plain JSON layer specs, trained by {@link train} like every model (every
 * optimizer, schedule, penalty, batching strategy and stopping rule):
 *
 * ```ts
 * const net = sequential({
 *   inputShape: [784],
 *   layers: [{ type: 'dense', units: 128 }, { type: 'relu' }, { type: 'dropout', rate: 0.2 }, { type: 'dense', units: 10 }],
 *   loss: 'softmax',
 * });
 * ```
 * Validation errors name the layer index and the field (`layers[2].units`), before anything is allocated.
 */
export function sequential(options: SequentialOptions): Network {
  return new Network(options);
}
