// Pure-TS twin of assembly/embedding.ts (Float32Array for the js backend, Float64Array for the f64 oracle of
// test/recurrent.grad.test.ts).
import { LAYER_SLOT, LAYER_SLOTS } from '../abi.generated.js';
import type { NetCtx } from './record.js';
import type { Vec } from './recurrent.js';

/** Twin of embeddingForward: y (n × T × D) = W[ids]; mask (or −1 = none) = 1 for a token, 0 for padId. */
export function embeddingForward(ws: Vec, y: number, mask: number, x: Vec, xo: number, W: Vec, w: number, n: number,
  T: number, D: number, vocab: number, padId: number): void {
  for (let i = 0; i < n * T; i++) {
    const id = x[xo + i];
    if (id >= 0 && id < vocab) for (let j = 0; j < D; j++) ws[y + i * D + j] = W[w + id * D + j];
    else ws.fill(0, y + i * D, y + i * D + D);
    if (mask >= 0) ws[mask + i] = id === padId ? 0 : 1;
  }
}

/** Twin of embeddingBackward: gW (vocab × D) overwritten with Σ dy per id, the pad id's row left at zero. */
export function embeddingBackward(g: Vec, gw: number, dy: Vec, d: number, x: Vec, xo: number, n: number, T: number,
  D: number, vocab: number, padId: number): void {
  g.fill(0, gw, gw + vocab * D);
  for (let i = 0; i < n * T; i++) {
    const id = x[xo + i];
    if (id < 0 || id >= vocab || id === padId) continue;
    for (let j = 0; j < D; j++) g[gw + id * D + j] += dy[d + i * D + j];
  }
}

// The embedding layer over a network record (abi.json layerKinds `embedding`), as in assembly/embedding.ts.

/** Twin of embeddingLayerForward. */
export function embeddingLayerForward(c: NetCtx, L: number, n: number, training: boolean): void {
  const { net, ws, params } = c, S = LAYER_SLOTS.embedding;
  embeddingForward(ws, net[L + LAYER_SLOT.y], net[L + S.stepMask], ws, net[L + LAYER_SLOT.x], params, net[L + S.w], n,
    net[L + S.steps], net[L + S.dim], net[L + S.vocab], net[L + S.padId]);
}

/** Twin of embeddingLayerBackward. */
export function embeddingLayerBackward(c: NetCtx, L: number, g: Float32Array, gOff: number, n: number, training: boolean): void {
  const { net, ws } = c, S = LAYER_SLOTS.embedding;
  embeddingBackward(g, gOff + net[L + S.w], ws, net[L + LAYER_SLOT.dy], ws, net[L + LAYER_SLOT.x], n, net[L + S.steps],
    net[L + S.dim], net[L + S.vocab], net[L + S.padId]);
}
