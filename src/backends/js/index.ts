// The `js` backend: the pure-TS twins behind the Backend interface. Each "pointer" names its own
// ArrayBuffer, so views never go stale and a wrong pointer fails loudly.
import type { Backend } from '../backend.js';
import { DescentError } from '../../errors.js';
import { dotF32, axpyF32 } from './linalg.js';
import { lossGrad, runBatches, type JsMemory } from './train.js';
import { netForward } from './net.js';
import { optimStep } from './optim/index.generated.js';
import { clipGradNorm, clipGradValue, addGradNoise } from './gradtools.js';
// Network kernels
import { gemmPackFloats, gemmNT, gemmNN, gemmTN, colSum } from './gemm.js';
import { convPackFloats, conv2dForward, conv2dBackwardWeights, conv2dBackwardInput, conv2dDirectForward } from './conv.js';
import { maxPool2dForward, maxPool2dBackward, avgPool2dForward, avgPool2dBackward } from './pooling.js';
import { batchNormForward, batchNormBackward } from './batchnorm.js';
import { actForward, actBackward, mulF32, dropoutMask } from './activations.js';
import { headSoftmax, headLogistic, headSquared, headSoftmaxSeq } from './heads.js';
import { attentionForward, attentionBackward } from './attention.js';
import { positionalForward, positionalBackward } from './positional.js';
import { colMoments, standardizeF32 } from './preprocess.js';
import { gatherInput } from './rowgather.js';

interface JsBlock {
  buf: ArrayBuffer;
  f32: Float32Array;
  i32: Int32Array;
  f64: Float64Array;
}

