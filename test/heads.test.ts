// Loss heads on every backend: parity with the js twin, the twin's gradient against central finite
// differences in f64 at odd sizes, the mean reduction of PyTorch, softmax stable at logits ±1e4, and dZ
// aliasing Z.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadBackend, type Backend } from '../src/runtime/index.js';
import * as twin from '../src/backends/js/heads.js';
import { Rng } from '../src/rng.js';
import { BACKENDS, uniform } from './_util.js';

type Head = 'headSoftmax' | 'headLogistic' | 'headSquared';
const HEADS: Head[] = ['headSoftmax', 'headLogistic', 'headSquared'];

interface Problem { Z: Float32Array; y: Float32Array; idx: Int32Array; start: number; count: number; k: number; ldz: number }

function problem(head: Head, count: number, k: number, seed: number, scale = 3): Problem {
  const rng = new Rng(seed);
  const rows = count + 5, ldz = k + (seed % 3);
  const idx = new Int32Array(count + 4);
  for (let i = 0; i < idx.length; i++) idx[i] = rng.below(rows);
  const y = new Float32Array(rows * k);
  for (let i = 0; i < y.length; i++) {
    y[i] = head === 'headSoftmax' ? rng.below(k) : head === 'headLogistic' ? (rng.next() < 0.5 ? 0 : rng.next()) : rng.next() * 4 - 2;
  }
  return { Z: uniform(rng, count * ldz, -scale, scale), y, idx, start: 3, count, k, ldz };
}

function run(be: Backend, head: Head, p: Problem, alias = false): { loss: number; dZ: Float32Array } {
  const pz = be.alloc(p.Z.length * 4), py = be.alloc(p.y.length * 4), pi = be.alloc(p.idx.length * 4);
  const pg = alias ? pz : be.alloc(p.Z.length * 4);
  be.f32(pz, p.Z.length).set(p.Z);
  be.f32(py, p.y.length).set(p.y);
  be.i32(pi, p.idx.length).set(p.idx);
  const loss = be[head](pg, pz, py, pi, p.start, p.count, p.k, p.ldz);
  const dZ = be.f32(pg, p.Z.length).slice();
  for (const ptr of new Set([pz, py, pi, pg])) be.free(ptr);
  return { loss, dZ };
}

const SHAPES: [number, number][] = [[1, 1], [3, 1], [7, 1], [5, 3], [9, 10], [17, 7]];

test('loss heads: every backend matches the js twin, also with dZ aliasing Z', async () => {
  for (const head of HEADS) {
    for (const [count, k0] of SHAPES) {
      const k = head === 'headSoftmax' ? Math.max(2, k0) : k0;
      const p = problem(head, count, k, count * 13 + k);
      const ref = run(await loadBackend('js'), head, p);
      for (const name of BACKENDS) {
        const be = await loadBackend(name);
        for (const alias of [false, true]) {
          const r = run(be, head, p, alias);
          assert.ok(Math.abs(r.loss - ref.loss) <= 1e-6 * Math.max(1, Math.abs(ref.loss)), `${name} ${head} ${count}×${k}: loss ${r.loss} vs ${ref.loss}`);
          for (let i = 0; i < count; i++) {
            for (let c = 0; c < k; c++) {
              const o = i * p.ldz + c;
              // WASM's softmax takes its exponentials in f32 (a few ulp of p = softmax(z)_c): where p − 1
              // cancels against the label's one-hot, that is a few ulp of p/count, not of the difference.
              const pc = head === 'headSoftmax' ? 8 * 2 ** -24 * (Math.abs(ref.dZ[o]) + 1 / count) : 0;
              assert.ok(Math.abs(r.dZ[o] - ref.dZ[o]) <= 1e-6 * Math.max(1e-3, Math.abs(ref.dZ[o])) + 1e-9 + pc,
                `${name} ${head} ${count}×${k} alias=${alias} [${i},${c}]: ${r.dZ[o]} vs ${ref.dZ[o]}`);
            }
          }
        }
      }
    }
  }
});

test('loss heads: wasm-scalar ≡ wasm-simd bit for bit (losses and dZ)', async () => {
  const sc = await loadBackend('wasm-scalar'), si = await loadBackend('wasm-simd');
  for (const head of HEADS) {
    for (const [count, k0] of [...SHAPES, [33, 100] as [number, number]]) {
      const k = head === 'headSoftmax' ? Math.max(2, k0) : k0;
      const p = problem(head, count, k, count * 5 + k);
      const a = run(sc, head, p), b = run(si, head, p);
      assert.is(a.loss, b.loss, `${head} ${count}×${k}: loss`);
      // Only the k columns of each row: the stride ldz may leave padding the heads never write.
      for (let i = 0; i < count; i++) {
        for (let c = 0; c < k; c++) assert.ok(Object.is(a.dZ[i * p.ldz + c], b.dZ[i * p.ldz + c]), `${head} ${count}×${k} [${i},${c}]: dZ differs`);
      }
    }
  }
});

