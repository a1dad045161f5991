// Multi-head self-attention kernels (assembly/attention.ts, src/backends/js/attention.ts) on every backend:
// 1. An f64 reference written here (plain loops, nothing shared with the kernels) and its central differences
//    give out and every gradient; each backend's f32 forward and backward must agree (causal and not,
//    heads 1–3, T 1–9, d up to 13, odd sizes), and so must the js twin run on f64 buffers, to 1e-7.
// 2. wasm-scalar ≡ wasm-simd bit for bit (outputs, probabilities, gradients), up to T = 33 so the softmax's
//    four-lane groups and tails both run; js and wasm within 1e-5.
// 3. PyTorch's nn.MultiheadAttention (scripts/fixtures/attention.json, made by scripts/fixtures/attention.py)
//    within 1e-5: outputs and the gradients of all four tensors and of x.
// Every buffer carries a tail of sentinels that must survive: the kernels stay inside the sizes that
// attentionWorkspace states.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { loadBackend, type Backend } from '../src/runtime/index.js';
import * as twin from '../src/backends/js/attention.js';
import { attentionWorkspace, attentionPackFloats } from '../src/backends/js/attention.js';
import { Rng } from '../src/rng.js';
import { BACKENDS, bitEqual } from './_util.js';

interface Problem {
  n: number; T: number; d: number; heads: number; causal: boolean;
  x: Float32Array; W: Float32Array; b: Float32Array; Wo: Float32Array; bo: Float32Array; dOut: Float32Array;
}

interface Result {
  out: Float32Array; P: Float32Array; gW: Float32Array; gb: Float32Array; gWo: Float32Array; gbo: Float32Array; dx: Float32Array;
}

function problem(n: number, T: number, d: number, heads: number, causal: boolean, seed: number): Problem {
  const rng = new Rng(seed);
  const v = (len: number, s: number) => Float32Array.from({ length: len }, () => rng.normal() * s);
  return {
    n, T, d, heads, causal, x: v(n * T * d, 1), W: v(3 * d * d, 0.6), b: v(3 * d, 0.2), Wo: v(d * d, 0.6), bo: v(d, 0.2),
    dOut: v(n * T * d, 1),
  };
}

const SENTINEL = 7.25, TAIL = 8;

/** Runs forward then backward on a backend; dxMode 'alias' passes dOut's buffer as dx. */
function run(be: Backend, p: Problem, dxMode: 'own' | 'none' | 'alias' = 'own'): Result {
  const { n, T, d, heads } = p;
  const ws = attentionWorkspace(n, T, d, heads);
  const ptrs: [number, number][] = [];
  const buf = (len: number, src?: Float32Array): number => {
    const ptr = be.alloc((len + TAIL) * 4);
    const a = be.f32(ptr, len + TAIL);
    a.fill(SENTINEL);
    if (src) a.set(src);
    ptrs.push([ptr, len]);
    return ptr;
  };
  const x = buf(n * T * d, p.x), W = buf(3 * d * d, p.W), b = buf(3 * d, p.b), Wo = buf(d * d, p.Wo), bo = buf(d, p.bo);
  const out = buf(n * T * d), qkv = buf(ws.P - ws.qkv), P = buf(ws.cat - ws.P), cat = buf(ws.scratch - ws.cat);
  const scratch = buf(ws.floats - ws.scratch), pack = buf(attentionPackFloats(n, T, d, heads));
  const dOut = buf(n * T * d, p.dOut);
  const gW = buf(3 * d * d), gb = buf(3 * d), gWo = buf(d * d), gbo = buf(d);
  const dx = dxMode === 'own' ? buf(n * T * d) : dxMode === 'alias' ? dOut : 0;
  const causal = p.causal ? 1 : 0;
  be.attentionForward(out, qkv, P, cat, x, W, b, Wo, bo, n, T, d, heads, causal, pack);
  const read = (ptr: number, len: number) => be.f32(ptr, len).slice();
  const probs = read(P, n * heads * T * T);
  be.attentionBackward(gW, gb, gWo, gbo, dx, dOut, x, qkv, P, cat, scratch, W, Wo, n, T, d, heads, causal, pack);
  const r: Result = {
    out: read(out, n * T * d), P: probs, gW: read(gW, 3 * d * d), gb: read(gb, 3 * d), gWo: read(gWo, d * d), gbo: read(gbo, d),
    dx: dx ? read(dx, n * T * d) : new Float32Array(0),
  };
  for (const [ptr, len] of ptrs) {
    const tail = be.f32(ptr, len + TAIL).subarray(len);
    assert.ok(tail.every((v) => v === SENTINEL), `${be.name}: a kernel wrote past a buffer of ${len} floats`);
    be.free(ptr);
  }
  return r;
}

