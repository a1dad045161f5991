// Every rule through train(): the in-WASM batch loop dispatches the rule by code (assembly/train.ts
// optimStep), and train() builds its optimizer state the same way optimizer() does (Adagrad's
// initial accumulator included). On a well-conditioned least-squares problem each rule must lower
// the loss on every backend, and the three backends must end at nearly the same parameters.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, train, linear, Dataset, optimizerNames, type BackendName, type OptimizerOptions } from '../src/index.js';
import { Rng } from '../src/rng.js';

const CONFIGS: OptimizerOptions[] = [
  { name: 'sgd', lr: 0.02, momentum: 0.9, nesterov: true },
  { name: 'adam', lr: 0.05, amsgrad: true },
  { name: 'adamw', lr: 0.05 },
  { name: 'adagrad', lr: 0.3, initialAccumulatorValue: 0.1, lrDecay: 0.01 },
  { name: 'adadelta', lr: 20 },
  { name: 'rmsprop', lr: 0.01, centered: true, momentum: 0.5 },
  { name: 'adamax', lr: 0.05 },
  { name: 'nadam', lr: 0.05 },
  { name: 'radam', lr: 0.1 },
  { name: 'lion', lr: 0.02 },
  { name: 'sparseAdam', lr: 0.05 },
];

const BACKENDS: BackendName[] = ['js', 'wasm-scalar', 'wasm-simd'];

function problem(): { x: number[][]; y: number[] } {
  const rng = new Rng(5);
  const w = [1.5, -2, 0.5, 3];
  const x: number[][] = [], y: number[] = [];
  for (let r = 0; r < 96; r++) {
    const row = w.map(() => rng.normal());
    x.push(row);
    y.push(row.reduce((s, v, i) => s + v * w[i], 0.25) + 0.01 * rng.normal());
  }
  return { x, y };
}

test('train() runs every rule, lowers the loss, and agrees across backends', async () => {
  assert.equal([...new Set(CONFIGS.map((c) => c.name))].sort(), [...optimizerNames].sort(), 'a rule is missing here');
  const { x, y } = problem();
  for (const config of CONFIGS) {
    const finals: Float32Array[] = [];
    for (const backend of BACKENDS) {
      await init({ backend });
      const ds = Dataset.fromArrays(x, y);
      const model = linear({ features: 4 });
      try {
        const r = train(model, ds, { optimizer: structuredClone(config), batch: 16, epochs: 30, seed: 3 });
        const where = `${backend} ${JSON.stringify(config)}`;
        assert.is(r.stopReason, 'epochs', where);
        assert.is(r.steps, 30 * 6, where);
        const first = r.history[0].loss, last = r.history[r.history.length - 1].loss;
        assert.ok(last < 0.2 * first, `${where}: loss ${first} → ${last}`);
        finals.push(model.params);
      } finally {
        model.dispose();
        ds.dispose();
      }
    }
    // Loss gradients are reductions whose order differs between js and wasm, so after 180 steps the
    // backends agree to a few 1e-5 rather than to the last bit.
    for (let b = 1; b < finals.length; b++) {
      for (let i = 0; i < finals[0].length; i++) {
        const a = finals[0][i], c = finals[b][i];
        assert.ok(Math.abs(a - c) <= 1e-3 * Math.abs(a) + 1e-4, `${config.name}: ${BACKENDS[b]} param ${i} ${c} vs js ${a}`);
      }
    }
  }
});

test.run();
