// MNIST-10k (the 10,000 digits of the `mnist` package; test = every 5th row, as test/network.mnist.test.ts)
// with the small CNN: [1, 28, 28] → conv2d 8 3×3 → relu → maxPool 2 → conv2d 16 3×3 → relu →
// maxPool 2 → flatten → dense 10, Adam lr 1e-3, batch 64, pixels in [0, 1] as the package gives them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, Dataset, sequential, train, type BackendName } from '../src/node.js';

const EPOCHS = Number(process.env.CNN_EPOCHS ?? 10);

for (const b of ['wasm-simd'] as BackendName[]) {
  test(`[${b}] MNIST-10k small CNN, Adam 1e-3, batch 64`, async () => {
    await init({ backend: b });
    const ds = Dataset.builtin('mnist');
    const { train: tr, test: te } = ds.split({ every: 5 });
    ds.dispose();
    const net = sequential({
      inputShape: [1, 28, 28],
      layers: [
        { type: 'conv2d', filters: 8, kernel: 3 }, { type: 'relu' }, { type: 'maxPool2d', size: 2 },
        { type: 'conv2d', filters: 16, kernel: 3 }, { type: 'relu' }, { type: 'maxPool2d', size: 2 },
        { type: 'flatten' }, { type: 'dense', units: 10 },
      ],
      loss: 'softmax', seed: 1,
    });
    const acc: number[] = [];
    try {
      const r = train(net, tr, {
        optimizer: { name: 'adam', lr: 1e-3 }, batch: 64, epochs: EPOCHS, seed: 1,
        onEpoch: () => { acc.push(net.evaluate(te).accuracy!); },
      });
      console.log(`  [${b}] test accuracy by epoch: ${acc.map((a) => a.toFixed(4)).join(' ')} (${(r.ms / EPOCHS).toFixed(0)} ms per epoch, shared machine)`);
      assert.ok(Math.max(...acc) >= 0.9, `best ${Math.max(...acc)}`);
    } finally {
      net.dispose();
      tr.dispose();
      te.dispose();
    }
  });
}

test.run();
