// Networks inside the batch loop: a network is a program (abi.json `net`: a header and one record per
// layer, written once by TypeScript) that these functions run over the rows of a batch. A batch runs in
// chunks of at most `chunk` rows: gather the chunk's rows → forward through the layers → loss head →
// backward in reverse, each chunk's parameter gradient computed on its own and added to the batch's in
// chunk order (so the result does not depend on how chunks would be spread over threads). The layer
// kind is read once per layer per chunk, never per element. Buffers live in the run's workspace `ws`.
import {
  ACT_GELU, HEAD_SOFTMAX, HEAD_LOGISTIC, LAYER_DENSE, LAYER_ACTIVATION, LAYER_DROPOUT, LAYER_CONV2D,
  LAYER_MAX_POOL2D, LAYER_AVG_POOL2D, LAYER_BATCH_NORM,
  L_IN_C, L_IN_H, L_IN_W, L_OUT_C, L_OUT_H, L_OUT_W, L_KERNEL, L_STRIDE, L_PAD, L_COL, L_STATS, L_AUX, L_EPS, RUN_STATS,
  NET_LAYERS, NET_HEAD, NET_CHUNK, NET_INPUTS, NET_OUTPUTS, NET_INPUT, NET_LOGITS, NET_DLOGITS, NET_PACK, NET_GPART,
  NET_RNG, NET_HEADER_BYTES, LAYER_BYTES,
  L_KIND, L_ACT, L_PARAM, L_FUSED, L_IN_SIZE, L_OUT_SIZE, L_W, L_B, L_X, L_Y, L_DX, L_DY, L_MASK,
  RUN_PARAMS, RUN_GRADS, RUN_N_PARAMS, RUN_N_WEIGHTS, RUN_X, RUN_Y, RUN_IDX, RUN_L2, RUN_NET, RUN_WS, RUN_TRAINING,
  RUN_OUT, RUN_DROP_RNG,
  LAYER_EMBEDDING, LAYER_GRU, L_STEPS, L_STEP_INPUTS, L_UNITS, L_RETURN_SEQ, L_PAD_ID, L_STEP_MASK, L_W_HH, L_B_HH,
  L_HS, L_GATES, L_XG, L_HG, L_CARRY,
} from "./abi.generated";
import { colSum } from "./gemm";
import { parGemmNT, parGemmNN, parGemmTN } from "./pargemm";
import { gather, parGather } from "./pargather";
import { actForward, actBackward, mulF32, dropoutMask } from "./activations";
import { headSoftmax, headLogistic, headSquared } from "./heads";
import { dot, axpy } from "./linalg";
import { conv2dForward, conv2dBackwardWeights, conv2dBackwardInput } from "./conv";
import { maxPool2dForward, maxPool2dBackward, avgPool2dForward, avgPool2dBackward } from "./pool";
import { batchNormForward, batchNormBackward } from "./batchnorm";
import { embeddingForward, embeddingBackward } from "./embedding";
import { gruForward, gruBackward, lstmForward, lstmBackward } from "./recurrent";

// @ts-ignore: decorator
@inline
function slot(p: usize, offset: usize): i32 {
  return <i32>load<f64>(p + offset);
}

/** A buffer of the workspace: `ws` + offset (f32 elements) in bytes. */
// @ts-ignore: decorator
@inline
function buf(ws: usize, p: usize, offset: usize): usize {
  return ws + (<usize>slot(p, offset) << 2);
}

// @ts-ignore: decorator
@inline
function layerAt(net: usize, i: i32): usize {
  return net + NET_HEADER_BYTES + <usize>i * LAYER_BYTES;
}

/** A parameter's address, or 0 for an offset of −1 (none). */
// @ts-ignore: decorator
@inline
function param(params: usize, L: usize, offset: usize): usize {
  const o = slot(L, offset);
  return o >= 0 ? params + (<usize>o << 2) : 0;
}

