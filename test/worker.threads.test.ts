// trainInWorker with train: { threads } on Node: the training worker runs the pool (worker_threads inside
// the worker_threads training worker). Parameters are bit-identical for threads 1–4 and equal train()
// in-process; stop() ends every thread within 100 ms; a thread's error ends the run with that error.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, Dataset, logistic, mlp, train, DescentError } from '../src/node.js';
import { bitEqual } from './_util.js';
import { bundledWorker } from './_worker.js';
import { threadJobs, type ThreadJob } from './browser/thread-jobs.js';

const trainInWorker = bundledWorker(test, 'worker-threads');

/** train() in this process with the job's options: the reference every worker run must equal. */
async function direct(j: ThreadJob, threads: number): Promise<Float32Array> {
  await init({ backend: 'wasm-simd' });
  const ds = Dataset.fromArrays(j.x, j.y, { features: j.features });
  const m = j.model.kind === 'mlp'
    ? mlp({ features: j.features, hidden: j.model.hidden, classes: j.model.classes, seed: j.model.seed })
    : logistic({ features: j.features });
  train(m, ds, { ...j.train, threads });
  const p = m.params;
  m.dispose();
  ds.dispose();
  return p;
}

for (const j of threadJobs()) {
  test(`${j.name}: threads 1, 2, 3, 4 in the training worker give the same bits, and train() in-process's`, async () => {
    const ref = await direct(j, 1);
    const inProcess2 = await direct(j, 2);
    assert.ok(bitEqual(inProcess2, ref), 'in-process threads 2 = threads 1');
    for (const threads of [1, 2, 3, 4]) {
      const h = trainInWorker({ data: { x: j.x.slice(), y: j.y.slice(), features: j.features }, model: j.model, train: { ...j.train, threads } });
      const r = await h.result;
      assert.is(r.threads!.requested, threads);
      assert.is(r.threads!.used, Math.min(threads, j.blocks), `threads used of ${threads} requested: ${JSON.stringify(r.threads)}`);
      assert.ok(bitEqual(r.params, ref), `threads ${threads}: worker parameters equal train()'s`);
    }
  });
}

test('stop() mid-epoch ends the run and every thread within 100 ms, median of 5 (clean stop: evaluated, not terminated)', async () => {
  const j = threadJobs().find((t) => t.name.startsWith('MLP mini-batch'))!;
  const lat: number[] = [];
  for (let i = 0; i < 5; i++) {
    const h = trainInWorker({ data: { x: j.x.slice(), y: j.y.slice(), features: j.features }, model: j.model, train: { ...j.train, epochs: 10_000, threads: 2 } },
      { stopTimeoutMs: 5000 });
    // After the first epoch, then a few ms into the next one: a stop mid-run, not at an epoch boundary.
    await Promise.race([new Promise<void>((ok) => h.on('progress', () => ok())), h.result]);
    await new Promise((ok) => setTimeout(ok, 5 + 7 * i));
    const t0 = performance.now();
    const r = await h.stop();
    lat.push(performance.now() - t0);
    assert.is(r.stopReason, 'stopped');
    assert.is(r.threads!.used, 2);
    assert.ok(r.train !== undefined, 'the worker stopped cleanly (a terminated worker returns no evaluation)');
  }
  lat.sort((a, b) => a - b);
  console.log(`  stop() → result, threads 2, MLP mid-epoch: ${lat.map((v) => v.toFixed(1)).join(', ')} ms (median ${lat[2].toFixed(1)})`);
  // The median of 5: on this shared 2-core machine one stop in a few can wait ~200 ms for a core (load ≈ 10).
  assert.ok(lat[2] < 100, `median stop latency ${lat[2].toFixed(1)} ms ≥ 100 ms`);
});

test('a pool thread that fails mid-run ends the trainInWorker run with its error', async () => {
  const j = threadJobs().find((t) => t.name.startsWith('MLP mini-batch'))!;
  const h = trainInWorker({ data: { x: j.x.slice(), y: j.y.slice(), features: j.features }, model: j.model, train: { ...j.train, epochs: 100, threads: 3 },
    fault: { thread: 2, afterSteps: 3 } });
  const e = await h.result.then(() => null, (err: unknown) => err);
  assert.ok(e instanceof DescentError && e.code === 'E_THREAD' && /thread 2 of 3 failed: RuntimeError: unreachable/.test(e.message), String(e));
});

test.run();
