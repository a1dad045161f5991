// Recurrent layers (torch.nn.GRU and torch.nn.LSTM, one layer, batch_first, h₀ = c₀ = 0) over a chunk of n
// rows of T steps, forward and backpropagation through time, with no call out of WASM per step.
// The input products of every step run as ONE matrix product over the chunk's n·T (row, step) pairs,
// xg = X·W_ihᵀ + b_ih; each step then runs one product over the n rows, hg = h_{t−1}·W_hhᵀ + b_hh, and the
// gates elementwise (f32, the same scalar code in both builds, so the scalar and SIMD builds agree bit for
// bit: the products are gemm's, identical in both builds).
// Forward keeps what backward needs per step in `gates`; backward walks the steps in reverse, writing the
// gates' gradients over xg (X·W_ihᵀ is no longer needed), then one product each for dW_ih and dX.
// A step mask (1 = a token, 0 = padding; 0 pointer = no mask) skips a padded step: the states carry over
// unchanged (h_t = h_{t−1}, c_t = c_{t−1}) and nothing flows into the gates' gradients there, so a left-padded
// row computes exactly what its unpadded sequence would.
import {
  ACT_IDENTITY, L_X, L_Y, L_DX, L_DY, GRU_W_IH, GRU_W_HH, GRU_B_IH, GRU_B_HH, GRU_STEPS, GRU_INPUTS, GRU_UNITS,
  GRU_RETURN_SEQ, GRU_STEP_MASK, GRU_HS, GRU_GATES, GRU_XG, GRU_HG, GRU_CARRY, LSTM_W_IH, LSTM_W_HH, LSTM_B_IH, LSTM_B_HH,
  LSTM_STEPS, LSTM_INPUTS, LSTM_UNITS, LSTM_RETURN_SEQ, LSTM_STEP_MASK, LSTM_HS, LSTM_GATES, LSTM_XG, LSTM_HG, LSTM_CARRY,
} from "./abi.generated";
import { int, wsAt, wsOpt, paramAt } from "./slots";
import { colSum } from "./gemm";
import { parGemmNT, parGemmNN, parGemmTN } from "./pargemm";
import { sigmoidF, tanhF, sigmoid4, tanh4, one4 } from "./fastmath";
import { ld, st, ld4, st4 } from "./elements";

// The gates' σ and tanh in f32 by fastmath's polynomials (a few ulp; the activations use the same ones): the
// standard library's f64 Math.exp and Math.tanh cost tens of cycles each, and a GRU step evaluates 3 of them
// per unit and row (LSTM 5). The SIMD build runs four units per step with fastmath's f32x4 versions (each lane
// equals the scalar) and the same f32 operations in the same order as the scalar loop, which runs the rest
// (and everything in the scalar build): the two builds agree bit for bit. The js twin uses Math.exp/Math.tanh (f64).

/** Units a SIMD build runs four at a time (a multiple of 4, at most U); the scalar build: none. */
// @ts-ignore: decorator
@inline
function vecUnits(U: i32): i32 {
  return ASC_FEATURE_SIMD ? U & ~3 : 0;
}

/** Every one of n rows of dst (m f32 each) = src (the bias: the recurrent product of step 0, h₀ = 0). */
function fillRows(dst: usize, src: usize, n: i32, m: i32): void {
  const bytes = <usize>m << 2;
  for (let i = 0; i < n; i++) memory.copy(dst + <usize>i * bytes, src, bytes);
}

/** Whether step t of row i is a token (no mask: always). */
// @ts-ignore: decorator
@inline
function live(mask: usize, i: i32, T: i32, t: i32): bool {
  return mask == 0 || ld(mask, i * T + t) != 0;
}

/** Step t's recurrent product hg (n × G·U) = h_{t−1}·W_hhᵀ + b_hh; hs holds the states (n × T × U). */
function recurrentProduct(hg: usize, hs: usize, Whh: usize, bhh: usize, n: i32, T: i32, U: i32, G: i32, t: i32, pack: usize): void {
  if (t == 0) fillRows(hg, bhh, n, G * U);
  else parGemmNT(hg, hs + (<usize>((t - 1) * U) << 2), Whh, n, G * U, U, T * U, U, G * U, 0, bhh, ACT_IDENTITY, 0, pack);
}

