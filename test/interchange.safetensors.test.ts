// safetensors in and out. PyTorch → descent: every case of test/fixtures/torch-nets.json (its final parameters)
// and four more networks (batch norm with trained running statistics, LSTM, a sequence-returning GRU, bias-free
// layers) were written from PyTorch's state_dict of the torch.nn.Sequential of the same layers, with its
// eval-mode outputs, by scripts/fixtures/interchange-torch.py (PyTorch 1.13): each file loads into a network
// built from the spec and gives PyTorch's outputs within 1e-5; F16 and BF16 copies give the outputs of the
// rounded weights; PyTorch's own module names load through a names map. descent → descent: toSafetensors
// writes exactly the names PyTorch wrote, and networkFromSafetensors rebuilds the network bit for bit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { init, sequential, DataError, DisposedError, HyperParameterError, Preprocessing, type BackendName, type LayerSpec, type NetworkLoss } from '../src/index.js';
import { backend } from '../src/runtime/index.js';
import { readSafetensors, saveSafetensors } from '../src/node.js';
import { decodeSafetensors, encodeSafetensors } from '../src/interchange/safetensors.js';
import { loadSafetensors, networkFromSafetensors, toSafetensors } from '../src/interchange/torch-state.js';
import { maxRelDiff } from './_util.ts';

interface Case {
  name: string;
  file: string;
  inputShape: number[];
  layers: LayerSpec[];
  loss: NetworkLoss;
  x: number[][];
  outputs: number[][];
  names?: Record<string, number>;
}

const dir = new URL('./fixtures/interchange/', import.meta.url);
const ref = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as { cases: Case[] };
const fileOf = (c: Case): Uint8Array => new Uint8Array(readFileSync(new URL(c.file, dir)));
const BACKENDS: BackendName[] = ['js', 'wasm-scalar', 'wasm-simd'];

test('the fixtures cover every torch-nets case and every layer type', () => {
  const nets = JSON.parse(readFileSync(new URL('./fixtures/torch-nets.json', import.meta.url), 'utf8')) as { cases: { name: string }[] };
  for (const c of nets.cases) assert.ok(ref.cases.some((r) => r.name === c.name), `${c.name} has a safetensors fixture`);
  const types = new Set(ref.cases.flatMap((c) => c.layers.map((l) => l.type)));
  for (const t of ['dense', 'relu', 'tanh', 'sigmoid', 'gelu', 'leakyRelu', 'dropout', 'flatten', 'reshape', 'conv2d', 'maxPool2d', 'avgPool2d', 'batchNorm', 'embedding', 'gru', 'lstm']) {
    assert.ok(types.has(t as LayerSpec['type']), `a fixture has a ${t} layer`);
  }
});

for (const be of BACKENDS) {
  test(`${be}: PyTorch's state_dict files load and predict as PyTorch within 1e-5`, async () => {
    await init({ backend: be });
    for (const c of ref.cases) {
      const net = sequential({ inputShape: c.inputShape, layers: c.layers, loss: c.loss });
      loadSafetensors(net, fileOf(c), c.names ? { names: c.names } : {});
      const out = net.decision(c.x);
      const w = maxRelDiff(out, c.outputs.flat());
      assert.ok(w <= 1e-5, `${c.name}: outputs differ from PyTorch's by ${w.toExponential(2)}`);
      if (c.loss === 'softmax') {
        const p = net.predictProba(c.x), z = c.outputs;
        const q = z.flatMap((r) => {
          const m = Math.max(...r), e = r.map((v) => Math.exp(v - m)), s = e.reduce((a, b) => a + b, 0);
          return e.map((v) => v / s);
        });
        assert.ok(maxRelDiff(p, q) <= 1e-5, `${c.name}: predictProba`);
      }
      net.dispose();
    }
  });
}

