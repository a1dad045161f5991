// Batch norm's running statistics are training state too: a run saved mid-way and resumed into a freshly built
// network (not Network.fromJSON) ends with the running means and variances of the uninterrupted run, bit for
// bit, on every backend; a state whose stats do not fit is refused; and trainInWorker hands them back
// (`runningStats`), equal to train() in-process.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, Dataset, sequential, Trainer, train, HyperParameterError, type SequentialOptions, type TrainOptions, type TrainState } from '../src/index.js';
import { loadBuiltin } from '../src/data/builtin.js';
import { bundledWorker } from './_worker.js';
import { BACKENDS, bitEqual } from './_util.js';

const spec: SequentialOptions = {
  inputShape: [1, 8, 8], loss: 'softmax', seed: 3,
  layers: [
    { type: 'conv2d', filters: 4, kernel: 3, padding: 1 }, { type: 'batchNorm' }, { type: 'relu' }, { type: 'maxPool2d', size: 2 },
    { type: 'flatten' }, { type: 'dense', units: 16 }, { type: 'batchNorm', momentum: 0.2 }, { type: 'relu' }, { type: 'dense', units: 10 },
  ],
};
const opts: TrainOptions = { optimizer: { name: 'adam', lr: 3e-3 }, batch: 32, epochs: 3, seed: 5, shuffle: true };
const digits = loadBuiltin('digits');
const x = Float32Array.from(digits.x, (v) => v / 16);

/** Running statistics of every batchNorm layer, concatenated. */
function stats(net: ReturnType<typeof sequential>): Float32Array {
  const parts: number[] = [];
  for (const i of [1, 6]) {
    const w = net.getWeights(i);
    parts.push(...w.runningMean!, ...w.runningVar!);
  }
  return Float32Array.from(parts);
}

for (const b of BACKENDS) {
  test(`[${b}] saved at step 7 and resumed into a fresh network: running statistics and parameters bit-identical to the straight run`, async () => {
    await init({ backend: b });
    const ds = Dataset.fromArrays(x, digits.y, { features: 64 });
    const straight = sequential(spec);
    const t = new Trainer(straight, ds, opts);
    t.step(7 + 20);
    t.dispose();

    const first = sequential(spec);
    const t1 = new Trainer(first, ds, opts);
    t1.step(7);
    const state = JSON.parse(JSON.stringify(t1.save())) as TrainState;
    t1.dispose();
    first.dispose();
    const again = sequential(spec); // running means 0, variances 1: only the state can bring the saved ones back
    const t2 = new Trainer(again, ds, { ...opts, resume: state });
    t2.step(20);
    t2.dispose();
    assert.ok(bitEqual(again.params, straight.params), 'parameters');
    assert.ok(bitEqual(stats(again), stats(straight)), 'running statistics');
    const untrained = sequential(spec);
    assert.not.ok(bitEqual(stats(again), stats(untrained)), 'the statistics moved away from their initial values');
    untrained.dispose();

    // A state whose stats do not fit this network is refused before anything is restored.
    const bad = JSON.parse(JSON.stringify(state)) as TrainState & { model: { stats: number[] } };
    bad.model.stats = bad.model.stats.slice(1);
    const fresh = sequential(spec);
    assert.throws(() => new Trainer(fresh, ds, { ...opts, resume: bad }), (e: Error) => e instanceof HyperParameterError && /model\.stats/.test(e.message));
    bad.model.stats = (state.model as unknown as { stats: number[] }).stats.map((v, i) => (i === 3 ? Number.NaN : v));
    assert.throws(() => new Trainer(fresh, ds, { ...opts, resume: bad }), (e: Error) => e instanceof HyperParameterError && /model\.stats\[3\]/.test(e.message));
    for (const d of [fresh, again, straight, ds]) d.dispose();
  });
}

const trainInWorker = bundledWorker(test, 'worker-bn');

test('trainInWorker returns the running statistics with the parameters, as train() in-process has them', async () => {
  const { inputShape, ...rest } = spec;
  const h = trainInWorker({ data: { x: x.slice(), y: digits.y.slice(), features: 64 }, model: { kind: 'sequential', inputShape, ...rest }, train: opts, backend: 'wasm-simd' });
  const r = await h.result;
  await init({ backend: 'wasm-simd' });
  const ds = Dataset.fromArrays(x, digits.y, { features: 64 });
  const net = sequential(spec);
  train(net, ds, opts);
  assert.ok(bitEqual(r.params, net.params), 'parameters');
  assert.ok(r.runningStats instanceof Float32Array, 'runningStats is returned');
  assert.ok(bitEqual(r.runningStats!, Float32Array.from(net.toJSON().stats!)), 'running statistics');
  // No batch norm, no running statistics.
  const plain = await trainInWorker({ data: { x: x.slice(), y: digits.y.slice(), features: 64 }, model: { kind: 'mlp', hidden: [8], classes: 10 }, train: { epochs: 1 } }).result;
  assert.is(plain.runningStats, undefined);
  net.dispose();
  ds.dispose();
});

test.run();
