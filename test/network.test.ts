// Networks as models: accuracy on digits against scikit-learn's MLPClassifier, seeds, dropout (training
// only, seeded), the layer-spec validation (typed errors naming the layer and the field, nothing
// allocated), getWeights/setWeights in PyTorch's layout, JSON round trips that predict bit for bit, and
// 1,000 create/train/dispose cycles at a memory plateau — on every backend.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  init, sequential, mlp, train, Dataset, Network, ShapeError, DataError, HyperParameterError, DescentError,
  type LayerSpec, type SequentialOptions,
} from '../src/node.js';
import { backend } from '../src/runtime/index.js';
import { Rng } from '../src/rng.js';
import { BACKENDS, bitEqual, uniform } from './_util.js';

function digits(): { train: Dataset; test: Dataset } {
  const ds = Dataset.builtin('digits');
  const parts = ds.split({ every: 5 });
  ds.dispose();
  const st = parts.train.stats();
  parts.train.standardize(st);
  parts.test.standardize(st);
  return parts;
}

for (const b of BACKENDS) {
  test(`[${b}] digits: MLP(64) relu, Adam, batch 32 ≥ scikit-learn's MLPClassifier (0.9694)`, async () => {
    await init({ backend: b });
    const { train: tr, test: te } = digits();
    const net = mlp({ features: 64, hidden: [64], classes: 10, seed: 1 });
    try {
      const r = train(net, tr, { optimizer: { name: 'adam', lr: 3e-3 }, batch: 32, epochs: 20, seed: 1 });
      assert.is(r.stopReason, 'epochs');
      const acc = net.evaluate(te).accuracy!;
      console.log(`  [${b}] digits MLP(64): test accuracy ${acc.toFixed(4)} after ${r.epochs} epochs (${r.ms.toFixed(0)} ms)`);
      assert.ok(acc >= 0.9694, `accuracy ${acc}`);
    } finally {
      net.dispose();
      tr.dispose();
      te.dispose();
    }
  });

  test(`[${b}] the same seeds give bit-identical parameters; another init or dropout seed differs`, async () => {
    await init({ backend: b });
    const rng = new Rng(4);
    const x = uniform(rng, 200 * 6), y = Array.from({ length: 200 }, () => rng.below(3));
    const ds = Dataset.fromArrays(x, y, { features: 6 });
    const run = (initSeed: number, seed: number): Float32Array => {
      const net = mlp({ features: 6, hidden: [17, 5], classes: 3, dropout: 0.25, seed: initSeed });
      train(net, ds, { optimizer: { name: 'sgd', lr: 0.1, momentum: 0.9 }, batch: 16, epochs: 3, seed });
      const p = net.params;
      net.dispose();
      return p;
    };
    const a = run(1, 1);
    assert.ok(bitEqual(a, run(1, 1)), 'same seeds, same bits');
    assert.not.ok(bitEqual(a, run(2, 1)), 'another init seed');
    assert.not.ok(bitEqual(a, run(1, 2)), 'another run seed (shuffle and dropout)');
    ds.dispose();
  });

  test(`[${b}] dropout is active in training only: evaluation and predictions are deterministic`, async () => {
    await init({ backend: b });
    const rng = new Rng(8);
    const x = uniform(rng, 50 * 4), y = Array.from({ length: 50 }, () => rng.below(2));
    const ds = Dataset.fromArrays(x, y, { features: 4 });
    const net = sequential({ inputShape: [4], layers: [{ type: 'dense', units: 9 }, { type: 'dropout', rate: 0.5 }, { type: 'dense', units: 1 }], loss: 'logistic' });
    const e1 = net.evaluate(ds), e2 = net.evaluate(ds);
    assert.is(e1.loss, e2.loss);
    assert.ok(bitEqual(net.decision(ds), net.decision(x)), 'a Dataset and the same rows as arrays give the same outputs');
    net.dispose();
    ds.dispose();
  });

  test(`[${b}] getWeights/setWeights use PyTorch's layout; JSON round trip predicts bit for bit`, async () => {
    await init({ backend: b });
    const net = sequential({ inputShape: [3], layers: [{ type: 'dense', units: 2 }, { type: 'gelu' }, { type: 'dense', units: 1, bias: false }], loss: 'squared' });
    net.setWeights(0, { weight: [1, 2, 3, 4, 5, 6], bias: [0.5, -0.5] });
    net.setWeights(2, { weight: [1, -1] });
    const w = net.getWeights(0);
    assert.equal(Array.from(w.weight), [1, 2, 3, 4, 5, 6]);
    assert.equal(Array.from(w.bias!), [0.5, -0.5]);
    assert.is(net.getWeights(2).bias, null);
    // Row 0 of the weight is unit 0: z0 = 1·1 + 2·0 + 3·0 + 0.5 = 1.5; z1 = 4 − 0.5 = 3.5; out = gelu(1.5) − gelu(3.5).
    const gelu = (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
    const out = net.predict([[1, 0, 0]])[0];
    assert.ok(Math.abs(out - (gelu(1.5) - gelu(3.5))) < 1e-5, `${out}`);
    const x = uniform(new Rng(3), 20 * 3);
    const copy = Network.fromJSON(JSON.stringify(net));
    assert.ok(bitEqual(net.predict(x), copy.predict(x)));
    assert.equal(copy.layers, net.layers);
    for (const [what, f] of [
      ['weight of the wrong length', () => net.setWeights(0, { weight: [1, 2, 3], bias: [0, 0] })],
      ['a NaN weight', () => net.setWeights(0, { weight: [1, 2, NaN, 4, 5, 6], bias: [0, 0] })],
      ['a missing bias', () => net.setWeights(0, { weight: [1, 2, 3, 4, 5, 6] })],
      ['a bias on a layer without one', () => net.setWeights(2, { weight: [1, 1], bias: [0] })],
      ['an activation layer', () => net.setWeights(1, { weight: [] })],
      ['an index past the end', () => net.getWeights(3)],
    ] as const) {
      assert.throws(f, (e: unknown) => e instanceof DescentError, what);
    }
    assert.equal(Array.from(net.getWeights(0).weight), [1, 2, 3, 4, 5, 6], 'a refused setWeights changed nothing');
    copy.dispose();
    net.dispose();
  });
}

const BAD: [string, Partial<SequentialOptions> & Record<string, unknown>, new (...a: never[]) => Error, RegExp][] = [
  ['unknown layer type', { layers: [{ type: 'conv3d' } as never] }, HyperParameterError, /layers\[0\]\.type/],
  ['units missing', { layers: [{ type: 'dense' } as never] }, HyperParameterError, /layers\[0\]\.units/],
  ['units not an integer', { layers: [{ type: 'dense', units: 2.5 }] }, HyperParameterError, /layers\[0\]\.units/],
  ['units zero', { layers: [{ type: 'relu' }, { type: 'dense', units: 0 }] }, HyperParameterError, /layers\[1\]\.units/],
  ['inputs that do not chain', { layers: [{ type: 'dense', units: 4, inputs: 4 }, { type: 'dense', units: 3, inputs: 5 }] }, ShapeError, /layers\[1\]\.inputs/],
  ['an unknown key', { layers: [{ type: 'dense', units: 3, activation: 'relu' } as never] }, HyperParameterError, /layers\[0\]\.activation/],
  ['dropout rate 1', { layers: [{ type: 'dense', units: 3 }, { type: 'dropout', rate: 1 }, { type: 'dense', units: 3 }] }, HyperParameterError, /layers\[1\]\.rate/],
  ['a negative leaky slope', { layers: [{ type: 'dense', units: 3 }, { type: 'leakyRelu', slope: -1 }, { type: 'dense', units: 3 }] }, HyperParameterError, /layers\[1\]\.slope/],
  ['a reshape that does not hold the features', { layers: [{ type: 'reshape', shape: [3, 2] }, { type: 'flatten' }, { type: 'dense', units: 3 }] }, ShapeError, /layers\[0\].*reshape/],
  ['dense on an image shape', { inputShape: [1, 2, 2], layers: [{ type: 'dense', units: 3 }] }, ShapeError, /flatten/],
  ['softmax with one output', { layers: [{ type: 'dense', units: 1 }], loss: 'softmax' }, ShapeError, /layers\[0\].*softmax|softmax.*layers\[0\]/],
  ['squared with three outputs', { layers: [{ type: 'dense', units: 3 }], loss: 'squared' }, ShapeError, /squared/],
  ['no dense layer', { layers: [{ type: 'relu' }] }, HyperParameterError, /dense/],
  ['an unknown loss', { loss: 'hinge' as never }, HyperParameterError, /loss/],
  ['inputShape not positive', { inputShape: [0] }, HyperParameterError, /inputShape/],
  ['layers empty', { layers: [] }, HyperParameterError, /layers/],
  ['an unknown option', { epochs: 3 } as never, HyperParameterError, /epochs/],
];

test('bad layer specs: a typed error naming the layer and field, and nothing allocated', async () => {
  await init({ backend: 'wasm-simd' });
  const be = backend();
  const live = be.liveBytes();
  for (const [what, o, type, re] of BAD) {
    const options = { inputShape: [4], layers: [{ type: 'dense', units: 3 }], loss: 'softmax', ...o } as SequentialOptions;
    assert.throws(() => sequential(options), (e: unknown) => e instanceof type && re.test((e as Error).message), what);
  }
  assert.is(be.liveBytes(), live, 'a refused spec allocated nothing');
  assert.throws(() => mlp({ features: 4, hidden: [8], classes: 1 }), (e: unknown) => e instanceof HyperParameterError && /classes/.test((e as Error).message));
});

test('a dataset that does not fit: wrong features, labels out of range', async () => {
  await init({ backend: 'wasm-simd' });
  const net = mlp({ features: 3, hidden: [4], classes: 3 });
  const wide = Dataset.fromArrays([[1, 2, 3, 4]], [0]);
  const bad = Dataset.fromArrays([[1, 2, 3]], [3]);
  assert.throws(() => train(net, wide), (e: unknown) => e instanceof ShapeError && /4 features.*expects 3/.test((e as Error).message));
  assert.throws(() => train(net, bad), (e: unknown) => e instanceof DataError && (e as DataError).row === 0);
  for (const d of [net, wide, bad]) d.dispose();
});

for (const b of BACKENDS) {
  test(`[${b}] 1,000 create/train/dispose cycles of an MLP leave memory at a plateau`, async () => {
    await init({ backend: b });
    const be = backend();
    const rng = new Rng(2);
    const x = uniform(rng, 48 * 5), y = Array.from({ length: 48 }, () => rng.below(3));
    const layers: LayerSpec[] = [{ type: 'dense', units: 7 }, { type: 'tanh' }, { type: 'dropout', rate: 0.1 }, { type: 'dense', units: 3 }];
    const cycle = () => {
      const ds = Dataset.fromArrays(x, y, { features: 5 });
      const net = sequential({ inputShape: [5], layers, loss: 'softmax' });
      train(net, ds, { optimizer: { name: 'adam', lr: 0.01 }, batch: 16, epochs: 1, validationFraction: 0.25 });
      net.evaluate(ds);
      net.predict(x);
      net.dispose();
      ds.dispose();
    };
    const live0 = be.liveBytes();
    for (let i = 0; i < 100; i++) cycle();
    const plateau = be.memoryBytes();
    for (let i = 0; i < 900; i++) cycle();
    assert.is(be.liveBytes(), live0, 'every allocation was freed');
    assert.is(be.memoryBytes(), plateau, `memory grew from ${plateau} to ${be.memoryBytes()} bytes over 900 more cycles`);
  });
}

test.run();