/**
 * GRU forward over n rows × T steps: x (n × T × I), W_ih (3U × I), W_hh (3U × U), b_ih, b_hh (3U), gates
 * r, z, n in PyTorch's order. Writes hs (n × T × U: every state), gates (n × T × 4U: r, z, n, W_hn·h + b_hn),
 * xg (n × T × 3U) and hg (n × 3U) as scratch. pack: the largest gemmPackFloats of the products used.
 */
export function gruForward(hs: usize, gates: usize, xg: usize, hg: usize, x: usize, Wih: usize, Whh: usize, bih: usize,
  bhh: usize, mask: usize, n: i32, T: i32, I: i32, U: i32, pack: usize): void {
  const G = 3 * U;
  parGemmNT(xg, x, Wih, n * T, G, I, I, I, G, 0, bih, ACT_IDENTITY, 0, pack);
  for (let t = 0; t < T; t++) {
    recurrentProduct(hg, hs, Whh, bhh, n, T, U, 3, t, pack);
    for (let i = 0; i < n; i++) {
      const s = i * T + t;
      const on = live(mask, i, T, t);
      const V = vecUnits(U);
      if (ASC_FEATURE_SIMD) for (let j = 0; j < V; j += 4) {
        const xo = s * G + j, ho = i * G + j, go = s * 4 * U + j;
        const hn = ld4(hg, ho + 2 * U);
        const r = sigmoid4(f32x4.add(ld4(xg, xo), ld4(hg, ho)));
        const z = sigmoid4(f32x4.add(ld4(xg, xo + U), ld4(hg, ho + U)));
        const nn = tanh4(f32x4.add(ld4(xg, xo + 2 * U), f32x4.mul(r, hn)));
        const hp = t > 0 ? ld4(hs, s * U - U + j) : f32x4.splat(0);
        st4(gates, go, r);
        st4(gates, go + U, z);
        st4(gates, go + 2 * U, nn);
        st4(gates, go + 3 * U, hn);
        st4(hs, s * U + j, on ? f32x4.add(f32x4.mul(f32x4.sub(one4(), z), nn), f32x4.mul(z, hp)) : hp);
      }
      for (let j = V; j < U; j++) {
        const xo = s * G + j, ho = i * G + j, go = s * 4 * U + j;
        const hn = ld(hg, ho + 2 * U);
        const r = sigmoidF(ld(xg, xo) + ld(hg, ho));
        const z = sigmoidF(ld(xg, xo + U) + ld(hg, ho + U));
        const nn = tanhF(ld(xg, xo + 2 * U) + r * hn);
        const hp: f32 = t > 0 ? ld(hs, s * U - U + j) : 0;
        st(gates, go, r);
        st(gates, go + U, z);
        st(gates, go + 2 * U, nn);
        st(gates, go + 3 * U, hn);
        st(hs, s * U + j, on ? (1 - z) * nn + z * hp : hp);
      }
    }
  }
}

/**
 * The carried gradient dL/dh before the last step of BPTT: zero when every step has its own output gradient
 * (seq: dy is n × T × U, added step by step), else dy (n × U), the gradient of the last state.
 */
function startCarry(carry: usize, dy: usize, n: i32, U: i32, seq: bool): void {
  if (seq) memory.fill(carry, 0, <usize>(n * U) << 2);
  else memory.copy(carry, dy, <usize>(n * U) << 2);
}

/**
 * After BPTT, the input side's gradients from xg (n·T × G: the gate pre-activations' gradients): W_ih's
 * (G × I) = xgᵀ·x, b_ih's = xg's column sums, and dx (n·T × I) = xg·W_ih when the layer has an input gradient.
 */
function inputGrads(gWih: usize, gbih: usize, dx: usize, xg: usize, x: usize, Wih: usize, n: i32, T: i32, I: i32, G: i32, pack: usize): void {
  parGemmTN(gWih, xg, x, G, I, n * T, G, I, I, 0, pack);
  colSum(gbih, xg, n * T, G, G, 0);
  if (dx != 0) parGemmNN(dx, xg, Wih, n * T, I, G, G, I, I, 0, pack);
}

