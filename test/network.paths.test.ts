// Layers inside layers: a layer is addressed by a path (an index, or indices down through containers) in
// getWeights/setWeights, and validation messages name the same path.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, sequential, Network, ShapeError, HyperParameterError, DataError, type LayerSpec } from '../src/index.js';

const SPEC = {
  inputShape: [4], loss: 'softmax' as const, seed: 2,
  layers: [
    { type: 'dense', units: 6 },
    { type: 'residual', layers: [{ type: 'layerNorm' }, { type: 'dense', units: 6 }, { type: 'relu' }, { type: 'residual', layers: [{ type: 'dense', units: 6, bias: false }] }] },
    { type: 'dense', units: 3 },
  ] as LayerSpec[],
};

test('getWeights/setWeights take paths into containers; a path that names no layer with weights is refused', async () => {
  await init({ backend: 'wasm-simd' });
  const net = sequential(SPEC);
  try {
    assert.equal(net.getWeights([1, 1]).weight.length, 36);
    assert.equal(Array.from(net.getWeights([1, 0]).weight), [1, 1, 1, 1, 1, 1], 'layerNorm γ starts at 1');
    assert.is(net.getWeights([1, 3, 0]).bias, null, 'bias: false');
    const w = Float32Array.from({ length: 36 }, (_, i) => i / 36);
    net.setWeights([1, 3, 0], { weight: w });
    assert.equal(Array.from(net.getWeights([1, 3, 0]).weight), Array.from(w));
    assert.equal(net.getWeights(2).weight, net.getWeights([2]).weight, 'a number and a one-element path are the same');
    const bad: [() => unknown, RegExp][] = [
      [() => net.getWeights([1, 9]), /layers\[1\] has 4 layers; index must be an integer in \[0, 3\], got 9/],
      [() => net.getWeights([1, 2]), /layers\[1\]\.layers\[2\] is a relu layer, which has no weights/],
      [() => net.getWeights([1]), /layers\[1\] is a residual layer, which has no weights/],
      [() => net.getWeights([]), /a layer path/],
      [() => net.setWeights([1, 1], { weight: new Float32Array(5), bias: new Float32Array(6) }), /setWeights\(\[1, 1\]\): weight must hold 36 values \(layers\[1\]\.layers\[1\]\.weight is 6 × 6\)/],
      [() => net.setWeights([1, 3, 0], { weight: w, bias: new Float32Array(6) }), /has no bias/],
      [() => net.setWeights([1, 1], { weight: w, bias: new Float32Array(6), gamma: w }), /has no tensor "gamma"/],
    ];
    for (const [f, re] of bad) assert.throws(f, (e: unknown) => e instanceof ShapeError && re.test((e as Error).message), String(re));
    assert.throws(() => net.setWeights([1, 1], { weight: w, bias: [0, 0, 0, NaN, 0, 0] }), (e: unknown) => e instanceof DataError);
    assert.equal(Array.from(net.getWeights([1, 3, 0]).weight), Array.from(w), 'refused writes changed nothing');
    const again = Network.fromJSON(JSON.stringify(net));
    assert.equal(Array.from(again.params), Array.from(net.params), 'saved and loaded with its containers');
    again.dispose();
  } finally {
    net.dispose();
  }
});

test('validation inside containers names the path', async () => {
  await init({ backend: 'js' });
  const cases: [LayerSpec[], new (...a: never[]) => Error, RegExp][] = [
    [[{ type: 'residual', layers: [{ type: 'dense', units: 0 }] } as LayerSpec, { type: 'dense', units: 2 }], HyperParameterError, /layers\[0\]\.layers\[0\]\.units/],
    [[{ type: 'residual', layers: [{ type: 'dense', units: 3 }] } as LayerSpec, { type: 'dense', units: 2 }], ShapeError, /layers\[0\] \(residual\).*\[4\] into \[3\]/],
    [[{ type: 'residual', layers: [] } as LayerSpec, { type: 'dense', units: 2 }], HyperParameterError, /layers\[0\]\.layers/],
    [[{ type: 'residual', layers: [{ type: 'dens', units: 4 }] } as unknown as LayerSpec, { type: 'dense', units: 2 }], HyperParameterError, /layers\[0\]\.layers\[0\]\.type.*did you mean 'dense'/],
    [[{ type: 'residual', layers: [{ type: 'embedding', vocab: 3, dim: 4 }] } as LayerSpec, { type: 'dense', units: 2 }], ShapeError, /must be the first layer/],
    [new Array(5) as LayerSpec[], HyperParameterError, /layers\[0\].*sparse array/],
  ];
  for (const [layers, type, re] of cases) {
    assert.throws(() => sequential({ inputShape: [4], layers, loss: 'softmax' }), (e: unknown) => e instanceof type && re.test((e as Error).message), String(re));
  }
  const huge = [] as LayerSpec[];
  huge.length = 1e9;
  const t0 = performance.now();
  assert.throws(() => sequential({ inputShape: [4], layers: huge, loss: 'softmax' }), (e: unknown) => e instanceof HyperParameterError && /at most/.test((e as Error).message));
  assert.ok(performance.now() - t0 < 1000, 'a sparse array of length 1e9 is refused at once');
});

test.run();
