// Memory is owned: views survive memory growth, dispose() frees, and repeated create/train/dispose
// leaves WASM memory at a plateau.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, Dataset, softmax, logistic, train, optimizer, DisposedError } from '../src/index.js';
import { backend } from '../src/runtime/index.js';
import { Block } from '../src/runtime/block.js';
import { sharedWasm } from '../src/backends/wasm.js';
import { Rng } from '../src/rng.js';
import { BACKENDS, uniform } from './_util.js';

for (const name of ['wasm-scalar', 'wasm-simd'] as const) {
  test(`${name}: views read right after memory grows in the middle of use`, async () => {
    await init({ backend: name });
    const be = backend();
    const opt = optimizer({ name: 'adam', lr: 0.1 }, 1000);
    const old = opt.params;
    for (let i = 0; i < 1000; i++) old[i] = i;
    opt.grads.fill(1);
    const before = be.memoryBytes();
    // More than the whole memory holds now forces memory.grow, which detaches every existing view (earlier
    // suites in this process may have grown memory already, so a fixed size might fit in what was freed).
    const big = new Block(be, 'f32', Math.ceil(before / 4) + 16 * 1024 * 1024);
    assert.ok(be.memoryBytes() > before, 'memory grew');
    // A shared memory (the -threads build, picked where memory can be shared) never detaches a view: the
    // old one keeps its length and still reads the same memory. An unshared one is detached.
    if (sharedWasm(be)) assert.is(old[999], 999, 'a view of shared memory survives growth');
    else assert.is(old.length, 0, 'the old view is detached by growth');
    const p = opt.params; // a fresh view
    assert.is(p.length, 1000);
    for (let i = 0; i < 1000; i++) assert.is(p[i], i);
    opt.step(); // the kernel still sees the same memory
    const q = opt.params;
    // First Adam step moves every parameter by −lr (m̂/√v̂ = 1 for a constant gradient).
    for (let i = 0; i < 1000; i += 97) assert.ok(Math.abs(q[i] - (i - 0.1)) < 1e-4 * Math.max(1, i), `param ${i}: ${q[i]}`);
    big.view[big.length - 1] = 7;
    assert.is(big.view[big.length - 1], 7);
    big.dispose();
    opt.dispose();
    assert.throws(() => opt.params, (e: unknown) => e instanceof DisposedError);
  });

  test(`${name}: a dataset and a model survive growth during training`, async () => {
    await init({ backend: name });
    const rng = new Rng(5);
    const x = uniform(rng, 200 * 3);
    const y = Array.from({ length: 200 }, (_, i) => (x[i * 3] + x[i * 3 + 1] > 0 ? 1 : 0));
    const ds = Dataset.fromArrays(x, y, { features: 3 });
    const m = logistic({ features: 3 });
    const grow: Block[] = [];
    train(m, ds, { optimizer: { name: 'adam', lr: 0.1 }, batch: 10, epochs: 6, onEpoch: () => { grow.push(new Block(backend(), 'f32', 4 * 1024 * 1024)); } });
    assert.ok(m.evaluate(ds).accuracy! > 0.9, 'trained through repeated growth');
    assert.equal(Array.from(ds.x.subarray(0, 6)), Array.from(x.subarray(0, 6)));
    for (const b of grow) b.dispose();
    m.dispose();
    ds.dispose();
  });
}

for (const name of BACKENDS) {
  test(`${name}: 1,000 create/train/dispose cycles leave memory at a plateau`, async () => {
    await init({ backend: name });
    const be = backend();
    const rng = new Rng(9);
    const x = uniform(rng, 64 * 8);
    const y = Array.from({ length: 64 }, () => rng.below(4));
    const cycle = () => {
      const ds = Dataset.fromArrays(x, y, { features: 8 });
      const m = softmax({ features: 8, classes: 4 });
      train(m, ds, { optimizer: { name: 'adam', lr: 0.01, amsgrad: true }, batch: 16, epochs: 2 });
      m.evaluate(ds);
      const o = optimizer({ name: 'sgd', momentum: 0.9 }, 100);
      o.step();
      o.dispose();
      m.dispose();
      ds.dispose();
    };
    const live0 = be.liveBytes();
    for (let i = 0; i < 100; i++) cycle();
    const plateau = be.memoryBytes();
    for (let i = 0; i < 900; i++) cycle();
    assert.is(be.liveBytes(), live0, 'every allocation was freed');
    assert.is(be.memoryBytes(), plateau, `memory grew from ${plateau} to ${be.memoryBytes()} bytes over 900 more cycles`);
  });
}

test('dispose() is idempotent and use after dispose is a typed error', async () => {
  await init({ backend: 'wasm-simd' });
  const m = softmax({ features: 2, classes: 2 });
  const ds = Dataset.fromArrays([[0, 1], [1, 0]], [0, 1]);
  m.dispose();
  m.dispose();
  assert.throws(() => train(m, ds, {}), (e: unknown) => e instanceof DisposedError);
  ds.dispose();
});

test.run();
