// `descent export` (the built binary): a saved network (an MLP, a transformer) becomes an ONNX model that ONNX
// Runtime runs to the network's outputs within 1e-5, and a safetensors file that rebuilds the same network bit
// for bit; the format follows the extension or --format; user mistakes (and a layer the ONNX export cannot
// write, named by its path) are one line and the documented exit code.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { init, sequential, softmax, Preprocessing, type LayerSpec } from '../src/node.js';
import { modelToJSON } from '../src/models/io.js';
import { networkFromSafetensors, decodeSafetensors } from '../src/index.js';
import { cli, fails } from './cli.helpers.ts';

ort.env.wasm.numThreads = 1;
const dir = mkdtempSync(join(tmpdir(), 'descent-export-'));

test('a saved network exports to ONNX and safetensors', async () => {
  await init({ backend: 'js' });
  const net = sequential({ inputShape: [4], layers: [{ type: 'dense', units: 6 }, { type: 'tanh' }, { type: 'dense', units: 3 }], loss: 'softmax', seed: 5 });
  net.preprocessing = new Preprocessing({ mean: [1, 2, 3, 4], std: [0.5, 1, 2, 0] }, 4);
  writeFileSync(join(dir, 'net.json'), JSON.stringify(modelToJSON(net)));
  const a = cli(dir, 'export', 'net.json', '-o', 'net.onnx', '--probabilities', '--opset', '20');
  assert.is(a.code, 0, a.stderr);
  assert.match(a.stderr, /wrote net\.onnx \(onnx\)/);
  const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(join(dir, 'net.onnx'))));
  const x = Float32Array.from([1, 2, 3, 4, 0, -1, 5, 2, 3, 3, 3, 3]);
  const out = (await session.run({ input: new ort.Tensor('float32', x, [3, 4]) })).output.data as Float32Array;
  const want = net.predictProba(x as never);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(out[i] - want[i]) <= 1e-5, `probability ${i}: ${out[i]} vs ${want[i]}`);
  await session.release();

  const b = cli(dir, 'export', 'net.json', '--format', 'safetensors', '-o', 'weights.bin');
  assert.is(b.code, 0, b.stderr);
  const bytes = new Uint8Array(readFileSync(join(dir, 'weights.bin')));
  assert.equal([...decodeSafetensors(bytes).tensors.keys()], ['0.weight', '0.bias', '2.weight', '2.bias']);
  const back = networkFromSafetensors(bytes);
  assert.equal(back.toJSON(), net.toJSON());
  back.dispose();
  net.dispose();
});

test('a transformer exports to ONNX; a layer the export cannot write is named by its path and type', async () => {
  await init({ backend: 'js' });
  const layers = [
    { type: 'embedding', vocab: 7, dim: 6 }, { type: 'positionalEmbedding' },
    { type: 'residual', layers: [{ type: 'layerNorm' }, { type: 'attention', heads: 2, causal: true }] },
    { type: 'residual', layers: [{ type: 'layerNorm' }, { type: 'dense', units: 12 }, { type: 'gelu' }, { type: 'dense', units: 6 }] },
    { type: 'layerNorm' }, { type: 'flatten' }, { type: 'dense', units: 3 },
  ] as LayerSpec[];
  const net = sequential({ inputShape: [5], layers, loss: 'softmax', seed: 4 });
  const p = net.params;
  for (let i = 0; i < p.length; i++) p[i] = Math.sin(3 * i + 1) * 0.7;
  net.setParams(p);
  writeFileSync(join(dir, 'gpt.json'), JSON.stringify(modelToJSON(net)));
  const a = cli(dir, 'export', 'gpt.json', '-o', 'gpt.onnx');
  assert.is(a.code, 0, a.stderr);
  const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(join(dir, 'gpt.onnx'))));
  const tokens = [0, 1, 2, 3, 4, 6, 6, 5, 1, 0, 2, 2, 2, 2, 2];
  const out = (await session.run({ tokens: new ort.Tensor('int64', BigInt64Array.from(tokens, BigInt), [3, 5]) })).output.data as Float32Array;
  const want = net.decision(Float32Array.from(tokens) as never);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(out[i] - want[i]) <= 1e-5 * Math.max(1, Math.abs(want[i])), `output ${i}: ${out[i]} vs ${want[i]}`);
  await session.release();
  net.dispose();

  const padded = sequential({ inputShape: [4], layers: [{ type: 'embedding', vocab: 5, dim: 3, paddingId: 0 },
    { type: 'residual', layers: [{ type: 'gru', units: 3, returnSequences: true }] }, { type: 'flatten' }, { type: 'dense', units: 2 }], loss: 'softmax' });
  writeFileSync(join(dir, 'padded.json'), JSON.stringify(modelToJSON(padded)));
  padded.dispose();
  fails(cli(dir, 'export', 'padded.json', '-o', 'padded.onnx'), 3, /layers\[1\]\.layers\[0\] \(gru\) skips the pad steps/);
  assert.is(cli(dir, 'export', 'padded.json', '-o', 'padded.safetensors').code, 0);
});

test('mistakes: one line, exit 2 (usage) or 3 (files)', async () => {
  await init({ backend: 'js' });
  const lin = softmax({ features: 3, classes: 3 });
  writeFileSync(join(dir, 'linear.json'), JSON.stringify(modelToJSON(lin)));
  lin.dispose();
  writeFileSync(join(dir, 'bad.json'), '{ nope');
  fails(cli(dir, 'export', 'net.json'), 2, /-o FILE is required/);
  fails(cli(dir, 'export', 'net.json', '-o', 'x.bin'), 2, /give --format onnx\|safetensors/);
  fails(cli(dir, 'export', 'net.json', '-o', 'x.onnx', '--format', 'tflite'), 2, /--format must be one of onnx, safetensors/);
  fails(cli(dir, 'export', 'net.json', '-o', 'x.onnx', '--opset', '9'), 2, /--opset/);
  fails(cli(dir, 'export', 'net.json', '-o', 'x.safetensors', '--probabilities'), 2, /apply to --format onnx/);
  fails(cli(dir, 'export', 'linear.json', '-o', 'x.onnx'), 3, /holds a softmax model; descent export writes networks/);
  fails(cli(dir, 'export', 'bad.json', '-o', 'x.onnx'), 3, /not valid JSON/);
  fails(cli(dir, 'export', 'missing.json', '-o', 'x.onnx'), 3, /missing\.json/);
  fails(cli(dir, 'export', 'net.json', '-o', 'no/such/dir/x.onnx'), 3, /folder no\/such\/dir does not exist/);
});

test.run();
