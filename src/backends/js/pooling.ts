// Pure-TS twins of assembly/pooling.ts: max and average pooling of NCHW images, no padding, floor sizes.
import { LAYER_SLOT as C, LAYER_SLOTS } from '../abi.generated.js';
import type { NetCtx } from './record.js';

/** Twin of maxPool2dForward: window maxima into y, their index in the image into arg (first maximum wins). */
export function maxPool2dForward(y: Float32Array, yo: number, arg: Int32Array, ao: number, x: Float32Array, xo: number,
  n: number, C: number, H: number, W: number, size: number, s: number, OH: number, OW: number): void {
  let o = 0;
  for (let pl = 0; pl < n * C; pl++) {
    const xp = xo + pl * H * W, base = (pl % C) * H * W;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        let best = oh * s * W + ow * s, m = x[xp + best];
        for (let ki = 0; ki < size; ki++) {
          const r = (oh * s + ki) * W + ow * s;
          for (let kj = 0; kj < size; kj++) {
            const v = x[xp + r + kj];
            if (v > m || v !== v) { m = v; best = r + kj; }
          }
        }
        y[yo + o] = m;
        arg[ao + o] = base + best;
        o++;
      }
    }
  }
}

/** Twin of maxPool2dBackward. */
export function maxPool2dBackward(dx: Float32Array, dxo: number, dy: Float32Array, dyo: number, arg: Int32Array, ao: number,
  n: number, C: number, H: number, W: number, OH: number, OW: number): void {
  const img = C * H * W, per = C * OH * OW;
  dx.fill(0, dxo, dxo + n * img);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < per; j++) {
      const q = dxo + i * img + arg[ao + i * per + j];
      dx[q] = dx[q] + dy[dyo + i * per + j];
    }
  }
}

/** Twin of avgPool2dForward. */
export function avgPool2dForward(y: Float32Array, yo: number, x: Float32Array, xo: number, n: number, C: number, H: number,
  W: number, size: number, s: number, OH: number, OW: number): void {
  const inv = Math.fround(1 / (size * size));
  let o = 0;
  for (let pl = 0; pl < n * C; pl++) {
    const xp = xo + pl * H * W;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        let t = 0;
        for (let ki = 0; ki < size; ki++) {
          const r = xp + (oh * s + ki) * W + ow * s;
          for (let kj = 0; kj < size; kj++) t += x[r + kj];
        }
        y[yo + o++] = t * inv;
      }
    }
  }
}

/** Twin of avgPool2dBackward. */
export function avgPool2dBackward(dx: Float32Array, dxo: number, dy: Float32Array, dyo: number, n: number, C: number,
  H: number, W: number, size: number, s: number, OH: number, OW: number): void {
  const inv = Math.fround(1 / (size * size));
  dx.fill(0, dxo, dxo + n * C * H * W);
  let o = 0;
  for (let pl = 0; pl < n * C; pl++) {
    const xp = dxo + pl * H * W;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const g = Math.fround(dy[dyo + o++] * inv);
        for (let ki = 0; ki < size; ki++) {
          const r = xp + (oh * s + ki) * W + ow * s;
          for (let kj = 0; kj < size; kj++) dx[r + kj] += g;
        }
      }
    }
  }
}

// The pooling layers over a network record (abi.json layerKinds `maxPool2d`, `avgPool2d`), as in assembly/pooling.ts.

/** Twin of maxPool2dLayerForward. */
export function maxPool2dLayerForward(c: NetCtx, L: number, n: number, training: boolean): void {
  const { net, ws } = c, S = LAYER_SLOTS.maxPool2d;
  maxPool2dForward(ws, net[L + C.y], c.i32, net[L + S.argmax], ws, net[L + C.x], n, net[L + S.channels], net[L + S.height],
    net[L + S.width], net[L + S.size], net[L + S.stride], net[L + S.outHeight], net[L + S.outWidth]);
}

/** Twin of maxPool2dLayerBackward. */
export function maxPool2dLayerBackward(c: NetCtx, L: number, g: Float32Array, gOff: number, n: number, training: boolean): void {
  const { net, ws } = c, S = LAYER_SLOTS.maxPool2d, dx = net[L + C.dx];
  if (dx < 0) return;
  maxPool2dBackward(ws, dx, ws, net[L + C.dy], c.i32, net[L + S.argmax], n, net[L + S.channels], net[L + S.height],
    net[L + S.width], net[L + S.outHeight], net[L + S.outWidth]);
}

/** Twin of avgPool2dLayerForward. */
export function avgPool2dLayerForward(c: NetCtx, L: number, n: number, training: boolean): void {
  const { net, ws } = c, S = LAYER_SLOTS.avgPool2d;
  avgPool2dForward(ws, net[L + C.y], ws, net[L + C.x], n, net[L + S.channels], net[L + S.height], net[L + S.width],
    net[L + S.size], net[L + S.stride], net[L + S.outHeight], net[L + S.outWidth]);
}

/** Twin of avgPool2dLayerBackward. */
export function avgPool2dLayerBackward(c: NetCtx, L: number, g: Float32Array, gOff: number, n: number, training: boolean): void {
  const { net, ws } = c, S = LAYER_SLOTS.avgPool2d, dx = net[L + C.dx];
  if (dx < 0) return;
  avgPool2dBackward(ws, dx, ws, net[L + C.dy], n, net[L + S.channels], net[L + S.height], net[L + S.width],
    net[L + S.size], net[L + S.stride], net[L + S.outHeight], net[L + S.outWidth]);
}