/** Forward pass of n rows through a conv, pool or batch-norm layer (image layers, NCHW rows). */
function forwardImage(L: usize, kind: i32, ws: usize, params: usize, stats: usize, x: usize, y: usize, n: i32,
  training: bool, pack: usize): void {
  const C = slot(L, L_IN_C), H = slot(L, L_IN_H), W = slot(L, L_IN_W);
  const OH = slot(L, L_OUT_H), OW = slot(L, L_OUT_W), k = slot(L, L_KERNEL), s = slot(L, L_STRIDE);
  const col = buf(ws, L, L_COL);
  if (kind == LAYER_CONV2D) {
    conv2dForward(y, x, param(params, L, L_W), param(params, L, L_B), n, C, H, W, slot(L, L_OUT_C), k, s,
      slot(L, L_PAD), OH, OW, col, buf(ws, L, L_AUX), pack);
  } else if (kind == LAYER_MAX_POOL2D) {
    maxPool2dForward(y, col, x, n, C, H, W, k, s, OH, OW);
  } else if (kind == LAYER_AVG_POOL2D) {
    avgPool2dForward(y, x, n, C, H, W, k, s, OH, OW);
  } else {
    const m = stats + (<usize>slot(L, L_STATS) << 2);
    batchNormForward(y, col, x, param(params, L, L_W), param(params, L, L_B), m, m + (<usize>C << 2),
      buf(ws, L, L_AUX), n, C, H * W, training, load<f64>(L + L_PARAM), load<f64>(L + L_EPS));
  }
}

/** Backward pass of n rows through a conv, pool or batch-norm layer; dx = 0 when nothing needs it. */
function backwardImage(L: usize, kind: i32, ws: usize, params: usize, g: usize, dx: usize, dy: usize, n: i32,
  training: bool, pack: usize): void {
  const C = slot(L, L_IN_C), H = slot(L, L_IN_H), W = slot(L, L_IN_W);
  const OH = slot(L, L_OUT_H), OW = slot(L, L_OUT_W), k = slot(L, L_KERNEL), s = slot(L, L_STRIDE);
  const col = buf(ws, L, L_COL);
  if (kind == LAYER_CONV2D) {
    const F = slot(L, L_OUT_C), pad = slot(L, L_PAD);
    const t = buf(ws, L, L_AUX);
    // The weight pass reads the patch rows forward left in col; the input pass overwrites them.
    conv2dBackwardWeights(param(g, L, L_W), param(g, L, L_B), dy, col, n, C, F, k, OH, OW, t, pack);
    if (dx != 0) conv2dBackwardInput(dx, dy, param(params, L, L_W), n, C, H, W, F, k, s, pad, OH, OW, col, t, pack);
  } else if (kind == LAYER_MAX_POOL2D) {
    if (dx != 0) maxPool2dBackward(dx, dy, col, n, C, H, W, OH, OW);
  } else if (kind == LAYER_AVG_POOL2D) {
    if (dx != 0) avgPool2dBackward(dx, dy, n, C, H, W, k, s, OH, OW);
  } else {
    batchNormBackward(dx, param(g, L, L_W), param(g, L, L_B), dy, col, param(params, L, L_W), buf(ws, L, L_AUX),
      n, C, H * W, training);
  }
}

/** A buffer of the workspace, or 0 for an offset of −1 (none). */
// @ts-ignore: decorator
@inline
function optBuf(ws: usize, L: usize, offset: usize): usize {
  const o = slot(L, offset);
  return o >= 0 ? ws + (<usize>o << 2) : 0;
}

/** Forward pass of n rows through an embedding, GRU or LSTM layer (rows of T steps). */
function forwardSequence(L: usize, kind: i32, ws: usize, params: usize, x: usize, y: usize, n: i32, pack: usize): void {
  const T = slot(L, L_STEPS), I = slot(L, L_STEP_INPUTS), U = slot(L, L_UNITS);
  const mask = optBuf(ws, L, L_STEP_MASK);
  if (kind == LAYER_EMBEDDING) {
    embeddingForward(y, mask, x, param(params, L, L_W), n, T, U, I, slot(L, L_PAD_ID));
    return;
  }
  const hs = buf(ws, L, L_HS);
  const wih = param(params, L, L_W), whh = param(params, L, L_W_HH), bih = param(params, L, L_B), bhh = param(params, L, L_B_HH);
  if (kind == LAYER_GRU) gruForward(hs, buf(ws, L, L_GATES), buf(ws, L, L_XG), buf(ws, L, L_HG), x, wih, whh, bih, bhh, mask, n, T, I, U, pack);
  else lstmForward(hs, buf(ws, L, L_GATES), buf(ws, L, L_XG), buf(ws, L, L_HG), x, wih, whh, bih, bhh, mask, n, T, I, U, pack);
  // The last state only: copy step T − 1 of each row.
  if (slot(L, L_RETURN_SEQ) == 0) {
    const bytes = <usize>U << 2;
    for (let i = 0; i < n; i++) memory.copy(y + <usize>i * bytes, hs + <usize>(i * T + T - 1) * bytes, bytes);
  }
}

