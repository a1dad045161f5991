// train({ threads }) in Node, row blocks: the same seed gives the same parameters, bit for bit, on
// 1, 2, 3 and 4 threads (linear models and an MLP, mini-batch and full batch); bad values of `threads` are
// typed errors; where threads cannot run the run falls back to one thread with a warning; a worker that
// fails ends the run with its error and every thread stops; train/dispose cycles leave no worker and no
// memory behind. Runs on the wasm backends (the js backend has no threads: its fallback is tested here).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  init, backendInfo, Dataset, linear, logistic, softmax, mlp, sequential, train, Trainer, HyperParameterError,
  DescentError, type TrainOptions, type Trainable,
} from '../src/node.js';
import { backend } from '../src/runtime/index.js';
import { liveWorkers, ThreadPool } from '../src/threads/pool.js';
import { Rng } from '../src/rng.js';
import { exits } from './_threads.js';
import { uniform, bitEqual } from './_util.js';

const N = 2600, D = 12;
const rng = new Rng(14);
const X = uniform(rng, N * D);
const yBin = new Float32Array(N), yReal = new Float32Array(N), yClass = new Float32Array(N);
for (let r = 0; r < N; r++) {
  const z = X[r * D] - 0.5 * X[r * D + 1] + 0.3 * X[r * D + 2] + 0.2 * (rng.next() - 0.5);
  yBin[r] = z > 0 ? 1 : 0;
  yReal[r] = z;
  yClass[r] = z > 0.3 ? 2 : z > -0.3 ? 1 : 0;
}

/** Parameters after training a fresh model with these options. */
function trained(make: () => Trainable, y: Float32Array, options: TrainOptions): { params: Float32Array; losses: number[] } {
  const ds = Dataset.fromArrays(X, y, { features: D });
  const m = make();
  try {
    const r = train(m, ds, { seed: 3, epochs: 2, ...options });
    return { params: m.paramsBlock.view.slice(), losses: r.history.map((h) => h.loss) };
  } finally {
    m.dispose();
    ds.dispose();
  }
}

const CASES: { what: string; make: () => Trainable; y: Float32Array; options: TrainOptions }[] = [
  { what: 'logistic, full batch (3 blocks)', make: () => logistic({ features: D }), y: yBin, options: { batch: 'full', optimizer: { name: 'adam', lr: 0.05 } } },
  { what: 'logistic, mini-batch 1300 (2 blocks), L2', make: () => logistic({ features: D }), y: yBin, options: { batch: 1300, l2: 0.01, optimizer: { name: 'sgd', lr: 0.5, momentum: 0.9 } } },
  { what: 'linear squared, full batch, clipNorm', make: () => linear({ features: D }), y: yReal, options: { batch: 'full', clipNorm: 0.5, optimizer: { name: 'adam', lr: 0.05 } } },
  { what: 'linear huber, mini-batch 2100', make: () => linear({ features: D, loss: 'huber' }), y: yReal, options: { batch: 2100 } },
  { what: 'softmax, full batch', make: () => softmax({ features: D, classes: 3 }), y: yClass, options: { batch: 'full', optimizer: { name: 'adam', lr: 0.05 } } },
  { what: 'mlp 12-16-3, mini-batch 512 (4 blocks of 128 rows)', make: () => mlp({ features: D, hidden: [16], classes: 3, seed: 5 }), y: yClass, options: { batch: 512, optimizer: { name: 'adam', lr: 0.01 } } },
  { what: 'mlp 12-16-8-1 tanh, full batch, L2', make: () => mlp({ features: D, hidden: [16, 8], activation: 'tanh', seed: 6 }), y: yReal, options: { batch: 'full', l2: 1e-3, optimizer: { name: 'adam', lr: 0.01 } } },
  {
    what: 'cnn (conv 2×2, max pool, dense), mini-batch 400',
    make: () => sequential({
      inputShape: [1, 3, 4], loss: 'softmax', seed: 7,
      layers: [{ type: 'conv2d', filters: 2, kernel: 2 }, { type: 'relu' }, { type: 'maxPool2d', size: 2 }, { type: 'flatten' }, { type: 'dense', units: 3 }],
    }),
    y: yClass, options: { batch: 400, optimizer: { name: 'adam', lr: 0.01 } },
  },
];

