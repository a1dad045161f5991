// Embedding, GRU and LSTM gradients against central finite differences.
// 1. The f64 js twins (src/backends/js/recurrent.ts run on Float64Array buffers): backpropagation through time
//    against differences of the forward pass, for every parameter and every input, at odd sizes (T = 1, 3, 5;
//    units 1, 3, 5; with and without returnSequences; with a step mask). In f64 the differences are exact to
//    ~1e-9, so the tolerance is 1e-6 relative.
// 2. Whole networks (embedding → gru/lstm → dense) through the kernels the trainer runs (backend.lossGrad) on
//    every backend, in f32, as test/network.grad.test.ts does for the other layers.
// 3. A left-padded row (pad id skipped) gives the same loss and gradient as its unpadded sequence.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, sequential, Dataset, type BackendName, type LayerSpec } from '../src/index.js';
import { Rng } from '../src/rng.js';
import { backend } from '../src/runtime/index.js';
import { Block, disposeAll } from '../src/runtime/block.js';
import { Run } from '../src/runtime/run.js';
import { gruForward, gruBackward, lstmForward, lstmBackward, type RecurrentAt } from '../src/backends/js/recurrent.js';
import { embeddingForward, embeddingBackward } from '../src/backends/js/embedding.js';

const BACKENDS: BackendName[] = ['js', 'wasm-scalar', 'wasm-simd'];

/** A recurrent layer laid out in f64 buffers: n rows, T steps, I inputs, U units; mask: row 0 left-padded. */
function layout(type: 'gru' | 'lstm', n: number, T: number, I: number, U: number, masked: boolean, rng: Rng) {
  const G = (type === 'gru' ? 3 : 4) * U;
  const params = Float64Array.from({ length: G * I + G * U + 2 * G }, () => rng.normal() * 0.6);
  let o = 0;
  const take = (k: number): number => ((o += k), o - k);
  const at = { x: take(n * T * I), hs: take(n * T * U), gates: take(n * T * 6 * U), xg: take(n * T * G), hg: take(n * G), carry: take(2 * n * U), mask: take(n * T) };
  const dx = take(n * T * I);
  const ws = new Float64Array(o);
  for (let i = 0; i < n * T * I; i++) ws[at.x + i] = rng.normal();
  for (let i = 0; i < n * T; i++) ws[at.mask + i] = masked && i < Math.floor(T / 2) ? 0 : 1; // row 0: its first ⌊T/2⌋ steps
  const a: RecurrentAt = { params, w: 0, wHh: G * I, b: G * I + G * U, bHh: G * I + G * U + G, ws, ...at, mask: masked ? at.mask : -1, n, T, I, U };
  return { a, dx };
}

/** f = Σ c·out, out = every state (seq) or each row's last state; returns f. */
function objective(type: 'gru' | 'lstm', a: RecurrentAt, c: Float64Array, seq: boolean): number {
  (type === 'gru' ? gruForward : lstmForward)(a);
  let f = 0;
  for (let i = 0; i < a.n; i++) {
    for (let t = seq ? 0 : a.T - 1; t < a.T; t++) {
      for (let j = 0; j < a.U; j++) f += c[seq ? (i * a.T + t) * a.U + j : i * a.U + j] * a.ws[a.hs + (i * a.T + t) * a.U + j];
    }
  }
  return f;
}

const SIZES: [number, number][] = [[1, 1], [3, 3], [5, 5], [3, 1], [1, 5], [5, 3]];
for (const type of ['gru', 'lstm'] as const) {
  for (const [T, U] of SIZES) {
    for (const seq of [false, true]) {
      for (const masked of T > 1 ? [false, true] : [false]) {
        test(`f64 twin ${type} T=${T} units=${U}${seq ? ' returnSequences' : ''}${masked ? ' masked' : ''}: BPTT = central differences`, () => {
          const rng = new Rng(T * 31 + U * 7 + (seq ? 1 : 0) + (masked ? 2 : 0));
          const n = 2, I = 3;
          const { a, dx } = layout(type, n, T, I, U, masked, rng);
          const c = Float64Array.from({ length: n * (seq ? T : 1) * U }, () => rng.normal());
          objective(type, a, c, seq);
          const g = new Float64Array(a.params.length);
          (type === 'gru' ? gruBackward : lstmBackward)(a, g, 0, c, 0, dx, seq);
          const gx = a.ws.slice(dx, dx + n * T * I);
          let worst = 0;
          const check = (arr: Float64Array, k: number, got: number, what: string): void => {
            const v = arr[k], h = 1e-6;
            arr[k] = v + h;
            const up = objective(type, a, c, seq);
            arr[k] = v - h;
            const down = objective(type, a, c, seq);
            arr[k] = v;
            const fd = (up - down) / (2 * h);
            const err = Math.abs(fd - got) / Math.max(1e-3, Math.abs(fd));
            worst = Math.max(worst, err);
            assert.ok(err < 1e-6, `${what}: BPTT ${got} vs differences ${fd}`);
          };
          for (let k = 0; k < a.params.length; k++) check(a.params, k, g[k], `param ${k}`);
          for (let k = 0; k < n * T * I; k++) check(a.ws, a.x + k, gx[k], `input ${k}`);
          if (masked) {
            // Row 0's padded steps: no gradient reaches their inputs.
            for (let t = 0; t < Math.floor(T / 2); t++) for (let k = 0; k < I; k++) assert.is(gx[t * I + k], 0, `padded step ${t}`);
          }
        });
      }
    }
  }
}

