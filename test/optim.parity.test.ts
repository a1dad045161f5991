// Parity of every update rule across the three backends: wasm-scalar and wasm-simd must agree bit for
// bit (the kernels run the same f32 operations in the same order in the SIMD body and the scalar
// tail), and the plain-TS twin, which computes in f64 between f32 stores, must agree to ~1e-6.
// Lengths straddle the 4-lane SIMD width and its tail (n % 4 = 0…3), and every flag combination runs
// for several steps with seeded random gradients.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, optimizer, type BackendName, type Optimizer, type OptimizerOptions } from '../src/index.js';
import { Rng } from '../src/rng.js';
import { backend } from '../src/runtime/index.js';
import { resolveOptimizer } from '../src/optim/index.js';
import { RULE } from '../src/backends/abi.generated.js';

// n = 0 is refused by optimizer() (a ShapeError), so the smallest length is 1.
const LENGTHS = [1, 3, 4, 5, 7, 8, 15, 16, 17, 63, 64, 65, 1023];
// RAdam switches to its rectified update at t = 6 with β2 = 0.999: eight steps see both phases.
const STEPS = 8;

// L2 weight decay is a power of two so that λ·p is exact in f32: g = grad + λ·p then differs between
// the f64 twin and the f32 kernels by one rounding of g itself. With λ = 0.01 the product's rounding
// error is relative to p, and when grad ≈ −λ·p cancels it the comparison would measure the
// conditioning of that sum, not the kernels (the torch replay covers λ = 0.01 at 1e-5).
const WD = 2 ** -6;

const CONFIGS: OptimizerOptions[] = [
  { name: 'sgd', lr: 0.05 },
  { name: 'sgd', lr: 0.05, weightDecay: WD },
  { name: 'sgd', lr: 0.05, momentum: 0.9 },
  { name: 'sgd', lr: 0.05, momentum: 0.9, dampening: 0.2, weightDecay: WD },
  { name: 'sgd', lr: 0.05, momentum: 0.9, nesterov: true },
  { name: 'adam', lr: 0.01 },
  { name: 'adam', lr: 0.01, weightDecay: WD, betas: [0.8, 0.95] },
  { name: 'adam', lr: 0.01, amsgrad: true },
  { name: 'adamw', lr: 0.01 },
  { name: 'adamw', lr: 0.01, weightDecay: 0.125, amsgrad: true },
  { name: 'adagrad', lr: 0.1 },
  { name: 'adagrad', lr: 0.1, lrDecay: 0.01, weightDecay: WD, initialAccumulatorValue: 0.1 },
  { name: 'adadelta' },
  { name: 'adadelta', lr: 0.5, rho: 0.95, weightDecay: WD },
  { name: 'rmsprop', lr: 0.01 },
  { name: 'rmsprop', lr: 0.01, weightDecay: WD, alpha: 0.9 },
  { name: 'rmsprop', lr: 0.01, centered: true },
  { name: 'rmsprop', lr: 0.01, momentum: 0.5 },
  { name: 'rmsprop', lr: 0.01, momentum: 0.5, centered: true, weightDecay: WD },
  { name: 'adamax' },
  { name: 'adamax', lr: 0.01, betas: [0.8, 0.95], weightDecay: WD },
  { name: 'nadam', lr: 0.01 },
  { name: 'nadam', lr: 0.01, betas: [0.85, 0.99], momentumDecay: 0.01, weightDecay: WD },
  { name: 'radam', lr: 0.01 },
  { name: 'radam', lr: 0.01, betas: [0.8, 0.99], weightDecay: WD },
  { name: 'lion', lr: 0.001, weightDecay: WD }, // a pure ±lr walk may come back to p0 exactly
  { name: 'lion', lr: 0.001, betas: [0.95, 0.98], weightDecay: 0.125 },
  { name: 'sparseAdam', lr: 0.01 },
  { name: 'sparseAdam', lr: 0.01, betas: [0.8, 0.95], eps: 1e-3 },
];

// js vs wasm: 1e-6 relative to the element's magnitude, where the magnitude is the largest the
// element has had so far in this run (parameter or state). An f32 result that lands near zero by
// cancellation (p − lr·b with p ≈ lr·b, or a momentum buffer whose sign flips) carries the absolute
// rounding error of the larger operands that cancelled, and those operands are earlier values of the
// same element. The f64 twin and the f32 kernels also round the hyper-parameters differently
// (0.9 vs f32(0.9)), a few 1e-8 per step.
const REL = 1e-6;

const BACKENDS: BackendName[] = ['js', 'wasm-scalar', 'wasm-simd'];

function bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}

