// Pure-TS twins of assembly/recurrent.ts: the same steps in the same order over
// typed arrays plus element offsets. They take Float32Array (the js backend: each value rounds to f32 on
// store, as the WASM kernels do) or Float64Array (everything in f64: the oracle of the finite-difference
// tests, test/recurrent.grad.test.ts). The products accumulate in f64 and round once on store, like the
// gemm twins (./gemm.ts), whose signatures take Float32Array only, hence the small products below.
import { LAYER_SLOT, LAYER_SLOTS } from '../abi.generated.js';
import type { NetCtx } from './record.js';

/** A buffer of either precision. */
export type Vec = Float32Array | Float64Array;

function sig(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** C = A·Bᵀ (+ C when beta) + bias: A m×k (lda), B n×k (ldb), C m×n (ldc); bias null = none. */
function mmNT(C: Vec, c: number, A: Vec, a: number, B: Vec, b: number, m: number, n: number, k: number, lda: number,
  ldb: number, ldc: number, beta: number, bias: Vec | null, bo: number): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let t = beta !== 0 ? C[c + i * ldc + j] : 0;
      for (let p = 0; p < k; p++) t += A[a + i * lda + p] * B[b + j * ldb + p];
      C[c + i * ldc + j] = bias ? t + bias[bo + j] : t;
    }
  }
}

/** C = A·B (+ C when beta): A m×k, B k×n. */
function mmNN(C: Vec, c: number, A: Vec, a: number, B: Vec, b: number, m: number, n: number, k: number, lda: number,
  ldb: number, ldc: number, beta: number): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let t = beta !== 0 ? C[c + i * ldc + j] : 0;
      for (let p = 0; p < k; p++) t += A[a + i * lda + p] * B[b + p * ldb + j];
      C[c + i * ldc + j] = t;
    }
  }
}

/** C = Aᵀ·B (+ C when beta): A k×m, B k×n, summed in row order. */
function mmTN(C: Vec, c: number, A: Vec, a: number, B: Vec, b: number, m: number, n: number, k: number, lda: number,
  ldb: number, ldc: number, beta: number): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let t = beta !== 0 ? C[c + i * ldc + j] : 0;
      for (let p = 0; p < k; p++) t += A[a + p * lda + i] * B[b + p * ldb + j];
      C[c + i * ldc + j] = t;
    }
  }
}

/** out[j] (+)= Σ_i A[i, j], rows in order. */
function colSum(out: Vec, o: number, A: Vec, a: number, m: number, n: number, lda: number, beta: number): void {
  for (let j = 0; j < n; j++) {
    let t = beta !== 0 ? out[o + j] : 0;
    for (let i = 0; i < m; i++) t += A[a + i * lda + j];
    out[o + j] = t;
  }
}

/**
 * Where a recurrent layer's arrays are: params (W_ih at w, W_hh at wHh, b_ih at b, b_hh at bHh), the
 * workspace buffers (offsets in ws), the step mask (offset in ws, −1 = none).
 */
export interface RecurrentAt {
  params: Vec; w: number; wHh: number; b: number; bHh: number;
  ws: Vec; x: number; hs: number; gates: number; xg: number; hg: number; carry: number; mask: number;
  n: number; T: number; I: number; U: number;
}

function live(a: RecurrentAt, i: number, t: number): boolean {
  return a.mask < 0 || a.ws[a.mask + i * a.T + t] !== 0;
}

function recurrentProduct(a: RecurrentAt, G: number, t: number): void {
  const { ws, params, n, T, U } = a;
  if (t === 0) for (let i = 0; i < n; i++) for (let j = 0; j < G * U; j++) ws[a.hg + i * G * U + j] = params[a.bHh + j];
  else mmNT(ws, a.hg, ws, a.hs + (t - 1) * U, params, a.wHh, n, G * U, U, T * U, U, G * U, 0, params, a.bHh);
}

/** Twin of gruForward (gates r, z, n; gates buffer r, z, n, W_hn·h + b_hn per step). */
export function gruForward(a: RecurrentAt): void {
  const { ws, params, n, T, I, U } = a;
  const G = 3 * U;
  mmNT(ws, a.xg, ws, a.x, params, a.w, n * T, G, I, I, I, G, 0, params, a.b);
  for (let t = 0; t < T; t++) {
    recurrentProduct(a, 3, t);
    for (let i = 0; i < n; i++) {
      const s = i * T + t, on = live(a, i, t);
      for (let j = 0; j < U; j++) {
        const xo = a.xg + s * G + j, ho = a.hg + i * G + j, go = a.gates + s * 4 * U + j;
        const hn = ws[ho + 2 * U];
        const r = sig(ws[xo] + ws[ho]);
        const z = sig(ws[xo + U] + ws[ho + U]);
        ws[go] = r;
        ws[go + U] = z;
        const nn = Math.tanh(ws[xo + 2 * U] + ws[go] * hn);
        ws[go + 2 * U] = nn;
        ws[go + 3 * U] = hn;
        const hp = t > 0 ? ws[a.hs + s * U - U + j] : 0;
        const zz = ws[go + U], nf = ws[go + 2 * U];
        ws[a.hs + s * U + j] = on ? (1 - zz) * nf + zz * hp : hp;
      }
    }
  }
}

