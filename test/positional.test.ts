// The learned positional table (assembly/positional.ts, src/backends/js/positional.ts) on every backend: the
// forward is x + P[t] rounded once to f32 (y may be x), the table's gradient equals the central differences
// of the f64 objective Σ c·(x + P[t]) at odd sizes, and wasm-scalar ≡ wasm-simd bit for bit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadBackend, type Backend } from '../src/runtime/index.js';
import { Rng } from '../src/rng.js';
import { BACKENDS, bitEqual, uniform } from './_util.js';

const SHAPES: [number, number, number][] = [[0, 3, 2], [1, 1, 1], [2, 3, 5], [3, 7, 3], [5, 9, 13], [4, 32, 64], [3, 5, 17]];

function run(be: Backend, x: Float32Array, P: Float32Array, c: Float32Array, n: number, T: number, d: number, alias: boolean) {
  const m = Math.max(1, n * T * d);
  const px = be.alloc(m * 4), pP = be.alloc(T * d * 4), pc = be.alloc(m * 4), pg = be.alloc(T * d * 4);
  const py = alias ? px : be.alloc(m * 4);
  be.f32(px, x.length).set(x);
  be.f32(pP, P.length).set(P);
  be.f32(pc, c.length).set(c);
  be.positionalForward(py, px, pP, n, T, d);
  const y = be.f32(py, n * T * d).slice();
  be.f32(pg, T * d).fill(NaN);
  be.positionalBackward(pg, pc, n, T, d);
  const gP = be.f32(pg, T * d).slice();
  for (const p of new Set([px, pP, pc, pg, py])) be.free(p);
  return { y, gP };
}

test('positional: y = x + P[t] and gP = central differences of Σ c·y, on every backend, y aliasing x or not', async () => {
  for (const name of BACKENDS) {
    const be = await loadBackend(name);
    for (const [n, T, d] of SHAPES) {
      const rng = new Rng(n * 100 + T * 10 + d);
      const x = uniform(rng, n * T * d, -2, 2), P = uniform(rng, T * d, -2, 2), c = uniform(rng, n * T * d, -1, 1);
      for (const alias of [false, true]) {
        const { y, gP } = run(be, x, P, c, n, T, d, alias);
        for (let i = 0; i < n * T * d; i++) assert.is(y[i], Math.fround(x[i] + P[i % (T * d)]), `${name} ${n}×${T}×${d} y[${i}]`);
        const Pd = Float64Array.from(P);
        const f = (): number => {
          let s = 0;
          for (let i = 0; i < n * T * d; i++) s += c[i] * (x[i] + Pd[i % (T * d)]);
          return s;
        };
        for (let j = 0; j < T * d; j++) {
          const v = Pd[j], h = 1e-3;
          Pd[j] = v + h;
          const up = f();
          Pd[j] = v - h;
          const down = f();
          Pd[j] = v;
          const fd = (up - down) / (2 * h);
          assert.ok(Math.abs(gP[j] - fd) <= 1e-6 * Math.max(1, Math.abs(fd)), `${name} ${n}×${T}×${d} gP[${j}]: ${gP[j]} vs ${fd}`);
        }
      }
    }
  }
});

test('positional: wasm-scalar ≡ wasm-simd bit for bit', async () => {
  const sc = await loadBackend('wasm-scalar'), si = await loadBackend('wasm-simd');
  for (const [n, T, d] of SHAPES) {
    const rng = new Rng(n + T + d);
    const x = uniform(rng, n * T * d, -2, 2), P = uniform(rng, T * d, -2, 2), c = uniform(rng, n * T * d, -1, 1);
    const a = run(sc, x, P, c, n, T, d, false), b = run(si, x, P, c, n, T, d, false);
    assert.ok(bitEqual(a.y, b.y) && bitEqual(a.gP, b.gP), `${n}×${T}×${d}`);
  }
});

test.run();
