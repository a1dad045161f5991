// Pure-TS twin of assembly/dense.ts: the dense layer over a network record (abi.json layerKinds `dense`).
import { LAYER_SLOT as C, LAYER_SLOTS } from '../abi.generated.js';
import { gemmNT, gemmNN, gemmTN, colSum } from './gemm.js';
import type { NetCtx } from './record.js';

const S = LAYER_SLOTS.dense;

/** Twin of denseLayerForward: y (n·P, units) = act(x·Wᵀ + b). */
export function denseLayerForward(c: NetCtx, L: number, n: number, training: boolean): void {
  const { net, ws, params } = c;
  const inSize = net[L + S.inputs], outSize = net[L + S.units], m = n * net[L + S.positions], b = net[L + S.b];
  gemmNT(ws, net[L + C.y], ws, net[L + C.x], params, net[L + S.w], m, outSize, inSize, inSize, inSize, outSize, 0,
    b >= 0 ? params : null, b, net[L + S.act], Math.fround(net[L + S.slope]));
}

/** Twin of denseLayerBackward: dW = dyᵀ·x, db = column sums of dy, dx = dy·W. */
export function denseLayerBackward(c: NetCtx, L: number, g: Float32Array, gOff: number, n: number, training: boolean): void {
  const { net, ws, params } = c;
  const inSize = net[L + S.inputs], outSize = net[L + S.units], m = n * net[L + S.positions], w = net[L + S.w], b = net[L + S.b];
  const dx = net[L + C.dx], dy = net[L + C.dy];
  gemmTN(g, gOff + w, ws, dy, ws, net[L + C.x], outSize, inSize, m, outSize, inSize, inSize, 0);
  if (b >= 0) colSum(g, gOff + b, ws, dy, m, outSize, outSize, 0);
  if (dx >= 0) gemmNN(ws, dx, ws, dy, params, w, m, inSize, outSize, outSize, inSize, inSize, 0);
}
