// Embedding, GRU and LSTM layers in sequential networks: bad specs and bad token ids get typed errors naming
// the layer, row and position before anything is allocated; PyTorch's parameter shapes and init bounds;
// gradient clipping on by default for recurrent networks; training learns a task that needs memory.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  init, sequential, train, Dataset, Network, ShapeError, DataError, HyperParameterError, type DescentError, type LayerSpec,
} from '../src/index.js';
import { plan } from '../src/training/options.js';
import { SEQUENCE_WS_FLOATS } from '../src/models/network/program.js';
import { NET } from '../src/backends/abi.generated.js';
import { backend } from '../src/runtime/index.js';
import { Rng } from '../src/rng.js';
import { BACKENDS } from './_util.js';

type Ctor = new (...a: any[]) => DescentError;

function throwsTyped(fn: () => unknown, type: Ctor, msg: RegExp, label: string): void {
  const before = backend().liveBytes();
  try {
    fn();
  } catch (e) {
    assert.instance(e, type, `${label}: ${(e as Error)?.constructor?.name} instead of ${type.name}: ${(e as Error).message}`);
    assert.match((e as Error).message, msg, `${label}: message ${JSON.stringify((e as Error).message)}`);
    assert.is(backend().liveBytes(), before, `${label}: allocated memory before throwing`);
    return;
  }
  assert.unreachable(`${label}: did not throw`);
}

const emb = (extra: object = {}): LayerSpec => ({ type: 'embedding', vocab: 10, dim: 4, ...extra } as LayerSpec);
const net = (layers: LayerSpec[], inputShape = [6]) => () => sequential({ inputShape, layers, loss: 'softmax' });

test('bad recurrent specs: typed errors naming the layer and the field', async () => {
  await init({ backend: 'js' });
  const cases: [string, () => unknown, Ctor, RegExp][] = [
    ['vocab 0', net([emb({ vocab: 0 }), { type: 'gru', units: 3 }, { type: 'dense', units: 2 }]), HyperParameterError, /layers\[0\]\.vocab.*positive integer/],
    ['dim 2.5', net([emb({ dim: 2.5 }), { type: 'gru', units: 3 }, { type: 'dense', units: 2 }]), HyperParameterError, /layers\[0\]\.dim/],
    ['paddingId ≥ vocab', net([emb({ paddingId: 10 }), { type: 'gru', units: 3 }, { type: 'dense', units: 2 }]), HyperParameterError, /layers\[0\]\.paddingId.*\[0, 9\]/],
    ['embedding not first', net([{ type: 'reshape', shape: [6] }, emb(), { type: 'gru', units: 3 }, { type: 'dense', units: 2 }]), ShapeError, /layers\[1\] \(embedding\) must be the first layer/],
    ['embedding on an image', net([emb(), { type: 'gru', units: 3 }, { type: 'dense', units: 2 }], [2, 3]), ShapeError, /layers\[0\] \(embedding\) takes a row of token ids/],
    ['gru on a flat input', net([{ type: 'gru', units: 3 }, { type: 'dense', units: 2 }]), ShapeError, /layers\[0\] \(gru\) needs a sequence input \[steps, features\]/],
    ['lstm units 0', net([emb(), { type: 'lstm', units: 0 }, { type: 'dense', units: 2 }]), HyperParameterError, /layers\[1\]\.units/],
    ['inputs mismatch', net([emb(), { type: 'lstm', units: 3, inputs: 5 }, { type: 'dense', units: 2 }]), ShapeError, /layers\[1\]\.inputs is 5 but the layer receives 4 features per step/],
    ['returnSequences not boolean', net([emb(), { type: 'gru', units: 3, returnSequences: 1 } as unknown as LayerSpec, { type: 'dense', units: 2 }]), HyperParameterError, /layers\[1\]\.returnSequences/],
    ['unknown key', net([emb({ padding: 0 }), { type: 'gru', units: 3 }, { type: 'dense', units: 2 }]), HyperParameterError, /padding/],
    // Under 'softmax' a [T, classes] output takes a label per position (test/gpt.test.ts); other losses need a flat one.
    ['dense after returnSequences acts per step (PyTorch), and a logistic loss needs a flat output', () => sequential({ inputShape: [6], layers: [emb(), { type: 'gru', units: 3, returnSequences: true }, { type: 'dense', units: 1 }], loss: 'logistic' }), ShapeError, /last layer \(layers\[2\]\) outputs shape \[6, 1\].*flatten.*needs loss 'softmax'/],
  ];
  for (const [label, fn, type, msg] of cases) throwsTyped(fn, type, msg, label);
});

