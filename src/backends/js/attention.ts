// Pure-TS twins of assembly/attention.ts: multi-head self-attention (torch.nn.MultiheadAttention, batch_first,
// no dropout) over n rows of T positions × d features, typed arrays plus element offsets for pointers, and
// the workspace a chunk needs. The products are the gemm twins' (f64 sums, one rounding on store); the
// softmax runs in f64 (Math.exp). Run on Float64Array buffers (cast), everything stays in f64.
import { gemmPackFloats, gemmNT, gemmNN, gemmTN, colSum } from './gemm.js';
import { ACT_IDENTITY } from './activations.js';
import { LAYER_SLOT as C, LAYER_SLOTS } from '../abi.generated.js';
import type { NetCtx } from './record.js';

/** Where attentionForward's buffers sit in one workspace (f32 offsets, each a multiple of 4), and its size. */
export interface AttentionWorkspace {
  /** (n, T, 3d): q, k, v of every position. */
  qkv: number;
  /** (n, heads, T, T): the attention probabilities. */
  P: number;
  /** (n, T, d): the heads' outputs side by side. */
  cat: number;
  /** T·T + T·dk: one head's dP and dQ during the backward. */
  scratch: number;
  /** Total f32 of the workspace: O(n·heads·T²) for the probabilities, O(n·T·d) for the rest. */
  floats: number;
}

const up4 = (v: number): number => Math.ceil(v / 4) * 4;

/**
 * The workspace of one chunk of n rows (the layer's output (n, T, d) and the gemm `pack` are not in it).
 * Plain arithmetic in f64, so a caller can check the size against a memory limit before allocating.
 */
export function attentionWorkspace(n: number, T: number, d: number, heads: number): AttentionWorkspace {
  const dk = d / heads;
  const qkv = 0;
  const P = qkv + up4(3 * n * T * d);
  const cat = P + up4(n * heads * T * T);
  const scratch = cat + up4(n * T * d);
  return { qkv, P, cat, scratch, floats: scratch + up4(T * T + T * dk) };
}

/** f32 of attentionForward's and attentionBackward's workspace for a chunk of n rows: see attentionWorkspace. */
export function attentionWorkspaceFloats(n: number, T: number, d: number, heads: number): number {
  return attentionWorkspace(n, T, d, heads).floats;
}

/** f32 of the `pack` scratch the attention kernels need: the largest gemmPackFloats of their products. */
export function attentionPackFloats(n: number, T: number, d: number, heads: number): number {
  const dk = d / heads, nT = n * T;
  return Math.max(
    gemmPackFloats(nT, 3 * d, d), gemmPackFloats(nT, d, d), gemmPackFloats(T, T, dk), gemmPackFloats(T, dk, T),
    gemmPackFloats(d, d, nT), gemmPackFloats(3 * d, d, nT), gemmPackFloats(nT, d, 3 * d),
  );
}

/** Row a[o .. o+T) holds S[t, :] and becomes softmax(S[t, :L]·scale), zero at keys ≥ L. */
function softmaxRow(a: Float32Array, o: number, T: number, L: number, scale: number): void {
  let mx = -Infinity;
  for (let j = 0; j < L; j++) mx = Math.max(mx, a[o + j] * scale);
  let sum = 0;
  for (let j = 0; j < L; j++) sum += Math.exp(a[o + j] * scale - mx);
  for (let j = 0; j < L; j++) a[o + j] = Math.exp(a[o + j] * scale - mx) / sum;
  a.fill(0, o + L, o + T);
}

/** Row p[o ..] holds P[t, :] and becomes dS[t, :] = P ⊙ (dP − Σ dP·P)·scale, zero at keys ≥ L. */
function softmaxBackwardRow(p: Float32Array, o: number, dP: Float32Array, q: number, T: number, L: number, scale: number): void {
  let r = 0;
  for (let j = 0; j < L; j++) r += dP[q + j] * p[o + j];
  for (let j = 0; j < L; j++) p[o + j] = p[o + j] * (dP[q + j] - r) * scale;
  p.fill(0, o + L, o + T);
}