/** The f64 reference: out (n,T,d) of PyTorch's MultiheadAttention, by plain loops. */
function reference(p: Problem, x: Float64Array, W: Float64Array, b: Float64Array, Wo: Float64Array, bo: Float64Array): Float64Array {
  const { n, T, d, heads, causal } = p;
  const dk = d / heads, D3 = 3 * d;
  const out = new Float64Array(n * T * d);
  const qkv = new Float64Array(T * D3), cat = new Float64Array(T * d), s = new Float64Array(T);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < T; t++) {
      for (let r = 0; r < D3; r++) {
        let v = b[r];
        for (let c = 0; c < d; c++) v += W[r * d + c] * x[(i * T + t) * d + c];
        qkv[t * D3 + r] = v;
      }
    }
    for (let h = 0; h < heads; h++) {
      for (let t = 0; t < T; t++) {
        const L = causal ? t + 1 : T;
        let mx = -Infinity, sum = 0;
        for (let j = 0; j < L; j++) {
          let v = 0;
          for (let e = 0; e < dk; e++) v += qkv[t * D3 + h * dk + e] * qkv[j * D3 + d + h * dk + e];
          s[j] = v / Math.sqrt(dk);
          mx = Math.max(mx, s[j]);
        }
        for (let j = 0; j < L; j++) sum += (s[j] = Math.exp(s[j] - mx));
        for (let e = 0; e < dk; e++) {
          let v = 0;
          for (let j = 0; j < L; j++) v += (s[j] / sum) * qkv[j * D3 + 2 * d + h * dk + e];
          cat[t * d + h * dk + e] = v;
        }
      }
    }
    for (let t = 0; t < T; t++) {
      for (let r = 0; r < d; r++) {
        let v = bo[r];
        for (let c = 0; c < d; c++) v += Wo[r * d + c] * cat[t * d + c];
        out[(i * T + t) * d + r] = v;
      }
    }
  }
  return out;
}

interface Grads { out: Float64Array; gW: Float64Array; gb: Float64Array; gWo: Float64Array; gbo: Float64Array; dx: Float64Array }

/** The reference's out and the central differences (f64, h = 1e-5) of Σ out·dOut for every input. */
function differences(p: Problem): Grads {
  const t = { x: Float64Array.from(p.x), W: Float64Array.from(p.W), b: Float64Array.from(p.b), Wo: Float64Array.from(p.Wo), bo: Float64Array.from(p.bo) };
  const f = (): number => {
    const o = reference(p, t.x, t.W, t.b, t.Wo, t.bo);
    let s = 0;
    for (let i = 0; i < o.length; i++) s += o[i] * p.dOut[i];
    return s;
  };
  const fd = (a: Float64Array): Float64Array => a.map((v, k) => {
    const h = 1e-5;
    a[k] = v + h;
    const up = f();
    a[k] = v - h;
    const down = f();
    a[k] = v;
    return (up - down) / (2 * h);
  });
  return { out: reference(p, t.x, t.W, t.b, t.Wo, t.bo), gW: fd(t.W), gb: fd(t.b), gWo: fd(t.Wo), gbo: fd(t.bo), dx: fd(t.x) };
}

const NAMES = ['out', 'gW', 'gb', 'gWo', 'gbo', 'dx'] as const;

/**
 * The worst |got − want| / max(1, max |want|) over the tensors: an f32 sum's error scales with the sum of its
 * terms' magnitudes, not with the sum, so each element is judged against its tensor's largest value.
 */
function worst(got: Record<(typeof NAMES)[number], ArrayLike<number>>, want: Record<(typeof NAMES)[number], ArrayLike<number>>): { err: number; where: string } {
  let err = 0, where = '';
  for (const k of NAMES) {
    assert.is(got[k].length, want[k].length, `${k}: length`);
    let scale = 1;
    for (let i = 0; i < want[k].length; i++) scale = Math.max(scale, Math.abs(want[k][i]));
    for (let i = 0; i < want[k].length; i++) {
      const e = Math.abs(got[k][i] - want[k][i]) / scale;
      if (!(e <= err)) {
        err = e;
        where = `${k}[${i}]: ${got[k][i]} vs ${want[k][i]}`;
      }
    }
  }
  return { err, where };
}

// [n, T, d, heads]: T 1–9, d up to 13, heads 1–3, odd sizes (d = 13 with one head: dk = 13).
const SHAPES: [number, number, number, number][] = [
  [1, 1, 1, 1], [2, 1, 3, 3], [2, 3, 5, 1], [3, 4, 6, 2], [2, 5, 9, 3], [1, 7, 13, 1], [2, 8, 10, 2], [2, 9, 12, 3], [1, 9, 13, 1],
];

