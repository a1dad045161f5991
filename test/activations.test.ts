// Activations, their gradients, mulF32 and dropout masks on every backend: forward against the js twin
// (relu and leaky relu bit-identical; tanh, sigmoid and GELU, which the WASM builds evaluate by f32
// polynomials, within a few ulp of the twin's f64, counting the function's own conditioning, and the two
// builds bit-identical), backward against central finite differences in f64 of the twin's element
// function, aliasing (in place), and dropout masks bit-identical across backends.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadBackend, type Backend } from '../src/runtime/index.js';
import {
  actElem, actGradElem, ACT_IDENTITY, ACT_RELU, ACT_LEAKY_RELU, ACT_TANH, ACT_SIGMOID, ACT_GELU,
} from '../src/backends/js/activations.js';
import { Rng } from '../src/rng.js';
import { BACKENDS, LENGTHS, uniform, bitEqual } from './_util.js';

const ACTS = [ACT_IDENTITY, ACT_RELU, ACT_LEAKY_RELU, ACT_TANH, ACT_SIGMOID, ACT_GELU];
const SLOPE = 0.01;
const EPS = 2 ** -24;
const G1 = 2 * 0.7978845608028654, G2 = G1 * 0.044715;

/**
 * The scale of a correctly rounded f32 act(x) computed from an f32 x: |act(x)| + |x·act'(x)| (the second
 * term is the function's conditioning: x itself carries a relative rounding of EPS), plus 1e-25 (≈ 1e-32 after EPS) for
 * results that underflow (sigmoid and GELU clamp e^u at e^−87), and for GELU the rounding of its inner 2u.
 */
function forwardScale(x: number, act: number): number {
  const y = actElem(x, act, Math.fround(SLOPE));
  const scale = Math.abs(y) + Math.abs(x * actGradElem(1, act === ACT_GELU ? x : y, act, Math.fround(SLOPE))) + 1e-25;
  if (act !== ACT_GELU) return scale;
  // GELU = x·σ(2u) also rounds 2u = x·(G1 + G2·x²) in f32: σ moves by s(1 − s)·|2u|·EPS per ulp of 2u.
  const z = x * (G1 + G2 * x * x), s = 1 / (1 + Math.exp(-z));
  return scale + Math.abs(x * s * (1 - s) * z);
}

/** The same for act'(v)·dy: the gradient's own magnitude, and for GELU its terms times (1 + |2u|). */
function backwardScale(dy: number, v: number, act: number): number {
  if (act !== ACT_GELU) return Math.abs(actGradElem(dy, v, act, Math.fround(SLOPE))) + 1e-25;
  const z = v * (G1 + G2 * v * v), s = 1 / (1 + Math.exp(-z));
  return Math.abs(dy) * (s + Math.abs(v * s * (1 - s) * (G1 + 3 * G2 * v * v)) * (1 + Math.abs(z))) + 1e-25;
}

/** Measured worst cases on a 400,001-point grid of [−20, 20]: 1.5 (tanh), 1.7 (sigmoid), 3.6 (GELU) forward; 1.5, 1.5, 2.8 backward. */
const ULPS = 4;

function put(be: Backend, a: Float32Array): number {
  const p = be.alloc(Math.max(1, a.length) * 4);
  be.f32(p, a.length).set(a);
  return p;
}

test('actForward matches the js twin on every backend (and in place)', async () => {
  const ref: Record<string, Float32Array> = {};
  for (const name of BACKENDS) {
    const be = await loadBackend(name);
    for (const act of ACTS) {
      for (const n of LENGTHS) {
        const x = uniform(new Rng(n + 7 * act), n, -6, 6);
        const px = put(be, x), py = be.alloc(Math.max(1, n) * 4);
        be.actForward(py, px, n, act, SLOPE);
        const y = be.f32(py, n).slice();
        assert.ok(bitEqual(be.f32(px, n), x), `${name}: X changed`);
        be.actForward(px, px, n, act, SLOPE); // aliasing: Y = X
        assert.ok(bitEqual(be.f32(px, n), y), `${name} act=${act} n=${n}: in place differs`);
        const key = `${act}/${n}`;
        if (name === 'js') ref[key] = y;
        else if (act <= ACT_LEAKY_RELU) assert.ok(bitEqual(y, ref[key]), `${name} act=${act} n=${n}: not bit-identical to js`);
        else for (let i = 0; i < n; i++) assert.ok(Math.abs(y[i] - ref[key][i]) <= ULPS * EPS * forwardScale(x[i], act), `${name} act=${act} n=${n} i=${i}: ${y[i]} vs ${ref[key][i]}`);
        be.free(px);
        be.free(py);
      }
    }
  }
});