test("toSafetensors writes PyTorch's names and shapes; networkFromSafetensors gives the network back bit for bit", async () => {
  await init({ backend: 'wasm-simd' });
  for (const c of ref.cases.filter((r) => !r.names && !/f16|bf16/.test(r.name))) {
    const torchFile = decodeSafetensors(fileOf(c));
    const net = sequential({ inputShape: c.inputShape, layers: c.layers, loss: c.loss });
    loadSafetensors(net, fileOf(c));
    const bytes = toSafetensors(net);
    const mine = decodeSafetensors(bytes);
    assert.equal([...mine.tensors.keys()].sort(), [...torchFile.tensors.keys()].sort(), `${c.name}: the names PyTorch wrote`);
    for (const [name, t] of mine.tensors) {
      const theirs = torchFile.tensors.get(name)!;
      assert.equal(t.shape, theirs.shape, `${c.name} ${name} shape`);
      if (!name.endsWith('num_batches_tracked')) assert.equal(Array.from(t.data), Array.from(theirs.data), `${c.name} ${name}: F32 exact`);
    }
    assert.is(mine.metadata.format, 'pt');
    const back = networkFromSafetensors(bytes);
    assert.equal(back.toJSON(), net.toJSON(), `${c.name}: spec, parameters and statistics`);
    assert.equal(Array.from(back.decision(c.x)), Array.from(net.decision(c.x)));
    net.dispose();
    back.dispose();
  }
});

test('networkFromSafetensors keeps the preprocessing', async () => {
  await init({ backend: 'js' });
  const net = sequential({ inputShape: [3], layers: [{ type: 'dense', units: 2 }, { type: 'relu' }, { type: 'dense', units: 1 }], loss: 'squared', seed: 4 });
  net.preprocessing = new Preprocessing({ mean: [1, -2, 0.5], std: [2, 0, 0.25], yMean: 3, yStd: 1.5 }, 3);
  const back = networkFromSafetensors(toSafetensors(net));
  assert.equal(back.toJSON(), net.toJSON());
  const x = [[1, 2, 3], [-1, 0.5, 7]];
  assert.equal(Array.from(back.predict(x)), Array.from(net.predict(x)));
  net.dispose();
  back.dispose();
});

test("a file's tensors that do not fit the network are DataErrors naming the tensor; nothing is written or allocated", async () => {
  await init({ backend: 'wasm-simd' });
  const c = ref.cases.find((r) => r.name === 'mlp-0-relu-softmax-sgd')!;
  const net = sequential({ inputShape: c.inputShape, layers: c.layers, loss: c.loss });
  const before = net.params;
  const good = decodeSafetensors(fileOf(c)).tensors;
  const variant = (edit: (m: Map<string, { data: Float32Array; shape: number[] }>) => void): Uint8Array => {
    const m = new Map([...good].map(([k, t]) => [k, { data: t.data.slice(), shape: [...t.shape] }]));
    edit(m);
    return encodeSafetensors(m);
  };
  const bad: [string, Uint8Array, RegExp][] = [
    ['a shape that does not match', variant((m) => (m.get('2.weight')!.shape = [9, 4])), /"2\.weight" has shape \[9, 4\].*needs \[4, 9\]/],
    ['a missing tensor', variant((m) => m.delete('0.bias')), /"0\.bias" is missing/],
    ['a tensor the network does not have', variant((m) => m.set('1.weight', { data: new Float32Array(1), shape: [1] })), /no tensor named "1\.weight"/],
    ['a value past float32', variant((m) => (m.get('2.bias')!.data[1] = NaN)), /"2\.bias" value 1 is NaN/],
  ];
  const be = backend();
  const live = be.liveBytes();
  for (const [what, bytes, re] of bad) {
    assert.throws(() => loadSafetensors(net, bytes), (e: unknown) => e instanceof DataError && re.test((e as Error).message), what);
    assert.equal(Array.from(net.params), Array.from(before), `${what}: the network is unchanged`);
    const withSpec = encodeSafetensors(decodeSafetensors(bytes).tensors as never, decodeSafetensors(toSafetensors(net)).metadata);
    assert.throws(() => networkFromSafetensors(withSpec), (e: unknown) => e instanceof DataError && re.test((e as Error).message), `${what} (fromSafetensors)`);
    assert.is(be.liveBytes(), live, `${what}: nothing allocated`);
  }
  loadSafetensors(net, variant((m) => m.set('9.extra', { data: new Float32Array(2), shape: [2] })), { strict: false });
  assert.throws(() => networkFromSafetensors(fileOf(c)), (e: unknown) => e instanceof DataError && /no "descent" entry/.test((e as Error).message));
  const spec = decodeSafetensors(toSafetensors(net)).metadata;
  const wrongSpec = encodeSafetensors(decodeSafetensors(fileOf(c)).tensors as never, { descent: spec.descent.replace('"units":9', '"units":7').replace('"inputs":9', '"inputs":7') });
  assert.throws(() => networkFromSafetensors(wrongSpec), (e: unknown) => e instanceof DataError && /"0\.weight" has shape \[9, 8\].*needs \[7, 8\]/.test((e as Error).message));
  assert.throws(() => networkFromSafetensors(encodeSafetensors({}, { descent: '{"format":' })), (e: unknown) => e instanceof DataError && /not valid JSON/.test((e as Error).message));
  assert.is(be.liveBytes(), live, 'nothing allocated');
  net.dispose();
});