test('attention: every backend\'s forward and gradients = the f64 reference and its central differences', async () => {
  const bes = await Promise.all(BACKENDS.map((b) => loadBackend(b)));
  let seed = 1;
  for (const [n, T, d, heads] of SHAPES) {
    for (const causal of [false, true]) {
      const p = problem(n, T, d, heads, causal, seed++);
      const ref = differences(p);
      for (const be of bes) {
        const { err, where } = worst(run(be, p), ref);
        assert.ok(err < 1e-5, `${be.name} n=${n} T=${T} d=${d} heads=${heads} causal=${causal}: ${where} (${err.toExponential(2)})`);
      }
    }
  }
});

test('attention: the js twin on f64 buffers = the f64 reference and its central differences to 1e-7', () => {
  let seed = 100;
  for (const [n, T, d, heads] of SHAPES) {
    for (const causal of [false, true]) {
      const p = problem(n, T, d, heads, causal, seed++);
      const ref = differences(p);
      const F = (len: number | ArrayLike<number>) => (typeof len === 'number' ? new Float64Array(len) : Float64Array.from(len)) as unknown as Float32Array;
      const ws = attentionWorkspace(n, T, d, heads);
      const w = F(ws.floats), out = F(n * T * d), gW = F(3 * d * d), gb = F(3 * d), gWo = F(d * d), gbo = F(d), dx = F(n * T * d);
      const x = F(p.x), W = F(p.W), b = F(p.b), Wo = F(p.Wo), bo = F(p.bo);
      twin.attentionForward(out, 0, w, ws.qkv, w, ws.P, w, ws.cat, x, 0, W, 0, b, 0, Wo, 0, bo, 0, n, T, d, heads, causal);
      const o = Float64Array.from(out);
      twin.attentionBackward(gW, 0, gb, 0, gWo, 0, gbo, 0, dx, 0, F(p.dOut), 0, x, 0, w, ws.qkv, w, ws.P, w, ws.cat, w, ws.scratch,
        W, 0, Wo, 0, n, T, d, heads, causal);
      const { err, where } = worst({ out: o, gW, gb, gWo, gbo, dx }, ref);
      assert.ok(err < 1e-7, `f64 twin n=${n} T=${T} d=${d} heads=${heads} causal=${causal}: ${where} (${err.toExponential(2)})`);
    }
  }
});

test('attention: causal probabilities are zero above the diagonal and every row sums to 1', async () => {
  for (const name of BACKENDS) {
    const be = await loadBackend(name);
    const p = problem(2, 9, 6, 3, true, 7);
    const { P } = run(be, p);
    for (let r = 0; r < 2 * 3 * 9; r++) {
      const t = r % 9;
      let s = 0;
      for (let j = 0; j < 9; j++) {
        const v = P[r * 9 + j];
        if (j > t) assert.is(v, 0, `${name} row ${r}: key ${j} > ${t}`);
        s += v;
      }
      assert.ok(Math.abs(s - 1) < 1e-6, `${name} row ${r}: Σ P = ${s}`);
    }
  }
});

// Wider shapes for parity: T past 4, 8 and 32 (the softmax's lane groups and tails; gemm's 4×8 tile edges).
const PARITY: [number, number, number, number][] = [
  ...SHAPES, [3, 16, 16, 4], [2, 17, 20, 4], [2, 33, 24, 3], [4, 32, 64, 4],
];

test('attention: wasm-scalar ≡ wasm-simd bit for bit (out, P, gradients, dx)', async () => {
  const sc = await loadBackend('wasm-scalar'), si = await loadBackend('wasm-simd');
  let seed = 200;
  for (const [n, T, d, heads] of PARITY) {
    for (const causal of [false, true]) {
      const p = problem(n, T, d, heads, causal, seed++);
      const a = run(sc, p), b = run(si, p);
      for (const k of [...NAMES, 'P'] as const) {
        assert.ok(bitEqual(a[k], b[k]), `n=${n} T=${T} d=${d} heads=${heads} causal=${causal}: ${k} differs`);
      }
    }
  }
});

test('attention: js and wasm agree within 1e-5; dx may be dOut; dx = 0 skips it and changes nothing else', async () => {
  const js = await loadBackend('js');
  let seed = 300;
  for (const [n, T, d, heads] of PARITY) {
    for (const causal of [false, true]) {
      const p = problem(n, T, d, heads, causal, seed++);
      const ref = run(js, p);
      for (const name of ['wasm-scalar', 'wasm-simd'] as const) {
        const be = await loadBackend(name);
        const r = run(be, p);
        const { err, where } = worst(r, ref);
        assert.ok(err < 1e-5, `${name} vs js n=${n} T=${T} d=${d} heads=${heads} causal=${causal}: ${where}`);
        const alias = run(be, p, 'alias');
        const none = run(be, p, 'none');
        for (const k of NAMES) assert.ok(bitEqual(alias[k], r[k]), `${name}: dx over dOut changes ${k}`);
        for (const k of NAMES.filter((k) => k !== 'dx')) assert.ok(bitEqual(none[k], r[k]), `${name}: dx = 0 changes ${k}`);
      }
    }
  }
});

