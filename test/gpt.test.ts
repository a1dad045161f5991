// The GPT sugar and per-position targets: gpt() builds nanoGPT's layer stack with GPT-2's initialization
// (statistics of the draws checked, not the draws themselves); a dataset carries T labels per row through
// fromArrays, subset and split; the network checks them (count per row, class range) with typed errors naming
// the row and position; training lowers the loss, evaluate's accuracy is over positions, predictProba gives
// rows × T × classes; wasm-scalar ≡ wasm-simd bit for bit and threads 1–4 bit-identical on a GPT.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  init, gpt, gptLayers, sequential, train, partialFit, evaluateStream, Dataset, DataError, HyperParameterError, ShapeError,
} from '../src/node.js';
import { charVocab, charWindows, encodeChars, sampleText } from '../src/text/index.js';
import { Rng } from '../src/rng.js';
import { exits, trainPooled } from './_threads.js';
import { setGemmMinMacs, setOptimMinParams } from '../src/threads/pool.js';

/** Rows of T ids from a repeating pattern (period 5 over 7 ids): the next id is always predictable. */
function pattern(rows: number, T: number, seed = 1): { x: Float32Array; y: Float32Array } {
  const rng = new Rng(seed), seq = [3, 1, 4, 1, 5, 6, 2].slice(0, 5);
  const x = new Float32Array(rows * T), y = new Float32Array(rows * T);
  for (let r = 0; r < rows; r++) {
    const s = rng.below(5);
    for (let t = 0; t < T; t++) {
      x[r * T + t] = seq[(s + t) % 5];
      y[r * T + t] = seq[(s + t + 1) % 5];
    }
  }
  return { x, y };
}

const std = (a: ArrayLike<number>): number => {
  let m = 0, q = 0;
  for (let i = 0; i < a.length; i++) m += a[i];
  m /= a.length;
  for (let i = 0; i < a.length; i++) q += (a[i] - m) ** 2;
  return Math.sqrt(q / a.length);
};

test('gpt(): nanoGPT\'s stack, [T, vocab] outputs, parameter count, typed errors for bad options', async () => {
  await init({ backend: 'wasm-simd' });
  const net = gpt({ vocab: 13, context: 8, dim: 16, heads: 4, blocks: 3 });
  try {
    assert.is(net.layers.length, 2 + 2 * 3 + 2);
    assert.equal(net.layers[2], { type: 'residual', layers: [{ type: 'layerNorm' }, { type: 'attention', heads: 4, causal: true }] });
    assert.is(net.positions, 8);
    assert.is(net.classes, 13);
    assert.is(net.outputs, 8 * 13);
    const d = 16, perBlock = (2 * d) + (3 * d * d + 3 * d + d * d + d) + (2 * d) + (4 * d * d + 4 * d + 4 * d * d + d);
    assert.is(net.size, 13 * d + 8 * d + 3 * perBlock + 2 * d + d * 13 + 13);
  } finally {
    net.dispose();
  }
  assert.ok(gptLayers({ vocab: 5, context: 4, dropout: 0.1 }).some((l) => l.type === 'dropout'));
  assert.throws(() => gpt({ vocab: 13, context: 8, dim: 10, heads: 4 }), (e: unknown) => e instanceof HyperParameterError && /heads/.test((e as Error).message));
  assert.throws(() => gpt({ vocab: 13 } as never), (e: unknown) => e instanceof HyperParameterError && /context/.test((e as Error).message));
  assert.throws(() => gpt({ vocab: 13, context: 4, dropout: 1 }), (e: unknown) => e instanceof HyperParameterError);
  assert.throws(() => gpt({ vocab: 13, context: 4, layers: 2 } as never), (e: unknown) => e instanceof HyperParameterError);
});

test("init 'gpt2': weights N(0, 0.02), biases 0, layer norms 1 and 0, residual projections × 1/√(2·blocks)", async () => {
  await init({ backend: 'js' });
  const blocks = 4, d = 32;
  const net = gpt({ vocab: 50, context: 16, dim: d, heads: 4, blocks, seed: 5 });
  try {
    const emb = net.getWeights(0).weight!, pos = net.getWeights(1).weight!;
    assert.ok(Math.abs(std(emb) - 0.02) < 0.002, `embedding std ${std(emb)}`);
    assert.ok(Math.abs(std(pos) - 0.02) < 0.003, `positional std ${std(pos)}`);
    const att = net.getWeights([2, 1]);
    assert.ok(Math.abs(std(att.weight!) - 0.02) < 0.001, `in_proj std ${std(att.weight!)}`);
    assert.ok(att.bias!.every((v) => v === 0) && att.outBias!.every((v) => v === 0));
    const scaled = 0.02 / Math.sqrt(2 * blocks);
    assert.ok(Math.abs(std(att.outWeight!) - scaled) < 0.1 * scaled, `out_proj std ${std(att.outWeight!)} vs ${scaled}`);
    const fc = net.getWeights([3, 1]), proj = net.getWeights([3, 3]);
    assert.ok(Math.abs(std(fc.weight!) - 0.02) < 0.001, `c_fc std ${std(fc.weight!)}`);
    assert.ok(Math.abs(std(proj.weight!) - scaled) < 0.1 * scaled, `c_proj std ${std(proj.weight!)} vs ${scaled}`);
    assert.ok(fc.bias!.every((v) => v === 0) && proj.bias!.every((v) => v === 0));
    const ln = net.getWeights([3, 0]);
    assert.ok(ln.weight!.every((v) => v === 1) && ln.bias!.every((v) => v === 0));
    const head = net.getWeights(net.layers.length - 1);
    assert.ok(Math.abs(std(head.weight!) - 0.02) < 0.001, `lm head std ${std(head.weight!)}`);
  } finally {
    net.dispose();
  }
});

