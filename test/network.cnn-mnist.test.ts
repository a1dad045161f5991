// MNIST-10k (the 10,000 digits of the `mnist` package; test = every 5th row, as test/network.mnist.test.ts)
// with a small CNN: [1, 28, 28] → conv2d 8 3×3 → relu → maxPool 2 → conv2d 16 3×3 → relu →
// maxPool 2 → flatten → dense 10 (PyTorch's default initialization), Adam lr 1e-3, batch 64, 10 epochs,
// pixels normalized by one mean and one standard deviation of the training pixels (0.131, 0.309: the
// torchvision MNIST recipe's Normalize((0.1307,), (0.3081,))). Seed 1 reached 0.9770 at epochs 9 and 10
// (0.8885 after the first); raw [0, 1] pixels reached 0.9670, batch 128 0.9680. The bar is 0.97.
// Only wasm-simd runs it: the js twins take ~10× longer per epoch (minutes for 10 epochs on this
// shared machine), and the three backends already agree on every CNN trajectory of test/network.torch.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, Dataset, sequential, train } from '../src/node.js';

test('[wasm-simd] MNIST-10k small CNN, Adam 1e-3, batch 64: ≥ 0.97 within 10 epochs (reached 0.9770)', async () => {
  await init({ backend: 'wasm-simd' });
  const ds = Dataset.builtin('mnist');
  const { train: tr, test: te } = ds.split({ every: 5 });
  ds.dispose();
  const st = tr.stats();
  const d = tr.features;
  const mean = st.mean.reduce((a, v) => a + v, 0) / d;
  // The pixels' overall variance = mean of the per-pixel variances + variance of the per-pixel means.
  let v = 0;
  for (let j = 0; j < d; j++) v += st.std[j] ** 2 + (st.mean[j] - mean) ** 2;
  const norm = { mean: new Float64Array(d).fill(mean), std: new Float64Array(d).fill(Math.sqrt(v / d)) };
  tr.standardize(norm);
  te.standardize(norm);
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
      standardize: false, optimizer: { name: 'adam', lr: 1e-3 }, batch: 64, epochs: 10, seed: 1, // standardized by hand above
      onEpoch: () => { acc.push(net.evaluate(te).accuracy!); },
    });
    console.log(`  [wasm-simd] test accuracy by epoch: ${acc.map((a) => a.toFixed(4)).join(' ')} (${(r.ms / 10).toFixed(0)} ms per epoch with the evaluation, shared machine)`);
    assert.ok(Math.max(...acc) >= 0.97, `best ${Math.max(...acc)}`);
  } finally {
    net.dispose();
    tr.dispose();
    te.dispose();
  }
});

test.run();