/** Twin of attentionHeadsForward: (row, head) pairs [lo, hi), pair r = row r / heads, head r % heads. */
export function attentionHeadsForward(P: Float32Array, pOff: number, cat: Float32Array, cOff: number, qkv: Float32Array,
  qkvOff: number, T: number, d: number, heads: number, causal: boolean, lo: number, hi: number): void {
  const D3 = 3 * d, dk = d / heads, scale = 1 / Math.sqrt(dk);
  for (let r = lo; r < hi; r++) {
    const i = Math.floor(r / heads), h = r % heads;
    const q = qkvOff + i * T * D3 + h * dk, k = q + d, v = q + 2 * d;
    const p = pOff + r * T * T;
    // S (T,T) = Q (T,dk) · Kᵀ (dk,T), then P row by row
    gemmNT(P, p, qkv, q, qkv, k, T, T, dk, D3, D3, T, 0, null, 0, ACT_IDENTITY, 0);
    for (let t = 0; t < T; t++) softmaxRow(P, p + t * T, T, causal ? t + 1 : T, scale);
    // cat[i, :, head] (T,dk) = P (T,T) · V (T,dk)
    gemmNN(cat, cOff + i * T * d + h * dk, P, p, qkv, v, T, dk, T, T, D3, d, 0);
  }
}

/** Twin of attentionHeadsBackward: cat holds ∂/∂cat; ∂/∂S over P, ∂/∂qkv over the pairs' columns of qkv. */
export function attentionHeadsBackward(qkv: Float32Array, qkvOff: number, P: Float32Array, pOff: number, cat: Float32Array,
  cOff: number, scratch: Float32Array, sOff: number, T: number, d: number, heads: number, causal: boolean, lo: number,
  hi: number): void {
  const D3 = 3 * d, dk = d / heads, scale = 1 / Math.sqrt(dk);
  const dP = sOff, dq = sOff + T * T;
  for (let r = lo; r < hi; r++) {
    const i = Math.floor(r / heads), h = r % heads;
    const q = qkvOff + i * T * D3 + h * dk, k = q + d, v = q + 2 * d;
    const p = pOff + r * T * T;
    const dc = cOff + i * T * d + h * dk;
    // dP (T,T) = dcat[i, :, head] (T,dk) · Vᵀ (dk,T)
    gemmNT(scratch, dP, cat, dc, qkv, v, T, T, dk, d, D3, T, 0, null, 0, ACT_IDENTITY, 0);
    // dV (T,dk) = Pᵀ (T,T) · dcat[i, :, head] (T,dk), over V
    gemmTN(qkv, v, P, p, cat, dc, T, dk, T, T, d, D3, 0);
    for (let t = 0; t < T; t++) softmaxBackwardRow(P, p + t * T, scratch, dP + t * T, T, causal ? t + 1 : T, scale);
    // dQ (T,dk) = dS (T,T) · K (T,dk), aside; dK (T,dk) = dSᵀ (T,T) · Q (T,dk), over K; then dQ over Q
    gemmNN(scratch, dq, P, p, qkv, k, T, dk, T, T, D3, dk, 0);
    gemmTN(qkv, k, P, p, qkv, q, T, dk, T, T, D3, D3, 0);
    for (let t = 0; t < T; t++) qkv.set(scratch.subarray(dq + t * dk, dq + t * dk + dk), q + t * D3);
  }
}

/**
 * Twin of attentionForward. x is (n,T,d); W (3d,d) rows q, k, v; b (3d); Wo (d,d); bo (d). Writes out (n,T,d),
 * qkv (n,T,3d), P (n,heads,T,T), cat (n,T,d).
 */
export function attentionForward(out: Float32Array, oOff: number, qkv: Float32Array, qkvOff: number, P: Float32Array,
  pOff: number, cat: Float32Array, cOff: number, x: Float32Array, xOff: number, W: Float32Array, wOff: number,
  b: Float32Array, bOff: number, Wo: Float32Array, woOff: number, bo: Float32Array, boOff: number, n: number,
  T: number, d: number, heads: number, causal: boolean): void {
  if (n <= 0 || T <= 0) return;
  const D3 = 3 * d;
  // qkv (n·T,3d) = x (n·T,d) · Wᵀ (d,3d) + b
  gemmNT(qkv, qkvOff, x, xOff, W, wOff, n * T, D3, d, d, d, D3, 0, b, bOff, ACT_IDENTITY, 0);
  attentionHeadsForward(P, pOff, cat, cOff, qkv, qkvOff, T, d, heads, causal, 0, n * heads);
  // out (n·T,d) = cat (n·T,d) · Woᵀ (d,d) + bo
  gemmNT(out, oOff, cat, cOff, Wo, woOff, n * T, d, d, d, d, d, 0, bo, boOff, ACT_IDENTITY, 0);
}

