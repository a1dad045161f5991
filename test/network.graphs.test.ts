// The PyTorch reference graphs (test/fixtures/torch-graphs.json, a copy of shared/reference/torch-graphs.json:
// PyTorch 1.13, float32) replayed through sequential, setWeights(path), partialFit and getWeights(path) — one
// step per call on the case's batch rows — on every backend: batch losses to 1e-5 relative (+0.5e-5 per step,
// as test/network.torch.test.ts), parameters (and running statistics) at every snapshot to 1e-4, and after
// training, inference-mode predictProba within 1e-5 of softmax(finalOutputs) (per position where the case has
// `targets` = T: a label at each of a row's T positions, y holding rows × T). A case is replayed when every
// layer type in it (containers' layers included) is registered; the others are listed by name, never dropped
// silently.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { init, sequential, partialFit, type LayerSpec, type NetworkLoss, type OptimizerOptions } from '../src/index.js';
import { LAYERS } from '../src/models/layers/index.js';
import { BACKENDS, torchOptimizer } from './_util.js';

interface GraphCase {
  name: string;
  layers: LayerSpec[];
  inputShape: number[];
  loss: NetworkLoss;
  targets: number | null;
  optimizer: string;
  hyper: Record<string, unknown>;
  x: number[];
  y: number[];
  rows: number;
  paramMap: { torch: string; path: number[]; key: string }[];
  params0: Record<string, unknown[]>;
  batches: number[][];
  losses: number[];
  snapshots: { step: number; params: Record<string, unknown[]> }[];
  finalOutputs: number[];
}

const ref = JSON.parse(readFileSync(new URL('./fixtures/torch-graphs.json', import.meta.url), 'utf8')) as { cases: GraphCase[] };
const known = (layers: unknown[]): boolean => layers.every((l) => {
  const s = l as { type: string; layers?: unknown[] };
  return Object.prototype.hasOwnProperty.call(LAYERS, s.type) && (s.layers === undefined || known(s.layers));
});
const runnable = (c: GraphCase): boolean => known(c.layers);
const REPLAYED = ref.cases.filter(runnable);
const PENDING = ref.cases.filter((c) => !runnable(c));

const options = (c: GraphCase): OptimizerOptions => torchOptimizer<OptimizerOptions>(c.optimizer, c.hyper, c.name);
const flat = (a: unknown): number[] => (Array.isArray(a) ? (a.flat(Infinity as 1) as number[]) : [a as number]);

/** The case's tensors at `params`, grouped by layer path (as text) and descent key. */
function byLayer(c: GraphCase, params: Record<string, unknown[]>): Map<string, { path: number[]; w: Record<string, number[]> }> {
  const out = new Map<string, { path: number[]; w: Record<string, number[]> }>();
  for (const m of c.paramMap) {
    if (!(m.torch in params)) continue;
    const k = JSON.stringify(m.path);
    if (!out.has(k)) out.set(k, { path: m.path, w: {} });
    out.get(k)!.w[m.key] = flat(params[m.torch]);
  }
  return out;
}

test('torch-graphs: the layer-norm, attention, GPT, residual/batch-norm and LSTM cases are replayed here; the others are named', () => {
  for (const name of ['layernorm-mlp', 'attention-classifier', 'gpt-lm', 'resnet-batchnorm', 'lstm-embedding']) assert.ok(REPLAYED.some((c) => c.name === name), name);
  console.log(`  torch-graphs: ${REPLAYED.map((c) => c.name).join(', ')} replayed${PENDING.length ? `; ${PENDING.map((c) => c.name).join(', ')} not yet (layer types or per-position targets descent does not have)` : ''}`);
});

for (const b of BACKENDS) {
  for (const c of REPLAYED) {
    test(`[${b}] ${c.name}: losses, parameters at every snapshot, predictProba after training`, async () => {
      await init({ backend: b });
      const features = c.inputShape.reduce((a, v) => a * v, 1);
      const net = sequential({ inputShape: c.inputShape, layers: c.layers, loss: c.loss });
      try {
        for (const { path, w } of byLayer(c, c.params0).values()) net.setWeights(path, w);
        let worstLoss = 0, worstParam = 0;
        for (let t = 0; t < c.batches.length; t++) {
          const rows = c.batches[t];
          const bx = new Float32Array(rows.length * features);
          rows.forEach((r, j) => bx.set(c.x.slice(r * features, (r + 1) * features), j * features));
          const T = c.targets ?? 1;
          const r = partialFit(net, { x: bx, y: rows.flatMap((i) => c.y.slice(i * T, (i + 1) * T)) }, { optimizer: options(c) });
          const rel = Math.abs(r.loss - c.losses[t]) / Math.max(1e-6, Math.abs(c.losses[t]));
          worstLoss = Math.max(worstLoss, rel);
          assert.ok(rel <= 1e-5 * (1 + t / 2), `${c.name} step ${t}: loss ${r.loss} vs torch ${c.losses[t]} (${rel.toExponential(2)} relative)`);
          const snap = c.snapshots.find((s) => s.step === t + 1);
          if (!snap) continue;
          for (const { path, w } of byLayer(c, snap.params).values()) {
            const got = net.getWeights(path);
            const layer = net.layerAt(path);
            for (const [key, want] of Object.entries(w)) {
              const g = got[key]!;
              for (let j = 0; j < want.length; j++) {
                // Attention's key bias (in_proj_bias[d, 2d)) has a gradient of exactly 0 (a constant added to every
                // score of a row leaves its softmax unchanged): what both sides compute there is rounding noise,
                // which Adam-type rules turn into ±lr steps. Those entries are not compared.
                const dim = layer.inShape[layer.inShape.length - 1];
                if (layer.spec.type === 'attention' && key === 'bias' && j >= dim && j < 2 * dim) continue;
                const d = Math.abs(g[j] - want[j]);
                worstParam = Math.max(worstParam, d / Math.max(1, Math.abs(want[j])));
                assert.ok(d <= 1e-4 * Math.max(1, Math.abs(want[j])), `${c.name} step ${t + 1} ${JSON.stringify(path)}.${key}[${j}]: ${g[j]} vs torch ${want[j]}`);
              }
            }
          }
        }
        assert.is(net.positions, c.targets ?? 1);
        const k = net.classes, n = c.finalOutputs.length / net.outputs;
        const p = net.predictProba(Float32Array.from(c.x.slice(0, n * features)));
        assert.is(p.length, c.finalOutputs.length);
        let worstProba = 0;
        for (let r = 0; r < p.length / k; r++) {
          const z = c.finalOutputs.slice(r * k, (r + 1) * k), m = Math.max(...z);
          const e = z.map((v) => Math.exp(v - m)), s = e.reduce((a, v) => a + v, 0);
          for (let j = 0; j < k; j++) worstProba = Math.max(worstProba, Math.abs(p[r * k + j] - e[j] / s));
        }
        assert.ok(worstProba <= 1e-5, `${c.name}: predictProba within ${worstProba.toExponential(2)} of softmax(finalOutputs)`);
        if (b === 'wasm-simd') console.log(`  ${c.name}: loss within ${worstLoss.toExponential(1)} rel, worst parameter ${worstParam.toExponential(1)}, predictProba within ${worstProba.toExponential(1)}`);
      } finally {
        net.dispose();
      }
    });
  }
}

test.run();
