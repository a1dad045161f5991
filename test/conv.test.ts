// The image-layer kernels (assembly/conv.ts, pool.ts, batchnorm.ts and their js twins) against f64
// references written out here, at boundary sizes, on every backend; batch norm's running statistics
// (PyTorch's momentum and unbiased-variance semantics); image-layer specs refused with typed errors
// naming the layer and field before anything is allocated; conv and batch-norm weights in PyTorch's
// layout through getWeights/setWeights; JSON round trips with running statistics, predicting bit for bit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, sequential, train, Dataset, Network, ShapeError, HyperParameterError, type SequentialOptions } from '../src/node.js';
import { backend } from '../src/runtime/index.js';
import { Rng } from '../src/rng.js';
import { BACKENDS, uniform, maxRelDiff, bitEqual } from './_util.js';

interface Geo { n: number; C: number; H: number; W: number; F: number; k: number; s: number; pad: number }
const out = (g: Geo): [number, number] => [Math.floor((g.H + 2 * g.pad - g.k) / g.s) + 1, Math.floor((g.W + 2 * g.pad - g.k) / g.s) + 1];

/** Direct f64 convolution: y[i, f, oh, ow] = b[f] + Σ w[f, c, ki, kj]·x[i, c, oh·s − pad + ki, ow·s − pad + kj]. */
function convRef(g: Geo, x: Float32Array, w: Float32Array, b: Float32Array): Float64Array {
  const [OH, OW] = out(g);
  const y = new Float64Array(g.n * g.F * OH * OW);
  let o = 0;
  for (let i = 0; i < g.n; i++) for (let f = 0; f < g.F; f++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    let t = b[f];
    for (let c = 0; c < g.C; c++) for (let ki = 0; ki < g.k; ki++) for (let kj = 0; kj < g.k; kj++) {
      const ih = oh * g.s - g.pad + ki, iw = ow * g.s - g.pad + kj;
      if (ih >= 0 && ih < g.H && iw >= 0 && iw < g.W) t += w[((f * g.C + c) * g.k + ki) * g.k + kj] * x[((i * g.C + c) * g.H + ih) * g.W + iw];
    }
    y[o++] = t;
  }
  return y;
}

/** The adjoints of convRef by the same loops: dW, db and dX from dY. */
function convGradRef(g: Geo, x: Float32Array, w: Float32Array, dy: Float32Array): { dw: Float64Array; db: Float64Array; dx: Float64Array } {
  const [OH, OW] = out(g);
  const dw = new Float64Array(w.length), db = new Float64Array(g.F), dx = new Float64Array(x.length);
  let o = 0;
  for (let i = 0; i < g.n; i++) for (let f = 0; f < g.F; f++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    const d = dy[o++];
    db[f] += d;
    for (let c = 0; c < g.C; c++) for (let ki = 0; ki < g.k; ki++) for (let kj = 0; kj < g.k; kj++) {
      const ih = oh * g.s - g.pad + ki, iw = ow * g.s - g.pad + kj;
      if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) continue;
      const xi = ((i * g.C + c) * g.H + ih) * g.W + iw, wi = ((f * g.C + c) * g.k + ki) * g.k + kj;
      dw[wi] += d * x[xi];
      dx[xi] += d * w[wi];
    }
  }
  return { dw, db, dx };
}

const GEOS: Geo[] = [
  { n: 1, C: 1, H: 1, W: 1, F: 1, k: 1, s: 1, pad: 0 },
  { n: 3, C: 1, H: 5, W: 7, F: 3, k: 3, s: 1, pad: 0 },
  { n: 2, C: 2, H: 7, W: 5, F: 5, k: 3, s: 2, pad: 1 },
  { n: 3, C: 3, H: 8, W: 8, F: 8, k: 3, s: 1, pad: 1 },
  { n: 5, C: 3, H: 4, W: 9, F: 9, k: 2, s: 2, pad: 0 },
  { n: 2, C: 2, H: 3, W: 3, F: 17, k: 5, s: 1, pad: 2 },
  { n: 1, C: 1, H: 28, W: 28, F: 8, k: 3, s: 1, pad: 0 },
  { n: 0, C: 2, H: 5, W: 5, F: 3, k: 3, s: 1, pad: 0 },
];

// f32 sums of up to C·k·k (forward, input) or n·OH·OW (weights) products against f64.
const close = (got: Float32Array, want: Float64Array, what: string): void => {
  let scale = 1e-30;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < want.length; i++) {
    assert.ok(Math.abs(got[i] - want[i]) <= 2e-5 * scale + 1e-6, `${what}[${i}]: ${got[i]} vs ${want[i]}`);
  }
};

