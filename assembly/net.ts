// Networks inside the batch loop: a network is a program (abi.json `net`: a header and one record per
// layer, written once by TypeScript) that these functions run over the rows of a batch. A batch runs in
// chunks of at most `chunk` rows: gather the chunk's rows → forward through the layers → loss head →
// backward in reverse, each chunk's parameter gradient computed on its own and added to the batch's in
// chunk order (so the result does not depend on how chunks would be spread over threads). The layer
// kind is read once per layer per chunk, never per element. Buffers live in the run's workspace `ws`.
import {
  HEAD_SOFTMAX, HEAD_LOGISTIC, HEAD_SOFTMAX_SEQ, HEAD_SQUARED, RUN_STATS, NET_POSITIONS, NET_LAYERS, NET_HEAD, NET_CHUNK, NET_INPUTS, NET_OUTPUTS, NET_INPUT, NET_LOGITS,
  NET_DLOGITS, NET_PACK, NET_GPART, NET_RNG, NET_HEADER_BYTES, LAYER_BYTES, L_KIND, RUN_PARAMS, RUN_N_PARAMS,
  RUN_N_WEIGHTS, RUN_X, RUN_Y, RUN_IDX, RUN_L2, RUN_NET, RUN_WS, RUN_TRAINING, RUN_OUT, RUN_DROP_RNG,
} from "./abi.generated";
import { gatherInput } from "./rowgather";
import { headSoftmax, headLogistic, headSquared, headSoftmaxSeq } from "./heads";
import { dot, axpy } from "./linalg";
import { int, ptr, wsAt } from "./slots";
import { layerForward, layerBackward } from "./layers.generated";

// @ts-ignore: decorator
@inline
function layerAt(net: usize, i: i32): usize {
  return net + NET_HEADER_BYTES + <usize>i * LAYER_BYTES;
}

/** Forward pass of n gathered rows; dropout draws masks and batch norm uses batch statistics when `training`. */
function forwardChunk(net: usize, ws: usize, params: usize, stats: usize, n: i32, training: bool): void {
  const layers = int(net, NET_LAYERS);
  const pack = wsAt(ws, net, NET_PACK), rng = wsAt(ws, net, NET_RNG);
  for (let i = 0; i < layers; i++) {
    const L = layerAt(net, i);
    layerForward(int(L, L_KIND), L, ws, params, stats, n, training, pack, rng);
  }
}

/** Backward pass of n rows from the logits' gradient; parameter gradients go to `g` (overwritten). */
function backwardChunk(net: usize, ws: usize, params: usize, g: usize, n: i32, training: bool): void {
  const layers = int(net, NET_LAYERS);
  const pack = wsAt(ws, net, NET_PACK);
  for (let i = layers - 1; i >= 0; i--) {
    const L = layerAt(net, i);
    layerBackward(int(L, L_KIND), L, ws, params, g, n, training, pack);
  }
}

/**
 * The head's mean loss over rows idx[start .. start+n) of the logits (k per row; under softmaxSeq T
 * positions of k/T classes each), dZ = ∂(mean)/∂Z into `dz`.
 */
// @ts-ignore: decorator
@inline
function head(net: usize, dz: usize, z: usize, y: usize, idx: usize, start: i32, n: i32, k: i32): f64 {
  const code = int(net, NET_HEAD);
  if (code == HEAD_SOFTMAX) return headSoftmax(dz, z, y, idx, start, n, k, k);
  if (code == HEAD_LOGISTIC) return headLogistic(dz, z, y, idx, start, n, k, k);
  if (code == HEAD_SOFTMAX_SEQ) {
    const T = int(net, NET_POSITIONS);
    return headSoftmaxSeq(dz, z, y, idx, start, n, T, k / T, k);
  }
  if (code == HEAD_SQUARED) return headSquared(dz, z, y, idx, start, n, k, k);
  abort("unknown head code", null, <u32>code, 0);
  return 0;
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
  const net = ptr(run, RUN_NET), ws = ptr(run, RUN_WS);
  const params = ptr(run, RUN_PARAMS);
  const X = ptr(run, RUN_X), y = ptr(run, RUN_Y), idx = ptr(run, RUN_IDX);
  const training = int(run, RUN_TRAINING) != 0;
  const stats = ptr(run, RUN_STATS);
  const d = int(net, NET_INPUTS), k = int(net, NET_OUTPUTS);
  const input = wsAt(ws, net, NET_INPUT), logits = wsAt(ws, net, NET_LOGITS), dlogits = wsAt(ws, net, NET_DLOGITS);
  gatherInput(run, input, s, n, d, training, true);
  forwardChunk(net, ws, params, stats, n, training);
  const sum = head(net, dlogits, logits, y, idx, s, n, k) * <f64>n;
  if (n != count) scale(dlogits, n * k, <f32>(<f64>n / <f64>count));
  backwardChunk(net, ws, params, g, n, training);
  return sum;
}

/**
 * Mean loss over rows idx[start .. start+count) plus (l2/2)‖W‖² on the first nWeights parameters, and
 * its gradient written to `grads`; dropout is active when the run's `training` slot is 1.
 */
export function netLossGrad(run: usize, grads: usize, start: i32, count: i32): f64 {
  const net = ptr(run, RUN_NET), ws = ptr(run, RUN_WS);
  const params = ptr(run, RUN_PARAMS);
  const nParams = int(run, RUN_N_PARAMS), nW = int(run, RUN_N_WEIGHTS);
  const chunk = int(net, NET_CHUNK);
  const gpart = wsAt(ws, net, NET_GPART);
  const rng = wsAt(ws, net, NET_RNG);
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
  const net = ptr(run, RUN_NET), ws = ptr(run, RUN_WS);
  const params = ptr(run, RUN_PARAMS);
  const X = ptr(run, RUN_X), y = ptr(run, RUN_Y), idx = ptr(run, RUN_IDX);
  const out = ptr(run, RUN_OUT), stats = ptr(run, RUN_STATS);
  const chunk = int(net, NET_CHUNK);
  const d = int(net, NET_INPUTS), k = int(net, NET_OUTPUTS);
  const input = wsAt(ws, net, NET_INPUT), logits = wsAt(ws, net, NET_LOGITS), dlogits = wsAt(ws, net, NET_DLOGITS);
  let lossSum: f64 = 0;
  for (let s = start, end = start + count; s < end; s += chunk) {
    const n = min(chunk, end - s);
    gatherInput(run, input, s, n, d, false, false);
    forwardChunk(net, ws, params, stats, n, false);
    if (out != 0) memory.copy(out + (<usize>((s - start) * k) << 2), logits, <usize>(n * k) << 2);
    if (y != 0) lossSum += head(net, dlogits, logits, y, idx, s, n, k) * <f64>n;
  }
  return count > 0 ? lossSum / <f64>count : 0;
}