/** Creates an independent `js` backend. */
export function createJsBackend(): Backend {
  const blocks = new Map<number, JsBlock>();
  let next = 16;
  let live = 0;
  const get = (ptr: number): JsBlock => {
    const b = blocks.get(ptr);
    if (!b) throw new Error(`descent js backend: no block at ${ptr}`);
    return b;
  };
  const f = (p: number) => get(p).f32;
  const mem: JsMemory = { f32: f, i32: (p) => get(p).i32, f64: (p) => get(p).f64 };
  return {
    name: 'js',
    sha256: null,
    alloc(bytes) {
      if (!(Number.isSafeInteger(bytes) && bytes >= 0)) throw new DescentError('E_MEMORY', `js: cannot allocate ${bytes} bytes`);
      const size = Math.max(16, Math.ceil(bytes / 16) * 16);
      let buf: ArrayBuffer;
      try {
        buf = new ArrayBuffer(size);
      } catch (e) {
        // The engine's ArrayBuffer limit (or the process's memory) refused it: a typed error naming the size.
        throw new DescentError('E_MEMORY', `js: cannot allocate ${size} bytes (${(e as Error).message})`);
      }
      const ptr = next;
      next += size;
      blocks.set(ptr, { buf, f32: new Float32Array(buf), i32: new Int32Array(buf), f64: new Float64Array(buf) });
      live += size;
      return ptr;
    },
    free(ptr) {
      const b = blocks.get(ptr);
      if (b) {
        live -= b.buf.byteLength;
        blocks.delete(ptr);
      }
    },
    f32: (ptr, len) => new Float32Array(get(ptr).buf, 0, len),
    i32: (ptr, len) => new Int32Array(get(ptr).buf, 0, len),
    f64: (ptr, len) => new Float64Array(get(ptr).buf, 0, len),
    stale: () => false,
    memoryBytes: () => live,
    liveBytes: () => live,
    iotaI32: (out, n) => {
      const a = get(out).i32;
      for (let i = 0; i < n; i++) a[i] = i;
    },
    dotF32: (a, b, n) => dotF32(f(a), 0, f(b), 0, n),
    axpyF32: (y, alpha, x, n) => axpyF32(f(y), 0, alpha, f(x), 0, n),
    lossGrad: (run, start, count) => lossGrad(mem, run, start, count),
    runBatches: (run, start, nBatches) => runBatches(mem, run, start, nBatches),
    forward: (run, start, count) => netForward(mem, run, start, count),
    optimStep: (rule, params, grads, state, n, h) => optimStep(rule, f(params), f(grads), f(state), n, get(h).f64),
    clipGradNorm: (grads, n, maxNorm) => clipGradNorm(f(grads), n, maxNorm),
    clipGradValue: (grads, n, c) => clipGradValue(f(grads), n, Math.fround(c)),
    addGradNoise: (grads, n, sigma, rng) => addGradNoise(f(grads), n, sigma, get(rng).f64),
    // Network kernels
    gemmPackFloats,
    gemmNT: (C, A, B, m, n, k, lda, ldb, ldc, beta, bias, act, slope) =>
      gemmNT(f(C), 0, f(A), 0, f(B), 0, m, n, k, lda, ldb, ldc, beta, bias ? f(bias) : null, 0, act, slope),
    gemmNN: (C, A, B, m, n, k, lda, ldb, ldc, beta) => gemmNN(f(C), 0, f(A), 0, f(B), 0, m, n, k, lda, ldb, ldc, beta),
    gemmTN: (C, A, B, m, n, k, lda, ldb, ldc, beta) => gemmTN(f(C), 0, f(A), 0, f(B), 0, m, n, k, lda, ldb, ldc, beta),
    colSum: (out, A, m, n, lda, beta) => colSum(f(out), 0, f(A), 0, m, n, lda, beta),
    colMoments: (mean, m2, x, rows, d, seen) => colMoments(get(mean).f64, get(m2).f64, f(x), 0, rows, d, seen),
    standardizeF32: (out, x, rows, d, mean, div) => standardizeF32(f(out), f(x), rows, d, get(mean).f64, get(div).f64),
    gatherInput: (run, dst, start, n, d, training) => gatherInput(mem, get(run).f64, f(dst), 0, start, n, d, training),
    actForward: (Y, X, n, act, slope) => actForward(f(Y), 0, f(X), 0, n, act, slope),
    actBackward: (dX, dY, V, n, act, slope) => actBackward(f(dX), 0, f(dY), 0, f(V), 0, n, act, slope),
    mulF32: (out, a, b, n) => mulF32(f(out), 0, f(a), 0, f(b), 0, n),
    dropoutMask: (mask, n, rate, rng) => dropoutMask(f(mask), 0, n, rate, new Uint32Array(get(rng).buf), 0),
    headSoftmax: (dZ, Z, y, idx, start, count, k, ldz) => headSoftmax(f(dZ), 0, f(Z), 0, f(y), get(idx).i32, start, count, k, ldz),
    headLogistic: (dZ, Z, y, idx, start, count, k, ldz) => headLogistic(f(dZ), 0, f(Z), 0, f(y), get(idx).i32, start, count, k, ldz),
    headSquared: (dZ, Z, y, idx, start, count, k, ldz) => headSquared(f(dZ), 0, f(Z), 0, f(y), get(idx).i32, start, count, k, ldz),
    headSoftmaxSeq: (dZ, Z, y, idx, start, count, T, k, ldz) =>
      headSoftmaxSeq(f(dZ), 0, f(Z), 0, f(y), get(idx).i32, start, count, T, k, ldz),
    // Transformer layers
    attentionForward: (out, qkv, P, cat, x, W, b, Wo, bo, n, T, d, heads, causal) =>
      attentionForward(f(out), 0, f(qkv), 0, f(P), 0, f(cat), 0, f(x), 0, f(W), 0, f(b), 0, f(Wo), 0, f(bo), 0, n, T, d, heads, causal !== 0),
    attentionBackward: (gW, gb, gWo, gbo, dx, dOut, x, qkv, P, cat, scratch, W, Wo, n, T, d, heads, causal) =>
      attentionBackward(f(gW), 0, f(gb), 0, f(gWo), 0, f(gbo), 0, dx ? f(dx) : null, 0, f(dOut), 0, f(x), 0, f(qkv), 0, f(P), 0,
        f(cat), 0, f(scratch), 0, f(W), 0, f(Wo), 0, n, T, d, heads, causal !== 0),
    positionalForward: (y, x, P, n, T, d) => positionalForward(f(y), 0, f(x), 0, f(P), 0, n, T, d),
    positionalBackward: (gP, dy, n, T, d) => positionalBackward(f(gP), 0, f(dy), 0, n, T, d),
    // Image layers
    convPackFloats,
    conv2dForward: (y, x, w, bias, n, C, H, W, F, k, s, pad, OH, OW, col, t) =>
      conv2dForward(f(y), 0, f(x), 0, f(w), 0, bias ? f(bias) : null, 0, n, C, H, W, F, k, s, pad, OH, OW, f(col), 0, f(t), 0),
    conv2dBackwardWeights: (gw, gb, dy, col, n, C, F, k, OH, OW, t) =>
      conv2dBackwardWeights(f(gw), 0, gb ? f(gb) : null, 0, f(dy), 0, f(col), 0, n, C, F, k, OH, OW, f(t), 0),
    conv2dBackwardInput: (dx, dy, w, n, C, H, W, F, k, s, pad, OH, OW, col, t) =>
      conv2dBackwardInput(f(dx), 0, f(dy), 0, f(w), 0, n, C, H, W, F, k, s, pad, OH, OW, f(col), 0, f(t), 0),
    conv2dDirectForward: (y, x, w, bias, n, C, H, W, F, k, s, pad, OH, OW) =>
      conv2dDirectForward(f(y), 0, f(x), 0, f(w), 0, bias ? f(bias) : null, 0, n, C, H, W, F, k, s, pad, OH, OW),
    maxPool2dForward: (y, arg, x, n, C, H, W, size, s, OH, OW) => maxPool2dForward(f(y), 0, get(arg).i32, 0, f(x), 0, n, C, H, W, size, s, OH, OW),
    maxPool2dBackward: (dx, dy, arg, n, C, H, W, OH, OW) => maxPool2dBackward(f(dx), 0, f(dy), 0, get(arg).i32, 0, n, C, H, W, OH, OW),
    avgPool2dForward: (y, x, n, C, H, W, size, s, OH, OW) => avgPool2dForward(f(y), 0, f(x), 0, n, C, H, W, size, s, OH, OW),
    avgPool2dBackward: (dx, dy, n, C, H, W, size, s, OH, OW) => avgPool2dBackward(f(dx), 0, f(dy), 0, n, C, H, W, size, s, OH, OW),
    batchNormForward: (y, xhat, x, gamma, beta, mean, vr, aux, n, C, S, training, momentum, eps) =>
      batchNormForward(f(y), 0, f(xhat), 0, f(x), 0, f(gamma), 0, f(beta), 0, f(mean), 0, f(vr), 0, f(aux), 0, n, C, S, training !== 0, momentum, eps),
    batchNormBackward: (dx, gg, gb, dy, xhat, gamma, aux, n, C, S, training) =>
      batchNormBackward(dx ? f(dx) : null, 0, f(gg), 0, f(gb), 0, f(dy), 0, f(xhat), 0, f(gamma), 0, f(aux), 0, n, C, S, training !== 0),
  };
}
