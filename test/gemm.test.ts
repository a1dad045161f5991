// gemmNT / gemmNN / gemmTN / colSum on every backend at boundary sizes (the 4×8 tile and the 256/128/256
// blocks of assembly/gemm.ts), against a naive f64 triple loop written here, with leading dimensions
// larger than the rows, beta 0 and 1, bias on and off and every activation. Also: the pack scratch is
// never written past gemmPackFloats(m, n, k), the padding columns of C are never touched, and the js
// twin's pack size equals the kernel's.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadBackend, type Backend } from '../src/runtime/index.js';
import { actElem } from '../src/backends/js/activations.js';
import { gemmPackFloats as jsPackFloats } from '../src/backends/js/gemm.js';
import { Rng } from '../src/rng.js';
import { BACKENDS, uniform } from './_util.js';

const SIZES = [1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33, 65];
type Form = 'NT' | 'NN' | 'TN';

interface Case {
  form: Form; m: number; n: number; k: number; lda: number; ldb: number; ldc: number;
  beta: number; bias: boolean; act: number; slope: number;
}

/** A well-spread cross product: every (m, n) pair, k rotating through the sizes, options cycling. */
function cases(): Case[] {
  const out: Case[] = [];
  let q = 0;
  for (let im = 0; im < SIZES.length; im++) {
    for (let jn = 0; jn < SIZES.length; jn++) {
      const m = SIZES[im], n = SIZES[jn], k = SIZES[(im + 2 * jn) % SIZES.length];
      const forms: Form[] = ['NT', 'NN', 'TN'];
      for (const form of forms) {
        q++;
        const pad = q % 3 === 0 ? 0 : (q % 5) + 1;
        out.push(shape(form, m, n, k, pad, q % 2, form === 'NT' && q % 4 !== 1, form === 'NT' ? q % 6 : 0));
      }
    }
  }
  // The blocks: k > 256 (two k blocks, beta applied once), n > 256 (two n blocks), m > 128 (two m blocks).
  for (const form of ['NT', 'NN', 'TN'] as Form[]) {
    out.push(shape(form, 133, 261, 300, 3, 1, form === 'NT', form === 'NT' ? 5 : 0));
    out.push(shape(form, 129, 10, 513, 0, 0, form === 'NT', form === 'NT' ? 1 : 0));
  }
  return out;
}

function shape(form: Form, m: number, n: number, k: number, pad: number, beta: number, bias: boolean, act: number): Case {
  const [ar, br] = form === 'NT' ? [k, k] : form === 'NN' ? [k, n] : [m, n];
  return { form, m, n, k, lda: ar + pad, ldb: br + (pad >> 1), ldc: n + pad, beta, bias, act, slope: act === 2 ? 0.1 : 0 };
}

/** Rows × columns of A and B as stored. */
function dims(c: Case): { aRows: number; bRows: number } {
  return { aRows: c.form === 'TN' ? c.k : c.m, bRows: c.form === 'NT' ? c.n : c.k };
}

/** The naive f64 reference. */
function naive(c: Case, A: Float32Array, B: Float32Array, C0: Float32Array, bias: Float32Array): Float64Array {
  const out = new Float64Array(c.m * c.n);
  for (let i = 0; i < c.m; i++) {
    for (let j = 0; j < c.n; j++) {
      let s = 0;
      for (let p = 0; p < c.k; p++) {
        const a = c.form === 'TN' ? A[p * c.lda + i] : A[i * c.lda + p];
        const b = c.form === 'NT' ? B[j * c.ldb + p] : B[p * c.ldb + j];
        s += a * b;
      }
      if (c.beta) s += C0[i * c.ldc + j];
      if (c.bias) s += bias[j];
      out[i * c.n + j] = c.act ? actElem(s, c.act, Math.fround(c.slope)) : s;
    }
  }
  return out;
}

