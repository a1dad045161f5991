// descent → PyTorch: a network of each family (an MLP, a residual CNN with batch norm, GRU and LSTM character
// models, a small causal transformer with a classifier head; between them every layer type) is trained by descent
// for a few epochs on each backend and written with toSafetensors; scripts/torch-check.py builds the torch module
// tree of the spec in the file, loads it with load_state_dict(strict=True) and prints PyTorch's eval() outputs on
// the same rows, which must be descent's within 1e-5. Needs a Python with torch and numpy (PyTorch 1.13 or
// later): DESCENT_TORCH_PYTHON, else python3 or /usr/bin/python3 (.ci/python-deps.sh installs Debian's
// python3-torch in CI); without one the test counts as skipped, and fails under CI=true.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { init, sequential, train, toSafetensors, decodeSafetensors, Dataset, type BackendName, type LayerSpec, type NetworkLoss } from '../src/index.js';
import { Rng } from '../src/rng.js';
import { testOrSkip } from './_skip.js';
import { maxRelDiff } from './_util.ts';

const BACKENDS: BackendName[] = ['js', 'wasm-scalar', 'wasm-simd'];
const SCRIPT = fileURLToPath(new URL('../scripts/torch-check.py', import.meta.url));
const ROWS = 8;

/**
 * The Python to run PyTorch with: DESCENT_TORCH_PYTHON when set; otherwise the first of python3 on the PATH and
 * Debian's /usr/bin/python3 (where .ci/python-deps.sh installs python3-torch) that imports torch and numpy.
 */
