// Networks in trainInWorker (worker_threads): an mlp, a sequential spec and a GPT (a label at each position) train
// in the worker to the same bits as train() in-process, and a bad layer spec or a wrong number of targets per row
// is refused synchronously, before a worker starts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, Dataset, gpt, gptLayers, mlp, train, HyperParameterError, ShapeError } from '../src/index.js';
import { charVocab, charWindows, encodeChars } from '../src/text/index.js';
import { loadBuiltin } from '../src/data/builtin.js';
import { bitEqual } from './_util.js';
import { bundledWorker } from './_worker.js';

const trainInWorker = bundledWorker(test, 'worker-net');

const digits = loadBuiltin('digits');
const data = () => ({ x: digits.x.slice(), y: digits.y.slice(), features: digits.features });
const opts = { optimizer: { name: 'adam' as const, lr: 3e-3 }, batch: 32, epochs: 3, seed: 2 };

for (const backend of ['wasm-simd', 'js'] as const) {
  test(`[${backend}] an mlp in the worker: the parameters of train() in-process, bit for bit`, async () => {
    const h = trainInWorker({ data: data(), model: { kind: 'mlp', hidden: [32], classes: 10, dropout: 0.1, seed: 4 }, train: opts, split: { every: 5 }, standardize: true, backend });
    const r = await h.result;
    assert.is(r.stopReason, 'epochs');
    assert.ok(r.test!.accuracy! > 0.85, `test accuracy ${r.test!.accuracy}`);
    await init({ backend });
    const all = Dataset.fromArrays(digits.x, digits.y, { features: digits.features });
    const s = all.split({ every: 5 });
    const net = mlp({ features: 64, hidden: [32], classes: 10, dropout: 0.1, seed: 4 });
    train(net, s.train, opts); // standardize: true in both, train()'s default
    assert.ok(bitEqual(r.params, net.params), 'worker and in-process parameters are identical');
    for (const d of [net, all, s.train, s.test]) d.dispose();
  });
}

test('a sequential spec trains in the worker; bad specs are typed errors before a worker starts', async () => {
  const h = trainInWorker({
    data: data(), split: { every: 5 }, standardize: true, train: opts,
    model: { kind: 'sequential', inputShape: [1, 8, 8], layers: [{ type: 'flatten' }, { type: 'dense', units: 16 }, { type: 'tanh' }, { type: 'dense', units: 10 }], loss: 'softmax' },
  });
  const r = await h.result;
  assert.is(r.params.length, 64 * 16 + 16 * 10 + 16 + 10);
  for (const [what, model, type] of [
    ['a dense layer without units', { kind: 'sequential', layers: [{ type: 'dense' }], loss: 'softmax' }, HyperParameterError],
    ['an inputShape that is not the features', { kind: 'sequential', inputShape: [7, 7], layers: [{ type: 'flatten' }, { type: 'dense', units: 3 }], loss: 'softmax' }, ShapeError],
    ['mlp with one class', { kind: 'mlp', hidden: [4], classes: 1 }, HyperParameterError],
  ] as const) {
    assert.throws(() => trainInWorker({ data: data(), model: model as never, train: opts }), (e: unknown) => e instanceof type, what);
  }
});

test('a GPT with per-position targets (rows × T) in the worker: the parameters of train() in-process, bit for bit', async () => {
  const text = 'the cat sat on the mat; the dog sat on the log. '.repeat(20);
  const vocab = charVocab(text), ids = encodeChars(text, vocab), T = 8;
  const tr = charWindows(ids, T, { stride: 3, end: 700, perPosition: true }), va = charWindows(ids, T, { stride: T, start: 700, perPosition: true });
  const g = { vocab: vocab.size, context: T, dim: 16, heads: 2, blocks: 1, seed: 3 };
  const train1 = { optimizer: { name: 'adamw' as const, lr: 3e-3, betas: [0.9, 0.95] as [number, number], weightDecay: 0.1 }, batch: 16, epochs: 2, seed: 1, clipNorm: 1 };
  const model = { kind: 'sequential' as const, inputShape: [T], layers: gptLayers(g), loss: 'softmax' as const, init: 'gpt2' as const, seed: 3 };
  const h = trainInWorker({ data: { x: tr.x.slice(), y: tr.y.slice(), features: T }, validation: { x: va.x.slice(), y: va.y.slice() }, model, train: train1, backend: 'wasm-simd' });
  const r = await h.result;
  assert.is(r.stopReason, 'epochs');
  assert.is(r.history.length, 2);
  assert.ok(r.history[1].valLoss! < r.history[0].valLoss!, `validation loss ${r.history.map((e) => e.valLoss)}`);
  await init({ backend: 'wasm-simd' });
  const net = gpt(g);
  const dtr = Dataset.fromArrays(tr.x, tr.y, { features: T }), dva = Dataset.fromArrays(va.x, va.y, { features: T });
  const local = train(net, dtr, { ...train1, validation: dva });
  assert.ok(bitEqual(r.params, net.params), 'worker and in-process parameters are identical');
  assert.equal(r.history.map((e) => e.valLoss), local.history.map((e) => e.valLoss));
  for (const d of [net, dtr, dva]) d.dispose();
  // Targets per row must be the network's positions: one per row, or a count that is not T, is refused here.
  for (const [what, y] of [['one target per row', tr.y.slice(0, tr.x.length / T)], ['T − 1 per row', tr.y.slice(0, (tr.x.length / T) * (T - 1))]] as const) {
    assert.throws(() => trainInWorker({ data: { x: tr.x.slice(), y, features: T }, model, train: train1 }),
      (e: unknown) => e instanceof ShapeError && /but the network takes 8 per row/.test((e as Error).message), what);
  }
  assert.throws(() => trainInWorker({ data: { x: tr.x.slice(), y: tr.y.slice(), features: T }, validation: { x: va.x.slice(), y: va.y.slice(0, va.x.length / T) }, model, train: train1 }),
    (e: unknown) => e instanceof ShapeError && /validation\.y has 1 target\(s\) per row/.test((e as Error).message));
});

test.run();