test('f64 twin embedding (paddingId 2): gradient = central differences, the pad row gets none', () => {
  const rng = new Rng(5);
  const n = 3, T = 5, D = 3, vocab = 7, pad = 2;
  const W = Float64Array.from({ length: vocab * D }, () => rng.normal());
  const x = Float64Array.from({ length: n * T }, () => rng.below(vocab));
  x[0] = pad;
  const c = Float64Array.from({ length: n * T * D }, () => rng.normal());
  const ws = new Float64Array(n * T * D + n * T);
  const f = (): number => {
    embeddingForward(ws, 0, n * T * D, x, 0, W, 0, n, T, D, vocab, pad);
    let s = 0;
    for (let i = 0; i < n * T * D; i++) s += c[i] * ws[i];
    return s;
  };
  f();
  for (let i = 0; i < n * T; i++) assert.is(ws[n * T * D + i], x[i] === pad ? 0 : 1, `mask ${i}`);
  const g = new Float64Array(vocab * D);
  embeddingBackward(g, 0, c, 0, x, 0, n, T, D, vocab, pad);
  for (let k = 0; k < vocab * D; k++) {
    const v = W[k];
    W[k] = v + 1e-6;
    const up = f();
    W[k] = v - 1e-6;
    const down = f();
    W[k] = v;
    const fd = Math.floor(k / D) === pad ? 0 : (up - down) / 2e-6;
    assert.ok(Math.abs(fd - g[k]) < 1e-6 * Math.max(1, Math.abs(fd)), `W[${k}]: ${g[k]} vs ${fd}`);
  }
  for (let j = 0; j < D; j++) assert.is(g[pad * D + j], 0, 'pad row');
});

// Whole networks through the backends' kernels (f32), as test/network.grad.test.ts.
interface NetCase { name: string; T: number; layers: LayerSpec[]; rows: number }
const NETS: NetCase[] = [];
for (const type of ['gru', 'lstm'] as const) {
  NETS.push(
    { name: `embedding(9, 3) → ${type}(5) → dense(3), T=5`, T: 5, rows: 5, layers: [{ type: 'embedding', vocab: 9, dim: 3 }, { type, units: 5 }, { type: 'dense', units: 3 }] },
    { name: `embedding(9, 4, pad 0) → ${type}(3, returnSequences) → ${type}(1) → dense(3), T=3`, T: 3, rows: 7, layers: [{ type: 'embedding', vocab: 9, dim: 4, paddingId: 0 }, { type, units: 3, returnSequences: true }, { type, units: 1 }, { type: 'dense', units: 3 }] },
    { name: `embedding(5, 2) → ${type}(3, returnSequences) → flatten → dense(3), T=1, 130 rows (two chunks)`, T: 1, rows: 130, layers: [{ type: 'embedding', vocab: 5, dim: 2 }, { type, units: 3, returnSequences: true }, { type: 'flatten' }, { type: 'dense', units: 3 }] },
  );
}

