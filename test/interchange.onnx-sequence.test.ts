// ONNX export of the transformer layers checked by ONNX Runtime (test/_onnx.ts): a GPT-shaped network
// (embedding, positional table, pre-norm residual blocks of causal attention and of dense 4d → gelu → dense d,
// final layer norm, dense to the vocabulary at every position), attention without mask at 1 head with an odd
// width and at 3 heads, dense on [positions, features] without attention, residual blocks nested and around a
// GRU. Every parameter is drawn at random (layer norms' γ and β, attention's biases included) so a wrong
// transpose, head split, scale, mask or eps shows. ONNX Runtime loads each file (its own checks) and its
// outputs are within 1e-5 of descent's decision (and predictProba for flat outputs, the per-position
// softmax for [T, classes]) at opsets 13, 17, 20 and 21: layer norm is its formula before 17 and
// LayerNormalization from 17, gelu its formula before 20.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, sequential, ShapeError, type LayerSpec, type Network, type NetworkLoss } from '../src/node.js';
import { checkSequential } from '../src/models/network/sequential-options.js';
import { LAYERS } from '../src/models/layers/index.js';
import { ONNX_LAYERS } from '../src/interchange/onnx-layers.js';
import { Rng } from '../src/rng.js';
import { toOnnx } from '../src/interchange/onnx.js';
import { runOnnx, runOnnxDims } from './_onnx.ts';
import { maxRelDiff } from './_util.ts';

const OPSETS = [13, 17, 20, 21];

/**
 * The layers of a GPT over T tokens of `vocab` ids, width d, ending on [T, vocab]; with a flatten after when
 * the network cannot end on a sequence (a loss over one flat output per row).
 */
function gptLayers(T: number, vocab: number, d: number, heads: number): { layers: LayerSpec[]; perPosition: boolean } {
  const layers: LayerSpec[] = [
    { type: 'embedding', vocab, dim: d }, { type: 'positionalEmbedding' },
    { type: 'residual', layers: [{ type: 'layerNorm' }, { type: 'attention', heads, causal: true }] },
    { type: 'residual', layers: [{ type: 'layerNorm' }, { type: 'dense', units: 4 * d }, { type: 'gelu' }, { type: 'dense', units: d }] },
    { type: 'layerNorm' }, { type: 'dense', units: vocab },
  ];
  try {
    checkSequential({ inputShape: [T], layers, loss: 'softmax' });
    return { layers, perPosition: true };
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
    return { layers: [...layers, { type: 'flatten' }], perPosition: false };
  }
}

/** A network with every parameter uniform in ±scale, and rows of token ids below `tokens` or features in ±1.5. */
function randomNet(inputShape: number[], layers: LayerSpec[], loss: NetworkLoss, opts: { tokens?: number; scale?: number; seed?: number } = {}): { net: Network; x: Float32Array } {
  const rng = new Rng(opts.seed ?? 7), scale = opts.scale ?? 0.7;
  const net = sequential({ inputShape, layers, loss, seed: 3 });
  net.setParams(Float32Array.from({ length: net.size }, () => (2 * rng.next() - 1) * scale));
  const rows = 24;
  const x = Float32Array.from({ length: rows * net.features }, () => (opts.tokens ? Math.floor(rng.next() * opts.tokens) : 3 * rng.next() - 1.5));
  return { net, x };
}

const T = 7, VOCAB = 11, D = 6;

const NETWORKS: [string, () => { net: Network; x: Float32Array }][] = [
  ['a GPT: positional table, residual(layerNorm → causal attention, 2 heads), residual(layerNorm → dense 4d → gelu → dense d), layerNorm, dense vocab per position',
    () => randomNet([T], gptLayers(T, VOCAB, D, 2).layers, 'softmax', { tokens: VOCAB })],
  ['attention without mask, 1 head, odd width 5, on feature steps', () => randomNet([4, 5], [
    { type: 'attention', heads: 1 }, { type: 'flatten' }, { type: 'dense', units: 3 }], 'softmax')],
  ['attention without mask, 3 heads, width 9, dropout, layerNorm (eps 1e-3), logistic', () => randomNet([6, 9], [
    { type: 'attention', heads: 3 }, { type: 'dropout', rate: 0.3 }, { type: 'layerNorm', eps: 1e-3 }, { type: 'flatten' }, { type: 'dense', units: 1 }], 'logistic')],
  ['causal attention, 3 heads of width 1, after an embedding with a paddingId (pads are tokens to attention)', () => randomNet([5], [
    { type: 'embedding', vocab: 6, dim: 3, paddingId: 0 }, { type: 'positionalEmbedding' }, { type: 'attention', heads: 3, causal: true },
    { type: 'flatten' }, { type: 'dense', units: 2 }], 'softmax', { tokens: 6 })],
  ['dense on [positions, features] without attention, nested residual blocks, layerNorm', () => randomNet([5, 4], [
    { type: 'dense', units: 6 }, { type: 'relu' }, { type: 'dense', units: 3, bias: false },
    { type: 'residual', layers: [{ type: 'residual', layers: [{ type: 'dense', units: 3 }, { type: 'tanh' }] }, { type: 'layerNorm' }] },
    { type: 'flatten' }, { type: 'dense', units: 2 }], 'softmax')],
  ['embedding, dense on every token, residual(dense → leakyRelu → dense), sigmoid, regression', () => randomNet([6], [
    { type: 'embedding', vocab: 9, dim: 4 }, { type: 'dense', units: 5 },
    { type: 'residual', layers: [{ type: 'dense', units: 7 }, { type: 'leakyRelu', slope: 0.2 }, { type: 'dense', units: 5 }] },
    { type: 'sigmoid' }, { type: 'flatten' }, { type: 'dense', units: 1 }], 'squared', { tokens: 9 })],
  ['embedding, residual(GRU every step), LSTM last state: a recurrent layer inside a container', () => randomNet([6], [
    { type: 'embedding', vocab: 7, dim: 4 }, { type: 'residual', layers: [{ type: 'gru', units: 4, returnSequences: true }] },
    { type: 'lstm', units: 3 }, { type: 'dense', units: 3 }], 'softmax', { tokens: 7 })],
];

