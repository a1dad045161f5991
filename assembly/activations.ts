// Activations of dense layers, elementwise, plus dropout. The element functions below are the one
// definition on this side: actForward/actBackward and the epilogue of gemmNT (assembly/gemm.ts) inline
// them. relu and leaky relu are exact, hence bit-identical to the js twin (src/backends/js/activations.ts).
// tanh, sigmoid and GELU are evaluated in f32 by the polynomials of assembly/fastmath.ts (a few ulp, and
// the SIMD loops compute the same formula lane by lane, so both builds agree bit for bit), not by the
// f64 Math.tanh/Math.exp of the js twin: those are library calls of ~30 ns per element, which made a tanh
// layer's activation cost as much as its matrix product.

import {
  ACT_IDENTITY, ACT_RELU, ACT_LEAKY_RELU, ACT_TANH, ACT_SIGMOID, ACT_GELU, L_OUT_SIZE, L_X, L_Y, L_DX, L_DY,
  ACTIVATION_ACT, ACTIVATION_SLOPE, ACTIVATION_FUSED, DROPOUT_RATE, DROPOUT_MASK,
} from "./abi.generated";
import { int, slot, wsAt, wsOpt } from "./slots";
import { sigmoidF, tanhF, geluF, geluGradF, sigmoid4, tanh4, gelu4, geluGrad4, one4 } from "./fastmath";

/** act(x) for one element. `act` is one of the ACT_ codes; `slope` is leaky ReLU's negative slope. */
// @ts-ignore: decorator
@inline
export function actElem(x: f32, act: i32, slope: f32): f32 {
  if (act == ACT_RELU) return x > 0 ? x : 0;
  if (act == ACT_LEAKY_RELU) return x > 0 ? x : x * slope;
  if (act == ACT_TANH) return tanhF(x);
  if (act == ACT_SIGMOID) return sigmoidF(x);
  if (act == ACT_GELU) return geluF(x);
  return x;
}

/**
 * ∂act/∂x · dy for one element. `v` is the activation's OUTPUT for relu, leaky relu (slope ≥ 0), tanh
 * and sigmoid, and its INPUT for gelu (whose derivative cannot be recovered from the output).
 */
// @ts-ignore: decorator
@inline
export function actGradElem(dy: f32, v: f32, act: i32, slope: f32): f32 {
  if (act == ACT_RELU) return v > 0 ? dy : 0;
  if (act == ACT_LEAKY_RELU) return v > 0 ? dy : dy * slope;
  // 1 − v² as (1 − v)(1 + v): 1 − v is exact for |v| ≥ ½ (Sterbenz), so a saturated unit keeps its
  // few significant bits instead of the cancellation of 1 − v·v.
  if (act == ACT_TANH) return dy * ((<f32>1 - v) * (<f32>1 + v));
  if (act == ACT_SIGMOID) return dy * (v * (<f32>1 - v));
  if (act == ACT_GELU) return dy * geluGradF(v);
  return dy;
}

/** relu / leaky relu on four lanes (bit-identical to actElem: the same f32 ops). */
// @ts-ignore: decorator
@inline
export function actPiecewise4(x: v128, act: i32, vslope: v128): v128 {
  const pos = f32x4.gt(x, f32x4.splat(0));
  if (act == ACT_RELU) return v128.and(x, pos);
  return v128.bitselect(x, f32x4.mul(x, vslope), pos);
}

/** tanh, sigmoid or GELU on four lanes, each lane equal to actElem's. */
// @ts-ignore: decorator
@inline
function actSmooth4(x: v128, act: i32): v128 {
  if (act == ACT_TANH) return tanh4(x);
  if (act == ACT_SIGMOID) return sigmoid4(x);
  return gelu4(x);
}

/**
 * Y[i] = act(X[i]) for i < n. Y may alias X (Y == X: in place); partial overlaps are not supported.
 */
export function actForward(Y: usize, X: usize, n: i32, act: i32, slope: f32): void {
  let i = 0;
  if (act == ACT_IDENTITY) {
    if (Y != X) memory.copy(Y, X, <usize>n << 2);
    return;
  }
  if (ASC_FEATURE_SIMD) {
    if (act == ACT_RELU || act == ACT_LEAKY_RELU) {
      const vs = f32x4.splat(slope);
      for (; i + 8 <= n; i += 8) {
        const o = <usize>i << 2;
        const a = v128.load(X + o), b = v128.load(X + o, 16);
        v128.store(Y + o, actPiecewise4(a, act, vs));
        v128.store(Y + o, actPiecewise4(b, act, vs), 16);
      }
    } else {
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        v128.store(Y + o, actSmooth4(v128.load(X + o), act));
      }
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(Y + o, actElem(load<f32>(X + o), act, slope));
  }
}

/**
 * dX[i] = act'(·)·dY[i] for i < n, with V the activation's output (relu, leaky relu, tanh, sigmoid)
 * or its input (gelu); identity copies. dX may alias dY (in place).
 */