function gradients(c: NetCase, seed: number): { loss: number; g: Float32Array; fd: (i: number) => { fd: number; g: number }; done: () => void } {
  const rng = new Rng(seed);
  const net = sequential({ inputShape: [c.T], layers: c.layers, loss: 'softmax', seed: 3 });
  const vocab = (c.layers[0] as { vocab: number }).vocab;
  const x = Float32Array.from({ length: c.rows * c.T }, () => rng.below(vocab));
  const y = Float32Array.from({ length: c.rows }, () => rng.below(3));
  const ds = Dataset.fromArrays(x, y, { features: c.T });
  const be = backend();
  const idx = new Block(be, 'i32', c.rows), grads = new Block(be, 'f32', net.size);
  const run = new Run(be, { ...net.runFields(), ...ds.runFields(), grads: grads.ptr, idx: idx.ptr, rows: c.rows });
  be.iotaI32(idx.ptr, c.rows);
  const f = (): number => be.lossGrad(run.ptr, 0, c.rows);
  const loss = f();
  const g = grads.view.slice();
  const p = net.paramsBlock;
  return {
    loss, g,
    fd: (i) => {
      const p0 = p.view[i], h = 2 ** -9 * Math.max(1, Math.abs(p0));
      p.view[i] = p0 + h;
      const up = p.view[i], fp = f();
      p.view[i] = p0 - h;
      const down = p.view[i], fm = f();
      p.view[i] = p0;
      return { fd: (fp - fm) / (up - down), g: g[i] };
    },
    done: () => {
      run.dispose();
      disposeAll(idx, grads);
      ds.dispose();
      net.dispose();
    },
  };
}

const simdGrads = new Map<string, Float32Array>();
for (const b of BACKENDS) {
  for (const c of NETS) {
    test(`[${b}] ${c.name}: gradient = central differences`, async () => {
      await init({ backend: b });
      const r = gradients(c, 17);
      try {
        let gmax = 0, worst = 0;
        for (const v of r.g) gmax = Math.max(gmax, Math.abs(v));
        assert.ok(gmax > 0, 'the gradient is not all zero');
        for (let i = 0; i < r.g.length; i++) {
          const { fd, g } = r.fd(i);
          const err = Math.abs(fd - g) / (Math.abs(g) + 0.05 * gmax + 1e-3);
          worst = Math.max(worst, err);
          assert.ok(err < 5e-3, `${c.name} param ${i}: kernel ${g} vs differences ${fd}`);
        }
        if (b === 'wasm-scalar') simdGrads.set(c.name, r.g);
        if (b === 'wasm-simd') {
          // The scalar and SIMD builds compute the same gradient bit for bit.
          const s = simdGrads.get(c.name);
          if (s) for (let i = 0; i < s.length; i++) assert.ok(Object.is(s[i], r.g[i]), `${c.name} param ${i}: scalar ${s[i]} vs simd ${r.g[i]}`);
          console.log(`  ${c.name}: worst ${worst.toExponential(1)} of the scale; scalar ≡ simd bit for bit`);
        }
      } finally {
        r.done();
      }
    });
  }
}

for (const b of BACKENDS) {
  for (const type of ['gru', 'lstm'] as const) {
    test(`[${b}] ${type}: a left-padded row (pad id skipped) = its unpadded sequence, loss and gradient`, async () => {
      await init({ backend: b });
      const seq = [3, 1, 4, 1, 5];
      const out = (T: number, pad: number): { loss: number; g: Float32Array; embedding: Float32Array } => {
        const net = sequential({
          inputShape: [T], loss: 'logistic', seed: 9,
          layers: [{ type: 'embedding', vocab: 7, dim: 3, paddingId: 0 }, { type, units: 4 }, { type: 'dense', units: 1 }],
        });
        const ds = Dataset.fromArrays(new Float32Array([...new Array(pad).fill(0), ...seq]), new Float32Array([1]), { features: T });
        const be = backend();
        const idx = new Block(be, 'i32', 1), grads = new Block(be, 'f32', net.size);
        const run = new Run(be, { ...net.runFields(), ...ds.runFields(), grads: grads.ptr, idx: idx.ptr, rows: 1 });
        try {
          be.iotaI32(idx.ptr, 1);
          const loss = be.lossGrad(run.ptr, 0, 1);
          return { loss, g: grads.view.slice(), embedding: net.getWeights(0).weight };
        } finally {
          run.dispose();
          disposeAll(idx, grads);
          ds.dispose();
          net.dispose();
        }
      };
      const a = out(5, 0), p = out(8, 3);
      assert.is(p.loss, a.loss, 'loss');
      for (let i = 0; i < a.g.length; i++) assert.ok(Object.is(p.g[i], a.g[i]), `gradient ${i}: ${p.g[i]} vs ${a.g[i]}`);
      for (let j = 0; j < 3; j++) assert.is(a.embedding[j], 0, 'the pad row starts at 0 (torch padding_idx)');
    });
  }
}

test.run();