test('loss heads: the js twin gradient is the finite difference of its mean loss (f64)', () => {
  for (const head of HEADS) {
    for (const [count, k0] of SHAPES) {
      const k = head === 'headSoftmax' ? Math.max(2, k0) : k0;
      const p = problem(head, count, k, count * 7 + k + 1);
      const Z = Float64Array.from(p.Z) as unknown as Float32Array; // the twin runs in f64 on f64 arrays
      const g = new Float64Array(Z.length) as unknown as Float32Array;
      const scratch = new Float64Array(Z.length) as unknown as Float32Array;
      twin[head](g, 0, Z, 0, p.y, p.idx, p.start, p.count, k, p.ldz);
      const h = 1e-6;
      for (let i = 0; i < count; i++) {
        for (let c = 0; c < k; c++) {
          const o = i * p.ldz + c, z0 = Z[o];
          Z[o] = z0 + h;
          const up = twin[head](scratch, 0, Z, 0, p.y, p.idx, p.start, p.count, k, p.ldz);
          Z[o] = z0 - h;
          const dn = twin[head](scratch, 0, Z, 0, p.y, p.idx, p.start, p.count, k, p.ldz);
          Z[o] = z0;
          const fd = (up - dn) / (2 * h);
          assert.ok(Math.abs(g[o] - fd) <= 1e-7 + 1e-6 * Math.abs(fd), `${head} ${count}×${k} [${i},${c}]: ${g[o]} vs ${fd}`);
        }
      }
    }
  }
});

test('loss heads follow PyTorch: mean reduction, MSE without ½, known values', async () => {
  for (const name of BACKENDS) {
    const be = await loadBackend(name);
    // Two rows, labels through idx = [1, 0]: y = [1 (row 0), 0 (row 1)] picked as [0, 1].
    const p: Problem = { Z: Float32Array.from([0.5, -1]), y: Float32Array.from([1, 0]), idx: Int32Array.from([1, 0]), start: 0, count: 2, k: 1, ldz: 1 };
    const sq = run(be, 'headSquared', p);
    assert.ok(Math.abs(sq.loss - (0.25 + 4) / 2) < 1e-12, `${name} squared ${sq.loss}`);
    assert.ok(Math.abs(sq.dZ[0] - 0.5) < 1e-7 && Math.abs(sq.dZ[1] - -2) < 1e-7, `${name} squared grad`);
    const lg = run(be, 'headLogistic', p);
    const bce = (z: number, t: number) => -(t * Math.log(1 / (1 + Math.exp(-z))) + (1 - t) * Math.log(1 - 1 / (1 + Math.exp(-z))));
    assert.ok(Math.abs(lg.loss - (bce(0.5, 0) + bce(-1, 1)) / 2) < 1e-7, `${name} logistic ${lg.loss}`);
    // Softmax: logits [1, 2, 3], label 2.
    const sm = run(be, 'headSoftmax', { Z: Float32Array.from([1, 2, 3]), y: Float32Array.from([2]), idx: Int32Array.from([0]), start: 0, count: 1, k: 3, ldz: 3 });
    const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    assert.ok(Math.abs(sm.loss - (lse - 3)) < 1e-7, `${name} softmax ${sm.loss}`);
  }
});

test('headSoftmax and headLogistic stay finite at logits ±1e4', async () => {
  for (const name of BACKENDS) {
    const be = await loadBackend(name);
    const p: Problem = { Z: Float32Array.from([1e4, -1e4, 0, -1e4, 1e4, 5]), y: Float32Array.from([1, 0]), idx: Int32Array.from([0, 1]), start: 0, count: 2, k: 3, ldz: 3 };
    const sm = run(be, 'headSoftmax', p);
    assert.ok(Number.isFinite(sm.loss) && sm.dZ.every(Number.isFinite), `${name} softmax: ${sm.loss}`);
    assert.ok(Math.abs(sm.loss - 2e4) < 1, `${name}: each row loses 1e4 − (−1e4): mean 2e4, got ${sm.loss}`);
    const lg = run(be, 'headLogistic', { Z: Float32Array.from([1e4, -1e4]), y: Float32Array.from([0, 0]), idx: Int32Array.from([0, 1]), start: 0, count: 2, k: 1, ldz: 1 });
    assert.ok(Number.isFinite(lg.loss) && lg.dZ.every(Number.isFinite) && Math.abs(lg.loss - 5e3) < 1e-3, `${name} logistic: ${lg.loss}`);
  }
});

test.run();