/**
 * GRU backward (BPTT) of gruForward's n rows: dy is n × T × U (seq) or n × U (the last state's gradient);
 * gradients of W_ih, W_hh, b_ih, b_hh overwritten; dx (n × T × I) = 0 when not needed. xg becomes the
 * gradient of X·W_ihᵀ + b_ih, hg each step's gradient of h·W_hhᵀ + b_hh; carry (n × U) the state's gradient.
 */
export function gruBackward(gWih: usize, gWhh: usize, gbih: usize, gbhh: usize, dx: usize, dy: usize, x: usize,
  hs: usize, gates: usize, xg: usize, hg: usize, carry: usize, Wih: usize, Whh: usize, mask: usize, n: i32, T: i32,
  I: i32, U: i32, seq: bool, pack: usize): void {
  const G = 3 * U;
  startCarry(carry, dy, n, U, seq);
  memory.fill(gWhh, 0, <usize>(G * U) << 2);
  memory.fill(gbhh, 0, <usize>G << 2);
  for (let t = T - 1; t >= 0; t--) {
    for (let i = 0; i < n; i++) {
      const s = i * T + t;
      const on = live(mask, i, T, t);
      const V = on ? vecUnits(U) : 0;
      if (ASC_FEATURE_SIMD) for (let j = 0; j < V; j += 4) {
        const xo = s * G + j, ho = i * G + j, go = s * 4 * U + j, c = i * U + j;
        const dh = seq ? f32x4.add(ld4(carry, c), ld4(dy, s * U + j)) : ld4(carry, c);
        const r = ld4(gates, go), z = ld4(gates, go + U), nn = ld4(gates, go + 2 * U), hn = ld4(gates, go + 3 * U);
        const hp = t > 0 ? ld4(hs, s * U - U + j) : f32x4.splat(0);
        const one = one4();
        const dan = f32x4.mul(f32x4.mul(dh, f32x4.sub(one, z)), f32x4.sub(one, f32x4.mul(nn, nn)));
        const daz = f32x4.mul(f32x4.mul(dh, f32x4.sub(hp, nn)), f32x4.mul(z, f32x4.sub(one, z)));
        const dar = f32x4.mul(f32x4.mul(dan, hn), f32x4.mul(r, f32x4.sub(one, r)));
        st4(xg, xo, dar); st4(xg, xo + U, daz); st4(xg, xo + 2 * U, dan);
        st4(hg, ho, dar); st4(hg, ho + U, daz); st4(hg, ho + 2 * U, f32x4.mul(dan, r));
        st4(carry, c, f32x4.mul(dh, z));
      }
      for (let j = V; j < U; j++) {
        const xo = s * G + j, ho = i * G + j, go = s * 4 * U + j, c = i * U + j;
        const dh: f32 = seq ? ld(carry, c) + ld(dy, s * U + j) : ld(carry, c);
        if (!on) {
          st(xg, xo, 0); st(xg, xo + U, 0); st(xg, xo + 2 * U, 0);
          st(hg, ho, 0); st(hg, ho + U, 0); st(hg, ho + 2 * U, 0);
          st(carry, c, dh);
          continue;
        }
        const r = ld(gates, go), z = ld(gates, go + U), nn = ld(gates, go + 2 * U), hn = ld(gates, go + 3 * U);
        const hp: f32 = t > 0 ? ld(hs, s * U - U + j) : 0;
        const dan = dh * (1 - z) * (1 - nn * nn);
        const daz = dh * (hp - nn) * (z * (1 - z));
        const dar = dan * hn * (r * (1 - r));
        st(xg, xo, dar); st(xg, xo + U, daz); st(xg, xo + 2 * U, dan);
        st(hg, ho, dar); st(hg, ho + U, daz); st(hg, ho + 2 * U, dan * r);
        st(carry, c, dh * z);
      }
    }
    colSum(gbhh, hg, n, G, G, 1);
    if (t > 0) {
      parGemmTN(gWhh, hg, hs + (<usize>((t - 1) * U) << 2), G, U, n, G, T * U, U, 1, pack);
      parGemmNN(carry, hg, Whh, n, U, G, G, U, U, 1, pack);
    }
  }
  inputGrads(gWih, gbih, dx, xg, x, Wih, n, T, I, G, pack);
}