for (const name of BACKENDS) {
  test(`${name}: bad token ids name the row and the position, before training or predicting allocates`, async () => {
    await init({ backend: name });
    const m = sequential({ inputShape: [3], layers: [emb(), { type: 'gru', units: 2 }, { type: 'dense', units: 2 }], loss: 'softmax' });
    try {
      for (const [bad, re] of [[10, /row 1, position 2: token id 10 is not an integer in \[0, 9\]/], [-1, /row 1, position 2: token id -1/], [2.5, /token id 2.5/]] as const) {
        const ds = Dataset.fromArrays([[1, 2, 3], [4, 5, bad]], [0, 1]);
        try {
          throwsTyped(() => train(m, ds, { epochs: 1 }), DataError, re, `train with ${bad}`);
          throwsTyped(() => m.predict(ds), DataError, re, `predict with ${bad}`);
        } finally {
          ds.dispose();
        }
      }
    } finally {
      m.dispose();
    }
  });
}

test('PyTorch shapes in getWeights and init: weight_ih G·U × inputs, weight_hh G·U × U, biases ±1/√U; embedding N(0, 1)', async () => {
  await init({ backend: 'js' });
  for (const [type, G] of [['gru', 3], ['lstm', 4]] as const) {
    const m = sequential({ inputShape: [7], layers: [{ type: 'embedding', vocab: 50, dim: 6, paddingId: 3 }, { type, units: 5 }, { type: 'dense', units: 2 }], loss: 'softmax', seed: 4 });
    try {
      const e = m.getWeights(0), r = m.getWeights(1);
      assert.is(e.weight.length, 300);
      assert.is(e.bias, null);
      for (let j = 0; j < 6; j++) assert.is(e.weight[3 * 6 + j], 0, 'the padding row is 0');
      const sd = Math.sqrt(e.weight.reduce((a, v) => a + v * v, 0) / 294);
      assert.ok(sd > 0.8 && sd < 1.2, `embedding ~ N(0, 1): sd ${sd}`);
      assert.is(r.weight.length, G * 5 * 6);
      assert.is(r.weightHh!.length, G * 5 * 5);
      assert.is(r.bias!.length, G * 5);
      assert.is(r.biasHh!.length, G * 5);
      const all = [...r.weight, ...r.weightHh!, ...r.bias!, ...r.biasHh!];
      const bound = 1 / Math.sqrt(5);
      assert.ok(all.every((v) => Math.abs(v) <= bound), 'uniform ±1/√units');
      assert.ok(Math.max(...all.map(Math.abs)) > 0.8 * bound, 'the draws fill the range');
      assert.is(m.size, 300 + G * 5 * (6 + 5) + 2 * G * 5 + 5 * 2 + 2);
      throwsTyped(() => m.setWeights(1, { weight: r.weight, bias: r.bias }), ShapeError, /weightHh must hold/, 'setWeights without weightHh');
      // A round trip through JSON keeps every parameter.
      const back = Network.fromJSON(JSON.stringify(m.toJSON()));
      assert.equal(Array.from(back.params), Array.from(m.params));
      back.dispose();
    } finally {
      m.dispose();
    }
  }
});