function findPython(): { python?: string; version?: string; missing?: string } {
  const env = process.env.DESCENT_TORCH_PYTHON;
  const why: string[] = [];
  for (const python of env ? [env] : ['python3', '/usr/bin/python3']) {
    const r = spawnSync(python, ['-c', 'import numpy, torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 120_000 });
    if (r.status === 0) return { python, version: r.stdout.trim() };
    why.push(r.error ? `no ${python} (${r.error.message})` : `${python} cannot import torch and numpy (${(r.stderr || '').trim().split('\n').at(-1)})`);
  }
  return { missing: `${why.join('; ')}: set DESCENT_TORCH_PYTHON or run .ci/python-deps.sh` };
}

interface Family {
  name: string;
  inputShape: number[];
  layers: LayerSpec[];
  loss: NetworkLoss;
  /** Token ids in [0, vocab) when the first layer is an embedding. */
  vocab?: number;
}

const FAMILIES: Family[] = [
  { name: 'mlp', inputShape: [7], loss: 'softmax', layers: [
    { type: 'dense', units: 12 }, { type: 'layerNorm' }, { type: 'gelu' }, { type: 'dropout', rate: 0.2 },
    { type: 'dense', units: 10, bias: false }, { type: 'batchNorm' }, { type: 'leakyRelu', slope: 0.1 },
    { type: 'dense', units: 8 }, { type: 'sigmoid' }, { type: 'dense', units: 6 }, { type: 'tanh' }, { type: 'dense', units: 3 }] },
  { name: 'cnn-batchnorm', inputShape: [36], loss: 'softmax', layers: [
    { type: 'reshape', shape: [1, 6, 6] }, { type: 'conv2d', filters: 4, kernel: 3, padding: 'same' }, { type: 'batchNorm' }, { type: 'relu' },
    { type: 'residual', layers: [{ type: 'conv2d', filters: 4, kernel: 3, padding: 1, bias: false }, { type: 'batchNorm', momentum: 0.2 }, { type: 'relu' },
      { type: 'conv2d', filters: 4, kernel: 3, padding: 1 }] },
    { type: 'maxPool2d', size: 2 }, { type: 'conv2d', filters: 5, kernel: 2, stride: 1 }, { type: 'avgPool2d', size: 2 },
    { type: 'flatten' }, { type: 'dense', units: 3 }] },
  { name: 'gru-char', inputShape: [8], vocab: 11, loss: 'softmax', layers: [
    { type: 'embedding', vocab: 11, dim: 6 }, { type: 'gru', units: 9, returnSequences: true }, { type: 'gru', units: 7 }, { type: 'dense', units: 11 }] },
  { name: 'lstm-char', inputShape: [8], vocab: 11, loss: 'softmax', layers: [
    { type: 'embedding', vocab: 11, dim: 6 }, { type: 'lstm', units: 9, returnSequences: true }, { type: 'lstm', units: 7 }, { type: 'dense', units: 11 }] },
  { name: 'transformer', inputShape: [6], vocab: 13, loss: 'softmax', layers: [
    { type: 'embedding', vocab: 13, dim: 8 }, { type: 'positionalEmbedding' },
    { type: 'residual', layers: [{ type: 'layerNorm' }, { type: 'attention', heads: 2, causal: true }] },
    { type: 'residual', layers: [{ type: 'layerNorm' }, { type: 'dense', units: 16 }, { type: 'gelu' }, { type: 'dense', units: 8 }] },
    { type: 'residual', layers: [{ type: 'layerNorm' }, { type: 'attention', heads: 4 }] },
    { type: 'layerNorm' }, { type: 'flatten' }, { type: 'dense', units: 4 }] },
];

/** Trains a network of family `f` for a few epochs; writes NAME.safetensors and NAME.json (rows) to `dir`; returns descent's outputs. */
function trainAndSave(f: Family, dir: string, name: string, seed: number): { outputs: Float32Array; tensors: number } {
  const net = sequential({ inputShape: f.inputShape, layers: f.layers, loss: f.loss, seed });
  const rng = new Rng(seed);
  const features = f.inputShape.reduce((a, b) => a * b, 1), rows = 64;
  const x = Float32Array.from({ length: rows * features }, () => (f.vocab ? Math.floor(rng.next() * f.vocab) : 2 * rng.next() - 1));
  const y = Float32Array.from({ length: rows }, () => Math.floor(rng.next() * net.outputs));
  const ds = Dataset.fromArrays(x, y, { features });
  try {
    const before = Float32Array.from(net.params);
    train(net, ds, { epochs: 3, batch: 16, standardize: false, optimizer: { name: 'adam', lr: 0.01 } });
    assert.ok(maxRelDiff(net.params, before) > 1e-3, `${name}: training moved the parameters`);
    const rowsOut = Array.from({ length: ROWS }, (_, r) => Array.from(x.subarray(r * features, (r + 1) * features)));
    const bytes = toSafetensors(net);
    const stats = [...decodeSafetensors(bytes).tensors].filter(([n]) => n.endsWith('running_mean'));
    // Inference reads batch norm's running statistics: they must have moved off their start (0) to be tested.
    for (const [n, t] of stats) assert.ok(t.data.some((v) => Math.abs(v) > 1e-4), `${name}: ${n} moved in training`);
    writeFileSync(join(dir, `${name}.safetensors`), bytes);
    writeFileSync(join(dir, `${name}.json`), JSON.stringify({ x: rowsOut }));
    return { outputs: net.decision(rowsOut), tensors: decodeSafetensors(bytes).tensors.size };
  } finally {
    ds.dispose();
    net.dispose();
  }
}

const torch = findPython();
testOrSkip(test, 'descent-trained networks load into PyTorch with strict names and predict as descent within 1e-5', torch.missing, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'descent-torch-save-'));
  try {
    const ours = new Map<string, { outputs: Float32Array; tensors: number }>();
    for (const be of BACKENDS) {
      await init({ backend: be });
      FAMILIES.forEach((f, i) => ours.set(`${f.name}-${be}`, trainAndSave(f, dir, `${f.name}-${be}`, 11 + i)));
    }
    const r = spawnSync(torch.python!, [SCRIPT, dir], { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20 });
    assert.is(r.status, 0, `${SCRIPT} failed: ${r.error?.message ?? ''}${r.stderr}`);
    const got = JSON.parse(r.stdout) as { torch: string; reader: string; cases: Record<string, { tensors: number; outputs: number[][] }> };
    assert.equal(Object.keys(got.cases).sort(), [...ours.keys()].sort(), 'PyTorch ran every file');
    let largest = 0;
    for (const [name, mine] of ours) {
      const theirs = got.cases[name];
      assert.is(theirs.tensors, mine.tensors, `${name}: PyTorch read every tensor`);
      const w = maxRelDiff(theirs.outputs.flat(), mine.outputs);
      assert.ok(w <= 1e-5, `${name}: PyTorch's outputs differ from descent's by ${w.toExponential(2)}`);
      largest = Math.max(largest, w);
    }
    console.log(`  PyTorch ${got.torch} (${got.reader} reader): ${ours.size} networks, largest |PyTorch − descent| / max(1, |descent|) = ${largest.toExponential(2)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