/**
 * LSTM forward over n rows × T steps: x (n × T × I), W_ih (4U × I), W_hh (4U × U), b_ih, b_hh (4U), gates
 * i, f, g, o in PyTorch's order. Writes hs (n × T × U), gates (n × T × 6U: i, f, g, o, c, tanh c), xg, hg.
 */
export function lstmForward(hs: usize, gates: usize, xg: usize, hg: usize, x: usize, Wih: usize, Whh: usize, bih: usize,
  bhh: usize, mask: usize, n: i32, T: i32, I: i32, U: i32, pack: usize): void {
  const G = 4 * U;
  parGemmNT(xg, x, Wih, n * T, G, I, I, I, G, 0, bih, ACT_IDENTITY, 0, pack);
  for (let t = 0; t < T; t++) {
    recurrentProduct(hg, hs, Whh, bhh, n, T, U, 4, t, pack);
    for (let i = 0; i < n; i++) {
      const s = i * T + t;
      const on = live(mask, i, T, t);
      const V = vecUnits(U);
      if (ASC_FEATURE_SIMD) for (let j = 0; j < V; j += 4) {
        const xo = s * G + j, ho = i * G + j, go = s * 6 * U + j;
        const ig = sigmoid4(f32x4.add(ld4(xg, xo), ld4(hg, ho)));
        const fg = sigmoid4(f32x4.add(ld4(xg, xo + U), ld4(hg, ho + U)));
        const gg = tanh4(f32x4.add(ld4(xg, xo + 2 * U), ld4(hg, ho + 2 * U)));
        const og = sigmoid4(f32x4.add(ld4(xg, xo + 3 * U), ld4(hg, ho + 3 * U)));
        const cp = t > 0 ? ld4(gates, go - 6 * U + 4 * U) : f32x4.splat(0);
        const hp = t > 0 ? ld4(hs, s * U - U + j) : f32x4.splat(0);
        const c = on ? f32x4.add(f32x4.mul(fg, cp), f32x4.mul(ig, gg)) : cp;
        const tc = tanh4(c);
        st4(gates, go, ig);
        st4(gates, go + U, fg);
        st4(gates, go + 2 * U, gg);
        st4(gates, go + 3 * U, og);
        st4(gates, go + 4 * U, c);
        st4(gates, go + 5 * U, tc);
        st4(hs, s * U + j, on ? f32x4.mul(og, tc) : hp);
      }
      for (let j = V; j < U; j++) {
        const xo = s * G + j, ho = i * G + j, go = s * 6 * U + j;
        const ig = sigmoidF(ld(xg, xo) + ld(hg, ho));
        const fg = sigmoidF(ld(xg, xo + U) + ld(hg, ho + U));
        const gg = tanhF(ld(xg, xo + 2 * U) + ld(hg, ho + 2 * U));
        const og = sigmoidF(ld(xg, xo + 3 * U) + ld(hg, ho + 3 * U));
        const cp: f32 = t > 0 ? ld(gates, go - 6 * U + 4 * U) : 0;
        const hp: f32 = t > 0 ? ld(hs, s * U - U + j) : 0;
        const c = on ? fg * cp + ig * gg : cp;
        const tc = tanhF(c);
        st(gates, go, ig);
        st(gates, go + U, fg);
        st(gates, go + 2 * U, gg);
        st(gates, go + 3 * U, og);
        st(gates, go + 4 * U, c);
        st(gates, go + 5 * U, tc);
        st(hs, s * U + j, on ? og * tc : hp);
      }
    }
  }
}

/**
 * LSTM backward (BPTT) of lstmForward's n rows, as gruBackward; carry holds n × 2U (the gradients of h,
 * then of c). The gates' gradient is also that of h·W_hhᵀ + b_hh, so b_hh's gradient equals b_ih's.
 */
