// gemm.ts gemmPart, the unit of column mode (docs/threads.md): a product computed as ranges of C's columns
// (aligned to the 8-wide tile) or rows (aligned to 4), each range with its own pack scratch, equals the whole
// product bit for bit — every form, beta 0 and 1, bias and activation, odd sizes (remainder tiles in the
// last range), k over one 256 block and n over one 256 block. Runs the built binaries directly (both builds).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { Rng } from '../src/rng.js';
import { uniform, bitEqual } from './_util.js';

interface Kernels {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  gemmPackFloats(m: number, n: number, k: number): number;
  gemmNT(...a: number[]): void;
  gemmNN(...a: number[]): void;
  gemmTN(...a: number[]): void;
  gemmPart(...a: number[]): void;
}

function load(file: string): Kernels {
  const mod = new WebAssembly.Module(readFileSync(new URL(`../build/${file}`, import.meta.url)));
  const inst = new WebAssembly.Instance(mod, { env: { abort() { throw new Error('abort'); } } });
  return inst.exports as unknown as Kernels;
}

/** The JS twin of gemm.ts gemmSplit: part t of `parts`, in whole units of `align`. */
function split(dim: number, align: number, parts: number, t: number): [number, number] {
  const units = Math.ceil(dim / align);
  const u0 = Math.floor((units * t) / parts), u1 = Math.floor((units * (t + 1)) / parts);
  return [Math.min(u0 * align, dim), Math.min(u1 * align, dim)];
}

const FORMS = ['NT', 'NN', 'TN'] as const;
const SHAPES: [number, number, number][] = [[13, 37, 19], [37, 13, 300], [130, 261, 41], [4, 8, 5], [128, 3, 128], [3, 784, 128]];

for (const file of ['descent.simd.wasm', 'descent.scalar.wasm']) {
  test(`${file}: gemmPart over column and row ranges equals the whole product, bit for bit`, () => {
    const x = load(file);
    const rng = new Rng(4);
    let checked = 0;
    for (const [form, f] of FORMS.map((v, i) => [v, i] as const)) {
      for (const [m, n, k] of SHAPES) {
        for (const beta of [0, 1]) {
          const nt = form === 'NT';
          const lda = (form === 'TN' ? m : k) + 1, ldb = (nt ? k : n) + 2, ldc = n + 3;
          const A = uniform(rng, (form === 'TN' ? k : m) * lda), B = uniform(rng, (nt ? n : k) * ldb);
          const C0 = uniform(rng, m * ldc), bias = uniform(rng, n);
          const act = nt ? (beta ? 1 : 3) : 0;
          const pack = x.gemmPackFloats(m, n, k);
          const pA = x.alloc(A.length * 4), pB = x.alloc(B.length * 4), pC = x.alloc(C0.length * 4), pBias = x.alloc(n * 4);
          const packs = [0, 1, 2, 3].map(() => x.alloc(pack * 4 + 16));
          const f32 = () => new Float32Array(x.memory.buffer);
          f32().set(A, pA >> 2);
          f32().set(B, pB >> 2);
          f32().set(bias, pBias >> 2);
          f32().set(C0, pC >> 2);
          const pb = nt ? pBias : 0;
          if (form === 'NT') x.gemmNT(pC, pA, pB, m, n, k, lda, ldb, ldc, beta, pb, act, 0, packs[0]);
          else if (form === 'NN') x.gemmNN(pC, pA, pB, m, n, k, lda, ldb, ldc, beta, packs[0]);
          else x.gemmTN(pC, pA, pB, m, n, k, lda, ldb, ldc, beta, packs[0]);
          const whole = f32().slice(pC >> 2, (pC >> 2) + C0.length);
          for (const byRows of [false, true]) {
            for (const parts of [2, 3, 4]) {
              f32().set(C0, pC >> 2);
              // Parts in reverse order, each with its own pack: no part depends on another's scratch.
              for (let t = parts - 1; t >= 0; t--) {
                const [lo, hi] = split(byRows ? m : n, byRows ? 4 : 8, parts, t);
                x.gemmPart(f, pC, pA, pB, m, n, k, lda, ldb, ldc, beta, pb, act, 0, packs[t], byRows ? 1 : 0, lo, hi);
              }
              const got = f32().slice(pC >> 2, (pC >> 2) + C0.length);
              assert.ok(bitEqual(got, whole), `${form} ${m}×${n}×${k} beta ${beta}, ${parts} ${byRows ? 'row' : 'column'} ranges`);
              checked++;
            }
          }
          assert.not.ok(bitEqual(whole, C0), 'the product wrote C');
        }
      }
    }
    assert.is(checked, FORMS.length * SHAPES.length * 2 * 2 * 3);
  });
}

test.run();