/** Backward pass (through time) of n rows through an embedding, GRU or LSTM layer; dx = 0 when nothing needs it. */
function backwardSequence(L: usize, kind: i32, ws: usize, params: usize, g: usize, dx: usize, dy: usize, n: i32, pack: usize): void {
  const T = slot(L, L_STEPS), I = slot(L, L_STEP_INPUTS), U = slot(L, L_UNITS);
  const x = buf(ws, L, L_X);
  if (kind == LAYER_EMBEDDING) {
    embeddingBackward(param(g, L, L_W), dy, x, n, T, U, I, slot(L, L_PAD_ID));
    return;
  }
  const mask = optBuf(ws, L, L_STEP_MASK), seq = slot(L, L_RETURN_SEQ) != 0;
  const wih = param(params, L, L_W), whh = param(params, L, L_W_HH);
  const gw = param(g, L, L_W), gwh = param(g, L, L_W_HH), gb = param(g, L, L_B), gbh = param(g, L, L_B_HH);
  if (kind == LAYER_GRU) {
    gruBackward(gw, gwh, gb, gbh, dx, dy, x, buf(ws, L, L_HS), buf(ws, L, L_GATES), buf(ws, L, L_XG), buf(ws, L, L_HG),
      buf(ws, L, L_CARRY), wih, whh, mask, n, T, I, U, seq, pack);
  } else {
    lstmBackward(gw, gwh, gb, gbh, dx, dy, x, buf(ws, L, L_HS), buf(ws, L, L_GATES), buf(ws, L, L_XG),
      buf(ws, L, L_CARRY), wih, whh, mask, n, T, I, U, seq, pack);
  }
}

/** Forward pass of n gathered rows; dropout draws masks and batch norm uses batch statistics when `training`. */
function forwardChunk(net: usize, ws: usize, params: usize, stats: usize, n: i32, training: bool): void {
  const layers = slot(net, NET_LAYERS);
  const pack = buf(ws, net, NET_PACK);
  const rng = buf(ws, net, NET_RNG);
  for (let i = 0; i < layers; i++) {
    const L = layerAt(net, i);
    const kind = slot(L, L_KIND);
    const inSize = slot(L, L_IN_SIZE), outSize = slot(L, L_OUT_SIZE);
    const x = buf(ws, L, L_X), y = buf(ws, L, L_Y);
    const param = <f32>load<f64>(L + L_PARAM);
    if (kind == LAYER_DENSE) {
      const b = slot(L, L_B);
      const bias = b >= 0 ? params + (<usize>b << 2) : 0;
      parGemmNT(y, x, params + (<usize>slot(L, L_W) << 2), n, outSize, inSize, inSize, inSize, outSize, 0, bias,
        slot(L, L_ACT), param, pack);
    } else if (kind == LAYER_ACTIVATION) {
      if (slot(L, L_FUSED) == 0) actForward(y, x, n * outSize, slot(L, L_ACT), param);
    } else if (kind == LAYER_DROPOUT) {
      if (training) {
        const mask = buf(ws, L, L_MASK);
        dropoutMask(mask, n * outSize, param, rng);
        mulF32(y, x, mask, n * outSize);
      } else {
        memory.copy(y, x, <usize>(n * outSize) << 2);
      }
    } else if (kind >= LAYER_EMBEDDING) {
      forwardSequence(L, kind, ws, params, x, y, n, pack);
    } else {
      forwardImage(L, kind, ws, params, stats, x, y, n, training, pack);
    }
  }
}