test('gradient clipping: on (clipNorm 5) by default for gru/lstm networks, off for the others; overridable, null = off; token ids never standardized', async () => {
  await init({ backend: 'js' });
  const ds = Dataset.fromArrays([[1, 2, 3], [4, 5, 6]], [0, 1]);
  const r = sequential({ inputShape: [3], layers: [emb(), { type: 'lstm', units: 2 }, { type: 'dense', units: 2 }], loss: 'softmax' });
  const d = sequential({ inputShape: [3], layers: [{ type: 'dense', units: 2 }], loss: 'softmax' });
  try {
    assert.is(plan({}, r, ds).clipNorm, 5);
    assert.is(plan({ clipNorm: 1 }, r, ds).clipNorm, 1);
    assert.is(plan({ clipNorm: null }, r, ds).clipNorm, 0);
    assert.is(plan({}, d, ds).clipNorm, 0);
    // Token ids are never standardized: unset means off; asking for it is an error.
    assert.is(plan({}, r, ds).standardize, 'off');
    throwsTyped(() => plan({ standardize: true }, r, ds), HyperParameterError, /token ids/, 'standardize true');
  } finally {
    r.dispose();
    d.dispose();
    ds.dispose();
  }
});

test('long sequences run in smaller chunks: the workspace stays within SEQUENCE_WS_FLOATS', async () => {
  await init({ backend: 'wasm-simd' });
  const T = 400;
  const m = sequential({ inputShape: [T], layers: [{ type: 'embedding', vocab: 20, dim: 32 }, { type: 'lstm', units: 128 }, { type: 'dense', units: 2 }], loss: 'softmax' });
  const rng = new Rng(1);
  const ds = Dataset.fromArrays(Float32Array.from({ length: 3 * T }, () => rng.below(20)), [0, 1, 1], { features: T });
  try {
    const c = (m as unknown as { compiled: { program: Float64Array; wsFloats: number } }).compiled;
    const chunk = c.program[NET.chunk];
    assert.ok(chunk >= 1 && chunk < 128, `chunk ${chunk}`);
    assert.ok(c.wsFloats <= SEQUENCE_WS_FLOATS * 1.05, `workspace ${c.wsFloats} f32`);
    const r = train(m, ds, { epochs: 2, batch: 3, optimizer: { name: 'adam', lr: 0.01 } });
    assert.ok(Number.isFinite(r.history[1].loss));
  } finally {
    m.dispose();
    ds.dispose();
  }
});

// A task only memory solves: the class is the FIRST token of a left-padded sequence of random length, the
// rest noise. The last state must carry it across up to 7 steps.
for (const name of BACKENDS) {
  for (const type of ['gru', 'lstm'] as const) {
    test(`${name}: ${type} learns to recall the first token of a left-padded sequence`, async () => {
      await init({ backend: name });
      const rng = new Rng(11), T = 8, rows = 600;
      const x = new Float32Array(rows * T), y = new Float32Array(rows);
      for (let r = 0; r < rows; r++) {
        const len = 3 + rng.below(T - 2);
        y[r] = rng.below(3);
        for (let t = 0; t < T; t++) x[r * T + t] = t < T - len ? 0 : t === T - len ? 1 + y[r] : 4 + rng.below(6);
      }
      const ds = Dataset.fromArrays(x, y, { features: T });
      const m = sequential({ inputShape: [T], layers: [{ type: 'embedding', vocab: 10, dim: 8, paddingId: 0 }, { type, units: 16 }, { type: 'dense', units: 3 }], loss: 'softmax', seed: 1 });
      try {
        const before = m.evaluate(ds).accuracy!;
        train(m, ds, { epochs: 15, batch: 32, optimizer: { name: 'adam', lr: 0.01 }, seed: 2 });
        const after = m.evaluate(ds).accuracy!;
        assert.ok(after > 0.95, `accuracy ${before.toFixed(3)} → ${after.toFixed(3)}`);
        if (name === 'wasm-simd') console.log(`  ${type}: accuracy ${before.toFixed(3)} → ${after.toFixed(3)} (chance 1/3)`);
      } finally {
        m.dispose();
        ds.dispose();
      }
    });
  }
}

test.run();