/** First index where two f32 arrays differ in any bit, or -1. */
function firstBitDiff(a: Float32Array, b: Float32Array): number {
  const x = bits(a), y = bits(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

/**
 * Largest |a − b| / (REL·max(scale, |a|, |b|)) over the elements, after raising `scale` (the running
 * per-element magnitude) to |a|: ≤ 1 means within tolerance.
 */
function worst(a: Float32Array, b: Float32Array, scale: Float64Array): { ratio: number; at: number } {
  let ratio = 0, at = -1;
  for (let i = 0; i < a.length; i++) {
    scale[i] = Math.max(scale[i], Math.abs(a[i]));
    const d = Math.abs(a[i] - b[i]);
    if (d === 0) continue;
    const r = d / (REL * Math.max(scale[i], Math.abs(b[i])));
    if (!(r <= ratio)) {
      ratio = r;
      at = i;
    }
  }
  return { ratio, at };
}

test('every rule and flag combination: wasm-scalar ≡ wasm-simd bit for bit, js within 1e-6', async () => {
  let checks = 0;
  let maxRatio = 0;
  for (const config of CONFIGS) {
    const label = JSON.stringify(config);
    for (const n of LENGTHS) {
      const rng = new Rng(n * 7919 + 17);
      const p0 = Float32Array.from({ length: n }, () => rng.normal());
      // Gradients of varied magnitude (1e-3 … 10) so the adaptive denominators are exercised.
      const grads = Array.from({ length: STEPS }, () =>
        Float32Array.from({ length: n }, () => rng.normal() * 10 ** (rng.next() * 4 - 3)));
      const opts: Optimizer[] = [];
      for (const backend of BACKENDS) {
        await init({ backend });
        const o = optimizer(structuredClone(config), n);
        o.params.set(p0);
        opts.push(o);
      }
      try {
        const [js, scalar, simd] = opts;
        const scaleP = Float64Array.from(p0, Math.abs);
        const scaleS = new Float64Array(js.stateBlock.length);
        for (let t = 0; t < STEPS; t++) {
          for (const o of opts) {
            o.grads.set(grads[t]);
            o.step();
          }
          const where = `${label} n=${n} step ${t + 1}`;
          const dp = firstBitDiff(scalar.params, simd.params);
          assert.is(dp, -1, `${where}: params[${dp}] scalar ${scalar.params[dp]} ≠ simd ${simd.params[dp]}`);
          const ds = firstBitDiff(scalar.stateBlock.view, simd.stateBlock.view);
          assert.is(ds, -1, `${where}: state[${ds}] scalar ≠ simd`);
          for (let i = 0; i < 16; i++) {
            assert.ok(Object.is(scalar.hyperBlock.view[i], simd.hyperBlock.view[i]), `${where}: h[${i}] scalar ≠ simd`);
          }
          const wp = worst(js.params, simd.params, scaleP);
          assert.ok(wp.ratio <= 1,
            `${where}: params[${wp.at}] js ${js.params[wp.at]} vs wasm ${simd.params[wp.at]} (${wp.ratio.toFixed(2)}× tolerance)`);
          const wst = worst(js.stateBlock.view, simd.stateBlock.view, scaleS);
          assert.ok(wst.ratio <= 1, `${where}: state[${wst.at}] js vs wasm (${wst.ratio.toFixed(2)}× tolerance)`);
          assert.is(js.stepCount, t + 1);
          assert.is(simd.stepCount, t + 1);
          maxRatio = Math.max(maxRatio, wp.ratio, wst.ratio);
          checks++;
        }
        // The run must have moved every parameter, or the comparisons above prove nothing.
        for (let i = 0; i < n; i++) assert.ok(simd.params[i] !== p0[i], `${label} n=${n}: params[${i}] never moved`);
      } finally {
        for (const o of opts) o.dispose();
      }
    }
  }
  console.log(`parity: ${CONFIGS.length} configs × ${LENGTHS.length} lengths × ${STEPS} steps = ${checks} checks; ` +
    `worst js/wasm difference ${maxRatio.toFixed(3)} of the tolerance`);
});

test('the same seed gives bit-identical wasm runs (no hidden state between optimizers)', async () => {
  for (const backend of ['wasm-scalar', 'wasm-simd'] as const) {
    await init({ backend });
    for (const config of CONFIGS) {
      const runs = [0, 1].map(() => {
        const rng = new Rng(99);
        const o = optimizer(structuredClone(config), 33);
        o.params.set(Float32Array.from({ length: 33 }, () => rng.normal()));
        for (let t = 0; t < 3; t++) {
          o.grads.set(Float32Array.from({ length: 33 }, () => rng.normal()));
          o.step();
        }
        const out = o.params.slice();
        o.dispose();
        return out;
      });
      assert.is(firstBitDiff(runs[0], runs[1]), -1, `${backend} ${JSON.stringify(config)}`);
    }
  }
});

test('n = 0 (refused by optimizer(), reachable through the backend): kernels touch nothing but the step count', async () => {
  for (const name of BACKENDS) {
    await init({ backend: name });
    const be = backend();
    for (const config of CONFIGS) {
      const r = resolveOptimizer(structuredClone(config));
      const ptrs = [be.alloc(64), be.alloc(64), be.alloc(3 * 64), be.alloc(16 * 8)];
      try {
        const [p, g, st, h] = ptrs;
        const views = [be.f32(p, 16), be.f32(g, 16), be.f32(st, 48)];
        views.forEach((v, k) => v.fill(k + 0.5));
        be.f64(h, 16).set(r.hyper);
        be.optimStep(RULE[r.spec.name as keyof typeof RULE], p, g, st, 0, h);
        const after = [be.f32(p, 16), be.f32(g, 16), be.f32(st, 48)];
        after.forEach((v, k) => assert.ok(v.every((x) => x === k + 0.5), `${name} ${JSON.stringify(config)}: block ${k} written`));
        assert.is(be.f64(h, 16)[1], 1);
      } finally {
        ptrs.forEach((q) => be.free(q));
      }
    }
  }
});

test.run();
