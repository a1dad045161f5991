// Pure-TS twin of assembly/net.ts: the same network program run over typed arrays, chunk by chunk, with
// the same order of operations (each chunk's parameter gradient computed apart, added in chunk order).
import { DescentError } from '../../errors.js';
import { HEAD, LAYER_LEN, LAYER_SLOT, NET, NET_HEADER_LEN, RUN } from '../abi.generated.js';
import { headSoftmax, headLogistic, headSquared, headSoftmaxSeq } from './heads.js';
import { axpyF32, dotF32 } from './linalg.js';
import { layerForward, layerBackward } from './layers.generated.js';
import { gatherInput } from './rowgather.js';
import type { NetCtx } from './record.js';
import type { JsMemory } from './memory.js';

function layer(net: Float64Array, i: number): number {
  return NET_HEADER_LEN + i * LAYER_LEN;
}

function forwardChunk(c: NetCtx, n: number, training: boolean): void {
  const net = c.net;
  for (let i = 0; i < net[NET.layers]; i++) {
    const L = layer(net, i);
    layerForward(net[L + LAYER_SLOT.kind], c, L, n, training);
  }
}

function backwardChunk(c: NetCtx, g: Float32Array, gOff: number, n: number, training: boolean): void {
  const net = c.net;
  for (let i = net[NET.layers] - 1; i >= 0; i--) {
    const L = layer(net, i);
    layerBackward(net[L + LAYER_SLOT.kind], c, L, g, gOff, n, training);
  }
}

function head(net: Float64Array, ws: Float32Array, dz: number, z: number, y: Float32Array, idx: Int32Array, start: number,
  n: number, k: number): number {
  const code = net[NET.head];
  if (code === HEAD.softmax) return headSoftmax(ws, dz, ws, z, y, idx, start, n, k, k);
  if (code === HEAD.logistic) return headLogistic(ws, dz, ws, z, y, idx, start, n, k, k);
  if (code === HEAD.softmaxSeq) {
    const T = net[NET.positions];
    return headSoftmaxSeq(ws, dz, ws, z, y, idx, start, n, T, k / T, k);
  }
  if (code === HEAD.squared) return headSquared(ws, dz, ws, z, y, idx, start, n, k, k);
  throw new DescentError('E_KERNEL', `js: unknown head code ${code}`);
}

function context(mem: JsMemory, r: Float64Array): NetCtx {
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
  const chunk = net[NET.chunk], d = net[NET.inputs], k = net[NET.outputs];
  const rng = net[NET.rng], gpart = net[NET.gpart];
  for (let i = 0; i < 4; i++) u32[rng + i] = r[RUN.dropRng + i];
  let lossSum = 0;
  for (let s = start, end = start + count; s < end; s += chunk) {
    const n = Math.min(chunk, end - s);
    gatherInput(mem, r, ws, net[NET.input], s, n, d, training);
    forwardChunk(c, n, training);
    lossSum += head(net, ws, net[NET.dlogits], net[NET.logits], y, idx, s, n, k) * n;
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
  const chunk = net[NET.chunk], d = net[NET.inputs], k = net[NET.outputs];
  let lossSum = 0;
  for (let s = start, end = start + count; s < end; s += chunk) {
    const n = Math.min(chunk, end - s);
    gatherInput(mem, r, ws, net[NET.input], s, n, d, false);
    forwardChunk(c, n, false);
    const z = net[NET.logits];
    if (out) out.set(ws.subarray(z, z + n * k), (s - start) * k);
    if (y) lossSum += head(net, ws, net[NET.dlogits], z, y, idx, s, n, k) * n;
  }
  return count > 0 ? lossSum / count : 0;
}