test('options and disposed networks: typed errors', async () => {
  await init({ backend: 'js' });
  const c = ref.cases.find((r) => r.name === 'gru-embedding-torch-names')!;
  const net = sequential({ inputShape: c.inputShape, layers: c.layers, loss: c.loss });
  const bad: [unknown, RegExp][] = [
    [{ nmaes: 'torch' }, /loadSafetensors\.nmaes/], [{ names: 'keras' }, /names/], [{ names: { emb: -1 } }, /names\.emb/],
    [{ names: { emb: null } }, /names\.emb/], [{ strict: 'yes' }, /strict/], [null, /options/],
  ];
  for (const [o, re] of bad) assert.throws(() => loadSafetensors(net, fileOf(c), o as never), (e: unknown) => e instanceof HyperParameterError && re.test((e as Error).message), String(re));
  assert.throws(() => loadSafetensors(net, fileOf(c)), (e: unknown) => e instanceof DataError && /no tensor named "emb\.weight"/.test((e as Error).message), 'PyTorch module names need the map');
  loadSafetensors(net, fileOf(c), { names: { emb: '0', 'rnn.weight_ih_l0': '1.weight_ih_l0', rnn: 1, out: 2 } });
  net.dispose();
  assert.throws(() => loadSafetensors(net, fileOf(c), { names: c.names }), (e: unknown) => e instanceof DisposedError);
  assert.throws(() => toSafetensors(net), (e: unknown) => e instanceof DisposedError);
});

test('saveSafetensors and readSafetensors: a file on disk, errors as DataErrors naming the path', async () => {
  await init({ backend: 'wasm-simd' });
  const c = ref.cases.find((r) => r.name === 'extra-batchnorm-cnn')!;
  const net = sequential({ inputShape: c.inputShape, layers: c.layers, loss: c.loss });
  loadSafetensors(net, fileOf(c));
  const dir = mkdtempSync(join(tmpdir(), 'descent-safetensors-'));
  saveSafetensors(net, join(dir, 'net.safetensors'));
  const back = readSafetensors(join(dir, 'net.safetensors'));
  assert.equal(back.toJSON(), net.toJSON());
  assert.throws(() => readSafetensors(join(dir, 'none.safetensors')), (e: unknown) => e instanceof DataError && /none\.safetensors: cannot read/.test((e as Error).message));
  assert.throws(() => saveSafetensors(net, join(dir, 'no', 'x.safetensors')), (e: unknown) => e instanceof DataError && /cannot write/.test((e as Error).message));
  rmSync(dir, { recursive: true, force: true });
  net.dispose();
  back.dispose();
});

test.run();
