// `descent export` (the built binary): a saved network becomes an ONNX model that ONNX Runtime runs to the
// network's probabilities within 1e-5, and a safetensors file that rebuilds the same network bit for bit; the
// format follows the extension or --format; user mistakes are one line and the documented exit code.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { init, sequential, softmax, Preprocessing } from '../src/node.js';
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
