// Fashion-MNIST CNN with and without augment: { shift: 2 } (the figures of docs/training.md): byte rows, standardized
// by default, Adam 1e-3, batch 64, seed 1, threads 2, EPOCHS epochs (default 4). npx tsx bench/augment.fashion.ts
import { init, sequential, train } from '../src/node.js';
import { loadFashionMnist } from '../src/datasets.js';
await init({ backend: 'wasm-simd' });
const { train: tr, test: te } = loadFashionMnist({ storage: 'u8' });
for (const shift of [0, 2]) {
  const net = sequential({ inputShape: [1, 28, 28], loss: 'softmax', seed: 1, layers: [
    { type: 'conv2d', filters: 8, kernel: 3 }, { type: 'relu' }, { type: 'maxPool2d', size: 2 },
    { type: 'conv2d', filters: 16, kernel: 3 }, { type: 'relu' }, { type: 'maxPool2d', size: 2 },
    { type: 'flatten' }, { type: 'dense', units: 10 }] });
  const acc: number[] = [];
  const r = train(net, tr, { optimizer: { name: 'adam', lr: 1e-3 }, batch: 64, epochs: Number(process.env.EPOCHS ?? 4), seed: 1, augment: { shift }, threads: 2,
    onEpoch: (rec) => { acc.push(net.evaluate(te).accuracy!); console.log(`shift ${shift} epoch ${rec.epoch} loss ${rec.loss.toFixed(4)} test ${acc.at(-1)!.toFixed(4)} ${(rec.ms / 1000).toFixed(0)} s`); } });
  console.log(`shift ${shift}: test accuracy by epoch ${acc.map((a) => a.toFixed(4)).join(' ')} (${r.epochs} epochs, ${(r.ms / 1000).toFixed(0)} s)`);
  net.dispose();
}
process.exit(0);
