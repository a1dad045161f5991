// Pure-TS twins of assembly/activations.ts: activations, their gradients, mulF32 and dropout masks.
// Typed arrays plus element offsets instead of pointers. Element functions are defined once here and
// used by actForward/actBackward and the gemmNT epilogue (./gemm.ts); they compute in f64 and round once.
// They are the reference the WASM builds are tested against: the builds evaluate tanh, sigmoid and GELU
// by f32 polynomials (assembly/fastmath.ts), within a few f32 ulp of these (test/activations.test.ts).

import { ACT, LAYER_SLOT as C, LAYER_SLOTS, NET } from '../abi.generated.js';
import type { NetCtx } from './record.js';

/** Activation codes by name, from the ABI manifest (assembly/abi.json). */
export const ACT_IDENTITY = ACT.identity, ACT_RELU = ACT.relu, ACT_LEAKY_RELU = ACT.leakyRelu, ACT_TANH = ACT.tanh,
  ACT_SIGMOID = ACT.sigmoid, ACT_GELU = ACT.gelu;

const GELU_C = 0.7978845608028654; // √(2/π)
const GELU_A = 0.044715;

/** σ(x) in f64, stable for large |x|. */
function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** act(x) in f64 (callers round on store). `slope` must already be an f32 value (Math.fround). */
export function actElem(x: number, act: number, slope: number): number {
  switch (act) {
    case ACT_RELU: return x > 0 ? x : 0;
    case ACT_LEAKY_RELU: return x > 0 ? x : Math.fround(x * slope);
    case ACT_TANH: return Math.tanh(x);
    case ACT_SIGMOID: return sigmoid(x);
    // 0.5·x·(1 + tanh u) written as x·σ(2u): the same value without 1 + tanh u cancelling for u ≪ 0.
    case ACT_GELU: return x * sigmoid(2 * GELU_C * (x + GELU_A * x * x * x));
    default: return x;
  }
}

/**
 * act'·dy: `v` is the activation's OUTPUT for relu, leaky relu (slope ≥ 0), tanh and sigmoid, and its
 * INPUT for gelu.
 */
export function actGradElem(dy: number, v: number, act: number, slope: number): number {
  switch (act) {
    case ACT_RELU: return v > 0 ? dy : 0;
    case ACT_LEAKY_RELU: return v > 0 ? dy : Math.fround(dy * slope);
    case ACT_TANH: return dy * (1 - v * v);
    case ACT_SIGMOID: return dy * (v * (1 - v));
    case ACT_GELU: {
      // 1 + tanh u = 2s and 1 − tanh² u = 4s(1 − s) with s = σ(2u).
      const s = sigmoid(2 * GELU_C * (v + GELU_A * v * v * v));
      return dy * (s + 2 * v * s * (1 - s) * GELU_C * (1 + 3 * GELU_A * v * v));
    }
    default: return dy;
  }
}

/** Y[i] = act(X[i]) for i < n; Y may alias X (the same array and offset: in place). */
export function actForward(Y: Float32Array, yOff: number, X: Float32Array, xOff: number, n: number, act: number, slope: number): void {
  const s = Math.fround(slope);
  for (let i = 0; i < n; i++) Y[yOff + i] = actElem(X[xOff + i], act, s);
}

/** dX[i] = act'·dY[i], V the output (relu/leaky/tanh/sigmoid) or the input (gelu); dX may alias dY. */
export function actBackward(dX: Float32Array, dxOff: number, dY: Float32Array, dyOff: number, V: Float32Array, vOff: number,
  n: number, act: number, slope: number): void {
  const s = Math.fround(slope);
  for (let i = 0; i < n; i++) dX[dxOff + i] = actGradElem(dY[dyOff + i], V[vOff + i], act, s);
}

/** out[i] = a[i]·b[i]; out may alias a or b. */
export function mulF32(out: Float32Array, oOff: number, a: Float32Array, aOff: number, b: Float32Array, bOff: number, n: number): void {
  for (let i = 0; i < n; i++) out[oOff + i] = a[aOff + i] * b[bOff + i];
}

/**
 * Inverted dropout mask, bit-identical to the AssemblyScript kernel: xoshiro128** (src/rng.ts) with its
 * four u32 words at rng[rngOff..+4] (advanced by n draws); element i is kept (1/(1 − rate)) when its draw
 * is ≥ ⌊rate·2³²⌋, else 0. rate ≤ 0: all ones; rate ≥ 1: all zeros.
 */
export function dropoutMask(mask: Float32Array, mOff: number, n: number, rate: number, rng: Uint32Array, rngOff: number): void {
  let s0 = rng[rngOff], s1 = rng[rngOff + 1], s2 = rng[rngOff + 2], s3 = rng[rngOff + 3];
  const r = Math.fround(rate);
  const thr = r <= 0 ? 0 : r >= 1 ? 4294967296 : Math.floor(r * 4294967296);
  const scale = r >= 1 ? 0 : Math.fround(1 / (1 - r));
  for (let i = 0; i < n; i++) {
    const m5 = Math.imul(s1, 5);
    const x = Math.imul((m5 << 7) | (m5 >>> 25), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    mask[mOff + i] = x >= thr ? scale : 0;
  }
  rng[rngOff] = s0;
  rng[rngOff + 1] = s1;
  rng[rngOff + 2] = s2;
  rng[rngOff + 3] = s3;
}

// The activation and dropout layers over a network record (abi.json layerKinds `activation`, `dropout`).

/** Twin of activationLayerForward. */
export function activationLayerForward(c: NetCtx, L: number, n: number, training: boolean): void {
  const { net, ws } = c, S = LAYER_SLOTS.activation;
  if (net[L + S.fused] !== 0) return;
  actForward(ws, net[L + C.y], ws, net[L + C.x], n * net[L + C.outSize], net[L + S.act], Math.fround(net[L + S.slope]));
}

/** Twin of activationLayerBackward. */
export function activationLayerBackward(c: NetCtx, L: number, g: Float32Array, gOff: number, n: number, training: boolean): void {
  const { net, ws } = c, S = LAYER_SLOTS.activation;
  const dx = net[L + C.dx];
  if (dx < 0) return;
  const act = net[L + S.act];
  const v = act === ACT.gelu ? net[L + C.x] : net[L + C.y];
  actBackward(ws, dx, ws, net[L + C.dy], ws, v, n * net[L + C.outSize], act, Math.fround(net[L + S.slope]));
}

/** Twin of dropoutLayerForward. */
export function dropoutLayerForward(c: NetCtx, L: number, n: number, training: boolean): void {
  const { net, ws } = c, S = LAYER_SLOTS.dropout;
  const m = n * net[L + C.outSize], x = net[L + C.x], y = net[L + C.y];
  if (training) {
    const mask = net[L + S.mask];
    dropoutMask(ws, mask, m, Math.fround(net[L + S.rate]), c.u32, net[NET.rng]);
    mulF32(ws, y, ws, x, ws, mask, m);
  } else {
    ws.copyWithin(y, x, x + m);
  }
}

/** Twin of dropoutLayerBackward. */
export function dropoutLayerBackward(c: NetCtx, L: number, g: Float32Array, gOff: number, n: number, training: boolean): void {
  const { net, ws } = c, S = LAYER_SLOTS.dropout;
  const dx = net[L + C.dx];
  if (dx >= 0) mulF32(ws, dx, ws, net[L + C.dy], ws, net[L + S.mask], n * net[L + C.outSize]);
}
