// ONNX export checked by ONNX Runtime (onnxruntime-web's wasm backend, in Node, one thread): networks that
// hold every layer type — dense with and without bias, every activation, dropout, conv2d (padding, stride, no
// bias), both pools, batch norm after a dense and after a conv (running statistics moved by training),
// flatten, reshape, embedding, GRU and LSTM (last state and every step, stacked), an embedding with a
// paddingId in front of them (rows with leading and inner pads), preprocessing and target scaling — plus CNNs
// trained on the digits and on MNIST and a char GRU trained on text: ONNX Runtime loads each file (its own checks) and its
// outputs are within 1e-5 of descent's decision, predictProba (probabilities: true) and predict (regression),
// at opsets 13, 17, 20 and 21 (Gelu as the written-out formula before 20, ONNX's Gelu from 20).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, sequential, train, Dataset, HyperParameterError, ShapeError, type LayerSpec, type Network, type NetworkLoss } from '../src/node.js';
import { charLmLayers, charVocab, charWindows, encodeChars } from '../src/text/index.js';
import { Rng } from '../src/rng.js';
import { toOnnx } from '../src/interchange/onnx.js';
import { runOnnx } from './_onnx.ts';
import { maxRelDiff } from './_util.ts';

const OPSETS = [13, 17, 20, 21];

/** A network of `layers` trained briefly on random rows (so batch norm's statistics move), with its rows. */
function trained(inputShape: number[], layers: LayerSpec[], loss: NetworkLoss, opts: { tokens?: number; standardize?: boolean; pads?: number } = {}): { net: Network; x: Float32Array } {
  const rng = new Rng(21);
  const net = sequential({ inputShape, layers, loss, seed: 2 });
  const features = net.features, rows = 48;
  const x = Float32Array.from({ length: rows * features }, (_, i) => {
    if (!opts.tokens) return 3 * rng.next() - 1;
    const t = i % features, row = Math.floor(i / features);
    if (opts.pads !== undefined && ((t < row % 4) || (row % 5 === 0 && t === features - 2))) return opts.pads; // leading and inner pads
    return 1 + Math.floor(rng.next() * (opts.tokens - 1));
  });
  const y = Float32Array.from({ length: rows }, () => (loss === 'softmax' ? Math.floor(rng.next() * net.outputs) : loss === 'logistic' ? Math.round(rng.next()) : 10 + 5 * rng.normal()));
  const ds = Dataset.fromArrays(x, y, { features });
  train(net, ds, { epochs: 4, batch: 16, optimizer: { name: 'adam', lr: 0.02 }, ...(opts.tokens ? {} : { standardize: opts.standardize ?? true }) });
  ds.dispose();
  return { net, x };
}

