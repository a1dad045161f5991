// Network gradients against central finite differences, for every layer type and loss, at odd sizes
// (1, 3, 5, 17, 33, 65), on every backend. The gradient comes from the kernel (backend.lossGrad over the
// run descriptor the trainer uses); the differences evaluate the same kernel's loss at p ± h, with the
// dropout stream reset before each evaluation so every evaluation draws the same mask.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, sequential, Dataset, type BackendName, type LayerSpec, type NetworkLoss } from '../src/index.js';
import { Rng } from '../src/rng.js';
import { backend } from '../src/runtime/index.js';
import { Block, disposeAll } from '../src/runtime/block.js';
import { Run } from '../src/runtime/run.js';

const BACKENDS: BackendName[] = ['js', 'wasm-scalar', 'wasm-simd'];

interface Case {
  name: string; inputs: number; layers: LayerSpec[]; loss: NetworkLoss; rows: number; l2?: number; shape?: number[]; training?: 0;
  /** Labels per row: T for a [T, classes] output (a label at each position). */
  targets?: number;
  /** Token-id inputs in [0, tokens) (an embedding first). */
  tokens?: number;
}

const act = (type: string): LayerSpec => (type === 'leakyRelu' ? { type: 'leakyRelu', slope: 0.1 } : { type } as LayerSpec);
const CASES: Case[] = [];
for (const [i, a] of ['relu', 'leakyRelu', 'tanh', 'sigmoid', 'gelu'].entries()) {
  const [inp, hid] = [[1, 3], [3, 5], [5, 17], [17, 33], [33, 65]][i];
  CASES.push({ name: `${a} ${inp}→${hid}→3 softmax`, inputs: inp, layers: [{ type: 'dense', units: hid }, act(a), { type: 'dense', units: 3 }], loss: 'softmax', rows: 5 });
}
CASES.push(
  { name: 'two activations in a row, no bias, logistic', inputs: 5, layers: [{ type: 'dense', units: 17, bias: false }, { type: 'tanh' }, { type: 'relu' }, { type: 'dense', units: 1 }], loss: 'logistic', rows: 7 },
  { name: 'activation first (not fused), gelu after sigmoid, squared', inputs: 3, layers: [{ type: 'sigmoid' }, { type: 'dense', units: 5 }, { type: 'gelu' }, { type: 'dense', units: 1 }], loss: 'squared', rows: 3 },
  { name: 'dropout 0.3 between layers, reshape and flatten, softmax, l2', inputs: 6, layers: [{ type: 'reshape', shape: [2, 3] }, { type: 'flatten' }, { type: 'dense', units: 33 }, { type: 'relu' }, { type: 'dropout', rate: 0.3 }, { type: 'dense', units: 5 }], loss: 'softmax', rows: 9, l2: 0.05 },
  { name: 'a batch of 300 rows runs in three chunks, squared', inputs: 3, layers: [{ type: 'dense', units: 5 }, { type: 'tanh' }, { type: 'dense', units: 1 }], loss: 'squared', rows: 300 },
  { name: 'one unit everywhere, logistic', inputs: 1, layers: [{ type: 'dense', units: 1 }, { type: 'sigmoid' }, { type: 'dense', units: 1 }], loss: 'logistic', rows: 1 },
);