/** Σ|terms| of each element: the scale its rounding error is measured against. */
function magnitude(c: Case, A: Float32Array, B: Float32Array, C0: Float32Array, bias: Float32Array): Float64Array {
  const out = new Float64Array(c.m * c.n);
  for (let i = 0; i < c.m; i++) {
    for (let j = 0; j < c.n; j++) {
      let s = 1;
      for (let p = 0; p < c.k; p++) {
        const a = c.form === 'TN' ? A[p * c.lda + i] : A[i * c.lda + p];
        const b = c.form === 'NT' ? B[j * c.ldb + p] : B[p * c.ldb + j];
        s += Math.abs(a * b);
      }
      if (c.beta) s += Math.abs(C0[i * c.ldc + j]);
      if (c.bias) s += Math.abs(bias[j]);
      out[i * c.n + j] = s;
    }
  }
  return out;
}

const GUARD = 16;
const SENTINEL = -12345.5;

function runCase(be: Backend, c: Case, seed: number): { C: Float32Array; A: Float32Array; B: Float32Array; C0: Float32Array; bias: Float32Array } {
  const rng = new Rng(seed);
  const { aRows, bRows } = dims(c);
  const A = uniform(rng, aRows * c.lda), B = uniform(rng, bRows * c.ldb), C0 = uniform(rng, c.m * c.ldc), bias = uniform(rng, c.n);
  const pA = be.alloc(A.length * 4), pB = be.alloc(B.length * 4), pC = be.alloc(C0.length * 4), pBias = be.alloc(c.n * 4);
  const packN = be.gemmPackFloats(c.m, c.n, c.k) + GUARD;
  const pPack = be.alloc(packN * 4);
  be.f32(pA, A.length).set(A);
  be.f32(pB, B.length).set(B);
  be.f32(pC, C0.length).set(C0);
  be.f32(pBias, c.n).set(bias);
  be.f32(pPack, packN).fill(SENTINEL);
  if (c.form === 'NT') be.gemmNT(pC, pA, pB, c.m, c.n, c.k, c.lda, c.ldb, c.ldc, c.beta, c.bias ? pBias : 0, c.act, c.slope, pPack);
  else if (c.form === 'NN') be.gemmNN(pC, pA, pB, c.m, c.n, c.k, c.lda, c.ldb, c.ldc, c.beta, pPack);
  else be.gemmTN(pC, pA, pB, c.m, c.n, c.k, c.lda, c.ldb, c.ldc, c.beta, pPack);
  const C = be.f32(pC, C0.length).slice();
  const guard = be.f32(pPack, packN).subarray(packN - GUARD);
  assert.ok(guard.every((v) => v === SENTINEL), `${be.name} ${label(c)}: wrote past gemmPackFloats`);
  assert.ok(be.f32(pA, A.length).every((v, i) => v === A[i]) && be.f32(pB, B.length).every((v, i) => v === B[i]), 'inputs changed');
  for (const p of [pA, pB, pC, pBias, pPack]) be.free(p);
  return { C, A, B, C0, bias };
}

function label(c: Case): string {
  return `gemm${c.form} m=${c.m} n=${c.n} k=${c.k} ld=${c.lda}/${c.ldb}/${c.ldc} beta=${c.beta} bias=${c.bias} act=${c.act}`;
}

test('gemm kernels match a naive f64 triple loop on every backend (boundary sizes, strides, beta, bias, activations)', async () => {
  const all = cases();
  const twin: Float32Array[] = [];
  for (const name of BACKENDS) {
    const be = await loadBackend(name);
    all.forEach((c, q) => {
      const r = runCase(be, c, 1000 + q);
      const ref = naive(c, r.A, r.B, r.C0, r.bias), mag = magnitude(c, r.A, r.B, r.C0, r.bias);
      for (let i = 0; i < c.m; i++) {
        for (let j = 0; j < c.ldc; j++) {
          const got = r.C[i * c.ldc + j];
          if (j >= c.n) {
            assert.is(got, r.C0[i * c.ldc + j], `${name} ${label(c)}: padding column ${j} of row ${i} touched`);
            continue;
          }
          const want = ref[i * c.n + j];
          const tol = 1e-6 * (c.k + 4) * mag[i * c.n + j];
          if (!(Math.abs(got - want) <= tol)) assert.unreachable(`${name} ${label(c)} [${i},${j}]: ${got} vs ${want} (tol ${tol})`);
        }
      }
      if (name === 'js') twin[q] = r.C;
      else {
        // Against the js twin too (it rounds an f64 sum once).
        for (let i = 0; i < r.C.length; i++) {
          const tol = 1e-6 * (c.k + 4) * Math.max(1, Math.abs(twin[q][i])) * 4;
          if (!(Math.abs(r.C[i] - twin[q][i]) <= tol + 1e-6 * (c.k + 4))) assert.unreachable(`${name} vs js ${label(c)} at ${i}`);
        }
      }
    });
  }
});