test('actGradElem agrees with central finite differences of actElem in f64', () => {
  const xs = [-3.7, -1.3, -0.41, -0.05, 0.07, 0.3, 0.9, 2.2, 4.1];
  for (const act of ACTS) {
    for (const x of xs) {
      const h = act <= ACT_LEAKY_RELU ? 1e-2 : 1e-6; // piecewise linear: a wide step is exact (and above f32 rounding)
      const fd = (actElem(x + h, act, Math.fround(SLOPE)) - actElem(x - h, act, Math.fround(SLOPE))) / (2 * h);
      const v = act === ACT_GELU ? x : actElem(x, act, SLOPE);
      const g = actGradElem(1.7, v, act, Math.fround(SLOPE));
      assert.ok(Math.abs(g - 1.7 * fd) <= 1e-6, `act=${act} x=${x}: ${g} vs ${1.7 * fd}`);
    }
  }
});

test('actBackward matches the js twin on every backend, with dX aliasing dY', async () => {
  const ref: Record<string, Float32Array> = {};
  for (const name of BACKENDS) {
    const be = await loadBackend(name);
    for (const act of ACTS) {
      for (const n of [1, 3, 4, 5, 7, 8, 9, 17, 65]) {
        const rng = new Rng(31 * n + act);
        const x = uniform(rng, n, -4, 4), dy = uniform(rng, n);
        // V is the output (relu, leaky, tanh, sigmoid) or the input (gelu, identity).
        const v = new Float32Array(n);
        for (let i = 0; i < n; i++) v[i] = act === ACT_GELU ? x[i] : actElem(x[i], act, Math.fround(SLOPE));
        const pdy = put(be, dy), pv = put(be, v), pdx = be.alloc(n * 4);
        be.actBackward(pdx, pdy, pv, n, act, SLOPE);
        const dx = be.f32(pdx, n).slice();
        be.actBackward(pdy, pdy, pv, n, act, SLOPE); // aliasing: dX = dY
        assert.ok(bitEqual(be.f32(pdy, n), dx), `${name} act=${act} n=${n}: in place differs`);
        const key = `${act}/${n}`;
        if (name === 'js') ref[key] = dx;
        else if (act <= ACT_LEAKY_RELU) assert.ok(bitEqual(dx, ref[key]), `${name} act=${act} n=${n}: not bit-identical to js`);
        else for (let i = 0; i < n; i++) assert.ok(Math.abs(dx[i] - ref[key][i]) <= ULPS * EPS * backwardScale(dy[i], v[i], act), `${name} act=${act} n=${n} i=${i}: ${dx[i]} vs ${ref[key][i]}`);
        for (const p of [pdy, pv, pdx]) be.free(p);
      }
    }
  }
});

test('tanh, sigmoid, GELU on a dense grid of [−20, 20]: within 4 ulp of the f64 twin (forward and backward), and wasm-scalar ≡ wasm-simd bit for bit', async () => {
  const n = 40_001;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = -20 + (40 * i) / (n - 1);
  const out: Record<string, Float32Array> = {};
  for (const name of ['wasm-scalar', 'wasm-simd'] as const) {
    const be = await loadBackend(name);
    for (const act of [ACT_TANH, ACT_SIGMOID, ACT_GELU]) {
      const px = put(be, x), py = be.alloc(n * 4);
      be.actForward(py, px, n, act, SLOPE);
      const y = be.f32(py, n).slice();
      let worst = 0;
      for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(y[i] - actElem(x[i], act, Math.fround(SLOPE))) / (EPS * forwardScale(x[i], act)));
      assert.ok(worst <= ULPS, `${name} act=${act}: forward worst ${worst.toFixed(2)} ulp`);
      const v = act === ACT_GELU ? x : y;
      const dy = uniform(new Rng(act), n, -2, 2);
      const pv = put(be, v), pdy = put(be, dy);
      be.actBackward(pdy, pdy, pv, n, act, SLOPE);
      const dx = be.f32(pdy, n).slice();
      let bworst = 0;
      for (let i = 0; i < n; i++) bworst = Math.max(bworst, Math.abs(dx[i] - actGradElem(dy[i], v[i], act, Math.fround(SLOPE))) / (EPS * backwardScale(dy[i], v[i], act)));
      assert.ok(bworst <= ULPS, `${name} act=${act}: backward worst ${bworst.toFixed(2)} ulp`);
      const key = String(act);
      if (name === 'wasm-scalar') out[key] = Float32Array.from([...y, ...dx]);
      else assert.ok(bitEqual(Float32Array.from([...y, ...dx]), out[key]), `act=${act}: wasm-simd differs from wasm-scalar`);
      for (const p of [px, py, pv, pdy]) be.free(p);
    }
  }
});