// Image layers (conv2d at stride 1 and 2, padding 0, 1 and 'same', 1–3 channels; both pools, overlapping
// and flooring; batch norm on images and on flat inputs, with batch and with running statistics) at odd sizes.
const img = (shape: number[], layers: LayerSpec[], rows: number, extra: Partial<Case> = {}): Case => ({
  name: '', inputs: shape.reduce((a, b) => a * b, 1), shape, layers: [...layers, { type: 'flatten' }, { type: 'dense', units: 3 }],
  loss: 'softmax', rows, ...extra,
});
const IMAGE: [string, Case][] = [
  ['conv2d 1→3 ch 3×3, stride 1, padding 0, 5×7, tanh', img([1, 5, 7], [{ type: 'conv2d', filters: 3, kernel: 3 }, { type: 'tanh' }], 3)],
  ['conv2d 2→3 ch 3×3, stride 2, padding 1, 7×5, relu', img([2, 7, 5], [{ type: 'conv2d', filters: 3, kernel: 3, stride: 2, padding: 1 }, { type: 'relu' }], 5)],
  ["conv2d 3→2 ch 3×3 'same', no bias, sigmoid, max pool 2 (floors 5 → 2)", img([3, 5, 5], [{ type: 'conv2d', filters: 2, kernel: 3, padding: 'same', bias: false }, { type: 'sigmoid' }, { type: 'maxPool2d', size: 2 }], 3)],
  ['conv2d 3→1 ch 2×2 stride 2 (7 → 3), then conv2d 5×5 padding 1 (3 → 1), l2', img([3, 7, 7], [{ type: 'conv2d', filters: 1, kernel: 2, stride: 2 }, { type: 'tanh' }, { type: 'conv2d', filters: 2, kernel: 5, padding: 1 }], 3, { l2: 0.05 })],
  ['avgPool2d 3 stride 2 (overlapping) after conv2d 1→2 ch 1×1, 7×9', img([1, 7, 9], [{ type: 'conv2d', filters: 2, kernel: 1 }, { type: 'avgPool2d', size: 3, stride: 2 }], 3)],
  ['maxPool2d 3 stride 1 (overlapping, gradients added) after conv2d 2→2 ch 3×3 padding 1, 5×5', img([2, 5, 5], [{ type: 'conv2d', filters: 2, kernel: 3, padding: 1 }, { type: 'maxPool2d', size: 3, stride: 1 }], 3)],
  ['batchNorm on images: conv2d 1→3 ch 3×3 → batchNorm → relu → maxPool 2, 7×7', img([1, 7, 7], [{ type: 'conv2d', filters: 3, kernel: 3 }, { type: 'batchNorm' }, { type: 'relu' }, { type: 'maxPool2d', size: 2 }], 5)],
  ['batchNorm on 5 features after dense, tanh, 300 rows (per-chunk statistics)', { name: '', inputs: 3, layers: [{ type: 'dense', units: 5 }, { type: 'batchNorm' }, { type: 'tanh' }, { type: 'dense', units: 1 }], loss: 'squared', rows: 300 }],
  ['batchNorm with running statistics (training 0): conv2d 2→3 ch → batchNorm, 5×5', img([2, 5, 5], [{ type: 'conv2d', filters: 3, kernel: 3, padding: 1 }, { type: 'batchNorm', momentum: 0.3 }, { type: 'tanh' }], 3, { training: 0 })],
];
for (const [name, c] of IMAGE) CASES.push({ ...c, name });

// Layer norm over the last axis: after a dense layer (7 features), per position of [T, d] rows (eps 1e-3, 300
// rows in three chunks), and first in the network (no input gradient), at odd sizes.
CASES.push(
  { name: 'layerNorm on 7 features between dense layers, relu, softmax', inputs: 5, layers: [{ type: 'dense', units: 7 }, { type: 'layerNorm' }, { type: 'relu' }, { type: 'dense', units: 3 }], loss: 'softmax', rows: 5 },
  { name: 'layerNorm per position of [3, 5] rows (eps 1e-3) after a reshape, then flatten, dense, layerNorm, squared, 300 rows', inputs: 15, layers: [{ type: 'tanh' }, { type: 'reshape', shape: [3, 5] }, { type: 'layerNorm', eps: 1e-3 }, { type: 'flatten' }, { type: 'dense', units: 9 }, { type: 'layerNorm' }, { type: 'dense', units: 1 }], loss: 'squared', rows: 300 },
  { name: 'layerNorm first, on [1, 13] rows, logistic, l2', inputs: 13, shape: [1, 13], layers: [{ type: 'layerNorm' }, { type: 'flatten' }, { type: 'dense', units: 1 }], loss: 'logistic', rows: 3, l2: 0.05 },
);

