// Frozen layers (`trainable: false` in a spec, net.freeze(path) / unfreeze(path)): their tensors come out of
// training bit-unchanged on every backend and with threads (row blocks and column splits), the optimizer keeps
// state for the trainable parameters only, the gradient of the trainable part is the one the unfrozen network
// computes (bit for bit, and equal to central differences), and freezing moves no value of any tensor.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, sequential, train, partialFit, Dataset, Network, Trainer, HyperParameterError, ShapeError, type LayerSpec } from '../src/index.js';
import { Rng } from '../src/rng.js';
import { backend } from '../src/runtime/index.js';
import { Block, disposeAll } from '../src/runtime/block.js';
import { Run } from '../src/runtime/run.js';
import { BACKENDS } from './_util.js';
import { exits } from './_threads.js';

const LAYERS: LayerSpec[] = [
  { type: 'dense', units: 12, trainable: false }, { type: 'relu' },
  { type: 'residual', layers: [{ type: 'layerNorm' }, { type: 'dense', units: 12 }, { type: 'tanh' }] },
  { type: 'dense', units: 3 },
];

function data(rows: number, seed = 1): { x: Float32Array; y: Float32Array } {
  const rng = new Rng(seed);
  const x = Float32Array.from({ length: rows * 5 }, () => rng.normal());
  const y = Float32Array.from({ length: rows }, (_, r) => (x[r * 5] + x[r * 5 + 1] > 0 ? (x[r * 5 + 2] > 0 ? 2 : 1) : 0));
  return { x, y };
}

const sameTensors = (a: Record<string, Float32Array | undefined>, b: Record<string, Float32Array | undefined>): boolean =>
  Object.keys(a).every((k) => a[k]!.length === b[k]!.length && a[k]!.every((v, i) => Object.is(v, b[k]![i])));

test('trainable: false places the frozen tensors after the trainable ones; trainableSize and state size follow', async () => {
  await init({ backend: 'wasm-simd' });
  const net = sequential({ inputShape: [5], layers: LAYERS, loss: 'softmax', seed: 2 });
  try {
    const frozen = 5 * 12 + 12;
    assert.is(net.trainableSize, net.size - frozen);
    const { x, y } = data(64);
    const ds = Dataset.fromArrays(x, y, { features: 5 });
    const t = new Trainer(net, ds, { optimizer: { name: 'adam', lr: 1e-2 }, epochs: 1, batch: 16 });
    const state = (t as unknown as { opt: { stateBlock: Block<'f32'> } }).opt.stateBlock;
    assert.is(state.length, 2 * net.trainableSize, "Adam's two moments for the trainable parameters only");
    t.dispose();
    ds.dispose();
  } finally {
    net.dispose();
  }
  assert.throws(() => sequential({ inputShape: [5], layers: [{ type: 'dense', units: 3, trainable: 'no' } as never], loss: 'softmax' }),
    (e: unknown) => e instanceof HyperParameterError && /layers\[0\]\.trainable/.test((e as Error).message));
});

for (const b of BACKENDS) {
  test(`[${b}] frozen tensors are bit-unchanged by training (threads 1 and 2, row blocks and column splits), the others move`, async () => {
    await init({ backend: b });
    const { x, y } = data(600);
    for (const [threads, batch] of [[undefined, 32], [2, 300], [2, 64]] as const) {
      if (threads && b === 'js') continue;
      const net = sequential({ inputShape: [5], layers: LAYERS, loss: 'softmax', seed: 2 });
      const ds = Dataset.fromArrays(x, y, { features: 5 });
      try {
        const before = [net.getWeights(0), net.getWeights([2, 1]), net.getWeights(3)];
        train(net, ds, { optimizer: { name: 'adamw', lr: 1e-2 }, epochs: 2, batch, l2: 1e-3, ...(threads ? { threads } : {}) });
        assert.ok(sameTensors(before[0], net.getWeights(0)), `frozen layer 0 unchanged (threads ${threads}, batch ${batch})`);
        assert.not.ok(sameTensors(before[1], net.getWeights([2, 1])), 'the residual block trained');
        assert.not.ok(sameTensors(before[2], net.getWeights(3)), 'the head trained');
      } finally {
        ds.dispose();
        net.dispose();
      }
    }
    await exits();
  });
}

