// train({ threads }): the optimizer update split among the threads by ranges of the parameters
// (assembly/paroptim.ts). Every rule of the catalogue, with its state options (momentum, Nesterov, AMSGrad,
// centered, decoupled decay), on an MLP of 595 parameters (not a multiple of the 16-element range unit: the
// last range holds the remainder, the SIMD tail included), in column mode (batch 64) and row blocks
// (batch 256), with every update split (threshold 0): the parameters are bit-identical to a run without
// threads for 1, 2, 3 and 4 threads, and updates really were split. Also: the default threshold leaves a
// small model's update on thread 0 and splits a large one's; a worker that fails inside a split update ends
// the run with its error and frees everything.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, Dataset, mlp, type TrainOptions, type Trainable, type OptimizerOptions } from '../src/node.js';
import { setOptimMinParams, PAR_OPTIM_MIN_PARAMS } from '../src/threads/pool.js';
import { trainPooled, faultEndsRun } from './_threads.js';
import { Rng } from '../src/rng.js';
import { uniform, bitEqual } from './_util.js';

const N = 600, D = 12;
const rng = new Rng(31);
const X = uniform(rng, N * D);
const Y = new Float32Array(N);
for (let r = 0; r < N; r++) {
  const z = X[r * D] - 0.5 * X[r * D + 1] + 0.3 * X[r * D + 2];
  Y[r] = z > 0.3 ? 2 : z > -0.3 ? 1 : 0;
}

const RULES: OptimizerOptions[] = [
  { name: 'sgd', lr: 0.05 },
  { name: 'sgd', lr: 0.02, momentum: 0.9, nesterov: true, weightDecay: 1e-3 },
  { name: 'adam', lr: 0.01, amsgrad: true },
  { name: 'adamw', lr: 0.01, weightDecay: 0.05 },
  { name: 'adagrad', lr: 0.1, initialAccumulatorValue: 0.1, lrDecay: 0.01 },
  { name: 'adadelta', lr: 1 },
  { name: 'rmsprop', lr: 0.005, centered: true, momentum: 0.5 },
  { name: 'adamax', lr: 0.01 },
  { name: 'nadam', lr: 0.01 },
  { name: 'radam', lr: 0.01 },
  { name: 'lion', lr: 0.002 },
  { name: 'sparseAdam', lr: 0.01 },
];

/** Parameters after two epochs of a fresh model (threads undefined = no pool), and the updates the pool split. */
const trained = (make: () => Trainable, options: TrainOptions) => trainPooled(make, X, Y, D, { seed: 4, ...options });

const small = (): Trainable => mlp({ features: D, hidden: [37], classes: 3, seed: 5 });

for (const name of ['wasm-scalar', 'wasm-simd'] as const) {
  for (const optimizer of RULES) {
    const what = `${optimizer.name}${Object.keys(optimizer).length > 2 ? ` ${JSON.stringify(optimizer)}` : ''}`;
    test(`${name}: ${what}: the split update gives the parameters of a run without threads on 1–4 threads`, async () => {
      await init({ backend: name });
      setOptimMinParams(0);
      try {
        for (const batch of [64, 256]) {
          const none = trained(small, { optimizer, batch });
          for (const threads of [1, 2, 3, 4]) {
            const r = trained(small, { optimizer, batch, threads });
            assert.ok(bitEqual(r.params, none.params), `batch ${batch}, threads ${threads}: parameters differ from the run without threads`);
            if (threads > 1) assert.ok(r.optimJobs > 0, `batch ${batch}, threads ${threads}: no update was split`);
          }
        }
      } finally {
        setOptimMinParams(null);
      }
    });
  }
}

test('the default threshold: a small model updates on thread 0, a large one splits, both bit-identical', async () => {
  await init({ backend: 'wasm-simd' });
  const large = (): Trainable => mlp({ features: D, hidden: [300, 200], classes: 3, seed: 7 });
  const probe = large();
  const little = small();
  assert.ok(probe.size >= PAR_OPTIM_MIN_PARAMS && little.size < PAR_OPTIM_MIN_PARAMS, 'the two models sit on both sides of the threshold');
  probe.dispose();
  little.dispose();
  const options: TrainOptions = { optimizer: { name: 'adam', lr: 1e-3 }, batch: 128, epochs: 1 };
  const s = trained(small, { ...options, threads: 2 });
  assert.is(s.optimJobs, 0, 'a 595-parameter update is not split');
  assert.ok(bitEqual(s.params, trained(small, options).params));
  const l = trained(large, { ...options, threads: 2 });
  assert.ok(l.optimJobs > 0, 'a 64,703-parameter update is split');
  assert.ok(bitEqual(l.params, trained(large, options).params));
});

test('a worker that fails inside a split update ends the run with its error, and memory is freed', async () => {
  await init({ backend: 'wasm-simd' });
  setOptimMinParams(0);
  const ds = Dataset.fromArrays(X, Y, { features: D });
  const m = small();
  try {
    // Batch 64: column mode, and this model's products are under the gemm threshold, so the next job a
    // worker sees is an update.
    await faultEndsRun(m, ds, 2, (pool) => assert.ok(pool.optimJobs() > 0 && pool.gemmJobs() === 0, 'only updates were split'));
  } finally {
    setOptimMinParams(null);
    m.dispose();
    ds.dispose();
  }
});

test.run();
