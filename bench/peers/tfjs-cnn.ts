// TF.js layers as a peer for the convolutional network of bench/cnn.bench.ts: the small MNIST CNN a TF.js user
// writes (conv2d 8 3×3 relu → maxPooling2d 2 → conv2d 16 3×3 relu → maxPooling2d 2 → flatten → dense 10
// logits, softmax cross-entropy on the logits, tf.train.adam) trained by `model.fit`, channels last (TF.js's
// only layout on its cpu and wasm backends).
//
// Weights come and go in descent's layout (every kernel PyTorch-style, filters × channels × k × k and
// units × inputs, then every bias). TF.js keeps a conv kernel as k × k × channels × filters and flattens
// [5, 5, 16] as height, width, channel where descent (and PyTorch) flatten channel, height, width, so the
// dense kernel's rows are permuted on the way as well as transposed.
import { tf, useTf, type TfBackend } from './tfjs.js';
import { oneHot, TfFit } from './tfjs-layers.js';

/** The network's shapes: input 28×28×1, two 3×3 convolutions (8 and 16 filters), dense 400 → 10. */
export const CNN = { side: 28, k: 3, filters: [1, 8, 16], pooled: 5, classes: 10 } as const;

/** Sizes of descent's parameter vector: the three kernels, then the three biases. */
export function cnnLayout(): { w: number[]; b: number[]; total: number } {
  const { k, filters: f, pooled: p, classes } = CNN;
  const w = [f[1] * f[0] * k * k, f[2] * f[1] * k * k, classes * f[2] * p * p];
  const b = [f[1], f[2], classes];
  return { w, b, total: [...w, ...b].reduce((s, v) => s + v, 0) };
}

/** filters × channels × k × k (descent) → k × k × channels × filters (TF.js), or back with `back`. */
export function convKernel(src: ArrayLike<number>, F: number, C: number, k: number, back = false): Float32Array {
  const out = new Float32Array(F * C * k * k);
  for (let f = 0; f < F; f++) for (let c = 0; c < C; c++) for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
    const d = ((f * C + c) * k + i) * k + j, t = ((i * k + j) * C + c) * F + f;
    if (back) out[d] = src[t];
    else out[t] = src[d];
  }
  return out;
}

/** units × (C·H·W in c, h, w order) (descent) → (H·W·C in h, w, c order) × units (TF.js), or back. */
export function denseKernel(src: ArrayLike<number>, units: number, C: number, side: number, back = false): Float32Array {
  const out = new Float32Array(units * C * side * side);
  for (let u = 0; u < units; u++) for (let c = 0; c < C; c++) for (let h = 0; h < side; h++) for (let w = 0; w < side; w++) {
    const d = u * C * side * side + (c * side + h) * side + w, t = ((h * side + w) * C + c) * units + u;
    if (back) out[d] = src[t];
    else out[t] = src[d];
  }
  return out;
}

/** The CNN in TF.js layers on one backend, over `rows` MNIST rows (784 pixels each) and integer labels. */
export class TfCnn extends TfFit<tf.Tensor4D> {
  protected model: tf.Sequential;
  protected X: tf.Tensor4D;
  protected Y: tf.Tensor2D;

  private constructor(backend: TfBackend, X: Float32Array, y: ArrayLike<number>, rows: number) {
    super(backend, rows);
    const { side, k, filters, classes } = CNN;
    const m = tf.sequential();
    m.add(tf.layers.conv2d({ inputShape: [side, side, 1], filters: filters[1], kernelSize: k, activation: 'relu', padding: 'valid' }));
    m.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
    m.add(tf.layers.conv2d({ filters: filters[2], kernelSize: k, activation: 'relu', padding: 'valid' }));
    m.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: classes }));
    this.model = m;
    // One channel: an MNIST row is already height × width × channel.
    this.X = tf.tensor4d(X.subarray(0, rows * side * side), [rows, side, side, 1]);
    this.Y = tf.tensor2d(oneHot(Array.from(y).slice(0, rows), classes), [rows, classes]);
  }

  /** A model over the first `rows` rows of X and y. */
  static async create(backend: TfBackend, X: Float32Array, y: ArrayLike<number>, rows: number): Promise<TfCnn> {
    await useTf(backend);
    return new TfCnn(backend, X, y, rows);
  }

  /** Sets every layer from descent's parameter layout. */
  setParams(p: Float32Array): void {
    const { k, filters: f, pooled, classes } = CNN;
    const { w, b } = cnnLayout();
    const wo = [0, w[0], w[0] + w[1]], bo0 = w[0] + w[1] + w[2], bo = [bo0, bo0 + b[0], bo0 + b[0] + b[1]];
    const ws = [
      tf.tensor4d(convKernel(p.subarray(wo[0], wo[0] + w[0]), f[1], f[0], k), [k, k, f[0], f[1]]), tf.tensor1d(p.subarray(bo[0], bo[0] + b[0])),
      tf.tensor4d(convKernel(p.subarray(wo[1], wo[1] + w[1]), f[2], f[1], k), [k, k, f[1], f[2]]), tf.tensor1d(p.subarray(bo[1], bo[1] + b[1])),
      tf.tensor2d(denseKernel(p.subarray(wo[2], wo[2] + w[2]), classes, f[2], pooled), [f[2] * pooled * pooled, classes]), tf.tensor1d(p.subarray(bo[2], bo[2] + b[2])),
    ];
    this.model.setWeights(ws);
    tf.dispose(ws);
  }

  /** Every parameter in descent's layout. */
  params(): Float32Array {
    const { k, filters: f, pooled, classes } = CNN;
    const g = this.model.getWeights().map((t) => t.dataSync() as Float32Array);
    return Float32Array.from([
      ...convKernel(g[0], f[1], f[0], k, true), ...convKernel(g[2], f[2], f[1], k, true), ...denseKernel(g[4], classes, f[2], pooled, true),
      ...g[1], ...g[3], ...g[5],
    ]);
  }
}