/** Twin of gruBackward (parameter gradients into g at gOff + the parameter offsets): dy (n × T × U with seq, else n × U) at dyo in dyArr; dx at dxo (−1 = none). */
export function gruBackward(a: RecurrentAt, g: Vec, gOff: number, dyArr: Vec, dyo: number, dx: number, seq: boolean): void {
  const { ws, params, n, T, I, U } = a;
  const G = 3 * U;
  for (let c = 0; c < n * U; c++) ws[a.carry + c] = seq ? 0 : dyArr[dyo + c];
  g.fill(0, gOff + a.wHh, gOff + a.wHh + G * U);
  g.fill(0, gOff + a.bHh, gOff + a.bHh + G);
  for (let t = T - 1; t >= 0; t--) {
    for (let i = 0; i < n; i++) {
      const s = i * T + t, on = live(a, i, t);
      for (let j = 0; j < U; j++) {
        const xo = a.xg + s * G + j, ho = a.hg + i * G + j, go = a.gates + s * 4 * U + j, c = a.carry + i * U + j;
        const dh = seq ? ws[c] + dyArr[dyo + s * U + j] : ws[c];
        if (!on) {
          ws[xo] = ws[xo + U] = ws[xo + 2 * U] = 0;
          ws[ho] = ws[ho + U] = ws[ho + 2 * U] = 0;
          ws[c] = dh;
          continue;
        }
        const r = ws[go], z = ws[go + U], nn = ws[go + 2 * U], hn = ws[go + 3 * U];
        const hp = t > 0 ? ws[a.hs + s * U - U + j] : 0;
        ws[xo + 2 * U] = dh * (1 - z) * (1 - nn * nn);
        const dan = ws[xo + 2 * U];
        ws[xo + U] = dh * (hp - nn) * (z * (1 - z));
        ws[xo] = dan * hn * (r * (1 - r));
        ws[ho] = ws[xo];
        ws[ho + U] = ws[xo + U];
        ws[ho + 2 * U] = dan * r;
        ws[c] = dh * z;
      }
    }
    colSum(g, gOff + a.bHh, ws, a.hg, n, G, G, 1);
    if (t > 0) {
      mmTN(g, gOff + a.wHh, ws, a.hg, ws, a.hs + (t - 1) * U, G, U, n, G, T * U, U, 1);
      mmNN(ws, a.carry, ws, a.hg, params, a.wHh, n, U, G, G, U, U, 1);
    }
  }
  mmTN(g, gOff + a.w, ws, a.xg, ws, a.x, G, I, n * T, G, I, I, 0);
  colSum(g, gOff + a.b, ws, a.xg, n * T, G, G, 0);
  if (dx >= 0) mmNN(ws, dx, ws, a.xg, params, a.w, n * T, I, G, G, I, I, 0);
}

/** Twin of lstmForward (gates i, f, g, o; gates buffer i, f, g, o, c, tanh c per step). */
export function lstmForward(a: RecurrentAt): void {
  const { ws, params, n, T, I, U } = a;
  const G = 4 * U;
  mmNT(ws, a.xg, ws, a.x, params, a.w, n * T, G, I, I, I, G, 0, params, a.b);
  for (let t = 0; t < T; t++) {
    recurrentProduct(a, 4, t);
    for (let i = 0; i < n; i++) {
      const s = i * T + t, on = live(a, i, t);
      for (let j = 0; j < U; j++) {
        const xo = a.xg + s * G + j, ho = a.hg + i * G + j, go = a.gates + s * 6 * U + j;
        ws[go] = sig(ws[xo] + ws[ho]);
        ws[go + U] = sig(ws[xo + U] + ws[ho + U]);
        ws[go + 2 * U] = Math.tanh(ws[xo + 2 * U] + ws[ho + 2 * U]);
        ws[go + 3 * U] = sig(ws[xo + 3 * U] + ws[ho + 3 * U]);
        const cp = t > 0 ? ws[go - 6 * U + 4 * U] : 0;
        const hp = t > 0 ? ws[a.hs + s * U - U + j] : 0;
        ws[go + 4 * U] = on ? ws[go + U] * cp + ws[go] * ws[go + 2 * U] : cp;
        ws[go + 5 * U] = Math.tanh(ws[go + 4 * U]);
        ws[a.hs + s * U + j] = on ? ws[go + 3 * U] * ws[go + 5 * U] : hp;
      }
    }
  }
}