for (const b of BACKENDS) {
  test(`[${b}] conv2d forward, weight and input passes = f64 direct loops at boundary sizes`, async () => {
    await init({ backend: b });
    const be = backend();
    const rng = new Rng(5);
    for (const g of GEOS) {
      const [OH, OW] = out(g);
      const what = `n ${g.n} C ${g.C} ${g.H}×${g.W} F ${g.F} k ${g.k} s ${g.s} pad ${g.pad}`;
      const x = uniform(rng, g.n * g.C * g.H * g.W), w = uniform(rng, g.F * g.C * g.k * g.k), bias = uniform(rng, g.F);
      const dy = uniform(rng, g.n * g.F * OH * OW);
      const nP = g.n * OH * OW, ckk = g.C * g.k * g.k;
      const sizes = [x.length, w.length, g.F, dy.length, dy.length, x.length, w.length, g.F, nP * ckk, nP * g.F, be.convPackFloats(g.n, g.C, g.F, g.k, OH, OW)];
      const [px, pw, pb, pdy, py, pdx, pgw, pgb, col, t, pack] = sizes.map((n) => be.alloc(Math.max(1, n) * 4));
      try {
        be.f32(px, x.length).set(x); be.f32(pw, w.length).set(w); be.f32(pb, g.F).set(bias); be.f32(pdy, dy.length).set(dy);
        be.conv2dForward(py, px, pw, pb, g.n, g.C, g.H, g.W, g.F, g.k, g.s, g.pad, OH, OW, col, t, pack);
        const want = convRef(g, x, w, bias);
        close(be.f32(py, dy.length).slice(), want, `${what} forward`);
        be.conv2dDirectForward(py, px, pw, pb, g.n, g.C, g.H, g.W, g.F, g.k, g.s, g.pad, OH, OW);
        close(be.f32(py, dy.length).slice(), want, `${what} direct forward`);
        be.conv2dForward(py, px, pw, pb, g.n, g.C, g.H, g.W, g.F, g.k, g.s, g.pad, OH, OW, col, t, pack);
        be.conv2dBackwardWeights(pgw, pgb, pdy, col, g.n, g.C, g.F, g.k, OH, OW, t, pack);
        const ref = convGradRef(g, x, w, dy);
        close(be.f32(pgw, w.length).slice(), ref.dw, `${what} dW`);
        close(be.f32(pgb, g.F).slice(), ref.db, `${what} db`);
        be.conv2dBackwardInput(pdx, pdy, pw, g.n, g.C, g.H, g.W, g.F, g.k, g.s, g.pad, OH, OW, col, t, pack);
        close(be.f32(pdx, x.length).slice(), ref.dx, `${what} dX`);
      } finally {
        for (const p of [px, pw, pb, pdy, py, pdx, pgw, pgb, col, t, pack]) be.free(p);
      }
    }
  });

  test(`[${b}] pools: max (first maximum, argmax, overlapping windows add) and average, flooring like PyTorch`, async () => {
    await init({ backend: b });
    const be = backend();
    const rng = new Rng(8);
    for (const [n, C, H, W, size, s] of [[1, 1, 1, 1, 1, 1], [2, 3, 5, 5, 2, 2], [3, 2, 7, 9, 3, 2], [1, 2, 5, 4, 3, 1], [2, 1, 8, 8, 2, 2]]) {
      const OH = Math.floor((H - size) / s) + 1, OW = Math.floor((W - size) / s) + 1;
      const x = uniform(rng, n * C * H * W), dy = uniform(rng, n * C * OH * OW);
      const [px, py, parg, pdy, pdx] = [x.length, dy.length, dy.length, dy.length, x.length].map((v) => be.alloc(Math.max(1, v) * 4));
      try {
        be.f32(px, x.length).set(x); be.f32(pdy, dy.length).set(dy);
        const wantMax = new Float64Array(dy.length), wantAvg = new Float64Array(dy.length);
        const dxMax = new Float64Array(x.length), dxAvg = new Float64Array(x.length);
        let o = 0;
        for (let pl = 0; pl < n * C; pl++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++, o++) {
          let m = -Infinity, at = -1, sum = 0;
          for (let ki = 0; ki < size; ki++) for (let kj = 0; kj < size; kj++) {
            const q = pl * H * W + (oh * s + ki) * W + ow * s + kj;
            if (x[q] > m) { m = x[q]; at = q; }
            sum += x[q];
          }
          wantMax[o] = m; wantAvg[o] = sum / (size * size);
          dxMax[at] += dy[o];
          for (let ki = 0; ki < size; ki++) for (let kj = 0; kj < size; kj++) dxAvg[pl * H * W + (oh * s + ki) * W + ow * s + kj] += dy[o] / (size * size);
        }
        be.maxPool2dForward(py, parg, px, n, C, H, W, size, s, OH, OW);
        assert.equal(Array.from(be.f32(py, dy.length)), Array.from(wantMax, Math.fround), `max ${n}×${C}×${H}×${W} size ${size} stride ${s}`);
        be.maxPool2dBackward(pdx, pdy, parg, n, C, H, W, OH, OW);
        close(be.f32(pdx, x.length).slice(), dxMax, 'max dX');
        be.avgPool2dForward(py, px, n, C, H, W, size, s, OH, OW);
        close(be.f32(py, dy.length).slice(), wantAvg, 'avg');
        be.avgPool2dBackward(pdx, pdy, n, C, H, W, size, s, OH, OW);
        close(be.f32(pdx, x.length).slice(), dxAvg, 'avg dX');
      } finally {
        for (const p of [px, py, parg, pdy, pdx]) be.free(p);
      }
    }
  });

  test(`[${b}] max pool 2×2 stride 2 (its own unrolled loop): ties keep the first maximum, a NaN wins, argmax counted within its image`, async () => {
    await init({ backend: b });
    const be = backend();
    // Values from {0, 1, 2} make ties in most windows; a NaN in some. Reference: the test's own scan.
    const rng = new Rng(21);
    for (const [n, C, H, W] of [[1, 1, 2, 2], [2, 3, 5, 7], [1, 2, 6, 6], [3, 1, 9, 4]]) {
      const OH = Math.floor((H - 2) / 2) + 1, OW = Math.floor((W - 2) / 2) + 1;
      const x = Float32Array.from({ length: n * C * H * W }, () => (rng.next() < 0.05 ? NaN : rng.below(3)));
      const [px, py, parg] = [x.length, n * C * OH * OW, n * C * OH * OW].map((v) => be.alloc(v * 4));
      try {
        be.f32(px, x.length).set(x);
        be.maxPool2dForward(py, parg, px, n, C, H, W, 2, 2, OH, OW);
        const y = be.f32(py, n * C * OH * OW).slice(), arg = be.i32(parg, n * C * OH * OW).slice();
        let o = 0;
        for (let pl = 0; pl < n * C; pl++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++, o++) {
          let at = pl * H * W + oh * 2 * W + ow * 2, m = x[at];
          for (const [ki, kj] of [[0, 1], [1, 0], [1, 1]]) {
            const q = pl * H * W + (oh * 2 + ki) * W + ow * 2 + kj;
            if (x[q] > m || Number.isNaN(x[q])) { m = x[q]; at = q; }
          }
          assert.ok(Object.is(y[o], m) || (Number.isNaN(y[o]) && Number.isNaN(m)), `${n}×${C}×${H}×${W} output ${o}: ${y[o]} vs ${m}`);
          assert.is(arg[o], at - Math.floor(pl / C) * C * H * W, `${n}×${C}×${H}×${W} argmax ${o}`);
        }
      } finally {
        for (const p of [px, py, parg]) be.free(p);
      }
    }
  });

  test(`[${b}] batch norm: biased variance to normalize, unbiased in the running estimate, momentum 0.1`, async () => {
    await init({ backend: b });
    const be = backend();
    const rng = new Rng(9);
    for (const [n, C, S] of [[2, 1, 1], [5, 3, 7], [4, 2, 1], [3, 1, 9]]) {
      const x = uniform(rng, n * C * S, -2, 3), gamma = uniform(rng, C, 0.5, 1.5), beta = uniform(rng, C);
      const len = n * C * S;
      const [py, ph, px, pg, pb, pm, pv, pa] = [len, len, len, C, C, C, C, 2 * C].map((v) => be.alloc(v * 4));
      try {
        be.f32(px, len).set(x); be.f32(pg, C).set(gamma); be.f32(pb, C).set(beta);
        be.f32(pm, C).fill(0); be.f32(pv, C).fill(1);
        be.batchNormForward(py, ph, px, pg, pb, pm, pv, pa, n, C, S, 1, 0.1, 1e-5);
        const y = be.f32(py, len).slice(), rm = be.f32(pm, C).slice(), rv = be.f32(pv, C).slice();
        for (let c = 0; c < C; c++) {
          const vals: number[] = [];
          for (let i = 0; i < n; i++) for (let j = 0; j < S; j++) vals.push(x[(i * C + c) * S + j]);
          const N = vals.length, mu = vals.reduce((a, v) => a + v, 0) / N;
          const ss = vals.reduce((a, v) => a + (v - mu) ** 2, 0);
          assert.ok(Math.abs(rm[c] - 0.1 * mu) < 1e-6, `running mean ${rm[c]} vs ${0.1 * mu}`);
          assert.ok(Math.abs(rv[c] - (0.9 + 0.1 * ss / (N - 1))) < 1e-6, `running var ${rv[c]} vs unbiased`);
          for (let i = 0; i < n; i++) for (let j = 0; j < S; j++) {
            const q = (i * C + c) * S + j;
            const want = gamma[c] * (x[q] - mu) / Math.sqrt(ss / N + 1e-5) + beta[c];
            assert.ok(Math.abs(y[q] - want) < 1e-5, `y ${y[q]} vs ${want}`);
          }
        }
        // Inference: the running estimates normalize, and nothing moves.
        be.batchNormForward(py, ph, px, pg, pb, pm, pv, pa, n, C, S, 0, 0.1, 1e-5);
        const yi = be.f32(py, len).slice();
        assert.ok(bitEqual(be.f32(pm, C).slice(), rm) && bitEqual(be.f32(pv, C).slice(), rv), 'inference leaves the running statistics');
        for (let q = 0; q < len; q++) {
          const c = Math.floor(q / S) % C;
          const want = gamma[c] * (x[q] - rm[c]) / Math.sqrt(rv[c] + 1e-5) + beta[c];
          assert.ok(Math.abs(yi[q] - want) < 1e-5, `inference y ${yi[q]} vs ${want}`);
        }
      } finally {
        for (const p of [py, ph, px, pg, pb, pm, pv, pa]) be.free(p);
      }
    }
  });
}

