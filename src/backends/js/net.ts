// Pure-TS twin of assembly/net.ts: the same network program run over typed arrays, chunk by chunk, with
// the same order of operations (each chunk's parameter gradient computed apart, added in chunk order).
import { ACT, HEAD, LAYER, LAYER_LEN, LAYER_SLOT as S, NET, NET_HEADER_LEN, RUN } from '../abi.generated.js';
import { gemmNT, gemmNN, gemmTN, colSum } from './gemm.js';
import { actForward, actBackward, mulF32, dropoutMask } from './activations.js';
import { headSoftmax, headLogistic, headSquared } from './heads.js';
import { axpyF32, dotF32 } from './linalg.js';
import { conv2dForward, conv2dBackwardWeights, conv2dBackwardInput } from './conv.js';
import { maxPool2dForward, maxPool2dBackward, avgPool2dForward, avgPool2dBackward } from './pool.js';
import { batchNormForward, batchNormBackward } from './batchnorm.js';
import { embeddingForward, embeddingBackward, gruForward, gruBackward, lstmForward, lstmBackward, type RecurrentAt } from './recurrent.js';
import type { JsMemory } from './memory.js';

/** What one call works on: the program, the workspace and the run's arrays. */
interface Ctx {
  net: Float64Array;
  ws: Float32Array;
  u32: Uint32Array;
  i32: Int32Array;
  params: Float32Array;
  /** The running statistics (batch norm), or an empty array. */
  stats: Float32Array;
}

function layer(net: Float64Array, i: number): number {
  return NET_HEADER_LEN + i * LAYER_LEN;
}

/** Copies rows idx[start .. start+n) of X (d f32 each) into ws at `dst`. */
function gather(ws: Float32Array, dst: number, X: Float32Array, idx: Int32Array, start: number, n: number, d: number): void {
  for (let r = 0; r < n; r++) {
    const row = idx[start + r] * d;
    ws.set(X.subarray(row, row + d), dst + r * d);
  }
}

/** Forward pass of n rows through a conv, pool or batch-norm layer record at L. */
function forwardImage(c: Ctx, L: number, kind: number, n: number, training: boolean): void {
  const { net, ws, params } = c;
  const C = net[L + S.inC], H = net[L + S.inH], W = net[L + S.inW], OH = net[L + S.outH], OW = net[L + S.outW];
  const k = net[L + S.kernel], s = net[L + S.stride], x = net[L + S.x], y = net[L + S.y], col = net[L + S.col];
  const w = net[L + S.w], b = net[L + S.b];
  if (kind === LAYER.conv2d) {
    conv2dForward(ws, y, ws, x, params, w, b >= 0 ? params : null, b, n, C, H, W, net[L + S.outC], k, s, net[L + S.pad],
      OH, OW, ws, col, ws, net[L + S.aux]);
  } else if (kind === LAYER.maxPool2d) {
    maxPool2dForward(ws, y, c.i32, col, ws, x, n, C, H, W, k, s, OH, OW);
  } else if (kind === LAYER.avgPool2d) {
    avgPool2dForward(ws, y, ws, x, n, C, H, W, k, s, OH, OW);
  } else {
    const m = net[L + S.stats];
    batchNormForward(ws, y, ws, col, ws, x, params, w, params, b, c.stats, m, c.stats, m + C, ws, net[L + S.aux], n, C, H * W,
      training, net[L + S.param], net[L + S.eps]);
  }
}

/** Backward pass of n rows through a conv, pool or batch-norm layer record at L (gradients into g at gOff). */
function backwardImage(c: Ctx, L: number, kind: number, g: Float32Array, gOff: number, n: number, training: boolean): void {
  const { net, ws, params } = c;
  const C = net[L + S.inC], H = net[L + S.inH], W = net[L + S.inW], OH = net[L + S.outH], OW = net[L + S.outW];
  const k = net[L + S.kernel], s = net[L + S.stride], dx = net[L + S.dx], dy = net[L + S.dy], col = net[L + S.col];
  const w = net[L + S.w], b = net[L + S.b];
  if (kind === LAYER.conv2d) {
    const F = net[L + S.outC], pad = net[L + S.pad];
    const t = net[L + S.aux];
    conv2dBackwardWeights(g, gOff + w, b >= 0 ? g : null, gOff + b, ws, dy, ws, col, n, C, F, k, OH, OW, ws, t);
    if (dx >= 0) conv2dBackwardInput(ws, dx, ws, dy, params, w, n, C, H, W, F, k, s, pad, OH, OW, ws, col, ws, t);
  } else if (kind === LAYER.maxPool2d) {
    if (dx >= 0) maxPool2dBackward(ws, dx, ws, dy, c.i32, col, n, C, H, W, OH, OW);
  } else if (kind === LAYER.avgPool2d) {
    if (dx >= 0) avgPool2dBackward(ws, dx, ws, dy, n, C, H, W, k, s, OH, OW);
  } else {
    batchNormBackward(dx >= 0 ? ws : null, dx, g, gOff + w, g, gOff + b, ws, dy, ws, col, params, w, ws, net[L + S.aux],
      n, C, H * W, training);
  }
}