/**
 * Twin of attentionBackward. dOut is (n,T,d). Writes gW (3d,d), gb (3d), gWo (d,d), gbo (d) and dx (n,T,d)
 * (null = not needed); overwrites cat, P and qkv with their gradients; scratch holds T·T + T·dk.
 */
export function attentionBackward(gW: Float32Array, gwOff: number, gb: Float32Array, gbOff: number, gWo: Float32Array,
  gwoOff: number, gbo: Float32Array, gboOff: number, dx: Float32Array | null, dxOff: number, dOut: Float32Array,
  dOff: number, x: Float32Array, xOff: number, qkv: Float32Array, qkvOff: number, P: Float32Array, pOff: number,
  cat: Float32Array, cOff: number, scratch: Float32Array, sOff: number, W: Float32Array, wOff: number,
  Wo: Float32Array, woOff: number, n: number, T: number, d: number, heads: number, causal: boolean): void {
  const D3 = 3 * d, nT = Math.max(0, n * T);
  // gWo (d,d) = dOutᵀ (d,n·T) · cat (n·T,d); gbo (d) = Σ_rows dOut
  gemmTN(gWo, gwoOff, dOut, dOff, cat, cOff, d, d, nT, d, d, d, 0);
  colSum(gbo, gboOff, dOut, dOff, nT, d, d, 0);
  // dcat (n·T,d) = dOut (n·T,d) · Wo (d,d), over cat
  gemmNN(cat, cOff, dOut, dOff, Wo, woOff, nT, d, d, d, d, d, 0);
  attentionHeadsBackward(qkv, qkvOff, P, pOff, cat, cOff, scratch, sOff, T, d, heads, causal, 0, Math.max(0, n) * heads);
  // gW (3d,d) = dqkvᵀ (3d,n·T) · x (n·T,d); gb (3d) = Σ_rows dqkv; dx (n·T,d) = dqkv (n·T,3d) · W (3d,d)
  gemmTN(gW, gwOff, qkv, qkvOff, x, xOff, D3, d, nT, D3, d, d, 0);
  colSum(gb, gbOff, qkv, qkvOff, nT, D3, D3, 0);
  if (dx) gemmNN(dx, dxOff, qkv, qkvOff, W, wOff, nT, d, D3, D3, d, d, 0);
}

// The attention layer over a network record (abi.json layerKinds `attention`), as in assembly/attention.ts.
const S = LAYER_SLOTS.attention;

/** Twin of attentionLayerForward. */
export function attentionLayerForward(c: NetCtx, L: number, n: number, training: boolean): void {
  const { net, ws, params } = c;
  attentionForward(ws, net[L + C.y], ws, net[L + S.qkv], ws, net[L + S.probs], ws, net[L + S.cat], ws, net[L + C.x], params,
    net[L + S.w], params, net[L + S.b], params, net[L + S.wOut], params, net[L + S.bOut], n, net[L + S.steps], net[L + S.dim],
    net[L + S.heads], net[L + S.causal] !== 0);
}

/** Twin of attentionLayerBackward. */
export function attentionLayerBackward(c: NetCtx, L: number, g: Float32Array, gOff: number, n: number, training: boolean): void {
  const { net, ws, params } = c, dx = net[L + C.dx];
  attentionBackward(g, gOff + net[L + S.w], g, gOff + net[L + S.b], g, gOff + net[L + S.wOut], g, gOff + net[L + S.bOut],
    dx >= 0 ? ws : null, dx, ws, net[L + C.dy], ws, net[L + C.x], ws, net[L + S.qkv], ws, net[L + S.probs], ws, net[L + S.cat],
    ws, net[L + S.scratch], params, net[L + S.w], params, net[L + S.wOut], n, net[L + S.steps], net[L + S.dim], net[L + S.heads],
    net[L + S.causal] !== 0);
}
