// train({ threads }), column mode: a network's batch runs on thread 0 as without threads
// and each large product is split among the threads by ranges of C's columns (or rows), each element keeping
// its f32 operations. Checked: the parameters are bit-identical for no threads and 1, 2, 3, 4 threads, for
// MLPs at batch 128, 32 and odd sizes (37 units, 13-row batches: remainder tiles in the last range), and for
// the layers row blocks cannot split (dropout, batch norm, a small CNN, a GRU); products really were split
// (the pool counts its gemm jobs); the mode is chosen from the batch size and the model only.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, Dataset, mlp, sequential, type TrainOptions, type Trainable } from '../src/node.js';
import { setGemmMinMacs, planThreads, ROW_BLOCKS_MIN_BATCH } from '../src/threads/pool.js';
import { trainPooled, faultEndsRun } from './_threads.js';
import { Rng } from '../src/rng.js';
import { uniform, bitEqual } from './_util.js';

const N = 400, D = 12;
const rng = new Rng(21);
const X = uniform(rng, N * D);
const yClass = new Float32Array(N);
for (let r = 0; r < N; r++) {
  const z = X[r * D] - 0.5 * X[r * D + 1] + 0.3 * X[r * D + 2];
  yClass[r] = z > 0.3 ? 2 : z > -0.3 ? 1 : 0;
}
const T = 6;
const tokens = new Float32Array(N * T);
const yTok = new Float32Array(N);
for (let r = 0; r < N; r++) {
  for (let t = 0; t < T; t++) tokens[r * T + t] = Math.floor(rng.next() * 10);
  yTok[r] = tokens[r * T] > 4 ? 1 : 0;
}

interface Case { what: string; make: () => Trainable; x?: Float32Array; y?: Float32Array; features?: number; options: TrainOptions; everyProduct: boolean }
const adam: TrainOptions = { optimizer: { name: 'adam', lr: 0.01 } };
const CASES: Case[] = [
  { what: 'mlp 12-37-3, batch 128, every product split', make: () => mlp({ features: D, hidden: [37], classes: 3, seed: 5 }), options: { ...adam, batch: 128 }, everyProduct: true },
  { what: 'mlp 12-37-3, batch 32', make: () => mlp({ features: D, hidden: [37], classes: 3, seed: 5 }), options: { ...adam, batch: 32 }, everyProduct: true },
  { what: 'mlp 12-37-19-3, batch 13 (odd rows and units)', make: () => mlp({ features: D, hidden: [37, 19], classes: 3, seed: 6 }), options: { ...adam, batch: 13 }, everyProduct: true },
  { what: 'mlp 12-300-200-3, batch 128, the default threshold', make: () => mlp({ features: D, hidden: [300, 200], classes: 3, seed: 7 }), options: { ...adam, batch: 128, epochs: 1 }, everyProduct: false },
  {
    what: 'dropout + batch norm mlp, batch 64',
    make: () => sequential({
      inputShape: [D], loss: 'softmax', seed: 8,
      layers: [{ type: 'dense', units: 37 }, { type: 'batchNorm' }, { type: 'relu' }, { type: 'dropout', rate: 0.3 }, { type: 'dense', units: 3 }],
    }),
    options: { ...adam, batch: 64 }, everyProduct: true,
  },
  {
    what: 'cnn (conv 2×2, batch norm, max pool, dense), batch 50',
    make: () => sequential({
      inputShape: [1, 3, 4], loss: 'softmax', seed: 9,
      layers: [{ type: 'conv2d', filters: 5, kernel: 2 }, { type: 'batchNorm' }, { type: 'relu' }, { type: 'maxPool2d', size: 2 }, { type: 'flatten' }, { type: 'dense', units: 3 }],
    }),
    options: { ...adam, batch: 50 }, everyProduct: true,
  },
  {
    what: 'gru (embedding 10×4, 9 units, every state), batch 40',
    make: () => sequential({ inputShape: [T], loss: 'softmax', seed: 10, layers: [{ type: 'embedding', vocab: 10, dim: 4 }, { type: 'gru', units: 9 }, { type: 'dense', units: 2 }] }),
    x: tokens, y: yTok, features: T, options: { ...adam, batch: 40 }, everyProduct: true,
  },
];