/** A recurrent layer record's arrays, for the twins in ./recurrent.ts. */
function recurrentAt(c: Ctx, L: number, n: number): RecurrentAt {
  const { net, ws, params } = c;
  return {
    params, w: net[L + S.w], wHh: net[L + S.wHh], b: net[L + S.b], bHh: net[L + S.bHh], ws, x: net[L + S.x],
    hs: net[L + S.hs], gates: net[L + S.gates], xg: net[L + S.xg], hg: net[L + S.hg], carry: net[L + S.carry],
    mask: net[L + S.stepMask], n, T: net[L + S.steps], I: net[L + S.stepInputs], U: net[L + S.units],
  };
}

/** Forward pass of n rows through an embedding, GRU or LSTM layer record at L. */
function forwardSequence(c: Ctx, L: number, kind: number, n: number): void {
  const { net, ws, params } = c;
  const T = net[L + S.steps], U = net[L + S.units];
  if (kind === LAYER.embedding) {
    embeddingForward(ws, net[L + S.y], net[L + S.stepMask], ws, net[L + S.x], params, net[L + S.w], n, T, U,
      net[L + S.stepInputs], net[L + S.padId]);
    return;
  }
  const a = recurrentAt(c, L, n);
  if (kind === LAYER.gru) gruForward(a);
  else lstmForward(a);
  if (net[L + S.returnSeq] === 0) {
    const y = net[L + S.y];
    for (let i = 0; i < n; i++) ws.copyWithin(y + i * U, a.hs + (i * T + T - 1) * U, a.hs + (i * T + T) * U);
  }
}

/** Backward pass (through time) of n rows through an embedding, GRU or LSTM layer record at L. */
function backwardSequence(c: Ctx, L: number, kind: number, g: Float32Array, gOff: number, n: number): void {
  const { net, ws } = c;
  if (kind === LAYER.embedding) {
    embeddingBackward(g, gOff + net[L + S.w], ws, net[L + S.dy], ws, net[L + S.x], n, net[L + S.steps], net[L + S.units],
      net[L + S.stepInputs], net[L + S.padId]);
    return;
  }
  const a = recurrentAt(c, L, n);
  const seq = net[L + S.returnSeq] !== 0;
  if (kind === LAYER.gru) gruBackward(a, g, gOff, ws, net[L + S.dy], net[L + S.dx], seq);
  else lstmBackward(a, g, gOff, ws, net[L + S.dy], net[L + S.dx], seq);
}

function forwardChunk(c: Ctx, n: number, training: boolean): void {
  const { net, ws, params } = c;
  for (let i = 0; i < net[NET.layers]; i++) {
    const L = layer(net, i);
    const kind = net[L + S.kind], inSize = net[L + S.inSize], outSize = net[L + S.outSize];
    const x = net[L + S.x], y = net[L + S.y], param = Math.fround(net[L + S.param]);
    if (kind === LAYER.dense) {
      const b = net[L + S.b];
      gemmNT(ws, y, ws, x, params, net[L + S.w], n, outSize, inSize, inSize, inSize, outSize, 0,
        b >= 0 ? params : null, b, net[L + S.act], param);
    } else if (kind === LAYER.activation) {
      if (net[L + S.fused] === 0) actForward(ws, y, ws, x, n * outSize, net[L + S.act], param);
    } else if (kind === LAYER.dropout) {
      if (training) {
        const mask = net[L + S.mask];
        dropoutMask(ws, mask, n * outSize, param, c.u32, net[NET.rng]);
        mulF32(ws, y, ws, x, ws, mask, n * outSize);
      } else {
        ws.copyWithin(y, x, x + n * outSize);
      }
    } else if (kind >= LAYER.embedding) {
      forwardSequence(c, L, kind, n);
    } else {
      forwardImage(c, L, kind, n, training);
    }
  }
}

function backwardChunk(c: Ctx, g: Float32Array, gOff: number, n: number, training: boolean): void {
  const { net, ws, params } = c;
  for (let i = net[NET.layers] - 1; i >= 0; i--) {
    const L = layer(net, i);
    const kind = net[L + S.kind], inSize = net[L + S.inSize], outSize = net[L + S.outSize];
    const dx = net[L + S.dx], dy = net[L + S.dy];
    if (kind === LAYER.dense) {
      const w = net[L + S.w], b = net[L + S.b];
      gemmTN(g, gOff + w, ws, dy, ws, net[L + S.x], outSize, inSize, n, outSize, inSize, inSize, 0);
      if (b >= 0) colSum(g, gOff + b, ws, dy, n, outSize, outSize, 0);
      if (dx >= 0) gemmNN(ws, dx, ws, dy, params, w, n, inSize, outSize, outSize, inSize, inSize, 0);
    } else if (kind === LAYER.activation) {
      if (dx >= 0) {
        const act = net[L + S.act];
        const v = act === ACT.gelu ? net[L + S.x] : net[L + S.y];
        actBackward(ws, dx, ws, dy, ws, v, n * outSize, act, Math.fround(net[L + S.param]));
      }
    } else if (kind === LAYER.dropout) {
      if (dx >= 0) mulF32(ws, dx, ws, dy, ws, net[L + S.mask], n * outSize);
    } else if (kind >= LAYER.embedding) {
      backwardSequence(c, L, kind, g, gOff, n);
    } else {
      backwardImage(c, L, kind, g, gOff, n, training);
    }
  }
}

