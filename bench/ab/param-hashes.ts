// npx tsx bench/ab/param-hashes.ts: parameters after 2 epochs of the MNIST MLP, the MNIST CNN and the char GRU, hashed, on each backend.
import { createHash } from 'node:crypto';
import { init, Dataset, sequential, mlp, train } from '../../src/node.js';
import { charVocab, encodeChars, charWindows, CHAR_PAD } from '../../src/text/index.js';
import { loadMobyDick } from '../../src/text/node.js';

const h = (p: Float32Array) => createHash('sha256').update(new Uint8Array(p.buffer, p.byteOffset, p.byteLength)).digest('hex').slice(0, 16);
for (const backend of ['js', 'wasm-scalar', 'wasm-simd'] as const) {
  await init({ backend });
  const ds = Dataset.builtin('mnist');
  const { train: tr } = ds.split({ every: 5 });
  const small = backend === 'js';
  const m = mlp({ features: 784, hidden: [128], classes: 10, seed: 1 });
  let t0 = performance.now();
  train(m, tr, { optimizer: { name: 'adam', lr: 1e-3 }, batch: 128, epochs: 2, seed: 1 });
  const mlpMs = performance.now() - t0;
  const cnn = sequential({ inputShape: [1, 28, 28], layers: [
    { type: 'conv2d', filters: 8, kernel: 3 }, { type: 'relu' }, { type: 'maxPool2d', size: 2 },
    { type: 'conv2d', filters: 16, kernel: 3 }, { type: 'relu' }, { type: 'maxPool2d', size: 2 },
    { type: 'flatten' }, { type: 'dense', units: 10 }], loss: 'softmax', seed: 1 });
  const sub = small ? tr.split({ every: 8 }).test : tr;
  t0 = performance.now();
  train(cnn, sub, { optimizer: { name: 'adam', lr: 1e-3 }, batch: 128, epochs: 2, seed: 1 });
  const cnnMs = performance.now() - t0;
  const text = loadMobyDick().text.slice(0, small ? 20_000 : 100_000);
  const v = charVocab(text, { maxChars: 80 }); const ids = encodeChars(text, v);
  const w = charWindows(ids, 32, { stride: 3 });
  const dtr = Dataset.fromArrays(w.x, w.y, { features: 32 });
  const gru = sequential({ inputShape: [32], layers: [{ type: 'embedding', vocab: v.size, dim: 16, paddingId: CHAR_PAD }, { type: 'gru', units: 64 }, { type: 'dense', units: v.size }], loss: 'softmax', seed: 1 });
  train(gru, dtr, { optimizer: { name: 'adam', lr: 5e-3 }, epochs: 2, batch: 64, seed: 1 });
  console.log(`${backend.padEnd(12)} mlp ${h(m.params)} cnn ${h(cnn.params)} gru ${h(gru.params)}  (mlp ${mlpMs.toFixed(0)} ms, cnn ${cnnMs.toFixed(0)} ms)`);
  for (const o of [m, cnn, gru, dtr, tr, ds]) o.dispose();
}
