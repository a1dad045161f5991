// PyTorch → descent on every reference case: for each case of test/fixtures/torch-nets.json and
// test/fixtures/torch-graphs.json (dense, conv, GRU, layer norm, attention, a two-block causal GPT, a residual
// CNN with batch norm's running statistics, an LSTM), scripts/fixtures/torch-safetensors.py built the torch
// module tree of the case's layer list, gave it the case's final parameters, wrote PyTorch's own state_dict as
// a safetensors file and its eval() outputs on 8 rows. Here each file loads, by the public API and descent's own
// names, into a network built from the same layer list, which predicts as PyTorch did within 1e-5 (raw outputs,
// rows × T·vocab for the per-position GPT; predictProba against PyTorch's softmax for the classifiers). The
// torch-graphs cases' final parameters under the reference's own, wrapped module names load through a names map.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { init, sequential, loadSafetensors, decodeSafetensors, encodeSafetensors, toSafetensors, ShapeError, type Network, type BackendName, type LayerSpec, type NetworkLoss } from '../src/index.js';
import { maxRelDiff } from './_util.ts';

interface Case {
  name: string;
  source: 'torch-nets' | 'torch-graphs';
  file: string;
  inputShape: number[];
  layers: LayerSpec[];
  loss: NetworkLoss;
  targets: number | null;
  tensors: string[];
  x: number[][];
  outputs: number[][];
}

const dir = new URL('./fixtures/torch-safetensors/', import.meta.url);
const ref = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as { cases: Case[] };
const fileOf = (c: Case): Uint8Array => new Uint8Array(readFileSync(new URL(c.file, dir)));
const BACKENDS: BackendName[] = ['js', 'wasm-scalar', 'wasm-simd'];

/**
 * The network of a case's layer list. A per-position case (`targets` = T, output [T, vocab]) is built as is
 * where descent takes a [T, classes] softmax output; otherwise with a flatten appended, which adds no tensor
 * and keeps the row-major order of the T·vocab outputs, so the names and the raw outputs compared are the same.
 */
function networkOf(c: Case, seed: number): Network {
  const spec = { inputShape: c.inputShape, layers: c.layers, loss: c.loss, seed };
  if (c.targets === null) return sequential(spec);
  try {
    return sequential(spec);
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
    return sequential({ ...spec, layers: [...c.layers, { type: 'flatten' }] });
  }
}

/** Row-wise softmax of logits, in f64. */
function softmaxRows(z: number[][]): number[] {
  return z.flatMap((r) => {
    const m = Math.max(...r), e = r.map((v) => Math.exp(v - m)), s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  });
}

test('the fixtures hold every case of both reference files', () => {
  for (const source of ['torch-nets', 'torch-graphs'] as const) {
    const file = JSON.parse(readFileSync(new URL(`./fixtures/${source}.json`, import.meta.url), 'utf8')) as { cases: { name: string }[] };
    assert.ok(file.cases.length > 0, source);
    for (const c of file.cases) assert.ok(ref.cases.some((r) => r.name === c.name && r.source === source), `${source} ${c.name} has a safetensors fixture`);
  }
});

test("descent's names for each case are exactly PyTorch's state_dict names", async () => {
  await init({ backend: 'js' });
  for (const c of ref.cases) {
    const torchNames = [...decodeSafetensors(fileOf(c)).tensors.keys()].sort();
    assert.equal(torchNames, [...c.tensors].sort(), `${c.name}: the file holds the state_dict`);
    const net = networkOf(c, 1);
    try {
      assert.equal([...decodeSafetensors(toSafetensors(net)).tensors.keys()].sort(), torchNames, c.name);
    } finally {
      net.dispose();
    }
  }
});

