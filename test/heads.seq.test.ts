// The per-position softmax head (headSoftmaxSeq: T labels per row, the mean over rows and positions) on every
// backend: every backend's gradient equals the central differences of the mean loss (the js twin run in f64,
// whose own gradient must match them to 1e-6), every backend matches the twin (also with dZ aliasing Z and a
// padded row stride), wasm-scalar ≡ wasm-simd bit for bit, and PyTorch's cross_entropy on (N·T, k) logits
// (scripts/fixtures/attention.json) within 1e-5.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { loadBackend, type Backend } from '../src/runtime/index.js';
import * as twin from '../src/backends/js/heads.js';
import { Rng } from '../src/rng.js';
import { BACKENDS, uniform } from './_util.js';

interface Problem { Z: Float32Array; y: Float32Array; idx: Int32Array; start: number; count: number; T: number; k: number; ldz: number }

function problem(count: number, T: number, k: number, seed: number): Problem {
  const rng = new Rng(seed);
  const rows = count + 4, ldz = T * k + (seed % 3);
  const idx = new Int32Array(count + 3);
  for (let i = 0; i < idx.length; i++) idx[i] = rng.below(rows);
  const y = Float32Array.from({ length: rows * T }, () => rng.below(k));
  return { Z: uniform(rng, Math.max(1, count * ldz), -3, 3), y, idx, start: 2, count, T, k, ldz };
}

function run(be: Backend, p: Problem, alias = false): { loss: number; dZ: Float32Array } {
  const pz = be.alloc(p.Z.length * 4), py = be.alloc(p.y.length * 4), pi = be.alloc(p.idx.length * 4);
  const pg = alias ? pz : be.alloc(p.Z.length * 4);
  be.f32(pz, p.Z.length).set(p.Z);
  be.f32(py, p.y.length).set(p.y);
  be.i32(pi, p.idx.length).set(p.idx);
  const loss = be.headSoftmaxSeq(pg, pz, py, pi, p.start, p.count, p.T, p.k, p.ldz);
  const dZ = be.f32(pg, p.Z.length).slice();
  for (const ptr of new Set([pz, py, pi, pg])) be.free(ptr);
  return { loss, dZ };
}

/** The logits' positions (row, t, class) → offset in Z. */
function* cells(p: Problem): Generator<number> {
  for (let r = 0; r < p.count; r++) for (let t = 0; t < p.T; t++) for (let c = 0; c < p.k; c++) yield r * p.ldz + t * p.k + c;
}

const SHAPES: [number, number, number][] = [[1, 1, 2], [3, 1, 5], [2, 3, 4], [5, 7, 3], [4, 9, 17], [3, 5, 8], [7, 32, 9]];

test('headSoftmaxSeq: the gradient is the central difference of the mean loss (f64 twin to 1e-6, every backend to f32)', async () => {
  const bes = await Promise.all(BACKENDS.map((b) => loadBackend(b)));
  for (const [count, T, k] of SHAPES) {
    const p = problem(count, T, k, count * 7 + T + k);
    const Z = Float64Array.from(p.Z) as unknown as Float32Array; // the twin runs in f64 on f64 arrays
    const g = new Float64Array(Z.length) as unknown as Float32Array, scratch = new Float64Array(Z.length) as unknown as Float32Array;
    const loss = (): number => twin.headSoftmaxSeq(scratch, 0, Z, 0, p.y, p.idx, p.start, count, T, k, p.ldz);
    twin.headSoftmaxSeq(g, 0, Z, 0, p.y, p.idx, p.start, count, T, k, p.ldz);
    const runs = bes.map((be) => ({ name: be.name, r: run(be, p) }));
    const inv = 1 / (count * T);
    for (const o of cells(p)) {
      const z0 = Z[o], h = 1e-6;
      Z[o] = z0 + h;
      const up = loss();
      Z[o] = z0 - h;
      const dn = loss();
      Z[o] = z0;
      const fd = (up - dn) / (2 * h);
      assert.ok(Math.abs(g[o] - fd) <= 1e-8 + 1e-6 * Math.abs(fd), `${count}×${T}×${k} [${o}]: ${g[o]} vs ${fd}`);
      // f32 kernels: a few ulp of softmax(z)/(count·T), also where the one-hot's −1/(count·T) cancels it.
      for (const { name, r } of runs) {
        assert.ok(Math.abs(r.dZ[o] - fd) <= 1e-6 * (Math.abs(fd) + inv), `${name} ${count}×${T}×${k} [${o}]: ${r.dZ[o]} vs ${fd}`);
      }
    }
  }
});

