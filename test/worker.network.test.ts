// Networks in trainInWorker (worker_threads): an mlp or a sequential spec trains in the worker to the same
// bits as train() in-process, and a bad layer spec is refused synchronously, before a worker starts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, Dataset, mlp, train, HyperParameterError, ShapeError } from '../src/index.js';
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

test.run();
