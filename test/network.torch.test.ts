// Every dense network of the PyTorch reference trajectories (test/fixtures/torch-nets.json, recorded with
// PyTorch 1.13 in float32) replayed through sequential, setWeights and
// partialFit — one step per call on the case's batch rows, in order — on every backend. The batch losses
// must match to 1e-5 relative at the first step, the tolerance growing by 0.5e-5 per step after (float32
// sums in another order drift along a trajectory, and a squared loss near its minimum amplifies that drift
// by the cancellation in z − y: mlp-5, one row per step, reaches 8e-5 at step 24), and the parameters at
// every snapshot to 1e-4. The convolutional cases (cnn-*: conv2d with padding and stride, max and average
// pooling) run the same way, and so does the recurrent one (gru-embedding: embedding → GRU, last state →
// dense, whose parameters PyTorch names emb.*, rnn.*_l0 and out.*: mapped onto the layers with parameters in
// order); cases of layer types descent does not have yet are listed by name with the reason, never dropped
// silently.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { torchOptimizer } from './_util.js';
import { init, sequential, partialFit, type BackendName, type LayerSpec, type NetworkLoss, type OptimizerOptions } from '../src/index.js';

interface NetCase {
  name: string;
  layers: (LayerSpec & { inputs?: number })[];
  inputShape: number[] | null;
  loss: NetworkLoss;
  optimizer: string;
  hyper: Record<string, unknown>;
  x: number[] | number[][];
  y: number[];
  rows: number;
  params0: Record<string, number[] | number[][]>;
  batches: number[][];
  losses: number[];
  snapshots: { step: number; params: Record<string, number[] | number[][]> }[];
}

const ref = JSON.parse(readFileSync(new URL('./fixtures/torch-nets.json', import.meta.url), 'utf8')) as { source: string; cases: NetCase[] };
const BACKENDS: BackendName[] = ['js', 'wasm-scalar', 'wasm-simd'];
const REPLAYED = (c: NetCase): boolean => c.name.startsWith('mlp-') || c.name.startsWith('cnn-') || c.name.startsWith('gru-');
const DENSE = ref.cases.filter(REPLAYED);
const OTHER = ref.cases.filter((c) => !REPLAYED(c));
const WITH_PARAMS = new Set(['dense', 'conv2d', 'embedding', 'gru', 'lstm']);

const options = (c: NetCase): OptimizerOptions => torchOptimizer<OptimizerOptions>(c.optimizer, c.hyper, c.name);

// Nested arrays of any depth (conv2d weights are filters × inChannels × k × k) in row-major order.
const flat = (a: unknown[]): number[] => (a as number[]).flat(Infinity as 1) as number[];

/** Names in the descent form (weight, bias, weightHh, biasHh) → the case's tensors for layers[i], at `params`. */
function tensors(c: NetCase, params: Record<string, number[] | number[][]>, i: number): Record<string, number[]> {
  if (`${i}.weight` in params) return { weight: flat(params[`${i}.weight`]), bias: flat(params[`${i}.bias`]) };
  // Named modules (the recurrent case): the k-th layer with parameters is the k-th module prefix.
  const k = c.layers.slice(0, i).filter((l) => WITH_PARAMS.has(l.type)).length;
  const prefix = [...new Set(Object.keys(params).map((n) => n.split('.')[0]))][k];
  const t = (n: string): number[] => flat(params[`${prefix}.${n}`]);
  const type = c.layers[i].type;
  if (type === 'embedding') return { weight: t('weight') };
  if (type === 'gru' || type === 'lstm') return { weight: t('weight_ih_l0'), bias: t('bias_ih_l0'), weightHh: t('weight_hh_l0'), biasHh: t('bias_hh_l0') };
  return { weight: t('weight'), bias: t('bias') };
}

test('the reference holds dense, convolutional and recurrent cases, and the others are named', () => {
  assert.ok(DENSE.filter((c) => c.name.startsWith('mlp-')).length >= 6, 'mlp cases');
  assert.ok(DENSE.filter((c) => c.name.startsWith('cnn-')).length >= 2, 'cnn cases');
  assert.ok(DENSE.some((c) => c.name === 'gru-embedding'), 'the gru case');
  console.log(`  torch-nets: ${DENSE.length} dense, convolutional and recurrent cases replayed here${OTHER.length ? `; ${OTHER.map((c) => c.name).join(', ')} not replayed (layer types descent does not have)` : ''}`);
});

for (const b of BACKENDS) {
  for (const c of DENSE) {
    test(`[${b}] ${c.name}: losses to 1e-5 (+0.5e-5 per step), parameters at every snapshot to 1e-4`, async () => {
      await init({ backend: b });
      const features = c.inputShape ? c.inputShape.reduce((a, b) => a * b, 1) : c.layers[0].inputs!;
      const net = sequential({ inputShape: c.inputShape ?? [features], layers: c.layers, loss: c.loss });
      try {
        c.layers.forEach((l, i) => {
          if (WITH_PARAMS.has(l.type)) net.setWeights(i, tensors(c, c.params0, i) as unknown as { weight: number[] });
        });
        const x = flat(c.x);
        let worstLoss = 0, firstLoss = 0, worstParam = 0;
        for (let t = 0; t < c.batches.length; t++) {
          const rows = c.batches[t];
          const bx = new Float32Array(rows.length * features);
          rows.forEach((r, j) => bx.set(x.slice(r * features, (r + 1) * features), j * features));
          const r = partialFit(net, { x: bx, y: rows.map((i) => c.y[i]) }, { optimizer: options(c) });
          assert.ok(!r.diverged, `${c.name} step ${t}`);
          const rel = Math.abs(r.loss - c.losses[t]) / Math.max(1e-6, Math.abs(c.losses[t]));
          worstLoss = Math.max(worstLoss, rel);
          if (t < 5) firstLoss = Math.max(firstLoss, rel);
          assert.ok(rel <= 1e-5 * (1 + t / 2), `${c.name} step ${t}: loss ${r.loss} vs torch ${c.losses[t]} (${rel.toExponential(2)} relative)`);
          const snap = c.snapshots.find((s) => s.step === t + 1);
          if (!snap) continue;
          c.layers.forEach((l, i) => {
            if (!WITH_PARAMS.has(l.type)) return;
            const w = net.getWeights(i) as unknown as Record<string, Float32Array>;
            for (const [name, want] of Object.entries(tensors(c, snap.params, i))) {
              const got = w[name];
              for (let j = 0; j < want.length; j++) {
                const d = Math.abs(got[j] - want[j]);
                worstParam = Math.max(worstParam, d / Math.max(1, Math.abs(want[j])));
                assert.ok(d <= 1e-4 * Math.max(1, Math.abs(want[j])), `${c.name} step ${t + 1} ${i}.${name}[${j}]: ${got[j]} vs torch ${want[j]}`);
              }
            }
          });
        }
        if (b === 'wasm-simd') console.log(`  ${c.name}: loss within ${firstLoss.toExponential(1)} rel over steps 1-5, ${worstLoss.toExponential(1)} over all; worst parameter ${worstParam.toExponential(1)}`);
      } finally {
        net.dispose();
      }
    });
  }
}

test.run();