test('gemmNT epilogue applies the same activation as actForward', async () => {
  for (const name of BACKENDS) {
    const be = await loadBackend(name);
    const m = 5, n = 9, k = 3;
    const rng = new Rng(5);
    const A = uniform(rng, m * k, -2, 2), B = uniform(rng, n * k, -2, 2);
    const pA = put(be, A), pB = put(be, B), pC = be.alloc(m * n * 4), pZ = be.alloc(m * n * 4), pk = be.alloc(be.gemmPackFloats(m, n, k) * 4);
    for (const act of ACTS) {
      be.gemmNT(pZ, pA, pB, m, n, k, k, k, n, 0, 0, ACT_IDENTITY, 0, pk);
      be.actForward(pZ, pZ, m * n, act, SLOPE);
      be.gemmNT(pC, pA, pB, m, n, k, k, k, n, 0, 0, act, SLOPE, pk);
      assert.ok(bitEqual(be.f32(pC, m * n), be.f32(pZ, m * n)), `${name} act=${act}`);
    }
    for (const p of [pA, pB, pC, pZ, pk]) be.free(p);
  }
});

test('mulF32 is exact on every backend, also in place', async () => {
  for (const name of BACKENDS) {
    const be = await loadBackend(name);
    for (const n of LENGTHS) {
      const rng = new Rng(n);
      const a = uniform(rng, n), b = uniform(rng, n);
      const pa = put(be, a), pb = put(be, b);
      be.mulF32(pa, pa, pb, n);
      const got = be.f32(pa, n);
      for (let i = 0; i < n; i++) assert.is(got[i], Math.fround(a[i] * b[i]), `${name} n=${n}`);
      be.free(pa);
      be.free(pb);
    }
  }
});

function mask(be: Backend, n: number, rate: number, seed: number): { mask: Float32Array; state: Uint32Array } {
  const rng = new Rng(seed);
  const pm = be.alloc(Math.max(1, n) * 4), pr = be.alloc(16);
  new Uint32Array(be.i32(pr, 4).buffer, be.i32(pr, 4).byteOffset, 4).set(rng.state);
  be.dropoutMask(pm, n, rate, pr);
  const out = { mask: be.f32(pm, n).slice(), state: new Uint32Array(be.i32(pr, 4).slice().buffer) };
  be.free(pm);
  be.free(pr);
  return out;
}

test('dropoutMask: bit-identical on every backend, the PRNG stream of src/rng.ts, rate 0 and 1', async () => {
  const ref: Record<string, { mask: Float32Array; state: Uint32Array }> = {};
  for (const name of BACKENDS) {
    const be = await loadBackend(name);
    for (const rate of [0, 0.1, 0.5, 0.9, 1]) {
      for (const n of [1, 7, 1000]) {
        const r = mask(be, n, rate, 42 + n);
        const key = `${rate}/${n}`;
        if (name === 'js') {
          // The stream of Rng: one nextU32 per element, and the state advanced by n draws.
          const g = new Rng(42 + n);
          const thr = Math.floor(Math.fround(rate) * 2 ** 32);
          for (let i = 0; i < n; i++) {
            const u = g.nextU32();
            const want = rate >= 1 ? 0 : u >= thr ? Math.fround(1 / (1 - Math.fround(rate))) : 0;
            assert.is(r.mask[i], want, `rate ${rate} i=${i}`);
          }
          assert.equal(Array.from(r.state), Array.from(g.state));
          if (rate === 0) assert.ok(r.mask.every((v) => v === 1));
          if (rate === 1) assert.ok(r.mask.every((v) => v === 0));
          ref[key] = r;
        } else {
          assert.ok(bitEqual(r.mask, ref[key].mask), `${name} rate=${rate} n=${n}: mask differs from js`);
          assert.equal(Array.from(r.state), Array.from(ref[key].state), `${name}: state`);
        }
      }
    }
  }
});

test('dropoutMask keeps about 1 − rate of the elements', async () => {
  for (const name of BACKENDS) {
    const be = await loadBackend(name);
    for (const rate of [0.2, 0.5, 0.8]) {
      const n = 100_000;
      const { mask: m } = mask(be, n, rate, 7);
      let kept = 0;
      for (const v of m) if (v !== 0) kept++;
      const p = 1 - rate, sd = Math.sqrt((n * p * (1 - p)));
      assert.ok(Math.abs(kept - n * p) < 5 * sd, `${name} rate=${rate}: kept ${kept} of ${n}`);
    }
  }
});

test.run();