const CNN: SequentialOptions = {
  inputShape: [2, 7, 7],
  layers: [
    { type: 'conv2d', filters: 3, kernel: 3, padding: 'same' }, { type: 'batchNorm' }, { type: 'relu' },
    { type: 'maxPool2d', size: 2 }, { type: 'conv2d', filters: 4, kernel: 2, bias: false }, { type: 'flatten' },
    { type: 'batchNorm' }, { type: 'dense', units: 3 },
  ],
  loss: 'softmax', seed: 2,
};

const BAD: [string, Partial<SequentialOptions>, new (...a: never[]) => Error, RegExp][] = [
  ['a kernel larger than its input', { inputShape: [1, 4, 4], layers: [{ type: 'conv2d', filters: 2, kernel: 5 }, { type: 'flatten' }, { type: 'dense', units: 2 }] }, ShapeError, /layers\[0\]\.kernel/],
  ['a pool larger than its input', { inputShape: [1, 4, 4], layers: [{ type: 'maxPool2d', size: 5 }, { type: 'flatten' }, { type: 'dense', units: 2 }] }, ShapeError, /layers\[0\]\.size/],
  ['a reshape that does not hold the features', { inputShape: [50], layers: [{ type: 'reshape', shape: [1, 7, 7] }, { type: 'flatten' }, { type: 'dense', units: 2 }] }, ShapeError, /layers\[0\] \(reshape\)/],
  ['conv2d on a flat input', { inputShape: [49], layers: [{ type: 'conv2d', filters: 2, kernel: 3 }, { type: 'flatten' }, { type: 'dense', units: 2 }] }, ShapeError, /layers\[0\] \(conv2d\)/],
  ['inChannels that disagree', { inputShape: [1, 5, 5], layers: [{ type: 'conv2d', filters: 2, kernel: 3, inChannels: 3 }, { type: 'flatten' }, { type: 'dense', units: 2 }] }, ShapeError, /layers\[0\]\.inChannels/],
  ["'same' with stride 2", { inputShape: [1, 5, 5], layers: [{ type: 'conv2d', filters: 2, kernel: 3, stride: 2, padding: 'same' }, { type: 'flatten' }, { type: 'dense', units: 2 }] }, HyperParameterError, /layers\[0\]\.padding/],
  ['a negative padding', { inputShape: [1, 5, 5], layers: [{ type: 'conv2d', filters: 2, kernel: 3, padding: -1 }, { type: 'flatten' }, { type: 'dense', units: 2 }] }, HyperParameterError, /layers\[0\]\.padding/],
  ['filters 0', { inputShape: [1, 5, 5], layers: [{ type: 'conv2d', filters: 0, kernel: 3 }, { type: 'flatten' }, { type: 'dense', units: 2 }] }, HyperParameterError, /layers\[0\]\.filters/],
  ['a pool stride 0', { inputShape: [1, 5, 5], layers: [{ type: 'avgPool2d', size: 2, stride: 0 }, { type: 'flatten' }, { type: 'dense', units: 2 }] }, HyperParameterError, /layers\[0\]\.stride/],
  ['batch norm momentum 2', { inputShape: [4], layers: [{ type: 'batchNorm', momentum: 2 }, { type: 'dense', units: 2 }] }, HyperParameterError, /layers\[0\]\.momentum/],
  ['dense on an image', { inputShape: [1, 5, 5], layers: [{ type: 'dense', units: 2 }] }, ShapeError, /flatten/],
];

