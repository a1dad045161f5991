// trainStream with a learning-rate schedule takes the per-step rates train() takes: over the same batches in the
// same order, the parameters are train()'s with shuffle: false, bit for bit, on every backend.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, Dataset, softmax, train, trainStream, HyperParameterError, type BackendName } from '../src/node.js';
import type { ScheduleOptions } from '../src/optim/schedules.js';

/** Seeded rows of 4 features and 3 classes, as plain arrays (one copy per run). */
function rows(n: number): { x: Float32Array; y: Float32Array } {
  let s = 12345;
  const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const x = new Float32Array(n * 4), y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 4; j++) x[i * 4 + j] = r() * 2 - 1;
    y[i] = x[i * 4] + x[i * 4 + 1] > 0.3 ? 2 : x[i * 4 + 2] > 0 ? 1 : 0;
  }
  return { x, y };
}

const SCHEDULES: ScheduleOptions[] = [{ name: 'cosine' }, { name: 'step', stepSize: 1, gamma: 0.5 }, { name: 'oneCycle' } as ScheduleOptions];

for (const be of ['js', 'wasm-scalar', 'wasm-simd'] as BackendName[]) {
  test(`${be}: trainStream({ schedule, stepsPerEpoch }) equals train() with shuffle: false`, async () => {
    await init({ backend: be });
    const n = 203, batch = 16, epochs = 3;
    const { x, y } = rows(n);
    for (const schedule of SCHEDULES) {
      const optimizer = { name: 'adam', lr: 0.05 } as const;
      const a = softmax({ features: 4, classes: 3 }), b = softmax({ features: 4, classes: 3 });
      const ds = Dataset.fromArrays(x, y, { features: 4 });
      try {
        train(a, ds, { optimizer, batch, epochs, shuffle: false, schedule, standardize: false });
        // Chunks of 48 rows (three mini-batches each): the steps cross chunk boundaries as one run.
        const chunks = () => Array.from({ length: Math.ceil(n / 48) }, (_, c) => ({ x: x.slice(c * 48 * 4, (c + 1) * 48 * 4), y: y.slice(c * 48, (c + 1) * 48) }));
        const r = await trainStream(b, chunks, { optimizer, batch, epochs, schedule, stepsPerEpoch: Math.ceil(n / batch) });
        assert.is(r.steps, epochs * Math.ceil(n / batch));
        assert.equal(Array.from(b.params), Array.from(a.params), `${be} ${schedule.name}`);
      } finally {
        ds.dispose();
        a.dispose();
        b.dispose();
      }
    }
  });
}

test('a schedule needs stepsPerEpoch; a bad schedule is refused before training', async () => {
  await init({ backend: 'js' });
  const m = softmax({ features: 4, classes: 3 });
  const { x, y } = rows(10);
  try {
    await trainStream(m, [{ x, y }], { schedule: { name: 'cosine' } }).then(() => assert.unreachable(), (e) => {
      assert.instance(e, HyperParameterError);
      assert.match(e.message, /stepsPerEpoch/);
    });
    await trainStream(m, [{ x, y }], { schedule: { name: 'nope' } as never, stepsPerEpoch: 1 }).then(() => assert.unreachable(), (e) => {
      assert.instance(e, HyperParameterError);
      assert.match(e.message, /schedule\.name/);
    });
    await trainStream(m, [{ x, y }], { stepsPerEpoch: 0 }).then(() => assert.unreachable(), (e) => assert.instance(e, HyperParameterError));
  } finally {
    m.dispose();
  }
});

test.run();