const NETWORKS: [string, () => { net: Network; x: Float32Array }][] = [
  ['dense, every activation, dropout, batch norm, preprocessing', () => trained([6], [
    { type: 'dense', units: 8 }, { type: 'relu' }, { type: 'dense', units: 8, bias: false }, { type: 'tanh' },
    { type: 'dense', units: 8 }, { type: 'sigmoid' }, { type: 'dropout', rate: 0.2 }, { type: 'dense', units: 8 },
    { type: 'leakyRelu', slope: 0.1 }, { type: 'dense', units: 8 }, { type: 'gelu' }, { type: 'batchNorm', eps: 1e-3 },
    { type: 'dense', units: 3 }], 'softmax')],
  ['reshape, conv2d (same, strided, no bias), batch norm, both pools, flatten', () => trained([36], [
    { type: 'reshape', shape: [1, 6, 6] }, { type: 'conv2d', filters: 4, kernel: 3, padding: 'same' }, { type: 'batchNorm' },
    { type: 'relu' }, { type: 'maxPool2d', size: 2 }, { type: 'conv2d', filters: 3, kernel: 2, stride: 2, padding: 1, bias: false },
    { type: 'avgPool2d', size: 2, stride: 1 }, { type: 'flatten' }, { type: 'dense', units: 1 }], 'logistic')],
  ['embedding, GRU every step, LSTM last state', () => trained([7], [
    { type: 'embedding', vocab: 9, dim: 4 }, { type: 'gru', units: 5, returnSequences: true }, { type: 'lstm', units: 3 },
    { type: 'dense', units: 4 }], 'softmax', { tokens: 9 })],
  ['embedding with paddingId, LSTM every step, GRU last state (leading and inner pads)', () => trained([6], [
    { type: 'embedding', vocab: 8, dim: 3, paddingId: 0 }, { type: 'lstm', units: 4, returnSequences: true }, { type: 'gru', units: 4 },
    { type: 'dense', units: 3 }], 'softmax', { tokens: 8, pads: 0 })],
  ['LSTM on feature steps, flatten, regression with target scaling', () => trained([3, 2], [
    { type: 'lstm', units: 3, returnSequences: true }, { type: 'flatten' }, { type: 'dense', units: 1 }], 'squared')],
  ['GRU on feature steps, batch norm over [channels, length]', () => trained([4, 3], [
    { type: 'gru', units: 3, returnSequences: true }, { type: 'batchNorm' }, { type: 'flatten' }, { type: 'dense', units: 2 }], 'softmax')],
];

test('before anything is trained: opsets 13–21, options checked', async () => {
  await init({ backend: 'js' });
  const net = sequential({ inputShape: [2], layers: [{ type: 'dense', units: 2 }], loss: 'softmax' });
  for (const opset of [12, 22, 17.5, '17']) assert.throws(() => toOnnx(net, { opset: opset as number }), (e: unknown) => e instanceof HyperParameterError && /opset/.test((e as Error).message));
  assert.throws(() => toOnnx(net, { softmax: true } as never), (e: unknown) => e instanceof HyperParameterError && /toOnnx\.softmax/.test((e as Error).message));
  const reg = sequential({ inputShape: [2], layers: [{ type: 'dense', units: 1 }], loss: 'squared' });
  assert.throws(() => toOnnx(reg, { probabilities: true }), (e: unknown) => e instanceof HyperParameterError && /no probabilities/.test((e as Error).message));
  const padSeq = sequential({ inputShape: [4], layers: [{ type: 'embedding', vocab: 5, dim: 2, paddingId: 0 }, { type: 'gru', units: 2, returnSequences: true }, { type: 'flatten' }, { type: 'dense', units: 2 }], loss: 'softmax' });
  assert.throws(() => toOnnx(padSeq), (e: unknown) => e instanceof ShapeError && /layers\[1\] \(gru\) returns every step of an embedding with paddingId/.test((e as Error).message));
  net.dispose();
  reg.dispose();
  padSeq.dispose();
});

for (const [name, make] of NETWORKS) {
  test(`ONNX Runtime runs ${name} as descent does, within 1e-5`, async () => {
    await init({ backend: 'wasm-simd' });
    const { net, x } = make();
    for (const opset of OPSETS) {
      const out = await runOnnx(toOnnx(net, { opset }), net, x);
      const want = net.loss === 'squared' ? net.predict(x as never) : net.decision(x as never);
      const w = maxRelDiff(out, want);
      assert.ok(w <= 1e-5, `opset ${opset}: outputs differ from descent's by ${w.toExponential(2)}`);
      if (net.loss !== 'squared') {
        const p = await runOnnx(toOnnx(net, { opset, probabilities: true }), net, x);
        assert.ok(maxRelDiff(p, net.predictProba(x as never)) <= 1e-5, `opset ${opset}: probabilities`);
      }
    }
    net.dispose();
  });
}