function head(code: number, ws: Float32Array, dz: number, z: number, y: Float32Array, idx: Int32Array, start: number,
  n: number, k: number): number {
  if (code === HEAD.softmax) return headSoftmax(ws, dz, ws, z, y, idx, start, n, k, k);
  if (code === HEAD.logistic) return headLogistic(ws, dz, ws, z, y, idx, start, n, k, k);
  return headSquared(ws, dz, ws, z, y, idx, start, n, k, k);
}

function context(mem: JsMemory, r: Float64Array): Ctx {
  const ws = mem.f32(r[RUN.ws]);
  return {
    net: mem.f64(r[RUN.net]), ws, u32: new Uint32Array(ws.buffer, ws.byteOffset), i32: new Int32Array(ws.buffer, ws.byteOffset),
    params: mem.f32(r[RUN.params]), stats: r[RUN.stats] ? mem.f32(r[RUN.stats]) : new Float32Array(0),
  };
}

/** Twin of netLossGrad: mean loss (+ L2 on the weights) over the window, gradient into `grads`. */
export function netLossGrad(mem: JsMemory, run: number, grads: Float32Array, start: number, count: number): number {
  const r = mem.f64(run);
  const c = context(mem, r);
  const { net, ws, u32, params } = c;
  const X = mem.f32(r[RUN.X]), y = mem.f32(r[RUN.y]), idx = mem.i32(r[RUN.idx]);
  const nParams = r[RUN.nParams], nW = r[RUN.nWeights], training = r[RUN.training] !== 0;
  const code = net[NET.head], chunk = net[NET.chunk], d = net[NET.inputs], k = net[NET.outputs];
  const rng = net[NET.rng], gpart = net[NET.gpart];
  for (let i = 0; i < 4; i++) u32[rng + i] = r[RUN.dropRng + i];
  let lossSum = 0;
  for (let s = start, end = start + count; s < end; s += chunk) {
    const n = Math.min(chunk, end - s);
    gather(ws, net[NET.input], X, idx, s, n, d);
    forwardChunk(c, n, training);
    lossSum += head(code, ws, net[NET.dlogits], net[NET.logits], y, idx, s, n, k) * n;
    if (n !== count) {
      const a = Math.fround(n / count), o = net[NET.dlogits];
      for (let i = 0; i < n * k; i++) ws[o + i] = ws[o + i] * a;
    }
    const first = s === start;
    if (first) backwardChunk(c, grads, 0, n, training);
    else {
      backwardChunk(c, ws, gpart, n, training);
      axpyF32(grads, 0, 1, ws, gpart, nParams);
    }
  }
  for (let i = 0; i < 4; i++) r[RUN.dropRng + i] = u32[rng + i];
  const l2 = Math.fround(r[RUN.l2]);
  let pen = 0;
  if (l2 !== 0) {
    axpyF32(grads, 0, l2, params, 0, nW);
    pen = 0.5 * l2 * dotF32(params, 0, params, 0, nW);
  }
  return (count > 0 ? lossSum / count : 0) + pen;
}

/** Twin of netForward: outputs to the run's `out` and the mean data loss when the run has targets. */
export function netForward(mem: JsMemory, run: number, start: number, count: number): number {
  const r = mem.f64(run);
  const c = context(mem, r);
  const { net, ws } = c;
  const X = mem.f32(r[RUN.X]), idx = mem.i32(r[RUN.idx]);
  const y = r[RUN.y] ? mem.f32(r[RUN.y]) : null, out = r[RUN.out] ? mem.f32(r[RUN.out]) : null;
  const code = net[NET.head], chunk = net[NET.chunk], d = net[NET.inputs], k = net[NET.outputs];
  let lossSum = 0;
  for (let s = start, end = start + count; s < end; s += chunk) {
    const n = Math.min(chunk, end - s);
    gather(ws, net[NET.input], X, idx, s, n, d);
    forwardChunk(c, n, false);
    const z = net[NET.logits];
    if (out) out.set(ws.subarray(z, z + n * k), (s - start) * k);
    if (y) lossSum += head(code, ws, net[NET.dlogits], z, y, idx, s, n, k) * n;
  }
  return count > 0 ? lossSum / count : 0;
}