test('the gradient of the trainable part is the unfrozen network\'s, bit for bit, and central differences agree', async () => {
  for (const b of BACKENDS) {
    await init({ backend: b });
    const { x, y } = data(7, 3);
    const nets = [false, true].map((freeze) => {
      const n = sequential({ inputShape: [5], layers: LAYERS.map((l, i) => (i === 0 ? { type: 'dense', units: 12 } as LayerSpec : l)), loss: 'softmax', seed: 4 });
      if (freeze) n.freeze(0);
      return n;
    });
    const ds = Dataset.fromArrays(x, y, { features: 5 });
    const be = backend();
    const grads = nets.map((net) => {
      const g = new Block(be, 'f32', net.size), idx = new Block(be, 'i32', 7);
      const run = new Run(be, { ...net.runFields(), ...ds.runFields(), grads: g.ptr, idx: idx.ptr, rows: 7, training: 1 });
      be.iotaI32(idx.ptr, 7);
      const loss = () => be.lossGrad(run.ptr, 0, 7);
      loss();
      const out = g.view.slice();
      // Central differences on every trainable parameter of the frozen network.
      if (net.trainableSize < net.size) {
        const p = net.paramsBlock.view;
        for (let i = 0; i < net.trainableSize; i++) {
          const p0 = p[i], h = 2 ** -10;
          p[i] = p0 + h; const up = loss();
          p[i] = p0 - h; const down = loss();
          p[i] = p0;
          const fd = (up - down) / (2 * h);
          assert.ok(Math.abs(fd - out[i]) < 5e-3 * (Math.abs(out[i]) + 0.05), `${b} param ${i}: ${out[i]} vs differences ${fd}`);
        }
      }
      run.dispose();
      disposeAll(g, idx);
      return out;
    });
    // The trainable tensors by path and name: the same values in both layouts.
    for (const path of [[2, 0], [2, 1], [3]]) {
      const [a, f] = nets.map((n) => n.layerAt(path));
      for (let j = 0; j < a.tensors.length; j++) {
        const ta = a.tensors[j], tf = f.tensors[j];
        const ga = grads[0].subarray(ta.offset, ta.offset + ta.size), gf = grads[1].subarray(tf.offset, tf.offset + tf.size);
        assert.ok(ga.every((v, i) => Object.is(v, gf[i])), `${b} ${JSON.stringify(path)}.${ta.name}: the same gradient`);
      }
    }
    ds.dispose();
    for (const n of nets) n.dispose();
  }
});

test('freeze/unfreeze move no value, survive toJSON, stop Trainers made before them, restart partialFit', async () => {
  await init({ backend: 'wasm-simd' });
  const net = sequential({ inputShape: [5], layers: LAYERS.map((l) => ({ ...l, trainable: undefined }) as LayerSpec), loss: 'softmax', seed: 5 });
  const { x, y } = data(64);
  const ds = Dataset.fromArrays(x, y, { features: 5 });
  try {
    assert.is(net.trainableSize, net.size);
    const w = [0, [2, 0], [2, 1], 3].map((p) => net.getWeights(p as number));
    const t = new Trainer(net, ds, { epochs: 1, batch: 16 });
    net.freeze(2);
    assert.is(net.trainableSize, net.size - (12 + 12) - (12 * 12 + 12));
    assert.is((net.layers[2] as { trainable?: boolean }).trainable, false);
    [0, [2, 0], [2, 1], 3].forEach((p, i) => assert.ok(sameTensors(w[i], net.getWeights(p as number)), `freeze moved no value of ${JSON.stringify(p)}`));
    assert.throws(() => t.step(1), (e: unknown) => e instanceof HyperParameterError && /freeze\/unfreeze/.test((e as Error).message));
    t.dispose();
    partialFit(net, { x: x.subarray(0, 80), y: y.subarray(0, 16) });
    assert.ok(sameTensors(w[2], net.getWeights([2, 1])), 'partialFit leaves the frozen block');
    const copy = Network.fromJSON(JSON.stringify(net));
    assert.is(copy.trainableSize, net.trainableSize);
    assert.equal(copy.params, net.params);
    copy.dispose();
    net.unfreeze(2);
    assert.is(net.trainableSize, net.size);
    assert.is((net.layers[2] as { trainable?: boolean }).trainable, undefined);
    partialFit(net, { x: x.subarray(0, 80), y: y.subarray(0, 16) });
    assert.not.ok(sameTensors(w[2], net.getWeights([2, 1])), 'unfrozen, the block trains again (a fresh partialFit optimizer)');
    assert.throws(() => net.freeze([1, 0]), (e: unknown) => e instanceof ShapeError && /freeze\(\[1, 0\]\): layers\[1\] has 0 layers/.test((e as Error).message));
  } finally {
    ds.dispose();
    net.dispose();
  }
});

test.run();