for (const be of BACKENDS) {
  test(`${be}: every reference case's PyTorch state_dict loads and predicts as PyTorch's eval() within 1e-5`, async () => {
    await init({ backend: be });
    let largest = 0;
    for (const c of ref.cases) {
      const net = networkOf(c, 1);
      try {
        const before = net.decision(c.x);
        loadSafetensors(net, fileOf(c));
        const out = net.decision(c.x);
        // The fixture's outputs must be out of reach of the freshly initialized network, or loading proves nothing.
        assert.ok(maxRelDiff(before, c.outputs.flat()) > 1e-3, `${c.name}: an unloaded network already gives PyTorch's outputs`);
        const w = maxRelDiff(out, c.outputs.flat());
        assert.ok(w <= 1e-5, `${c.name}: outputs differ from PyTorch's by ${w.toExponential(2)}`);
        largest = Math.max(largest, w);
        if (c.loss === 'softmax' && c.targets === null) {
          const p = maxRelDiff(net.predictProba(c.x), softmaxRows(c.outputs));
          assert.ok(p <= 1e-5, `${c.name}: predictProba differs from PyTorch's softmax by ${p.toExponential(2)}`);
        }
      } finally {
        net.dispose();
      }
    }
    console.log(`  ${be}: ${ref.cases.length} cases, largest |descent − PyTorch| / max(1, |PyTorch|) = ${largest.toExponential(2)}`);
  });
}

interface GraphCase {
  name: string;
  rows: number;
  x: number[];
  snapshots: { params: Record<string, unknown[]> }[];
  finalOutputs: number[];
}

// The reference files' own trees wrap modules (`0.emb.weight`, `2.layers.1.mha.in_proj_weight`,
// `1.rnn.weight_ih_l0`) and leave resnet-batchnorm's reshape out of the numbering: such a state_dict loads
// through a map of module prefixes, and predicts as that tree did (its finalOutputs).
const WRAPPED: Record<string, Record<string, string | number>> = {
  'layernorm-mlp': {},
  'attention-classifier': { '0.emb': 0, '2.layers.1.mha': '2.layers.1' },
  'gpt-lm': { '0.emb': 0, '2.layers.1.mha': '2.layers.1', '4.layers.1.mha': '4.layers.1' },
  'resnet-batchnorm': { 0: 1, 2: 3, 6: 7 },
  'lstm-embedding': { '0.emb': 0, '1.rnn': 1 },
};

test("a state_dict under other module names loads through a names map (torch-graphs' own trees)", async () => {
  await init({ backend: 'wasm-simd' });
  const graphs = JSON.parse(readFileSync(new URL('./fixtures/torch-graphs.json', import.meta.url), 'utf8')) as { cases: GraphCase[] };
  for (const g of graphs.cases) {
    const c = ref.cases.find((r) => r.name === g.name)!;
    assert.ok(WRAPPED[g.name], `${g.name} has a names map`);
    const map = WRAPPED[g.name];
    // The name a tensor takes through the map (its longest mapped module prefix), to borrow its shape from
    // the state_dict file of the same case: the reference file keeps values only.
    const mapped = (k: string): string => {
      for (let cut = k.lastIndexOf('.'); cut > 0; cut = k.lastIndexOf('.', cut - 1)) {
        if (Object.prototype.hasOwnProperty.call(map, k.slice(0, cut))) return `${map[k.slice(0, cut)]}${k.slice(cut)}`;
      }
      return k;
    };
    const shapes = decodeSafetensors(fileOf(c)).tensors;
    const named = encodeSafetensors(Object.fromEntries(Object.entries(g.snapshots.at(-1)!.params).map(([k, v]) => {
      const data = v.flat(3) as number[];
      return [k, { data, shape: shapes.get(mapped(k))?.shape ?? [data.length] }];
    })));
    const net = networkOf(c, 1);
    try {
      loadSafetensors(net, named, { names: WRAPPED[g.name] });
      const features = g.x.length / g.rows, n = g.finalOutputs.length / net.outputs;
      const rows = Array.from({ length: n }, (_, r) => g.x.slice(r * features, (r + 1) * features));
      const w = maxRelDiff(net.decision(rows), g.finalOutputs);
      assert.ok(w <= 1e-5, `${g.name}: outputs differ from the reference tree's by ${w.toExponential(2)}`);
    } finally {
      net.dispose();
    }
  }
});

test.run();