test('headSoftmaxSeq: every backend matches the js twin, also with dZ aliasing Z', async () => {
  const js = await loadBackend('js');
  for (const [count, T, k] of SHAPES) {
    const p = problem(count, T, k, count * 13 + T * 3 + k);
    const ref = run(js, p);
    for (const name of BACKENDS) {
      const be = await loadBackend(name);
      for (const alias of [false, true]) {
        const r = run(be, p, alias);
        assert.ok(Math.abs(r.loss - ref.loss) <= 1e-6 * Math.max(1, Math.abs(ref.loss)), `${name} ${count}×${T}×${k}: loss ${r.loss} vs ${ref.loss}`);
        // As for headSoftmax: exponentials in f32 are a few ulp of p, which the one-hot's −1/(count·T) may cancel.
        const inv = 1 / (count * T);
        for (const o of cells(p)) {
          const tol = 1e-6 * Math.abs(ref.dZ[o]) + 8 * 2 ** -24 * (Math.abs(ref.dZ[o]) + inv) + 1e-12;
          assert.ok(Math.abs(r.dZ[o] - ref.dZ[o]) <= tol, `${name} ${count}×${T}×${k} alias=${alias} [${o}]: ${r.dZ[o]} vs ${ref.dZ[o]}`);
        }
      }
    }
  }
});

test('headSoftmaxSeq: wasm-scalar ≡ wasm-simd bit for bit (loss and dZ)', async () => {
  const sc = await loadBackend('wasm-scalar'), si = await loadBackend('wasm-simd');
  for (const [count, T, k] of [...SHAPES, [32, 32, 65] as [number, number, number]]) {
    const p = problem(count, T, k, count * 5 + T + k);
    const a = run(sc, p), b = run(si, p);
    assert.is(a.loss, b.loss, `${count}×${T}×${k}: loss`);
    for (const o of cells(p)) assert.ok(Object.is(a.dZ[o], b.dZ[o]), `${count}×${T}×${k} [${o}]: dZ differs`);
  }
});

interface TorchHead { n: number; T: number; k: number; z: number[]; y: number[]; loss: number; dZ: number[] }

test('headSoftmaxSeq: PyTorch cross_entropy on (N·T, k) logits (fixture) within 1e-5', async () => {
  const fx = JSON.parse(readFileSync(new URL('../scripts/fixtures/attention.json', import.meta.url), 'utf8')) as { headSoftmaxSeq: TorchHead[] };
  assert.ok(fx.headSoftmaxSeq.length >= 3);
  for (const name of BACKENDS) {
    const be = await loadBackend(name);
    for (const c of fx.headSoftmaxSeq) {
      const p: Problem = {
        Z: Float32Array.from(c.z), y: Float32Array.from(c.y), idx: Int32Array.from({ length: c.n }, (_, i) => i), start: 0,
        count: c.n, T: c.T, k: c.k, ldz: c.T * c.k,
      };
      const r = run(be, p);
      assert.ok(Math.abs(r.loss - c.loss) <= 1e-5 * Math.max(1, Math.abs(c.loss)), `${name} ${c.n}×${c.T}×${c.k}: loss ${r.loss} vs ${c.loss}`);
      for (let i = 0; i < c.dZ.length; i++) assert.ok(Math.abs(r.dZ[i] - c.dZ[i]) <= 1e-5 * Math.max(1e-3, Math.abs(c.dZ[i])), `${name} dZ[${i}]: ${r.dZ[i]} vs ${c.dZ[i]}`);
    }
  }
});

test('headSoftmaxSeq with T = 1 is headSoftmax (same loss, same dZ bits)', async () => {
  for (const name of BACKENDS) {
    const be = await loadBackend(name);
    const p = problem(9, 1, 11, 4);
    const a = run(be, p);
    const pz = be.alloc(p.Z.length * 4), py = be.alloc(p.y.length * 4), pi = be.alloc(p.idx.length * 4), pg = be.alloc(p.Z.length * 4);
    be.f32(pz, p.Z.length).set(p.Z);
    be.f32(py, p.y.length).set(p.y);
    be.i32(pi, p.idx.length).set(p.idx);
    const loss = be.headSoftmax(pg, pz, py, pi, p.start, p.count, p.k, p.ldz);
    const dZ = be.f32(pg, p.Z.length);
    assert.is(a.loss, loss, name);
    for (const o of cells(p)) assert.ok(Object.is(a.dZ[o], dZ[o]), `${name} [${o}]`);
    for (const ptr of [pz, py, pi, pg]) be.free(ptr);
  }
});

test.run();