test('per-position targets in a Dataset: nested or flat rows × T, carried by subset and split; typed errors', async () => {
  await init({ backend: 'js' });
  const x = [[1, 2, 3], [4, 5, 6], [7, 8, 9], [1, 1, 1]];
  const nested = Dataset.fromArrays(x, [[0, 1, 2], [2, 1, 0], [1, 1, 1], [0, 0, 0]]);
  const flat = Dataset.fromArrays(x, [0, 1, 2, 2, 1, 0, 1, 1, 1, 0, 0, 0]);
  const one = Dataset.fromArrays(x, [0, 1, 2, 0]);
  try {
    assert.is(nested.targetsPerRow, 3);
    assert.equal(Array.from(nested.y), Array.from(flat.y));
    assert.is(one.targetsPerRow, 1);
    const sub = nested.subset([2, 0]);
    assert.equal(Array.from(sub.y), [1, 1, 1, 0, 1, 2]);
    assert.is(sub.targetsPerRow, 3);
    sub.dispose();
    const { train: tr, test: te } = flat.split({ every: 2 });
    assert.equal(Array.from(te.y), [0, 1, 2, 1, 1, 1]);
    assert.equal(Array.from(tr.y), [2, 1, 0, 0, 0, 0]);
    tr.dispose();
    te.dispose();
  } finally {
    nested.dispose();
    flat.dispose();
    one.dispose();
  }
  assert.throws(() => Dataset.fromArrays(x, [[0, 1, 2], [2, 1], [1, 1, 1], [0, 0, 0]]), (e: unknown) => e instanceof ShapeError && /row 1 has 2 targets/.test((e as Error).message));
  assert.throws(() => Dataset.fromArrays(x, [0, 1, 2, 2, 1]), (e: unknown) => e instanceof ShapeError && /5 values but x has 4 rows/.test((e as Error).message));
  assert.throws(() => Dataset.fromArrays(x, [0, 1, 2, 2, 1, NaN, 1, 1]), (e: unknown) => e instanceof DataError && /row 2, position 1/.test((e as Error).message));
  assert.throws(() => Dataset.fromArrays(x, [[0, 1], [2, 5], [1, 1], [0, 0]], { classes: ['a', 'b', 'c'] }), (e: unknown) => e instanceof DataError && /row 1, position 1 is 5/.test((e as Error).message));
});

test('a network with [T, classes] outputs checks the labels per position, before any allocation', async () => {
  await init({ backend: 'wasm-simd' });
  const net = gpt({ vocab: 7, context: 4, dim: 8, heads: 2, blocks: 1 });
  const { x, y } = pattern(6, 4);
  const good = Dataset.fromArrays(x, y, { features: 4 });
  const perRow = Dataset.fromArrays(x, y.subarray(0, 6), { features: 4 });
  const bad = Dataset.fromArrays(x, y.map((v, i) => (i === 9 ? 7 : v)), { features: 4 });
  try {
    assert.throws(() => train(net, perRow, { epochs: 1 }), (e: unknown) => e instanceof ShapeError && /1 targets per row but the network model takes 4 targets per row/.test((e as Error).message));
    assert.throws(() => net.evaluate(bad), (e: unknown) => e instanceof DataError && /row 2, position 1 is 7/.test((e as Error).message));
    assert.throws(() => sequential({ inputShape: [4], layers: [{ type: 'embedding', vocab: 7, dim: 4 }, { type: 'dense', units: 3 }], loss: 'squared' }),
      (e: unknown) => e instanceof ShapeError && /needs loss 'softmax'/.test((e as Error).message));
    const e0 = net.evaluate(good);
    assert.ok(e0.loss > Math.log(7) - 0.5 && e0.loss < Math.log(7) + 0.5, `an untrained GPT's loss ${e0.loss} is near ln 7`);
  } finally {
    good.dispose();
    perRow.dispose();
    bad.dispose();
    net.dispose();
  }
});