for (const name of ['wasm-scalar', 'wasm-simd'] as const) {
  test(`${name}: the shared-memory build runs, and backendInfo says threads are available`, async () => {
    await init({ backend: name });
    const info = backendInfo();
    assert.equal(info.threads, { available: true, reason: null });
  });

  for (const c of CASES) {
    test(`${name}: ${c.what}: the same parameters, bit for bit, on 1, 2, 3 and 4 threads`, async () => {
      await init({ backend: name });
      const one = trained(c.make, c.y, { ...c.options, threads: 1 });
      assert.ok(one.losses.every(Number.isFinite), 'the run trains');
      for (const threads of [2, 3, 4]) {
        const r = trained(c.make, c.y, { ...c.options, threads });
        assert.ok(bitEqual(r.params, one.params), `threads ${threads}: parameters differ from threads 1`);
        assert.equal(r.losses, one.losses, `threads ${threads}: epoch losses`);
      }
      // Bit-identical results would also come from a pool that did nothing; the run must have moved.
      const start = c.make();
      const p0 = start.paramsBlock.view.slice();
      start.dispose();
      assert.not.ok(bitEqual(p0, one.params), 'training changed the parameters');
    });
  }

  test(`${name}: a batch that fits one block runs the single-thread path, and networks always sum as without threads`, async () => {
    await init({ backend: name });
    const opts: TrainOptions = { batch: 32, optimizer: { name: 'adam', lr: 0.01 } };
    const none = trained(() => logistic({ features: D }), yBin, opts);
    for (const threads of [1, 2, 4]) assert.ok(bitEqual(trained(() => logistic({ features: D }), yBin, { ...opts, threads }).params, none.params), `threads ${threads}`);
    // A network's blocks are its own 128-row chunks: with or without threads, the same sums at any batch size.
    const make = () => mlp({ features: D, hidden: [8], classes: 3, seed: 2 });
    for (const batch of [32, 128, 1000] as const) {
      const netOpts: TrainOptions = { batch, optimizer: { name: 'adam', lr: 0.01 } };
      const netNone = trained(make, yClass, netOpts);
      assert.ok(bitEqual(trained(make, yClass, { ...netOpts, threads: 2 }).params, netNone.params), `mlp at batch ${batch}`);
    }
  });

  test(`${name}: more threads than blocks are clamped to the blocks of a batch (documented), not an error`, async () => {
    await init({ backend: name });
    const ds = Dataset.fromArrays(X, yBin, { features: D });
    const m = logistic({ features: D });
    const t = new Trainer(m, ds, { batch: 2048, threads: 8, epochs: 1 });
    assert.is((t as unknown as { pool: ThreadPool }).pool.threads, 2, '2048 rows are 2 blocks of 1024');
    t.run();
    t.dispose();
    m.dispose();
    ds.dispose();
  });

  test(`${name}: a worker that fails mid-run ends the run with its error; every thread stops and memory is freed`, async () => {
    await init({ backend: name });
    const be = backend();
    const ds = Dataset.fromArrays(X, yClass, { features: D });
    const m = mlp({ features: D, hidden: [16], classes: 3, seed: 5 });
    const before = be.liveBytes();
    await exits();
    const t = new Trainer(m, ds, { batch: 512, threads: 3, epochs: 5 });
    t.step(3);
    assert.is(liveWorkers(), 2, 'two workers run');
    (t as unknown as { pool: ThreadPool }).pool.injectFault(2);
    assert.throws(() => t.step(5), (e: unknown) => e instanceof DescentError && e.code === 'E_THREAD' && /thread 2 of 3 failed: RuntimeError: unreachable/.test(e.message));
    t.dispose();
    // ≤, not =: awaiting lets the FinalizationRegistry free blocks other suites in this process dropped
    // without dispose(), so live bytes may fall below `before`; anything this run left behind would raise them.
    const after = be.liveBytes();
    assert.ok(after <= before, `the pool and the run freed everything: ${after} live bytes > ${before}`);
    await exits();
    assert.is(liveWorkers(), 0, 'no worker left');
    // The model is intact and trains again.
    train(m, ds, { batch: 512, threads: 2, epochs: 1 });
    m.dispose();
    ds.dispose();
  });

  test(`${name}: 200 train/dispose cycles with threads: 2 leave no worker and no memory behind`, async () => {
    await init({ backend: name });
    const be = backend();
    const ds = Dataset.fromArrays(X, yBin, { features: D });
    // The workers stay between runs (src/threads/crew.ts): the first run starts them, the others reuse them
    // (and those after an exits(), which ends them, start new ones).
    await exits();
    const base0 = be.liveBytes();
    const warm = logistic({ features: D });
    train(warm, ds, { batch: 'full', threads: 2, epochs: 1 });
    warm.dispose();
    const base = be.liveBytes();
    const mem0 = be.memoryBytes();
    for (let i = 0; i < 200; i++) {
      const m = logistic({ features: D });
      train(m, ds, { batch: 'full', threads: 2, epochs: 1 });
      m.dispose();
      // ≤, not =: blocks other suites dropped without dispose() may be collected meanwhile.
      assert.ok(be.liveBytes() <= base, `cycle ${i}: live bytes ${be.liveBytes()} > ${base}`);
      if (i % 20 === 19) await exits();
    }
    await exits();
    assert.is(liveWorkers(), 0, 'every worker exited');
    assert.ok(be.liveBytes() <= base0, 'disposeThreads() freed the workers\' block');
    assert.ok(be.memoryBytes() <= mem0 + 2 ** 20, `memory plateau: ${mem0} → ${be.memoryBytes()}`);
    ds.dispose();
  });
}

test('threads must be a positive integer: a typed error before anything is allocated', async () => {
  await init({ backend: 'wasm-simd' });
  const ds = Dataset.fromArrays(X, yBin, { features: D });
  const m = logistic({ features: D });
  const before = backend().liveBytes();
  for (const bad of [0, -1, 1.5, NaN, '2', null, 1000]) {
    assert.throws(() => train(m, ds, { threads: bad as number }), (e: unknown) => e instanceof HyperParameterError && /threads/.test((e as Error).message), `threads: ${String(bad)}`);
  }
  assert.is(backend().liveBytes(), before);
  m.dispose();
  ds.dispose();
});

test('js backend: threads fall back to 1 with a one-time warning and backendInfo names the reason', async () => {
  await init({ backend: 'js' });
  assert.equal(backendInfo().threads, { available: false, reason: 'the js backend runs on one thread' });
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (s: string) => warnings.push(s);
  try {
    const none = trained(() => logistic({ features: D }), yBin, { batch: 'full' });
    const two = trained(() => logistic({ features: D }), yBin, { batch: 'full', threads: 2 });
    trained(() => logistic({ features: D }), yBin, { batch: 'full', threads: 3 });
    assert.ok(bitEqual(two.params, none.params), 'the fallback is the single-thread run');
  } finally {
    console.warn = warn;
  }
  assert.equal(warnings, ['descent: threads fall back to 1: the js backend runs on one thread']);
});

// Dropout, batch norm and sequence layers run with threads in column mode: test/threads-colsplit.test.ts.

test.run();
