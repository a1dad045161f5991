// TF.js as a peer: logistic regression + Adam written the way a careful TF.js user would, on the `cpu`
// and `wasm` backends. The gradient is the closed form X^T(σ(Xw + b) − y)/m (two matMuls, no autodiff
// tape), batches are sliced once before timing (no per-batch copy in the timed loop) and the update is
// tf.train.adam's applyGradients, so the timed work is the same as descent's: one gradient and one Adam
// step per batch. TF.js does not compute the loss value here; descent does (it is free in its fused
// kernel), so any difference favours TF.js.
//
// Adam: tf.train.adam adds ε to √v̂·√(1−β2ᵗ) rather than to √v̂ (PyTorch and descent); with ε = 1e-8 the
// two agree to float32 tolerance, which the equality check verifies.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type TfBackend = 'cpu' | 'wasm';

let wasmDir: string | null = null;

/** Makes `backend` TF.js's current backend (loading the wasm binaries from node_modules by file path). */
export async function useTf(backend: TfBackend): Promise<void> {
  if (backend === 'wasm' && wasmDir === null) {
    const require = createRequire(import.meta.url);
    wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
    setWasmPaths(wasmDir);
  }
  if (tf.getBackend() !== backend) {
    const ok = await tf.setBackend(backend);
    await tf.ready();
    if (!ok || tf.getBackend() !== backend) throw new Error(`TF.js: could not switch to the ${backend} backend (got ${tf.getBackend()})`);
  }
}

/** Which binary TF.js runs on this backend, checked against the files on disk. */
export async function tfBinary(backend: TfBackend): Promise<string> {
  if (backend === 'cpu') return `tfjs-backend-cpu (JS) ${tf.version.tfjs}`;
  await useTf('wasm');
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  const file = simd && threads ? 'tfjs-backend-wasm-threaded-simd.wasm' : simd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
  if (!existsSync(wasmDir + file)) throw new Error(`TF.js wasm binary ${file} not found in ${wasmDir}`);
  return `${file} ${tf.version.tfjs}`;
}

/** Logistic regression with Adam on one TF.js backend, over data uploaded once. */
export class TfLogistic {
  readonly backend: TfBackend;
  readonly rows: number;
  readonly d: number;
  private X: tf.Tensor2D;
  private y: tf.Tensor2D;
  private w: tf.Variable;
  private b: tf.Variable;
  private batches = new Map<number, [tf.Tensor2D, tf.Tensor2D][]>();
  private xs: Float32Array;
  private ys: Float32Array;

  private constructor(backend: TfBackend, X: Float32Array, y: Float32Array, rows: number, d: number) {
    this.backend = backend;
    this.xs = X;
    this.ys = y;
    this.rows = rows;
    this.d = d;
    this.X = tf.tensor2d(X, [rows, d]);
    this.y = tf.tensor2d(y, [rows, 1]);
    this.w = tf.variable(tf.zeros([d, 1]));
    this.b = tf.variable(tf.zeros([1]));
  }

  static async create(backend: TfBackend, X: Float32Array, y: Float32Array, rows: number, d: number): Promise<TfLogistic> {
    await useTf(backend);
    return new TfLogistic(backend, X, y, rows, d);
  }

  /** Batches of `size` rows in order (the last one shorter), sliced once and kept. */
  private batchesOf(size: number, limit: number): [tf.Tensor2D, tf.Tensor2D][] {
    const have = this.batches.get(size) ?? [];
    const want = Math.min(limit, Math.ceil(this.rows / size));
    for (let i = have.length; i < want; i++) {
      const s = i * size, c = Math.min(size, this.rows - s);
      // Uploaded from the source arrays: tf.slice of the big tensor took ~0.1 s per batch on tfjs-wasm.
      have.push([tf.tensor2d(this.xs.subarray(s * this.d, (s + c) * this.d), [c, this.d]), tf.tensor2d(this.ys.subarray(s, s + c), [c, 1])]);
    }
    this.batches.set(size, have);
    return have.length > want ? have.slice(0, want) : have;
  }

  /** Prepares the batches an epoch will use (outside any timing). */
  async prepare(batchSize: number, maxBatches = Infinity): Promise<void> {
    await useTf(this.backend);
    if (batchSize < this.rows) this.batchesOf(batchSize, maxBatches);
  }

  /** Resets the parameters to zero. */
  reset(): void {
    this.w.assign(tf.zeros([this.d, 1]));
    this.b.assign(tf.zeros([1]));
  }

  /**
   * One epoch (or its first `maxBatches` batches) with a fresh Adam, as descent's train() with
   * epochs: 1 and shuffle: false. Waits for the result, so the time includes all the work.
   */
  epoch(batchSize: number, lr: number, maxBatches = Infinity): void {
    const opt = tf.train.adam(lr, 0.9, 0.999, 1e-8);
    const step = (xb: tf.Tensor2D, yb: tf.Tensor2D) => {
      tf.tidy(() => {
        const m = xb.shape[0];
        const e = tf.sub(tf.sigmoid(tf.add(tf.matMul(xb, this.w), this.b)), yb);
        const gw = tf.div(tf.matMul(xb, e, true, false), m);
        const gb = tf.div(tf.sum(e, 0), m);
        opt.applyGradients([{ name: this.w.name, tensor: gw }, { name: this.b.name, tensor: gb }]);
      });
    };
    if (batchSize >= this.rows) step(this.X, this.y);
    else for (const [xb, yb] of this.batchesOf(batchSize, maxBatches)) step(xb, yb);
    this.w.dataSync();
    opt.dispose();
  }

  /** Weights then bias, as descent lays them out. */
  params(): Float32Array {
    const out = new Float32Array(this.d + 1);
    out.set(this.w.dataSync() as Float32Array);
    out[this.d] = (this.b.dataSync() as Float32Array)[0];
    return out;
  }

  dispose(): void {
    for (const list of this.batches.values()) for (const [a, b] of list) tf.dispose([a, b]);
    tf.dispose([this.X, this.y, this.w, this.b]);
  }
}

export { tf };
