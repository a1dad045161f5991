/** The three interchangeable implementations of every kernel. */
export type BackendName = 'js' | 'wasm-scalar' | 'wasm-simd' | 'wasm-relaxed';

/**
 * One Backend interface over a linear address space: blocks are named by integer pointers, so the
 * same training code drives WASM memory and the pure-TS reference. Kernels take pointers and lengths,
 * output first, and never allocate. The training kernels read a run descriptor (an f64 block whose
 * slots src/backends/abi.generated.ts RUN names; see src/runtime/run.ts) instead of positional
 * arguments, so one signature serves the WASM adapter and the js twin.
 */
export interface Backend {
  readonly name: BackendName;
  /** SHA-256 of the binary that runs (WASM backends), for tagging saved state. */
  readonly sha256: string | null;
  /** Allocates `bytes` (16-byte aligned); throws on exhaustion. */
  alloc(bytes: number): number;
  /** Frees a pointer returned by alloc; freeing twice is a bug the caller must avoid. */
  free(ptr: number): void;
  /** A fresh Float32Array view; it dies when memory grows, so callers re-make it (see Block). */
  f32(ptr: number, len: number): Float32Array;
  /** A fresh Int32Array view. */
  i32(ptr: number, len: number): Int32Array;
  /** A fresh Float64Array view. */
  f64(ptr: number, len: number): Float64Array;
  /** True when `view` no longer looks at the backend's current memory (it grew). */
  stale(view: ArrayBufferView): boolean;
  /** Bytes the backend's memory holds (WASM: memory.buffer.byteLength; js: live allocations). */
  memoryBytes(): number;
  /** Bytes in live allocations. */
  liveBytes(): number;

  /** Writes 0, 1, …, n − 1 into the i32 block at `out`. */
  iotaI32(out: number, n: number): void;
  /** a·b over n f32. */
  dotF32(a: number, b: number, n: number): number;
  /** y ← y + α·x over n f32. */
  axpyF32(y: number, alpha: number, x: number, n: number): void;
  /**
   * Loss (with the run's L2 term) and its gradient, written to the run's `grads`, over rows
   * idx[start .. start+count) of the run's data at the run's `params`.
   */
  lossGrad(run: number, start: number, count: number): number;
  /**
   * The in-WASM batch loop: up to `nBatches` batches from idx[start], with the run's tools and update
   * rule (see assembly/train.ts). Returns the number of batches applied; fewer means a loss was not finite.
   */
  runBatches(run: number, start: number, nBatches: number): number;
  /**
   * Inference of a network run (the run's `net` slot): each row's outputs to the run's `out`, and the mean
   * data loss over rows idx[start .. start+count) when the run has targets.
   */
  forward(run: number, start: number, count: number): number;
  /** One update of `params` (n f32) by rule code `rule`, with its state and f64 hyper block. */
  optimStep(rule: number, params: number, grads: number, state: number, n: number, h: number): void;
  /** Clips the gradient (n f32) to global L2 norm ≤ maxNorm; returns the norm before clipping. */
  clipGradNorm(grads: number, n: number, maxNorm: number): number;
  /** Clamps each gradient component to [−c, c]. */
  clipGradValue(grads: number, n: number, c: number): void;
  /** Adds σ·N(0, 1) noise to each gradient component; the PRNG's four words are the f64 at `rng`. */
  addGradNoise(grads: number, n: number, sigma: number, rng: number): void;

