// TF.js layers as a peer for networks: the MLP a TF.js user writes (tf.sequential, dense + relu, dense
// logits, softmax cross-entropy on the logits, tf.train.adam) trained by `model.fit`, the high-level API
// descent's train() competes with. Everything model.fit does per batch (its shuffle, the gather of each
// batch, the callbacks and the per-batch loss read back) is part of the timed work, as it is for a user.
//
// Weights come and go in descent's layout (all weights layer after layer, each PyTorch-style units ×
// inputs, then all biases); a TF.js Dense kernel is inputs × units, so they are transposed on the way.
// Adam: tf.train.adam adds ε to √v̂·√(1−β2ᵗ) rather than to √v̂ (PyTorch and descent); with ε = 1e-8 the
// two agree to float32 tolerance, which the equality check verifies.
import { tf, useTf, type TfBackend } from './tfjs.js';

/** Transposes a rows × cols row-major matrix. */
export function transpose(a: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c];
  return t;
}

/** Row-major one-hot rows × k matrix of integer labels. */
export function oneHot(y: ArrayLike<number>, k: number): Float32Array {
  const o = new Float32Array(y.length * k);
  for (let i = 0; i < y.length; i++) o[i * k + y[i]] = 1;
  return o;
}

/**
 * What every TF.js layers peer shares: a compiled tf.Sequential trained by `model.fit` over the first `rows`
 * rows of its X and one-hot Y tensors (prefixes sliced once, outside any timing), softmax cross-entropy on
 * the logits and tf.train.adam.
 */
export abstract class TfFit<T extends tf.Tensor> {
  readonly backend: TfBackend;
  readonly rows: number;
  protected abstract model: tf.Sequential;
  protected abstract X: T;
  protected abstract Y: tf.Tensor2D;
  private prefixes = new Map<number, [T, tf.Tensor2D]>();

  protected constructor(backend: TfBackend, rows: number) {
    this.backend = backend;
    this.rows = rows;
  }

  /** A fresh tf.train.adam and the loss: softmax cross-entropy on the logits, mean over the batch. */
  compile(lr: number): void {
    this.model.compile({
      optimizer: tf.train.adam(lr, 0.9, 0.999, 1e-8),
      loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
    });
  }

  /** The first `rows` rows as their own tensors (made once, outside any timing). */
  private prefix(rows: number): [T, tf.Tensor2D] {
    if (rows >= this.rows) return [this.X, this.Y];
    let p = this.prefixes.get(rows);
    if (!p) {
      p = tf.tidy(() => [this.X.slice(0, rows), this.Y.slice(0, rows)]) as [T, tf.Tensor2D];
      this.prefixes.set(rows, p);
    }
    return p;
  }

  /** Makes this model's backend current and prepares the tensors an epoch over the first `rows` rows uses. */
  async prepare(rows = this.rows): Promise<void> {
    await useTf(this.backend);
    this.prefix(rows);
  }

  /** One `model.fit` epoch over the first `rows` rows; resolves to the epoch's mean loss (history). */
  async epoch(batchSize: number, shuffle: boolean, rows = this.rows): Promise<number> {
    const [x, y] = this.prefix(rows);
    const h = await this.model.fit(x, y, { batchSize, epochs: 1, shuffle, verbose: 0 });
    return h.history.loss[0] as number;
  }

  dispose(): void {
    for (const [a, b] of this.prefixes.values()) tf.dispose([a, b]);
    tf.dispose([this.X, this.Y]);
    this.model.dispose();
  }
}

/** An MLP features → hidden (relu) … → classes (logits) in TF.js layers, on one backend. */
export class TfMlp extends TfFit<tf.Tensor2D> {
  readonly sizes: number[];
  protected model: tf.Sequential;
  protected X: tf.Tensor2D;
  protected Y: tf.Tensor2D;

  private constructor(backend: TfBackend, X: Float32Array, y: ArrayLike<number>, rows: number, sizes: number[]) {
    super(backend, rows);
    this.sizes = sizes;
    const model = tf.sequential();
    for (let i = 1; i < sizes.length; i++) {
      const last = i === sizes.length - 1;
      model.add(tf.layers.dense({
        units: sizes[i], activation: last ? 'linear' : 'relu', useBias: true,
        ...(i === 1 ? { inputShape: [sizes[0]] } : {}),
      }));
    }
    this.model = model;
    this.X = tf.tensor2d(X, [rows, sizes[0]]);
    this.Y = tf.tensor2d(oneHot(y, sizes[sizes.length - 1]), [rows, sizes[sizes.length - 1]]);
  }

  /** A model over `rows` rows of X (row-major, features = sizes[0]) and integer labels y. */
  static async create(backend: TfBackend, X: Float32Array, y: ArrayLike<number>, rows: number, sizes: number[]): Promise<TfMlp> {
    await useTf(backend);
    return new TfMlp(backend, X, y, rows, sizes);
  }

  /** Sets every layer from descent's parameter layout (weights units × inputs, then biases). */
  setParams(p: Float32Array): void {
    const ws: tf.Tensor[] = [];
    let off = 0;
    const nW = this.sizes.slice(1).reduce((s, u, i) => s + u * this.sizes[i], 0);
    let bOff = nW;
    for (let i = 1; i < this.sizes.length; i++) {
      const inputs = this.sizes[i - 1], units = this.sizes[i];
      ws.push(tf.tensor2d(transpose(p.subarray(off, off + units * inputs), units, inputs), [inputs, units]));
      ws.push(tf.tensor1d(p.subarray(bOff, bOff + units)));
      off += units * inputs;
      bOff += units;
    }
    this.model.setWeights(ws);
    tf.dispose(ws);
  }

  /** Every parameter in descent's layout. */
  params(): Float32Array {
    const w = this.model.getWeights();
    const nW = this.sizes.slice(1).reduce((s, u, i) => s + u * this.sizes[i], 0);
    const out = new Float32Array(nW + this.sizes.slice(1).reduce((s, u) => s + u, 0));
    let off = 0, bOff = nW;
    for (let i = 1; i < this.sizes.length; i++) {
      const inputs = this.sizes[i - 1], units = this.sizes[i];
      out.set(transpose(w[2 * (i - 1)].dataSync() as Float32Array, inputs, units), off);
      out.set(w[2 * (i - 1) + 1].dataSync() as Float32Array, bOff);
      off += units * inputs;
      bOff += units;
    }
    return out;
  }
}