export function actBackward(dX: usize, dY: usize, V: usize, n: i32, act: i32, slope: f32): void {
  let i = 0;
  if (act == ACT_IDENTITY) {
    if (dX != dY) memory.copy(dX, dY, <usize>n << 2);
    return;
  }
  if (ASC_FEATURE_SIMD) {
    if (act == ACT_RELU || act == ACT_LEAKY_RELU) {
      const vs = f32x4.splat(slope);
      const z = f32x4.splat(0);
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        const g = v128.load(dY + o);
        const pos = f32x4.gt(v128.load(V + o), z);
        v128.store(dX + o, act == ACT_RELU ? v128.and(g, pos) : v128.bitselect(g, f32x4.mul(g, vs), pos));
      }
    } else {
      const one = one4();
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        const g = v128.load(dY + o), v = v128.load(V + o);
        let d: v128;
        if (act == ACT_TANH) d = f32x4.mul(f32x4.sub(one, v), f32x4.add(one, v));
        else if (act == ACT_SIGMOID) d = f32x4.mul(v, f32x4.sub(one, v));
        else d = geluGrad4(v);
        v128.store(dX + o, f32x4.mul(g, d));
      }
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dX + o, actGradElem(load<f32>(dY + o), load<f32>(V + o), act, slope));
  }
}

/** out[i] = a[i]·b[i] for i < n; out may alias a or b. Bit-identical across builds. */
export function mulF32(out: usize, a: usize, b: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, f32x4.mul(v128.load(a + o), v128.load(b + o)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(a + o) * load<f32>(b + o));
  }
}

/**
 * Inverted dropout mask: mask[i] = 0 with probability `rate`, else 1/(1 − rate). The draws come from
 * xoshiro128** (the generator of src/rng.ts and assembly/gradtools.ts) whose four u32 words live at
 * `rng` and are advanced: element i is kept when its u32 draw is ≥ ⌊rate·2³²⌋ (integer compare, so
 * every backend gives the same mask bit for bit). rate ≤ 0 gives all ones; rate ≥ 1 all zeros.
 * One draw per element, always, so the stream advances by n whatever the rate.
 */
export function dropoutMask(mask: usize, n: i32, rate: f32, rng: usize): void {
  let s0 = load<u32>(rng), s1 = load<u32>(rng, 4), s2 = load<u32>(rng, 8), s3 = load<u32>(rng, 12);
  const r = <f64>rate;
  const thr: u64 = r <= 0 ? 0 : r >= 1 ? 0x100000000 : <u64>Math.floor(r * 4294967296.0);
  const scale: f32 = r >= 1 ? 0 : <f32>(1.0 / (1.0 - r));
  for (let i = 0; i < n; i++) {
    const x: u32 = rotl<u32>(s1 * 5, 7) * 9;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl<u32>(s3, 11);
    store<f32>(mask + (<usize>i << 2), <u64>x >= thr ? scale : 0);
  }
  store<u32>(rng, s0);
  store<u32>(rng, s1, 4);
  store<u32>(rng, s2, 8);
  store<u32>(rng, s3, 12);
}

// The activation and dropout layers over a network record (abi.json layerKinds `activation`, `dropout`).

/** x, y are (n, outSize): y = act(x), unless the dense layer before applied it (fused). */
export function activationLayerForward(L: usize, ws: usize, params: usize, stats: usize, n: i32, training: bool, pack: usize, rng: usize): void {
  if (int(L, ACTIVATION_FUSED) != 0) return;
  actForward(wsAt(ws, L, L_Y), wsAt(ws, L, L_X), n * int(L, L_OUT_SIZE), int(L, ACTIVATION_ACT), <f32>slot(L, ACTIVATION_SLOPE));
}

/** dx = dy·act′: GELU's derivative reads its input x, the others' their output y (in place when fused). */
export function activationLayerBackward(L: usize, ws: usize, params: usize, g: usize, n: i32, training: bool, pack: usize): void {
  const dx = wsOpt(ws, L, L_DX);
  if (dx == 0) return;
  const act = int(L, ACTIVATION_ACT);
  const v = act == ACT_GELU ? wsAt(ws, L, L_X) : wsAt(ws, L, L_Y);
  actBackward(dx, wsAt(ws, L, L_DY), v, n * int(L, L_OUT_SIZE), act, <f32>slot(L, ACTIVATION_SLOPE));
}

/** Training: y = x·mask with a fresh mask from the dropout PRNG words at `rng`; otherwise y = x. */
export function dropoutLayerForward(L: usize, ws: usize, params: usize, stats: usize, n: i32, training: bool, pack: usize, rng: usize): void {
  const m = n * int(L, L_OUT_SIZE), x = wsAt(ws, L, L_X), y = wsAt(ws, L, L_Y);
  if (training) {
    const mask = wsAt(ws, L, DROPOUT_MASK);
    dropoutMask(mask, m, <f32>slot(L, DROPOUT_RATE), rng);
    mulF32(y, x, mask, m);
  } else {
    memory.copy(y, x, <usize>m << 2);
  }
}

/** dx = dy·mask. */
export function dropoutLayerBackward(L: usize, ws: usize, params: usize, g: usize, n: i32, training: bool, pack: usize): void {
  const dx = wsOpt(ws, L, L_DX);
  if (dx != 0) mulF32(dx, wsAt(ws, L, L_DY), wsAt(ws, L, DROPOUT_MASK), n * int(L, L_OUT_SIZE));
}