for (const name of ['wasm-scalar', 'wasm-simd'] as const) {
  for (const c of CASES) {
    test(`${name}: ${c.what}: column mode gives the parameters of a run without threads on 1, 2, 3 and 4 threads`, async () => {
      await init({ backend: name });
      setGemmMinMacs(c.everyProduct ? 0 : null);
      try {
        const run = (threads?: number) => trainPooled(c.make, c.x ?? X, c.y ?? yClass, c.features ?? D, { ...c.options, threads });
        const none = run();
        const start = c.make();
        assert.not.ok(bitEqual(start.paramsBlock.view.slice(), none.params), 'training changed the parameters');
        start.dispose();
        for (const threads of [1, 2, 3, 4]) {
          const r = run(threads);
          assert.ok(r.colSplit, `threads ${threads}: column mode`);
          assert.ok(bitEqual(r.params, none.params), `threads ${threads}: parameters differ from the run without threads`);
          if (threads > 1) assert.ok(r.gemmJobs > 0, `threads ${threads}: no product was split`);
        }
      } finally {
        setGemmMinMacs(null);
      }
    });
  }
}

test('column mode splits a large row gather among the threads (odd ranges), bit-identical on 1-4 threads', async () => {
  await init({ backend: 'wasm-simd' });
  // 131 rows of 300 features per batch (39,300 f32 ≥ the 2^15 threshold): 3 threads copy 43/44/44 rows.
  const F = 300, rows = 700;
  const x = uniform(new Rng(22), rows * F);
  const y = new Float32Array(rows).map((_, r) => (x[r * F] > 0 ? 1 : 0) + (x[r * F + 1] > 0.5 ? 1 : 0));
  const make = (): Trainable => mlp({ features: F, hidden: [16], classes: 3, seed: 4 });
  const run = (threads?: number) => trainPooled(make, x, y, F, { batch: 131, optimizer: { name: 'adam', lr: 0.01 }, threads });
  const none = run();
  for (const threads of [1, 2, 3, 4]) {
    const r = run(threads);
    assert.ok(bitEqual(r.params, none.params), `threads ${threads}: parameters differ from the run without threads`);
    if (threads > 1) assert.ok(r.gatherJobs > 0, `threads ${threads}: no gather was split`);
    else assert.is(r.gatherJobs, 0, 'one thread: nothing to split');
  }
});

test('the mode follows the batch size and the model, never the thread count', async () => {
  await init({ backend: 'wasm-simd' });
  const plain = mlp({ features: D, hidden: [8], classes: 3, seed: 1 });
  const drop = mlp({ features: D, hidden: [8], classes: 3, dropout: 0.2, seed: 1 });
  try {
    for (const threads of [2, 3, 4]) {
      assert.ok(planThreads(threads, plain, 128).colSplit, 'batch 128: one block, column mode');
      assert.ok(planThreads(threads, plain, ROW_BLOCKS_MIN_BATCH - 1).colSplit);
      assert.not.ok(planThreads(threads, plain, ROW_BLOCKS_MIN_BATCH).colSplit, 'two blocks: row blocks');
      assert.ok(planThreads(threads, drop, 1024).colSplit, 'dropout: column mode at any batch');
      assert.is(planThreads(threads, plain, 128).threads, threads, 'column mode keeps the requested threads');
    }
  } finally {
    plain.dispose();
    drop.dispose();
  }
});

test('column mode: a worker that fails inside a split product ends the run with its error, and memory is freed', async () => {
  await init({ backend: 'wasm-simd' });
  setGemmMinMacs(0);
  const ds = Dataset.fromArrays(X, yClass, { features: D });
  const m = mlp({ features: D, hidden: [37], classes: 3, seed: 5 });
  try {
    await faultEndsRun(m, ds, 1);
  } finally {
    setGemmMinMacs(null);
    m.dispose();
    ds.dispose();
  }
});

test.run();
