// dot and axpy on every backend at boundary lengths: reductions within float32 tolerance of an f64
// reference, elementwise results bit-identical between the two wasm builds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadBackend } from '../src/runtime/index.js';
import { Rng } from '../src/rng.js';
import { BACKENDS, LENGTHS, uniform, bitEqual } from './_util.js';

test('dotF32 matches an f64 reference on every backend and length', async () => {
  for (const name of BACKENDS) {
    const be = await loadBackend(name);
    for (const n of LENGTHS) {
      const rng = new Rng(n + 1);
      const a = uniform(rng, n), b = uniform(rng, n);
      const pa = be.alloc(n * 4), pb = be.alloc(n * 4);
      be.f32(pa, n).set(a);
      be.f32(pb, n).set(b);
      let ref = 0, mag = 0;
      for (let i = 0; i < n; i++) { ref += a[i] * b[i]; mag += Math.abs(a[i] * b[i]); }
      const got = be.dotF32(pa, pb, n);
      assert.ok(Math.abs(got - ref) <= 1e-6 * mag + 1e-7, `${name} n=${n}: ${got} vs ${ref}`);
      be.free(pa);
      be.free(pb);
    }
  }
});

test('axpyF32 is bit-identical between wasm builds and matches js to rounding', async () => {
  const out: Record<string, Float32Array[]> = {};
  for (const name of BACKENDS) {
    const be = await loadBackend(name);
    out[name] = [];
    for (const n of LENGTHS) {
      const rng = new Rng(100 + n);
      const y = uniform(rng, n), x = uniform(rng, n);
      const py = be.alloc(n * 4), px = be.alloc(n * 4);
      be.f32(py, n).set(y);
      be.f32(px, n).set(x);
      be.axpyF32(py, 0.37, px, n);
      out[name].push(be.f32(py, n).slice());
      be.free(py);
      be.free(px);
    }
  }
  LENGTHS.forEach((n, i) => {
    assert.ok(bitEqual(out['wasm-scalar'][i], out['wasm-simd'][i]), `n=${n}: scalar and simd differ`);
    // js computes y + a·x in f64 and rounds once; wasm rounds a·x to f32 first: at most one ulp apart.
    const js = out.js[i], w = out['wasm-simd'][i];
    for (let j = 0; j < n; j++) assert.ok(Math.abs(js[j] - w[j]) <= 2 ** -22 * Math.max(1, Math.abs(js[j])), `n=${n} j=${j}`);
  });
});

test.run();
