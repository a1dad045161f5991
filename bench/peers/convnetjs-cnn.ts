// ConvNetJS (the `convnetjs` registry package, 0.3.0, MIT, Karpathy) as a peer for the convolutional network
// of bench/cnn.bench.ts: the same small MNIST CNN in its layer vocabulary (input → conv 8 3×3 relu → pool 2 → conv 16
// 3×3 relu → pool 2 → softmax, which adds the dense 400 → 10 layer), trained the ConvNetJS way: one
// `trainer.train(vol, label)` per sample, the step every `batch_size` samples with the gradient averaged.
// Its arithmetic is f64 JavaScript on Float64Arrays.
//
// The registry's 0.3.0 has no Adam (sgd with momentum, adagrad, adadelta, windowgrad), so the equality
// check runs plain SGD on both sides, and the timed epoch uses SGD with momentum 0.9 (the update is ~5,000
// parameters per batch either way: the epoch is the forward and backward passes).
//
// Weights come and go in descent's layout. A ConvNetJS Vol(sx, sy, depth) stores (x, y, d) at
// ((sx·y) + x)·depth + d: a filter is k × k × channels (row, column, channel) and the pooled [16, 5, 5]
// map feeding the dense layer is flattened height, width, channel, so kernels are permuted on the way.
import { createRequire } from 'node:module';
import { CNN, cnnLayout, convKernel, denseKernel } from './tfjs-cnn.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const convnetjs: Any = createRequire(import.meta.url)('convnetjs');

/** The CNN in ConvNetJS over MNIST rows (784 pixels each, row-major, as ConvNetJS's Vol(28, 28, 1)). */
export class ConvNetJsCnn {
  private net: Any;
  private trainer: Any = null;
  private vols: Any[];
  private labels: number[];

  constructor(X: Float32Array, y: ArrayLike<number>, rows: number) {
    const { side, k, filters } = CNN;
    this.net = new convnetjs.Net();
    this.net.makeLayers([
      { type: 'input', out_sx: side, out_sy: side, out_depth: 1 },
      { type: 'conv', sx: k, filters: filters[1], stride: 1, pad: 0, activation: 'relu' },
      { type: 'pool', sx: 2, stride: 2 },
      { type: 'conv', sx: k, filters: filters[2], stride: 1, pad: 0, activation: 'relu' },
      { type: 'pool', sx: 2, stride: 2 },
      { type: 'softmax', num_classes: CNN.classes },
    ]);
    // Every sample as its Vol, made once (a ConvNetJS user builds these before training too).
    this.vols = [];
    for (let r = 0; r < rows; r++) {
      const v = new convnetjs.Vol(side, side, 1, 0.0);
      for (let i = 0; i < side * side; i++) v.w[i] = X[r * side * side + i];
      this.vols.push(v);
    }
    this.labels = Array.from(y).slice(0, rows);
  }

  /** The layers that hold parameters: the two convolutions and the dense layer before softmax. */
  private paramLayers(): Any[] {
    return this.net.layers.filter((l: Any) => l.layer_type === 'conv' || l.layer_type === 'fc');
  }

  /** Sets every layer from descent's parameter layout. */
  setParams(p: Float32Array): void {
    const { k, filters: f, pooled, classes } = CNN;
    const { w, b } = cnnLayout();
    const [c1, c2, fc] = this.paramLayers();
    let off = 0;
    const kernels = [
      convKernel(p.subarray(off, (off += w[0])), f[1], f[0], k),
      convKernel(p.subarray(off, (off += w[1])), f[2], f[1], k),
      denseKernel(p.subarray(off, (off += w[2])), classes, f[2], pooled),
    ];
    // convKernel/denseKernel give TF.js's k·k·C × F and (h, w, c) × units orders: filter f is column f.
    [c1, c2, fc].forEach((layer: Any, li: number) => {
      const K = kernels[li], F = layer.filters.length, n = K.length / F;
      for (let ff = 0; ff < F; ff++) for (let i = 0; i < n; i++) layer.filters[ff].w[i] = K[i * F + ff];
      for (let ff = 0; ff < F; ff++) layer.biases.w[ff] = p[off + ff];
      off += b[li];
    });
  }

  /** Every parameter in descent's layout. */
  params(): Float32Array {
    const { k, filters: f, pooled, classes } = CNN;
    const ls = this.paramLayers();
    const cols = ls.map((layer: Any) => {
      const F = layer.filters.length, n = layer.filters[0].w.length, K = new Float32Array(F * n);
      for (let ff = 0; ff < F; ff++) for (let i = 0; i < n; i++) K[i * F + ff] = layer.filters[ff].w[i];
      return K;
    });
    return Float32Array.from([
      ...convKernel(cols[0], f[1], f[0], k, true), ...convKernel(cols[1], f[2], f[1], k, true), ...denseKernel(cols[2], classes, f[2], pooled, true),
      ...ls.flatMap((l: Any) => Array.from(l.biases.w as Float64Array)),
    ]);
  }

  /** A fresh trainer: plain SGD (`momentum` 0) or SGD with momentum, mean gradient over `batch` samples. */
  compile(lr: number, batch: number, momentum: number): void {
    this.trainer = new convnetjs.Trainer(this.net, { method: 'sgd', learning_rate: lr, momentum, batch_size: batch, l2_decay: 0 });
  }

  /** One epoch over the first `rows` samples, in order or shuffled by `order`; the mean loss. */
  epoch(rows: number, order?: Int32Array): number {
    let total = 0;
    for (let i = 0; i < rows; i++) {
      const r = order ? order[i] : i;
      total += this.trainer.train(this.vols[r], this.labels[r]).cost_loss;
    }
    return total / rows;
  }
}