/** Backward pass of n rows from the logits' gradient; parameter gradients go to `g` (overwritten). */
function backwardChunk(net: usize, ws: usize, params: usize, g: usize, n: i32, training: bool): void {
  const layers = slot(net, NET_LAYERS);
  const pack = buf(ws, net, NET_PACK);
  for (let i = layers - 1; i >= 0; i--) {
    const L = layerAt(net, i);
    const kind = slot(L, L_KIND);
    const inSize = slot(L, L_IN_SIZE), outSize = slot(L, L_OUT_SIZE);
    const dxo = slot(L, L_DX);
    const dy = buf(ws, L, L_DY);
    const dx = ws + (<usize>dxo << 2);
    if (kind == LAYER_DENSE) {
      const w = slot(L, L_W), b = slot(L, L_B);
      // dW = dYᵀ·X (outSize × inSize), db = column sums of dY, dX = dY·W.
      parGemmTN(g + (<usize>w << 2), dy, buf(ws, L, L_X), outSize, inSize, n, outSize, inSize, inSize, 0, pack);
      if (b >= 0) colSum(g + (<usize>b << 2), dy, n, outSize, outSize, 0);
      if (dxo >= 0) parGemmNN(dx, dy, params + (<usize>w << 2), n, inSize, outSize, outSize, inSize, inSize, 0, pack);
    } else if (kind == LAYER_ACTIVATION) {
      if (dxo >= 0) {
        const act = slot(L, L_ACT);
        // GELU's derivative needs its input; the others' needs only their output.
        const v = act == ACT_GELU ? buf(ws, L, L_X) : buf(ws, L, L_Y);
        actBackward(dx, dy, v, n * outSize, act, <f32>load<f64>(L + L_PARAM));
      }
    } else if (kind == LAYER_DROPOUT) {
      if (dxo >= 0) mulF32(dx, dy, buf(ws, L, L_MASK), n * outSize);
    } else if (kind >= LAYER_EMBEDDING) {
      backwardSequence(L, kind, ws, params, g, dxo >= 0 ? dx : 0, dy, n, pack);
    } else {
      backwardImage(L, kind, ws, params, g, dxo >= 0 ? dx : 0, dy, n, training, pack);
    }
  }
}

/** The head's mean loss over rows idx[start .. start+n) of the logits, dZ = ∂(mean)/∂Z into `dz`. */
// @ts-ignore: decorator
@inline
function head(code: i32, dz: usize, z: usize, y: usize, idx: usize, start: i32, n: i32, k: i32): f64 {
  if (code == HEAD_SOFTMAX) return headSoftmax(dz, z, y, idx, start, n, k, k);
  if (code == HEAD_LOGISTIC) return headLogistic(dz, z, y, idx, start, n, k, k);
  return headSquared(dz, z, y, idx, start, n, k, k);
}

/** dst[i] = a·dst[i] over n f32 (the chunk's share of a batch's mean). */
function scale(dst: usize, n: i32, a: f32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(dst + o) * a);
  }
}

// The dropout PRNG's words travel in the run descriptor as f64 (saved and resumed with the run) and are
// used as u32 in the workspace while a call runs.
function loadDropRng(run: usize, rng: usize): void {
  for (let i = 0; i < 4; i++) store<u32>(rng + (<usize>i << 2), <u32>load<f64>(run + RUN_DROP_RNG + (<usize>i << 3)));
}

function storeDropRng(run: usize, rng: usize): void {
  for (let i = 0; i < 4; i++) store<f64>(run + RUN_DROP_RNG + (<usize>i << 3), <f64>load<u32>(rng + (<usize>i << 2)));
}

/**
 * One chunk of a batch of `count` rows: rows idx[s .. s+n) forward, head and backward, the chunk's share
 * of the batch's mean gradient written to `g` (overwritten). Returns the chunk's summed loss (mean × n).
 * Buffers come from the run's workspace, so threads with their own workspace run chunks side by side
 * (assembly/threads.ts); the dropout PRNG words must already be in the workspace.
 */
