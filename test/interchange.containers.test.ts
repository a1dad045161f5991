// safetensors names for layers inside containers and for the layer types whose PyTorch names come from their
// modules (layerNorm, attention, positionalEmbedding, residual): a round trip keeps every bit and the spec.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, sequential, toSafetensors, networkFromSafetensors, decodeSafetensors, type LayerSpec } from '../src/index.js';

test('a transformer block round-trips through safetensors with PyTorch-style nested names', async () => {
  await init({ backend: 'wasm-simd' });
  const net = sequential({
    inputShape: [6], loss: 'softmax', seed: 4,
    layers: [
      { type: 'embedding', vocab: 11, dim: 8 }, { type: 'positionalEmbedding' },
      { type: 'residual', layers: [{ type: 'layerNorm' }, { type: 'attention', heads: 2, causal: true }] },
      { type: 'residual', layers: [{ type: 'dense', units: 16 }, { type: 'gelu' }, { type: 'dense', units: 8 }, { type: 'batchNorm' }] },
      { type: 'flatten' }, { type: 'dense', units: 3 },
    ] as LayerSpec[],
  });
  try {
    const bytes = toSafetensors(net);
    const names = [...decodeSafetensors(bytes).tensors.keys()];
    for (const n of ['0.weight', '1.weight', '2.layers.0.weight', '2.layers.1.in_proj_weight', '2.layers.1.out_proj.weight',
      '3.layers.0.weight', '3.layers.3.running_var', '3.layers.3.num_batches_tracked', '5.bias']) assert.ok(names.includes(n), n);
    const again = networkFromSafetensors(bytes);
    assert.equal(Array.from(again.params), Array.from(net.params));
    assert.equal(again.layers, net.layers);
    again.dispose();
  } finally {
    net.dispose();
  }
});

test.run();
