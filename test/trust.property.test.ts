// The property over hostile inputs (test/trust-property-body.ts): 2,000 generated text options, saved models,
// vectorizers, training states and PNG files (truncated, huge declared sizes, getters, hostile regular
// expressions, special files) each end in a result or a DescentError within 3 s, never another exception;
// the whole run is bounded by a timeout (a hang cannot be interrupted in the thread that hangs).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Worker } from 'node:worker_threads';

const TIMEOUT_MS = 120_000;

test('2,000 hostile inputs end in a result or a DescentError, each within 3 s, none hangs', async () => {
  const body = new URL('./trust-property-body.ts', import.meta.url).href;
  const worker = new Worker(`import('tsx/esm/api').then((api) => api.tsImport(${JSON.stringify(body)}, ${JSON.stringify(import.meta.url)}))`, { eval: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  type Outcome = { ok: boolean; message?: string; runs?: number; accepted?: number };
  const t0 = performance.now();
  const outcome = await Promise.race([
    new Promise<Outcome>((resolve) => {
      worker.once('message', resolve);
      worker.once('error', (e) => resolve({ ok: false, message: `worker error: ${e.message}` }));
    }),
    new Promise<Outcome>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, message: `no answer within ${TIMEOUT_MS} ms: a case hangs` }), TIMEOUT_MS);
    }),
  ]);
  clearTimeout(timer);
  await worker.terminate();
  assert.ok(outcome.ok, outcome.message);
  assert.ok(outcome.runs! >= 2000, `${outcome.runs} cases`);
  // Not vacuous: some generated inputs are valid and load.
  assert.ok(outcome.accepted! >= outcome.runs! / 50, `only ${outcome.accepted} of ${outcome.runs} inputs were accepted`);
  console.log(`  trust property: ${outcome.runs} cases, ${outcome.accepted} accepted, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
});

test.run();
