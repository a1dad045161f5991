// Run by test/relaxed.test.ts in a process whose engine runs relaxed SIMD (Node 20: node
// --experimental-wasm-relaxed-simd): trains the same networks on wasm-relaxed (1 and 2 threads), wasm-simd and js
// from the same weights (SGD with momentum: a product's rounding stays a rounding-sized change, where Adam's
// normalized step would magnify it on near-zero gradients) and prints one JSON line with what the test compares.
import { init, backendInfo, train, Dataset, mlp, sequential, gpt, type Network } from '../src/node.js';
import { loadBuiltin } from '../src/data/builtin.js';

const t = loadBuiltin('mnist');
const rows = 1024;
const x = t.x.slice(0, rows * t.features), y = t.y.slice(0, rows);
let s = 5;
const tokens = Float32Array.from({ length: 96 * 8 }, () => (s = (s * 1103515245 + 12345) % 2 ** 31) % 11);
const nextTokens = Float32Array.from(tokens, (v, i) => (i % 8 === 7 ? tokens[i - 7] : tokens[i + 1]));

type Case = { name: string; net: () => Network; ds: () => Dataset; batch: number };
const cases: Case[] = [
  { name: 'mlp batch 128 (column mode)', net: () => mlp({ features: 784, hidden: [64], classes: 10, seed: 1 }), ds: () => Dataset.fromArrays(x, y, { features: 784 }), batch: 128 },
  { name: 'mlp batch 256 (row blocks)', net: () => mlp({ features: 784, hidden: [64], classes: 10, seed: 1 }), ds: () => Dataset.fromArrays(x, y, { features: 784 }), batch: 256 },
  {
    name: 'cnn batch 64', batch: 64, ds: () => Dataset.fromArrays(x, y, { features: 784 }),
    net: () => sequential({ inputShape: [1, 28, 28], loss: 'softmax', seed: 1, layers: [
      { type: 'conv2d', filters: 4, kernel: 3 }, { type: 'relu' }, { type: 'maxPool2d', size: 2 }, { type: 'flatten' }, { type: 'dense', units: 10 }] }),
  },
  { name: 'gpt batch 32', batch: 32, net: () => gpt({ vocab: 11, context: 8, dim: 16, heads: 2, blocks: 1, seed: 1 }), ds: () => Dataset.fromArrays(tokens, nextTokens, { features: 8 }) },
];

const out: Record<string, unknown> = {};
for (const c of cases) {
  const runs: Record<string, number[]> = {};
  for (const [be, threads] of [['wasm-relaxed', 1], ['wasm-relaxed', 2], ['wasm-simd', 1], ['js', 1]] as const) {
    await init({ backend: be });
    const net = c.net(), ds = c.ds();
    const r = train(net, ds, { optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9 }, batch: c.batch, epochs: 1, seed: 1, threads });
    runs[`${be}/${threads}`] = [r.history[0].loss, ...net.params];
    if (be === 'wasm-relaxed' && threads === 1) out.info = { name: backendInfo().name, sha256: backendInfo().sha256 };
    net.dispose();
    ds.dispose();
  }
  out[c.name] = runs;
}
console.log(JSON.stringify(out));