  // Network kernels (assembly/gemm.ts, activations.ts, heads.ts; js twins by the same names). Pointers
  // are f32 row-major matrices, leading dimensions in elements; `pack` is scratch of gemmPackFloats(m, n, k)
  // f32 (the js backend ignores it). Activation codes: ACT_* in src/backends/js/activations.ts.
  /** f32 the `pack` scratch of the gemm kernels needs for an m×n result with inner dimension k. */
  gemmPackFloats(m: number, n: number, k: number): number;
  /** C = act(A·Bᵀ + beta·C + bias): A m×k, B n×k (a dense layer's forward); bias 0 = none. */
  gemmNT(C: number, A: number, B: number, m: number, n: number, k: number, lda: number, ldb: number, ldc: number,
    beta: number, bias: number, act: number, slope: number, pack: number): void;
  /** C = A·B (+ C when beta = 1): A m×k, B k×n. */
  gemmNN(C: number, A: number, B: number, m: number, n: number, k: number, lda: number, ldb: number, ldc: number,
    beta: number, pack: number): void;
  /** C = Aᵀ·B (+ C when beta = 1): A k×m, B k×n. */
  gemmTN(C: number, A: number, B: number, m: number, n: number, k: number, lda: number, ldb: number, ldc: number,
    beta: number, pack: number): void;
  /** out[j] = Σ_i A[i,j] (+ out[j] when beta = 1). */
  colSum(out: number, A: number, m: number, n: number, lda: number, beta: number): void;

  // Preprocessing kernels (assembly/preprocess.ts; js twins in src/backends/js/preprocess.ts).
  /** Welford's update of per-column mean and m2 (f64 × d) over `rows` rows of x (f32, d columns), after `seen` rows. */
  colMoments(mean: number, m2: number, x: number, rows: number, d: number, seen: number): void;
  /** out = f32((x − mean) / div) per column (out may be x); −1, or the flat index of the first value leaving the f32 range. */
  standardizeF32(out: number, x: number, rows: number, d: number, mean: number, div: number): number;
  /**
   * The networks' input gather (assembly/rowgather.ts): rows idx[start .. start+n) of the run's data (`d` features)
   * into dst as f32, f32 or byte rows as the run's xStorage says; with `training` and an augmentation record, shifted.
   */
  gatherInput(run: number, dst: number, start: number, n: number, d: number, training: boolean): void;
  /** Y = act(X) elementwise; Y may be X. */
  actForward(Y: number, X: number, n: number, act: number, slope: number): void;
  /** dX = act'·dY; V = the activation's output (relu, leaky relu, tanh, sigmoid) or input (gelu); dX may be dY. */
  actBackward(dX: number, dY: number, V: number, n: number, act: number, slope: number): void;
  /** out = a·b elementwise; out may be a or b. */
  mulF32(out: number, a: number, b: number, n: number): void;
  /** Inverted-dropout mask from the xoshiro128** words (4 u32) at `rng`, which advance by n draws. */
  dropoutMask(mask: number, n: number, rate: number, rng: number): void;
  /** Loss heads: mean loss over the batch; dZ = ∂(mean loss)/∂Z (stride ldz). */
  headSoftmax(dZ: number, Z: number, y: number, idx: number, start: number, count: number, k: number, ldz: number): number;
  headLogistic(dZ: number, Z: number, y: number, idx: number, start: number, count: number, k: number, ldz: number): number;
  headSquared(dZ: number, Z: number, y: number, idx: number, start: number, count: number, k: number, ldz: number): number;
  /** Softmax cross-entropy at each of T positions (row r's position t: k logits at Z + r·ldz + t·k, label y[idx·T + t]). */
  headSoftmaxSeq(dZ: number, Z: number, y: number, idx: number, start: number, count: number, T: number, k: number, ldz: number): number;