/** ONNX Runtime's probabilities of the exported 10-class network on rows x: within 1e-5 of predictProba, its classes predict's. */
async function checkProbabilities(net: Network, x: Float32Array): Promise<void> {
  const p = await runOnnx(toOnnx(net, { probabilities: true }), net, x);
  const w = maxRelDiff(p, net.predictProba(x as never));
  assert.ok(w <= 1e-5, `probabilities differ by ${w.toExponential(2)}`);
  const labels = net.predict(x as never);
  for (let r = 0; r < labels.length; r++) {
    const row = p.subarray(r * 10, r * 10 + 10);
    assert.is(row.indexOf(Math.max(...row)), labels[r], `row ${r}`);
  }
}

test('a CNN trained on the digits: ONNX Runtime gives its probabilities and the same classes', async () => {
  await init({ backend: 'wasm-simd' });
  const ds = Dataset.builtin('digits');
  const { train: tr, test: te } = ds.split({ every: 5 });
  const net = sequential({ inputShape: [64], loss: 'softmax', seed: 1, layers: [
    { type: 'reshape', shape: [1, 8, 8] }, { type: 'conv2d', filters: 8, kernel: 3, padding: 'same' }, { type: 'relu' },
    { type: 'maxPool2d', size: 2 }, { type: 'flatten' }, { type: 'dense', units: 10 }] });
  train(net, tr, { epochs: 5, batch: 32 });
  const x = te.xBlock.view.slice();
  const acc = net.evaluate(te).accuracy!;
  assert.ok(acc > 0.9, `the CNN learned (${acc})`);
  await checkProbabilities(net, x);
  net.dispose(); tr.dispose(); te.dispose(); ds.dispose();
});

test('a CNN trained on MNIST (standardized inside the graph): ONNX Runtime gives its probabilities and classes', async () => {
  await init({ backend: 'wasm-simd' });
  const ds = Dataset.builtin('mnist');
  const { train: tr, test: te } = ds.split({ every: 5 });
  ds.dispose();
  const net = sequential({ inputShape: [1, 28, 28], loss: 'softmax', seed: 1, layers: [
    { type: 'conv2d', filters: 8, kernel: 3 }, { type: 'relu' }, { type: 'maxPool2d', size: 2 }, { type: 'flatten' }, { type: 'dense', units: 10 }] });
  train(net, tr, { epochs: 2, batch: 64, optimizer: { name: 'adam', lr: 2e-3 }, standardize: true });
  const acc = net.evaluate(te).accuracy!;
  assert.ok(acc > 0.93, `the CNN learned (${acc})`);
  const x = te.xBlock.view.slice(0, 400 * 784);
  await checkProbabilities(net, x);
  net.dispose(); tr.dispose(); te.dispose();
});

test('a char GRU trained on text: ONNX Runtime gives its next-character probabilities, short prompts left-padded', async () => {
  await init({ backend: 'wasm-simd' });
  const text = 'the quick brown fox jumps over the lazy dog. '.repeat(20);
  const vocab = charVocab(text);
  const T = 12;
  const { x, y } = charWindows(encodeChars(text, vocab), T, { stride: 3 });
  const ds = Dataset.fromArrays(x, y, { features: T });
  const net = sequential({ inputShape: [T], layers: charLmLayers(vocab, { dim: 8, units: 24 }) as LayerSpec[], loss: 'softmax', seed: 3 });
  train(net, ds, { epochs: 3, batch: 32 });
  const prompts = ['the quick br', 'lazy d', 'o'].map((s) => {
    const ids = Array.from(encodeChars(s, vocab));
    return [...new Array(T - ids.length).fill(0), ...ids];
  });
  const rows = Float32Array.from([...x.subarray(0, 8 * T), ...prompts.flat()]);
  const p = await runOnnx(toOnnx(net, { probabilities: true }), net, rows);
  const w = maxRelDiff(p, net.predictProba(rows as never));
  assert.ok(w <= 1e-5, `probabilities differ by ${w.toExponential(2)}`);
  net.dispose(); ds.dispose();
});

test.run();