// Residual blocks y = x + f(x): between dense layers, nested, first in the network (no input gradient), with
// batch norm and convolutions inside, at odd sizes.
CASES.push(
  { name: 'residual(dense 5, tanh, dense 5) between dense layers, softmax', inputs: 3, layers: [{ type: 'dense', units: 5 }, { type: 'residual', layers: [{ type: 'dense', units: 5 }, { type: 'tanh' }, { type: 'dense', units: 5 }] }, { type: 'dense', units: 3 }], loss: 'softmax', rows: 5 } as Case,
  { name: 'nested residual blocks with layerNorm and gelu, then tanh, 300 rows, squared', inputs: 7, layers: [{ type: 'dense', units: 7 }, { type: 'residual', layers: [{ type: 'layerNorm' }, { type: 'residual', layers: [{ type: 'dense', units: 7 }, { type: 'gelu' }] }, { type: 'dense', units: 7 }] }, { type: 'tanh' }, { type: 'dense', units: 1 }], loss: 'squared', rows: 300 } as Case,
  { name: 'a transformer block on [5, 6] rows: positionalEmbedding, residual(layerNorm, causal attention 3 heads), residual(dense 12 on the last axis, gelu, dense 6)', inputs: 30, shape: [5, 6], layers: [{ type: 'positionalEmbedding' }, { type: 'residual', layers: [{ type: 'layerNorm' }, { type: 'attention', heads: 3, causal: true }] }, { type: 'residual', layers: [{ type: 'dense', units: 12 }, { type: 'gelu' }, { type: 'dense', units: 6 }] }, { type: 'flatten' }, { type: 'dense', units: 3 }], loss: 'softmax', rows: 3 } as Case,
  { name: 'attention (not causal, 1 head) on [7, 5] rows after dense on the last axis, then tanh, squared', inputs: 21, shape: [7, 3], layers: [{ type: 'dense', units: 5 }, { type: 'attention', heads: 1 }, { type: 'tanh' }, { type: 'flatten' }, { type: 'dense', units: 1 }], loss: 'squared', rows: 5 } as Case,
  { name: "residual first, conv2d 'same' → batchNorm → relu inside, on [2, 5, 5] images", inputs: 50, shape: [2, 5, 5], layers: [{ type: 'residual', layers: [{ type: 'conv2d', filters: 2, kernel: 3, padding: 'same' }, { type: 'batchNorm' }, { type: 'relu' }] }, { type: 'flatten' }, { type: 'dense', units: 3 }], loss: 'softmax', rows: 3 } as Case,
);

// Labels at every position of [T, classes] outputs (PyTorch's cross_entropy over rows·T): after attention,
// and a whole GPT on token ids (embedding, positions, two residual branches, the final layer norm).
CASES.push(
  { name: 'per-position softmax: positionalEmbedding, residual(layerNorm, causal attention 2 heads), dense 5 on [7, 4] rows', inputs: 28, shape: [7, 4], layers: [{ type: 'positionalEmbedding' }, { type: 'residual', layers: [{ type: 'layerNorm' }, { type: 'attention', heads: 2, causal: true }] }, { type: 'dense', units: 5 }], loss: 'softmax', rows: 3, targets: 7 } as Case,
  { name: 'a GPT on [9] token rows: embedding 11×6, positions, residual(layerNorm, causal attention 3 heads), residual(layerNorm, dense 24, gelu, dense 6), layerNorm, dense 11 per position', inputs: 9, layers: [{ type: 'embedding', vocab: 11, dim: 6 }, { type: 'positionalEmbedding' }, { type: 'residual', layers: [{ type: 'layerNorm' }, { type: 'attention', heads: 3, causal: true }] }, { type: 'residual', layers: [{ type: 'layerNorm' }, { type: 'dense', units: 24 }, { type: 'gelu' }, { type: 'dense', units: 6 }] }, { type: 'layerNorm' }, { type: 'dense', units: 11 }], loss: 'softmax', rows: 3, targets: 9, tokens: 11 } as Case,
);

