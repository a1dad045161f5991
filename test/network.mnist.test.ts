// MNIST-10k (the 10,000 digits of the `mnist` package; test = every 5th row), the recipe: an MLP
// 784-128-10 (relu), Adam lr 1e-3, batch 128, 10 epochs, features standardized with the training rows.
// PyTorch 2.13 (one thread) with the same recipe, data and split reached 0.9395, 0.9430 and 0.9425 test
// accuracy after 10 epochs (seeds 1-3; 0.927-0.930 on raw [0, 1] pixels), and scikit-learn's
// MLPClassifier(128) 0.9465 after converging (data/README.md); 0.95 is above what this network reaches on
// these 8,000 training rows. The bar here is PyTorch's band. js runs 1 epoch only: at ~5-20 s per epoch it
// would hold the suite for minutes; its first epoch must match the wasm builds'.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, Dataset, mlp, train, type BackendName } from '../src/node.js';

const first: Record<string, number> = {};

for (const b of ['wasm-simd', 'wasm-scalar', 'js'] as BackendName[]) {
  test(`[${b}] MNIST-10k MLP 784-128-10, Adam 1e-3, batch 128: ≥ 0.935 within 10 epochs (PyTorch: 0.9395-0.9430)`, async () => {
    await init({ backend: b });
    const ds = Dataset.builtin('mnist');
    const { train: tr, test: te } = ds.split({ every: 5 });
    ds.dispose();
    const st = tr.stats();
    tr.standardize(st);
    te.standardize(st);
    const net = mlp({ features: 784, hidden: [128], classes: 10, seed: 1 });
    const acc: number[] = [];
    try {
      const epochs = b === 'js' ? 1 : 10;
      const r = train(net, tr, {
        standardize: false, optimizer: { name: 'adam', lr: 1e-3 }, batch: 128, epochs, seed: 1, // standardized by hand above
        onEpoch: () => { acc.push(net.evaluate(te).accuracy!); },
      });
      console.log(`  [${b}] test accuracy by epoch: ${acc.map((a) => a.toFixed(4)).join(' ')} (${(r.ms / epochs).toFixed(0)} ms per epoch, shared machine)`);
      first[b] = acc[0];
      if (b === 'js') {
        console.log('  [js] 1 epoch only (see the header): its accuracy must equal the wasm builds\' first epoch');
        assert.ok(Math.abs(acc[0] - first['wasm-simd']) <= 1e-3, `js ${acc[0]} vs wasm-simd ${first['wasm-simd']}`);
      } else {
        assert.ok(Math.max(...acc) >= 0.935, `best ${Math.max(...acc)}`);
      }
    } finally {
      net.dispose();
      tr.dispose();
      te.dispose();
    }
  });
}

test.run();
