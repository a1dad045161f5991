// Pure-TS twin of assembly/residual.ts: the open and close records of a residual block y = x + f(x).
import { LAYER_SLOT as C, LAYER_SLOTS } from '../abi.generated.js';
import type { NetCtx } from './record.js';

/** Twin of residualOpenLayerForward: nothing to do. */
export function residualOpenLayerForward(c: NetCtx, L: number, n: number, training: boolean): void {}

/** Twin of residualOpenLayerBackward: dx = dy + the block output's gradient. */
export function residualOpenLayerBackward(c: NetCtx, L: number, g: Float32Array, gOff: number, n: number, training: boolean): void {
  const { net, ws } = c, dx = net[L + C.dx];
  if (dx < 0) return;
  const dy = net[L + C.dy], og = net[L + LAYER_SLOTS.residualOpen.outGrad], m = n * net[L + C.outSize];
  for (let i = 0; i < m; i++) ws[dx + i] = ws[dy + i] + ws[og + i];
}

/** Twin of residualCloseLayerForward: y = skip + x. */
export function residualCloseLayerForward(c: NetCtx, L: number, n: number, training: boolean): void {
  const { net, ws } = c, y = net[L + C.y], x = net[L + C.x], skip = net[L + LAYER_SLOTS.residualClose.skip], m = n * net[L + C.outSize];
  for (let i = 0; i < m; i++) ws[y + i] = ws[skip + i] + ws[x + i];
}

/** Twin of residualCloseLayerBackward: dx = dy. */
export function residualCloseLayerBackward(c: NetCtx, L: number, g: Float32Array, gOff: number, n: number, training: boolean): void {
  const { net, ws } = c, dx = net[L + C.dx];
  if (dx >= 0) ws.copyWithin(dx, net[L + C.dy], net[L + C.dy] + n * net[L + C.outSize]);
}