test('attention (js twin): the per-head middle split into ranges of (row, head) pairs gives the same bits', () => {
  const n = 3, T = 7, d = 9, heads = 3, D3 = 3 * d;
  const rng = new Rng(11);
  const qkv = Float32Array.from({ length: n * T * D3 }, () => rng.normal());
  const dcat = Float32Array.from({ length: n * T * d }, () => rng.normal());
  const go = (ranges: [number, number][]) => {
    const P = new Float32Array(n * heads * T * T), cat = new Float32Array(n * T * d), q = qkv.slice(), dc = dcat.slice();
    for (const [lo, hi] of ranges) twin.attentionHeadsForward(P, 0, cat, 0, q, 0, T, d, heads, true, lo, hi);
    const probs = P.slice();
    for (const [lo, hi] of ranges.reverse()) twin.attentionHeadsBackward(q, 0, P, 0, dc, 0, new Float32Array(T * T + T * d / heads), 0, T, d, heads, true, lo, hi);
    return [probs, cat, P, q];
  };
  const whole = go([[0, n * heads]]), split = go([[0, 2], [2, 7], [7, n * heads]]);
  for (let i = 0; i < whole.length; i++) assert.ok(bitEqual(whole[i], split[i]), `buffer ${i}`);
});

test('attention: an empty chunk (n = 0) writes zero gradients', async () => {
  for (const name of BACKENDS) {
    const be = await loadBackend(name);
    const p = problem(0, 4, 6, 2, true, 9);
    const r = run(be, p);
    for (const k of ['gW', 'gb', 'gWo', 'gbo'] as const) assert.ok(r[k].every((v) => v === 0), `${name}: ${k}`);
  }
});

interface TorchCase {
  n: number; T: number; d: number; heads: number; causal: boolean;
  x: number[]; W: number[]; b: number[]; Wo: number[]; bo: number[]; dOut: number[];
  out: number[]; gW: number[]; gb: number[]; gWo: number[]; gbo: number[]; dx: number[];
}

test('attention: PyTorch nn.MultiheadAttention (fixture) within 1e-5: out and every gradient', async () => {
  const fx = JSON.parse(readFileSync(new URL('../scripts/fixtures/attention.json', import.meta.url), 'utf8')) as { attention: TorchCase[] };
  assert.ok(fx.attention.length >= 7 && fx.attention.some((c) => c.causal) && fx.attention.some((c) => !c.causal));
  for (const name of BACKENDS) {
    const be = await loadBackend(name);
    for (const c of fx.attention) {
      const p: Problem = {
        n: c.n, T: c.T, d: c.d, heads: c.heads, causal: c.causal, x: Float32Array.from(c.x), W: Float32Array.from(c.W),
        b: Float32Array.from(c.b), Wo: Float32Array.from(c.Wo), bo: Float32Array.from(c.bo), dOut: Float32Array.from(c.dOut),
      };
      const { err, where } = worst(run(be, p), c);
      assert.ok(err < 1e-5, `${name} torch n=${c.n} T=${c.T} d=${c.d} heads=${c.heads} causal=${c.causal}: ${where} (${err.toExponential(2)})`);
    }
  }
});

test('attentionWorkspace: disjoint aligned buffers, O(n·heads·T²) in total', () => {
  for (const [n, T, d, heads] of PARITY) {
    const ws = attentionWorkspace(n, T, d, heads);
    const dk = d / heads;
    assert.ok(ws.P - ws.qkv >= 3 * n * T * d && ws.cat - ws.P >= n * heads * T * T && ws.scratch - ws.cat >= n * T * d);
    assert.ok(ws.floats - ws.scratch >= T * T + T * dk);
    for (const o of [ws.qkv, ws.P, ws.cat, ws.scratch, ws.floats]) assert.is(o % 4, 0);
    assert.ok(ws.floats < 4 * n * T * d + n * heads * T * T + T * T + T * dk + 20);
  }
  // The GPT recipe's chunk (128 rows, T 32, d 64, 4 heads): 2.1 M floats, 8.4 MB.
  assert.is(twin.attentionWorkspaceFloats(128, 32, 64, 4), 4 * 128 * 32 * 64 + 128 * 4 * 32 * 32 + 32 * 32 + 32 * 16);
});

test.run();