export function lstmBackward(gWih: usize, gWhh: usize, gbih: usize, gbhh: usize, dx: usize, dy: usize, x: usize,
  hs: usize, gates: usize, xg: usize, carry: usize, Wih: usize, Whh: usize, mask: usize, n: i32, T: i32,
  I: i32, U: i32, seq: bool, pack: usize): void {
  const G = 4 * U;
  const cc = carry + (<usize>(n * U) << 2);
  startCarry(carry, dy, n, U, seq);
  memory.fill(cc, 0, <usize>(n * U) << 2);
  memory.fill(gWhh, 0, <usize>(G * U) << 2);
  for (let t = T - 1; t >= 0; t--) {
    for (let i = 0; i < n; i++) {
      const s = i * T + t;
      const on = live(mask, i, T, t);
      const V = on ? vecUnits(U) : 0;
      if (ASC_FEATURE_SIMD) for (let j = 0; j < V; j += 4) {
        const xo = s * G + j, go = s * 6 * U + j, c = i * U + j;
        const dh = seq ? f32x4.add(ld4(carry, c), ld4(dy, s * U + j)) : ld4(carry, c);
        const ig = ld4(gates, go), fg = ld4(gates, go + U), gg = ld4(gates, go + 2 * U), og = ld4(gates, go + 3 * U);
        const tc = ld4(gates, go + 5 * U);
        const cp = t > 0 ? ld4(gates, go - 6 * U + 4 * U) : f32x4.splat(0);
        const one = one4();
        const dc = f32x4.add(ld4(cc, c), f32x4.mul(f32x4.mul(dh, og), f32x4.sub(one, f32x4.mul(tc, tc))));
        st4(xg, xo, f32x4.mul(f32x4.mul(dc, gg), f32x4.mul(ig, f32x4.sub(one, ig))));
        st4(xg, xo + U, f32x4.mul(f32x4.mul(dc, cp), f32x4.mul(fg, f32x4.sub(one, fg))));
        st4(xg, xo + 2 * U, f32x4.mul(f32x4.mul(dc, ig), f32x4.sub(one, f32x4.mul(gg, gg))));
        st4(xg, xo + 3 * U, f32x4.mul(f32x4.mul(dh, tc), f32x4.mul(og, f32x4.sub(one, og))));
        st4(cc, c, f32x4.mul(dc, fg));
        st4(carry, c, f32x4.splat(0));
      }
      for (let j = V; j < U; j++) {
        const xo = s * G + j, go = s * 6 * U + j, c = i * U + j;
        const dh: f32 = seq ? ld(carry, c) + ld(dy, s * U + j) : ld(carry, c);
        if (!on) {
          st(xg, xo, 0); st(xg, xo + U, 0); st(xg, xo + 2 * U, 0); st(xg, xo + 3 * U, 0);
          st(carry, c, dh);
          continue;
        }
        const ig = ld(gates, go), fg = ld(gates, go + U), gg = ld(gates, go + 2 * U), og = ld(gates, go + 3 * U);
        const tc = ld(gates, go + 5 * U);
        const cp: f32 = t > 0 ? ld(gates, go - 6 * U + 4 * U) : 0;
        const dc = ld(cc, c) + dh * og * (1 - tc * tc);
        st(xg, xo, dc * gg * (ig * (1 - ig)));
        st(xg, xo + U, dc * cp * (fg * (1 - fg)));
        st(xg, xo + 2 * U, dc * ig * (1 - gg * gg));
        st(xg, xo + 3 * U, dh * tc * (og * (1 - og)));
        st(cc, c, dc * fg);
        st(carry, c, 0);
      }
    }
    if (t > 0) {
      const dg = xg + (<usize>(t * G) << 2);
      parGemmTN(gWhh, dg, hs + (<usize>((t - 1) * U) << 2), G, U, n, T * G, T * U, U, 1, pack);
      parGemmNN(carry, dg, Whh, n, U, G, T * G, U, U, 1, pack);
    }
  }
  inputGrads(gWih, gbih, dx, xg, x, Wih, n, T, I, G, pack);
  memory.copy(gbhh, gbih, <usize>G << 2);
}

// The GRU and LSTM layers over a network record (abi.json layerKinds `gru`, `lstm`).

/** The last state only: y (n, U) = hs[:, T − 1, :] of hs (n, T, U). */
function lastStep(y: usize, hs: usize, n: i32, T: i32, U: i32): void {
  const bytes = <usize>U << 2;
  for (let i = 0; i < n; i++) memory.copy(y + <usize>i * bytes, hs + <usize>(i * T + T - 1) * bytes, bytes);
}