test('gemm with k = 0 gives act(beta·C + bias) and m = 0 or n = 0 does nothing', async () => {
  for (const name of BACKENDS) {
    const be = await loadBackend(name);
    const pC = be.alloc(6 * 4), pA = be.alloc(16), pB = be.alloc(16), pb = be.alloc(3 * 4), pk = be.alloc(be.gemmPackFloats(2, 3, 0) * 4);
    be.f32(pC, 6).set([1, -2, 3, -4, 5, -6]);
    be.f32(pb, 3).set([0.5, 0.5, 0.5]);
    be.gemmNT(pC, pA, pB, 0, 3, 4, 4, 4, 3, 1, pb, 1, 0, pk);
    assert.equal(Array.from(be.f32(pC, 6)), [1, -2, 3, -4, 5, -6], `${name}: m = 0`);
    be.gemmNT(pC, pA, pB, 2, 3, 0, 1, 1, 3, 1, pb, 1, 0, pk);
    assert.equal(Array.from(be.f32(pC, 6)), [1.5, 0, 3.5, 0, 5.5, 0], `${name}: k = 0, relu`);
    be.gemmNN(pC, pA, pB, 2, 3, 0, 1, 3, 3, 0, pk);
    assert.equal(Array.from(be.f32(pC, 6)), [0, 0, 0, 0, 0, 0], `${name}: k = 0, beta 0`);
    for (const p of [pC, pA, pB, pb, pk]) be.free(p);
  }
});

test('gemmPackFloats is the same function in the kernel and the js twin', async () => {
  const be = await loadBackend('wasm-simd');
  for (const m of [0, 1, 4, 5, 128, 129, 1000]) {
    for (const n of [0, 1, 8, 9, 256, 257, 784]) {
      for (const k of [0, 1, 255, 256, 257, 784]) assert.is(be.gemmPackFloats(m, n, k), jsPackFloats(m, n, k), `${m} ${n} ${k}`);
    }
  }
});

test('colSum sums columns in row order (bit-identical between wasm builds), with beta and a wide lda', async () => {
  const out: Record<string, Float32Array[]> = {};
  for (const name of BACKENDS) {
    const be = await loadBackend(name);
    out[name] = [];
    for (const m of [1, 3, 17, 65]) {
      for (const n of [1, 3, 4, 5, 8, 9, 15, 17, 33]) {
        for (const beta of [0, 1]) {
          const lda = n + (m % 3);
          const rng = new Rng(m * 100 + n + beta);
          const A = uniform(rng, m * lda), o0 = uniform(rng, n);
          const pA = be.alloc(A.length * 4), po = be.alloc(n * 4);
          be.f32(pA, A.length).set(A);
          be.f32(po, n).set(o0);
          be.colSum(po, pA, m, n, lda, beta);
          const got = be.f32(po, n).slice();
          for (let j = 0; j < n; j++) {
            let s = beta ? o0[j] : 0, mag = 1;
            for (let i = 0; i < m; i++) { s += A[i * lda + j]; mag += Math.abs(A[i * lda + j]); }
            assert.ok(Math.abs(got[j] - s) <= 1e-6 * (m + 2) * mag, `${name} colSum m=${m} n=${n} j=${j}`);
          }
          out[name].push(got);
          be.free(pA);
          be.free(po);
        }
      }
    }
  }
  out['wasm-simd'].forEach((v, i) => assert.ok(v.every((x, j) => Object.is(x, out['wasm-scalar'][i][j])), `case ${i}`));
});

test.run();