/** Twin of lstmBackward (carry: n × U for h, then n × U for c). */
export function lstmBackward(a: RecurrentAt, g: Vec, gOff: number, dyArr: Vec, dyo: number, dx: number, seq: boolean): void {
  const { ws, params, n, T, I, U } = a;
  const G = 4 * U, cc = a.carry + n * U;
  for (let c = 0; c < n * U; c++) {
    ws[a.carry + c] = seq ? 0 : dyArr[dyo + c];
    ws[cc + c] = 0;
  }
  g.fill(0, gOff + a.wHh, gOff + a.wHh + G * U);
  for (let t = T - 1; t >= 0; t--) {
    for (let i = 0; i < n; i++) {
      const s = i * T + t, on = live(a, i, t);
      for (let j = 0; j < U; j++) {
        const xo = a.xg + s * G + j, go = a.gates + s * 6 * U + j, c = i * U + j;
        const dh = seq ? ws[a.carry + c] + dyArr[dyo + s * U + j] : ws[a.carry + c];
        if (!on) {
          ws[xo] = ws[xo + U] = ws[xo + 2 * U] = ws[xo + 3 * U] = 0;
          ws[a.carry + c] = dh;
          continue;
        }
        const ig = ws[go], fg = ws[go + U], gg = ws[go + 2 * U], og = ws[go + 3 * U], tc = ws[go + 5 * U];
        const cp = t > 0 ? ws[go - 6 * U + 4 * U] : 0;
        const dc = ws[cc + c] + dh * og * (1 - tc * tc);
        ws[xo] = dc * gg * (ig * (1 - ig));
        ws[xo + U] = dc * cp * (fg * (1 - fg));
        ws[xo + 2 * U] = dc * ig * (1 - gg * gg);
        ws[xo + 3 * U] = dh * tc * (og * (1 - og));
        ws[cc + c] = dc * fg;
        ws[a.carry + c] = 0;
      }
    }
    if (t > 0) {
      mmTN(g, gOff + a.wHh, ws, a.xg + t * G, ws, a.hs + (t - 1) * U, G, U, n, T * G, T * U, U, 1);
      mmNN(ws, a.carry, ws, a.xg + t * G, params, a.wHh, n, U, G, T * G, U, U, 1);
    }
  }
  mmTN(g, gOff + a.w, ws, a.xg, ws, a.x, G, I, n * T, G, I, I, 0);
  colSum(g, gOff + a.b, ws, a.xg, n * T, G, G, 0);
  for (let j = 0; j < G; j++) g[gOff + a.bHh + j] = g[gOff + a.b + j];
  if (dx >= 0) mmNN(ws, dx, ws, a.xg, params, a.w, n * T, I, G, G, I, I, 0);
}

// The GRU and LSTM layers over a network record (abi.json layerKinds `gru`, `lstm`), as in assembly/recurrent.ts.

/** A gru or lstm record's arrays (the slot names of both kinds are the same). */
function recurrentAt(c: NetCtx, L: number, n: number, S: typeof LAYER_SLOTS.gru | typeof LAYER_SLOTS.lstm): RecurrentAt {
  const { net, ws, params } = c;
  return {
    params, w: net[L + S.wIh], wHh: net[L + S.wHh], b: net[L + S.bIh], bHh: net[L + S.bHh], ws, x: net[L + LAYER_SLOT.x],
    hs: net[L + S.hs], gates: net[L + S.gates], xg: net[L + S.xg], hg: net[L + S.hg], carry: net[L + S.carry],
    mask: net[L + S.stepMask], n, T: net[L + S.steps], I: net[L + S.inputs], U: net[L + S.units],
  };
}

/** The last state only: y (n, U) = hs[:, T − 1, :]. */
function lastStep(ws: Float32Array, y: number, hs: number, n: number, T: number, U: number): void {
  for (let i = 0; i < n; i++) ws.copyWithin(y + i * U, hs + (i * T + T - 1) * U, hs + (i * T + T) * U);
}

/** Twin of gruLayerForward. */
export function gruLayerForward(c: NetCtx, L: number, n: number, training: boolean): void {
  const S = LAYER_SLOTS.gru, a = recurrentAt(c, L, n, S);
  gruForward(a);
  if (c.net[L + S.returnSeq] === 0) lastStep(c.ws, c.net[L + LAYER_SLOT.y], a.hs, n, a.T, a.U);
}

/** Twin of gruLayerBackward. */
export function gruLayerBackward(c: NetCtx, L: number, g: Float32Array, gOff: number, n: number, training: boolean): void {
  const S = LAYER_SLOTS.gru, net = c.net;
  gruBackward(recurrentAt(c, L, n, S), g, gOff, c.ws, net[L + LAYER_SLOT.dy], net[L + LAYER_SLOT.dx], net[L + S.returnSeq] !== 0);
}

/** Twin of lstmLayerForward. */
export function lstmLayerForward(c: NetCtx, L: number, n: number, training: boolean): void {
  const S = LAYER_SLOTS.lstm, a = recurrentAt(c, L, n, S);
  lstmForward(a);
  if (c.net[L + S.returnSeq] === 0) lastStep(c.ws, c.net[L + LAYER_SLOT.y], a.hs, n, a.T, a.U);
}

/** Twin of lstmLayerBackward. */
export function lstmLayerBackward(c: NetCtx, L: number, g: Float32Array, gOff: number, n: number, training: boolean): void {
  const S = LAYER_SLOTS.lstm, net = c.net;
  lstmBackward(recurrentAt(c, L, n, S), g, gOff, c.ws, net[L + LAYER_SLOT.dy], net[L + LAYER_SLOT.dx], net[L + S.returnSeq] !== 0);
}