export function netChunkGrad(run: usize, g: usize, s: i32, n: i32, count: i32): f64 {
  const net = <usize>load<f64>(run + RUN_NET), ws = <usize>load<f64>(run + RUN_WS);
  const params = <usize>load<f64>(run + RUN_PARAMS);
  const X = <usize>load<f64>(run + RUN_X), y = <usize>load<f64>(run + RUN_Y), idx = <usize>load<f64>(run + RUN_IDX);
  const training = slot(run, RUN_TRAINING) != 0;
  const stats = <usize>load<f64>(run + RUN_STATS);
  const code = slot(net, NET_HEAD);
  const d = slot(net, NET_INPUTS), k = slot(net, NET_OUTPUTS);
  const input = buf(ws, net, NET_INPUT), logits = buf(ws, net, NET_LOGITS), dlogits = buf(ws, net, NET_DLOGITS);
  parGather(input, X, idx, s, n, d);
  forwardChunk(net, ws, params, stats, n, training);
  const sum = head(code, dlogits, logits, y, idx, s, n, k) * <f64>n;
  if (n != count) scale(dlogits, n * k, <f32>(<f64>n / <f64>count));
  backwardChunk(net, ws, params, g, n, training);
  return sum;
}

/**
 * Mean loss over rows idx[start .. start+count) plus (l2/2)‖W‖² on the first nWeights parameters, and
 * its gradient written to `grads`; dropout is active when the run's `training` slot is 1.
 */
export function netLossGrad(run: usize, grads: usize, start: i32, count: i32): f64 {
  const net = <usize>load<f64>(run + RUN_NET), ws = <usize>load<f64>(run + RUN_WS);
  const params = <usize>load<f64>(run + RUN_PARAMS);
  const nParams = slot(run, RUN_N_PARAMS), nW = slot(run, RUN_N_WEIGHTS);
  const chunk = slot(net, NET_CHUNK);
  const gpart = buf(ws, net, NET_GPART);
  const rng = buf(ws, net, NET_RNG);
  loadDropRng(run, rng);
  let lossSum: f64 = 0;
  for (let s = start, end = start + count; s < end; s += chunk) {
    const n = min(chunk, end - s);
    // The first chunk writes the batch's gradient; later ones are computed apart and added in order.
    const first = s == start;
    lossSum += netChunkGrad(run, first ? grads : gpart, s, n, count);
    if (!first) axpy(grads, 1, gpart, nParams);
  }
  storeDropRng(run, rng);
  const l2 = <f32>load<f64>(run + RUN_L2);
  let pen: f64 = 0;
  if (l2 != 0) {
    axpy(grads, l2, params, nW);
    pen = 0.5 * <f64>l2 * <f64>dot(params, params, nW);
  }
  return (count > 0 ? lossSum / <f64>count : 0) + pen;
}

/**
 * Inference over rows idx[start .. start+count): each row's outputs to the run's `out` (when not 0,
 * count × outputs f32 in window order), and the mean data loss when the run has targets (y ≠ 0).
 */
export function netForward(run: usize, start: i32, count: i32): f64 {
  const net = <usize>load<f64>(run + RUN_NET), ws = <usize>load<f64>(run + RUN_WS);
  const params = <usize>load<f64>(run + RUN_PARAMS);
  const X = <usize>load<f64>(run + RUN_X), y = <usize>load<f64>(run + RUN_Y), idx = <usize>load<f64>(run + RUN_IDX);
  const out = <usize>load<f64>(run + RUN_OUT), stats = <usize>load<f64>(run + RUN_STATS);
  const code = slot(net, NET_HEAD), chunk = slot(net, NET_CHUNK);
  const d = slot(net, NET_INPUTS), k = slot(net, NET_OUTPUTS);
  const input = buf(ws, net, NET_INPUT), logits = buf(ws, net, NET_LOGITS), dlogits = buf(ws, net, NET_DLOGITS);
  let lossSum: f64 = 0;
  for (let s = start, end = start + count; s < end; s += chunk) {
    const n = min(chunk, end - s);
    gather(input, X, idx, s, n, d);
    forwardChunk(net, ws, params, stats, n, false);
    if (out != 0) memory.copy(out + (<usize>((s - start) * k) << 2), logits, <usize>(n * k) << 2);
    if (y != 0) lossSum += head(code, dlogits, logits, y, idx, s, n, k) * <f64>n;
  }
  return count > 0 ? lossSum / <f64>count : 0;
}