test('bad image-layer specs: a typed error naming the layer and field, and nothing allocated', async () => {
  await init({ backend: 'wasm-simd' });
  const be = backend();
  const live = be.liveBytes();
  for (const [what, o, type, re] of BAD) {
    assert.throws(() => sequential({ loss: 'softmax', ...o } as SequentialOptions), (e: unknown) => e instanceof type && re.test((e as Error).message), what);
  }
  assert.is(be.liveBytes(), live, 'a refused spec allocated nothing');
  // A pool that does not divide floors like PyTorch (ceil_mode=False): 5×5 by 2 gives 2×2.
  const net = sequential({ inputShape: [1, 5, 5], layers: [{ type: 'maxPool2d', size: 2 }, { type: 'flatten' }, { type: 'dense', units: 2 }], loss: 'softmax' });
  assert.equal(net.getWeights(2).weight.length, 2 * 4);
  net.dispose();
});

for (const b of BACKENDS) {
  test(`[${b}] conv and batch-norm weights in PyTorch's layout; JSON keeps the running statistics, bit for bit`, async () => {
    await init({ backend: b });
    const net = sequential(CNN);
    const rng = new Rng(4);
    const x = uniform(rng, 40 * 98), y = Float32Array.from({ length: 40 }, () => rng.below(3));
    const ds = Dataset.fromArrays(x, y, { features: 98 });
    try {
      const w0 = net.getWeights(0);
      assert.is(w0.weight.length, 3 * 2 * 3 * 3);
      const bound = 1 / Math.sqrt(2 * 9); // PyTorch's Conv2d default: ±1/√(inChannels·k·k)
      assert.ok(w0.weight.every((v) => Math.abs(v) <= bound) && w0.bias!.every((v) => Math.abs(v) <= bound));
      const bn = net.getWeights(1);
      assert.equal(Array.from(bn.weight), [1, 1, 1]);
      assert.equal(Array.from(bn.bias!), [0, 0, 0]);
      assert.equal(Array.from(bn.runningMean!), [0, 0, 0]);
      assert.equal(Array.from(bn.runningVar!), [1, 1, 1]);
      assert.is(net.getWeights(4).bias, null);
      assert.throws(() => net.getWeights(2), (e: unknown) => e instanceof ShapeError && /layers\[2\] is a relu/.test((e as Error).message));
      const w4 = Float32Array.from({ length: 4 * 3 * 2 * 2 }, (_, i) => i / 100);
      net.setWeights(4, { weight: w4 });
      assert.ok(bitEqual(net.getWeights(4).weight, w4));
      assert.throws(() => net.setWeights(4, { weight: new Float32Array(5) }), (e: unknown) => e instanceof ShapeError && /4 × 3 × 2 × 2/.test((e as Error).message));
      train(net, ds, { optimizer: { name: 'adam', lr: 1e-2 }, batch: 16, epochs: 2, seed: 1 });
      const stats = net.getWeights(6);
      assert.ok(stats.runningMean!.some((v) => v !== 0) && stats.runningVar!.some((v) => v !== 1), 'training moved the running statistics');
      const copy = Network.fromJSON(JSON.stringify(net));
      try {
        assert.ok(bitEqual(copy.decision(ds), net.decision(ds)), 'the copy predicts bit for bit (inference uses the running statistics)');
        assert.ok(bitEqual(copy.getWeights(6).runningVar!, stats.runningVar!));
      } finally {
        copy.dispose();
      }
      net.setWeights(1, { weight: [2, 2, 2], bias: [0, 0, 0], runningMean: [1, 2, 3], runningVar: [4, 5, 6] });
      assert.equal(Array.from(net.getWeights(1).runningVar!), [4, 5, 6]);
      assert.ok(maxRelDiff(net.getWeights(1).runningMean!, [1, 2, 3]) === 0);
    } finally {
      net.dispose();
      ds.dispose();
    }
  });
}

test.run();