/** Softmax of each run of k values, in f64. */
function softmaxRows(a: ArrayLike<number>, k: number): Float64Array {
  const out = new Float64Array(a.length);
  for (let o = 0; o < a.length; o += k) {
    let mx = -Infinity, sum = 0;
    for (let j = 0; j < k; j++) mx = Math.max(mx, a[o + j]);
    for (let j = 0; j < k; j++) sum += (out[o + j] = Math.exp(a[o + j] - mx));
    for (let j = 0; j < k; j++) out[o + j] /= sum;
  }
  return out;
}

test('every layer type has an ONNX emitter', () => {
  for (const type of Object.keys(LAYERS)) assert.ok(Object.prototype.hasOwnProperty.call(ONNX_LAYERS, type), `no ONNX emitter for ${type}`);
});

for (const [name, make] of NETWORKS) {
  test(`ONNX Runtime runs ${name} as descent does, within 1e-5`, async () => {
    await init({ backend: 'wasm-simd' });
    const { net, x } = make();
    const want = net.loss === 'squared' ? net.predict(x as never) : net.decision(x as never);
    const last = net.layerAt(net.layers.length - 1).outShape;
    for (const opset of OPSETS) {
      const w = maxRelDiff(await runOnnx(toOnnx(net, { opset }), net, x), want);
      assert.ok(w <= 1e-5, `opset ${opset}: outputs differ from descent's by ${w.toExponential(2)}`);
      if (net.loss === 'softmax' || net.loss === 'logistic') {
        // predictProba for a flat output; per position, the softmax of each position's logits.
        const p = await runOnnx(toOnnx(net, { opset, probabilities: true }), net, x);
        const wp = maxRelDiff(p, last.length === 1 ? net.predictProba(x as never) : softmaxRows(want, last[last.length - 1]));
        assert.ok(wp <= 1e-5, `opset ${opset}: probabilities differ by ${wp.toExponential(2)}`);
      }
    }
    net.dispose();
  });
}

test('the GPT: output [N, T, vocab] (probabilities per position) and the causal mask gives future tokens exactly no weight', async () => {
  await init({ backend: 'wasm-simd' });
  const { layers, perPosition } = gptLayers(T, VOCAB, D, 3 /* heads of width 2 */);
  const { net, x } = randomNet([T], layers, 'softmax', { tokens: VOCAB, seed: 11 });
  const rows = x.length / T;
  const logits = await runOnnxDims(toOnnx(net), net, x);
  assert.equal([...logits.dims], perPosition ? [rows, T, VOCAB] : [rows, T * VOCAB]);
  const want = net.decision(x as never);
  assert.ok(maxRelDiff(logits.data, want) <= 1e-5, `logits differ by ${maxRelDiff(logits.data, want).toExponential(2)}`);
  if (perPosition) {
    const p = await runOnnx(toOnnx(net, { probabilities: true }), net, x);
    const wp = maxRelDiff(p, softmaxRows(want, VOCAB));
    assert.ok(wp <= 1e-5, `per-position probabilities differ by ${wp.toExponential(2)}`);
  }
  // Each row again with its tokens from position k on changed: ONNX Runtime's outputs before k are the same
  // bits (the masked keys' probabilities are exactly 0, so the changed values add exactly nothing).
  const bytes = toOnnx(net);
  for (const k of [1, 3, T - 1]) {
    const changed = x.map((v, i) => (i % T >= k ? (v + 1 + (i % 3)) % VOCAB : v));
    const out = await runOnnx(bytes, net, changed);
    let moved = 0;
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < T * VOCAB; i++) {
        const at = r * T * VOCAB + i;
        if (i < k * VOCAB) assert.is(out[at], logits.data[at], `row ${r}, position ${Math.floor(i / VOCAB)} < ${k} moved`);
        else moved = Math.max(moved, Math.abs(out[at] - logits.data[at]));
      }
    }
    assert.ok(moved > 1e-3, `the changed tokens change the later positions (${moved})`);
    const w = maxRelDiff(out, net.decision(changed as never));
    assert.ok(w <= 1e-5, `changed rows: outputs differ by ${w.toExponential(2)}`);
  }
  net.dispose();
});

test('a recurrent layer that skips pad steps outside the packed chain is refused by its path and type', async () => {
  await init({ backend: 'js' });
  const cases: [LayerSpec[], RegExp][] = [
    [[{ type: 'embedding', vocab: 5, dim: 3, paddingId: 0 }, { type: 'dense', units: 3 }, { type: 'gru', units: 2 }, { type: 'dense', units: 2 }], /layers\[2\] \(gru\) skips the pad steps/],
    [[{ type: 'embedding', vocab: 5, dim: 3, paddingId: 0 }, { type: 'residual', layers: [{ type: 'lstm', units: 3, returnSequences: true }] }, { type: 'flatten' }, { type: 'dense', units: 2 }], /layers\[1\]\.layers\[0\] \(lstm\) skips the pad steps/],
  ];
  for (const [layers, message] of cases) {
    const net = sequential({ inputShape: [4], layers, loss: 'softmax' });
    assert.throws(() => toOnnx(net), (e: unknown) => e instanceof ShapeError && message.test((e as Error).message));
    net.dispose();
  }
});

test.run();