/** x is (n, T, I): hs (n, T, U) every step's state; y = hs (returnSeq) or its last step (n, U). */
export function gruLayerForward(L: usize, ws: usize, params: usize, stats: usize, n: i32, training: bool, pack: usize, rng: usize): void {
  const T = int(L, GRU_STEPS), U = int(L, GRU_UNITS), hs = wsAt(ws, L, GRU_HS);
  gruForward(hs, wsAt(ws, L, GRU_GATES), wsAt(ws, L, GRU_XG), wsAt(ws, L, GRU_HG), wsAt(ws, L, L_X), paramAt(params, L, GRU_W_IH),
    paramAt(params, L, GRU_W_HH), paramAt(params, L, GRU_B_IH), paramAt(params, L, GRU_B_HH), wsOpt(ws, L, GRU_STEP_MASK),
    n, T, int(L, GRU_INPUTS), U, pack);
  if (int(L, GRU_RETURN_SEQ) == 0) lastStep(wsAt(ws, L, L_Y), hs, n, T, U);
}

/** Backward through time from dy ((n, T, U) or (n, U)): the four tensors' gradients and dx (n, T, I) when needed. */
export function gruLayerBackward(L: usize, ws: usize, params: usize, g: usize, n: i32, training: bool, pack: usize): void {
  gruBackward(paramAt(g, L, GRU_W_IH), paramAt(g, L, GRU_W_HH), paramAt(g, L, GRU_B_IH), paramAt(g, L, GRU_B_HH),
    wsOpt(ws, L, L_DX), wsAt(ws, L, L_DY), wsAt(ws, L, L_X), wsAt(ws, L, GRU_HS), wsAt(ws, L, GRU_GATES), wsAt(ws, L, GRU_XG),
    wsAt(ws, L, GRU_HG), wsAt(ws, L, GRU_CARRY), paramAt(params, L, GRU_W_IH), paramAt(params, L, GRU_W_HH),
    wsOpt(ws, L, GRU_STEP_MASK), n, int(L, GRU_STEPS), int(L, GRU_INPUTS), int(L, GRU_UNITS), int(L, GRU_RETURN_SEQ) != 0, pack);
}

/** x is (n, T, I): hs (n, T, U) every step's state; y = hs (returnSeq) or its last step (n, U). */
export function lstmLayerForward(L: usize, ws: usize, params: usize, stats: usize, n: i32, training: bool, pack: usize, rng: usize): void {
  const T = int(L, LSTM_STEPS), U = int(L, LSTM_UNITS), hs = wsAt(ws, L, LSTM_HS);
  lstmForward(hs, wsAt(ws, L, LSTM_GATES), wsAt(ws, L, LSTM_XG), wsAt(ws, L, LSTM_HG), wsAt(ws, L, L_X), paramAt(params, L, LSTM_W_IH),
    paramAt(params, L, LSTM_W_HH), paramAt(params, L, LSTM_B_IH), paramAt(params, L, LSTM_B_HH), wsOpt(ws, L, LSTM_STEP_MASK),
    n, T, int(L, LSTM_INPUTS), U, pack);
  if (int(L, LSTM_RETURN_SEQ) == 0) lastStep(wsAt(ws, L, L_Y), hs, n, T, U);
}

/** Backward through time from dy ((n, T, U) or (n, U)): the four tensors' gradients and dx (n, T, I) when needed. */
export function lstmLayerBackward(L: usize, ws: usize, params: usize, g: usize, n: i32, training: bool, pack: usize): void {
  lstmBackward(paramAt(g, L, LSTM_W_IH), paramAt(g, L, LSTM_W_HH), paramAt(g, L, LSTM_B_IH), paramAt(g, L, LSTM_B_HH),
    wsOpt(ws, L, L_DX), wsAt(ws, L, L_DY), wsAt(ws, L, L_X), wsAt(ws, L, LSTM_HS), wsAt(ws, L, LSTM_GATES), wsAt(ws, L, LSTM_XG),
    wsAt(ws, L, LSTM_CARRY), paramAt(params, L, LSTM_W_IH), paramAt(params, L, LSTM_W_HH), wsOpt(ws, L, LSTM_STEP_MASK),
    n, int(L, LSTM_STEPS), int(L, LSTM_INPUTS), int(L, LSTM_UNITS), int(L, LSTM_RETURN_SEQ) != 0, pack);
}
