// The stated sequence-length limit (MAX_SEQUENCE_STEPS = 1024: the BPTT workspace against the 4 GiB of a 32-bit
// WebAssembly memory) and padSequences: typed errors naming the layer, or the row and position, before anything
// is allocated; at the limit a network builds, trains a step and is bit-identical on left padding.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  init, sequential, train, Dataset, ShapeError, DataError, HyperParameterError, MAX_SEQUENCE_STEPS, padSequences, type DescentError, type LayerSpec,
} from '../src/index.js';
import { backend } from '../src/runtime/index.js';
import { trainInWorker } from '../src/worker/node.js';

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

const layers = (vocab = 5): LayerSpec[] => [{ type: 'embedding', vocab, dim: 2, paddingId: 0 }, { type: 'gru', units: 2 }, { type: 'dense', units: 2 }];

test(`MAX_SEQUENCE_STEPS is ${MAX_SEQUENCE_STEPS}: longer inputs are ShapeErrors naming the layer, before any allocation`, async () => {
  await init({ backend: 'wasm-simd' });
  assert.is(MAX_SEQUENCE_STEPS, 1024);
  throwsTyped(() => sequential({ inputShape: [MAX_SEQUENCE_STEPS + 1], layers: layers(), loss: 'softmax' }), ShapeError, /layers\[0\] \(embedding\): sequences of 1025 steps exceed the limit of 1024/, 'embedding');
  throwsTyped(() => sequential({ inputShape: [2 * (MAX_SEQUENCE_STEPS + 1)], layers: [{ type: 'reshape', shape: [MAX_SEQUENCE_STEPS + 1, 2] }, { type: 'lstm', units: 2 }, { type: 'dense', units: 1 }], loss: 'squared' }), ShapeError, /layers\[1\] \(lstm\): sequences of 1025 steps exceed the limit/, 'lstm');
  // The worker refuses it on the caller's side too (the spec is checked before a worker starts).
  assert.throws(() => trainInWorker({ data: { x: new Float32Array(1025), y: [0], features: 1025 }, model: { kind: 'sequential', layers: layers(), loss: 'softmax' } }), (e: Error) => e instanceof ShapeError && /exceed the limit of 1024/.test(e.message));
});

test('at the limit: a 1024-step GRU network builds and trains; left padding gives the unpadded sequence\'s outputs bit for bit', async () => {
  await init({ backend: 'wasm-simd' });
  const T = MAX_SEQUENCE_STEPS;
  const seqs = [[1, 2, 3, 4], Array.from({ length: T }, (_, i) => 1 + (i % 4))];
  const p = padSequences(seqs, { vocab: 5 });
  assert.is(p.length, T);
  const net = sequential({ inputShape: [T], layers: layers(), loss: 'softmax', seed: 1 });
  const ds = Dataset.fromArrays(p.x, [0, 1], { features: T });
  try {
    const r = train(net, ds, { optimizer: { name: 'adam', lr: 0.01 }, epochs: 1, batch: 2 });
    assert.ok(Number.isFinite(r.history[0].loss));
    const short = sequential({ inputShape: [4], layers: layers(), loss: 'softmax', seed: 1 });
    try {
      short.setParams(net.params);
      assert.equal(Array.from(net.decision(p.x.subarray(0, T))), Array.from(short.decision(Float32Array.from([1, 2, 3, 4]))));
    } finally {
      short.dispose();
    }
  } finally {
    net.dispose();
    ds.dispose();
  }
});

test('padSequences: left padding; rows too long, bad ids and non-arrays are DataErrors naming the row (and position)', () => {
  const p = padSequences([[3], [1, 2]], { paddingId: 0 });
  assert.equal([p.rows, p.length, Array.from(p.x)], [2, 2, [0, 3, 1, 2]]);
  assert.equal(Array.from(padSequences([[4]], { length: 3, paddingId: 9 }).x), [9, 9, 4]);
  const bad = (fn: () => unknown, type: Ctor, re: RegExp) => assert.throws(fn, (e: Error) => e instanceof type && re.test(e.message));
  bad(() => padSequences([[1], new Array(MAX_SEQUENCE_STEPS + 1).fill(1)]), DataError, /sequences\[1\] has 1025 tokens, over the limit of 1024/);
  bad(() => padSequences([[1, 2, 3]], { length: 2 }), DataError, /sequences\[0\] has 3 tokens, more than length 2/);
  bad(() => padSequences([[1], [1, 5]], { vocab: 5 }), DataError, /sequences\[1\], position 1: token id 5 is not an integer in \[0, 4\]/);
  bad(() => padSequences([[1], [0.5]]), DataError, /sequences\[1\], position 0: token id 0.5/);
  bad(() => padSequences([[1], 'ab' as never]), DataError, /sequences\[1\] must be an array of token ids/);
  bad(() => padSequences([]), DataError, /non-empty array/);
  bad(() => padSequences([[1]], { length: 2000 }), HyperParameterError, /length.*\[1, 1024\]/);
});

test.run();