test('training a GPT on a periodic sequence: the loss falls, accuracy is over positions, predictProba is rows × T × classes', async () => {
  await init({ backend: 'wasm-simd' });
  const T = 6;
  const net = gpt({ vocab: 7, context: T, dim: 16, heads: 2, blocks: 1, seed: 2 });
  const { x, y } = pattern(64, T);
  const ds = Dataset.fromArrays(x, y, { features: T });
  try {
    const before = net.evaluate(ds).loss;
    train(net, ds, { optimizer: { name: 'adamw', lr: 1e-2 }, epochs: 30, batch: 16, seed: 1 });
    const e = net.evaluate(ds, { metrics: ['accuracy'] });
    assert.ok(e.loss < before / 4, `loss ${before} → ${e.loss}`);
    const pred = net.predict(ds);
    assert.is(pred.length, 64 * T);
    let hits = 0;
    for (let i = 0; i < pred.length; i++) hits += pred[i] === y[i] ? 1 : 0;
    assert.is(e.accuracy, hits / pred.length);
    // The first position sees one id, which (period 5) already decides the next: every position is learnable.
    assert.ok(e.accuracy! > 0.95, `accuracy ${e.accuracy}`);
    const p = net.predictProba(ds);
    assert.is(p.length, 64 * T * 7);
    for (let g = 0; g < 64 * T; g++) {
      let s = 0;
      for (let c = 0; c < 7; c++) s += p[g * 7 + c];
      assert.ok(Math.abs(s - 1) < 1e-12);
    }
    const r = partialFit(net, { x: Array.from({ length: 4 }, (_, i) => Array.from(x.subarray(i * T, i * T + T))), y: Array.from({ length: 4 }, (_, i) => Array.from(y.subarray(i * T, i * T + T))) });
    assert.ok(Number.isFinite(r.loss) && r.loss < before);
    const s = await evaluateStream(net, [{ x, y }]);
    assert.ok(Math.abs(s.accuracy! - e.accuracy!) < 0.02 && s.rows === 64);
  } finally {
    ds.dispose();
    net.dispose();
  }
});

test('charWindows perPosition: the next id at every position; sampleText reads a GPT at the last character', async () => {
  await init({ backend: 'wasm-simd' });
  const ids = [5, 6, 7, 8, 9, 10, 11];
  const w = charWindows(ids, 3, { perPosition: true, stride: 2 });
  // Two windows fit (each needs the id after its last one): starts 0 and 2.
  assert.equal(Array.from(w.x), [5, 6, 7, 7, 8, 9]);
  assert.equal(Array.from(w.y), [6, 7, 8, 8, 9, 10]);
  assert.equal(Array.from(charWindows(ids, 3, { stride: 2 }).y), [8, 10]);
  assert.throws(() => charWindows(ids, 3, { perPosition: 1 as never }), (e: unknown) => e instanceof HyperParameterError);
  const text = 'abcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabc';
  const vocab = charVocab(text);
  const win = charWindows(encodeChars(text, vocab), 8, { perPosition: true });
  const ds = Dataset.fromArrays(win.x, win.y, { features: 8 });
  const net = gpt({ vocab: vocab.size, context: 8, dim: 16, heads: 2, blocks: 1, seed: 3 });
  try {
    train(net, ds, { optimizer: { name: 'adamw', lr: 1e-2 }, epochs: 40, batch: 8, seed: 1 });
    assert.is(sampleText(net, vocab, 'ab', 9, { temperature: 0.1 }), 'cabcabcab');
    assert.is(sampleText(net, vocab, 'abcabcabcabc', 3, { temperature: 0.1 }), 'abc');
  } finally {
    ds.dispose();
    net.dispose();
  }
});

for (const dropout of [0, 0.1]) {
  // Without dropout a batch's chunks (⌈256 / T⌉ = 29 rows each: 6 per batch) are row blocks the threads share;
  // dropout's stream advances chunk after chunk, so there the threads split every product's columns.
  test(`a GPT (dropout ${dropout}) trains to the same bits on wasm-scalar and wasm-simd, and with threads 1–4`, async () => {
    const T = 9;
    const { x, y } = pattern(300, T, 4);
    const make = () => gpt({ vocab: 7, context: T, dim: 12, heads: 3, blocks: 2, dropout, seed: 7 });
    const opts = { optimizer: { name: 'adamw' as const, lr: 3e-3 }, batch: 150, epochs: 2 };
    await init({ backend: 'wasm-scalar' });
    const scalar = trainPooled(make, x, y, T, opts).params;
    await init({ backend: 'wasm-simd' });
    const one = trainPooled(make, x, y, T, opts).params;
    assert.equal(scalar, one, 'wasm-scalar ≡ wasm-simd');
    // Products and updates this small run on thread 0 unless every one is split (odd ranges exercised).
    setGemmMinMacs(0);
    setOptimMinParams(0);
    try {
      for (const threads of [2, 3, 4]) {
        const p = trainPooled(make, x, y, T, { ...opts, threads });
        assert.is(p.colSplit, dropout > 0, dropout > 0 ? 'column mode' : 'row blocks');
        assert.ok(p.optimJobs > 0 && (dropout === 0 || p.gemmJobs > 0), `threads ${threads}: the pool shared the work`);
        assert.equal(p.params, one, `threads ${threads} ≡ 1`);
      }
    } finally {
      setGemmMinMacs(null);
      setOptimMinParams(null);
    }
    await exits();
  });
}

test.run();
