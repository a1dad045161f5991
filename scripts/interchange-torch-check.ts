// descent → PyTorch: trains a descent network of every spec in test/fixtures/interchange/expected.json (every
// layer type) for a few epochs, writes each with toSafetensors plus its rows and descent's outputs to a
// temporary folder, and runs scripts/fixtures/interchange-check.py there, which loads each file with strict
// names into the torch.nn.Sequential of the same layers and compares PyTorch's outputs (needs /usr/bin/python3
// with torch). Run: npx tsx scripts/interchange-torch-check.ts
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { init, sequential, train, Dataset, type LayerSpec, type NetworkLoss } from '../src/index.js';
import { toSafetensors } from '../src/interchange/torch-state.js';
import { Rng } from '../src/rng.js';

interface Case { name: string; inputShape: number[]; layers: LayerSpec[]; loss: NetworkLoss; x: number[][] }

await init();
const ref = JSON.parse(readFileSync(new URL('../test/fixtures/interchange/expected.json', import.meta.url), 'utf8')) as { cases: Case[] };
const dir = mkdtempSync(join(tmpdir(), 'descent-torch-check-'));
const rng = new Rng(5);
for (const c of ref.cases.filter((r) => !/f16|bf16|torch-names/.test(r.name))) {
  const net = sequential({ inputShape: c.inputShape, layers: c.layers, loss: c.loss, seed: 9 });
  const features = c.x[0].length, rows = 64;
  const tokens = c.layers[0].type === 'embedding' ? (c.layers[0] as { vocab: number }).vocab : 0;
  const x = Float32Array.from({ length: rows * features }, () => (tokens ? Math.floor(rng.next() * tokens) : 2 * rng.next() - 1));
  const y = Float32Array.from({ length: rows }, () => (c.loss === 'softmax' ? Math.floor(rng.next() * net.outputs) : c.loss === 'logistic' ? Math.round(rng.next()) : rng.normal()));
  const ds = Dataset.fromArrays(x, y, { features });
  train(net, ds, { epochs: 5, batch: 16, standardize: false, optimizer: { name: 'adam', lr: 0.01 } });
  const rowsOut = Array.from({ length: 8 }, (_, r) => Array.from(x.subarray(r * features, (r + 1) * features)));
  writeFileSync(join(dir, `${c.name}.safetensors`), toSafetensors(net));
  writeFileSync(join(dir, `${c.name}.json`), JSON.stringify({ x: rowsOut, outputs: Array.from(net.decision(rowsOut)) }));
  ds.dispose();
  net.dispose();
}
const r = spawnSync('/usr/bin/python3', [new URL('./fixtures/interchange-check.py', import.meta.url).pathname, dir], { stdio: 'inherit' });
rmSync(dir, { recursive: true, force: true });
process.exit(r.status ?? 1);