function data(c: Case, rng: Rng): { x: Float32Array; y: Float32Array } {
  const x = Float32Array.from({ length: c.rows * c.inputs }, () => (c.tokens ? rng.below(c.tokens) : rng.normal()));
  const k = c.loss === 'softmax' ? (c.layers.at(-1) as { units: number }).units : 1;
  const y = Float32Array.from({ length: c.rows * (c.targets ?? 1) }, () => (c.loss === 'squared' ? rng.normal() : c.loss === 'logistic' ? rng.below(2) : rng.below(k)));
  return { x, y };
}

for (const b of BACKENDS) {
  for (const c of CASES) {
    test(`[${b}] ${c.name}: gradient = central differences`, async () => {
      await init({ backend: b });
      const rng = new Rng(17);
      const net = sequential({ inputShape: c.shape ?? [c.inputs], layers: c.layers, loss: c.loss, seed: 3 });
      const { x, y } = data(c, rng);
      const ds = Dataset.fromArrays(x, y, { features: c.inputs });
      const be = backend();
      const idx = new Block(be, 'i32', c.rows), grads = new Block(be, 'f32', net.size);
      const run = new Run(be, { ...net.runFields(), ...ds.runFields(), grads: grads.ptr, idx: idx.ptr, rows: c.rows, l2: c.l2 ?? 0, training: c.training ?? 1 });
      const drop = new Rng(99).state;
      try {
        be.iotaI32(idx.ptr, c.rows);
        const loss = (): number => {
          run.setWords('dropRng', drop);
          return be.lossGrad(run.ptr, 0, c.rows);
        };
        loss();
        const g = grads.view.slice();
        const p = net.paramsBlock;
        let worst = 0, gmax = 0, kinks = 0;
        for (const v of g) gmax = Math.max(gmax, Math.abs(v));
        assert.ok(gmax > 0, 'the gradient is not all zero');
        for (let i = 0; i < net.size; i++) {
          const p0 = p.view[i];
          const h = 2 ** -10 * Math.max(1, Math.abs(p0));
          p.view[i] = p0 + h;
          const up = p.view[i];
          const fPlus = loss();
          p.view[i] = p0 - h;
          const down = p.view[i];
          const fMinus = loss();
          p.view[i] = p0;
          const fd = (fPlus - fMinus) / (up - down);
          // A ReLU input within h of 0 puts a kink inside [p − h, p + h]: the two one-sided slopes disagree
          // there and no difference quotient is the derivative. Such parameters are counted, not compared.
          const f0 = loss();
          const right = (fPlus - f0) / (up - p0), left = (f0 - fMinus) / (p0 - down);
          if (Math.abs(right - left) > 0.02 * (Math.abs(right) + Math.abs(left)) + 1e-3 * gmax) {
            kinks++;
            continue;
          }
          // f32 forward passes: the differences carry ~1e-7 of the loss over 2h, so the tolerance scales with the largest gradient.
          const err = Math.abs(fd - g[i]) / (Math.abs(g[i]) + 0.05 * gmax + 1e-3);
          worst = Math.max(worst, err);
          assert.ok(err < 5e-3, `${c.name} param ${i}: kernel ${g[i]} vs differences ${fd}`);
        }
        assert.ok(kinks <= net.size / 10, `${kinks} of ${net.size} parameters sit on a kink`);
        if (b === 'js') console.log(`  ${c.name}: ${net.size - kinks} of ${net.size} parameters compared (${kinks} on a ReLU kink), worst ${worst.toExponential(1)} of the scale`);
      } finally {
        run.dispose();
        disposeAll(idx, grads);
        ds.dispose();
        net.dispose();
      }
    });
  }
}

test.run();