  // Sequence layers of a transformer (assembly/attention.ts, positional.ts; js twins by the same names): n rows
  // of T positions × d features; W (3d × d, rows q, k, v), b, Wo (d × d), bo in PyTorch's MultiheadAttention
  // layout; causal 1 = position t attends to positions ≤ t; the workspace buffers qkv, P, cat, scratch are
  // sized by attentionWorkspace (src/backends/js/attention.ts), pack by attentionPackFloats (the js backend
  // ignores it).
  /** out = multi-head self-attention of x; keeps qkv (n·T × 3d), P (n·heads·T × T), cat (n·T × d) for the backward. */
  attentionForward(out: number, qkv: number, P: number, cat: number, x: number, W: number, b: number, Wo: number, bo: number,
    n: number, T: number, d: number, heads: number, causal: number, pack: number): void;
  /** Gradients of W, b, Wo, bo (overwritten) and dx (0 = not needed) from dOut; overwrites qkv, P and cat. */
  attentionBackward(gW: number, gb: number, gWo: number, gbo: number, dx: number, dOut: number, x: number, qkv: number,
    P: number, cat: number, scratch: number, W: number, Wo: number, n: number, T: number, d: number, heads: number,
    causal: number, pack: number): void;
  /** y = x + P[t] at every position of the n rows (P is T × d); y may be x. */
  positionalForward(y: number, x: number, P: number, n: number, T: number, d: number): void;
  /** gP (T × d) = Σ over the n rows of dy (overwritten). */
  positionalBackward(gP: number, dy: number, n: number, T: number, d: number): void;

  // Image layers (assembly/conv.ts, pool.ts, batchnorm.ts; js twins by the same names): n NCHW images of
  // C×H×W f32; conv weights F × C×k×k (PyTorch's layout); `col` holds the n images' patch columns
  // (C·k·k × n·OH·OW f32), `t` is F × n·OH·OW f32 scratch, `pack` convPackFloats f32 (the js backend
  // ignores it); bias and gb 0 = none; dx 0 = not needed.
  /** f32 of the `pack` scratch the three convolution passes of n images need. */
  convPackFloats(n: number, C: number, F: number, k: number, OH: number, OW: number): number;
  /** y = conv(x, w) + bias, stride s, zero padding pad; leaves the patch columns in col for the weight pass. */
  conv2dForward(y: number, x: number, w: number, bias: number, n: number, C: number, H: number, W: number, F: number,
    k: number, s: number, pad: number, OH: number, OW: number, col: number, t: number, pack: number): void;
  /** gw = ∂/∂w, gb = ∂/∂bias (overwritten) from dy and the patch columns conv2dForward left in col. */
  conv2dBackwardWeights(gw: number, gb: number, dy: number, col: number, n: number, C: number, F: number, k: number,
    OH: number, OW: number, t: number, pack: number): void;
  /** dx = ∂/∂x (overwritten) from dy and w; col is overwritten. */
  conv2dBackwardInput(dx: number, dy: number, w: number, n: number, C: number, H: number, W: number, F: number,
    k: number, s: number, pad: number, OH: number, OW: number, col: number, t: number, pack: number): void;
  /** The direct convolution (no scratch), the alternative bench/conv.bench.ts measures against conv2dForward. */
  conv2dDirectForward(y: number, x: number, w: number, bias: number, n: number, C: number, H: number, W: number, F: number,
    k: number, s: number, pad: number, OH: number, OW: number): void;
  /** Window maxima (size, stride s, no padding) and their index in the image (i32 at arg). */
  maxPool2dForward(y: number, arg: number, x: number, n: number, C: number, H: number, W: number, size: number, s: number, OH: number, OW: number): void;
  maxPool2dBackward(dx: number, dy: number, arg: number, n: number, C: number, H: number, W: number, OH: number, OW: number): void;
  avgPool2dForward(y: number, x: number, n: number, C: number, H: number, W: number, size: number, s: number, OH: number, OW: number): void;
  avgPool2dBackward(dx: number, dy: number, n: number, C: number, H: number, W: number, size: number, s: number, OH: number, OW: number): void;
  /** Batch norm of n rows of C channels × S values; mean, vr: running estimates (updated when training = 1); aux: 2C. */
  batchNormForward(y: number, xhat: number, x: number, gamma: number, beta: number, mean: number, vr: number, aux: number,
    n: number, C: number, S: number, training: number, momentum: number, eps: number): void;
  batchNormBackward(dx: number, gg: number, gb: number, dy: number, xhat: number, gamma: number, aux: number, n: number,
    C: number, S: number, training: number): void;
}
