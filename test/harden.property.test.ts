// Issue 16, the property: over generated option objects and data arrays for the public API (models,
// fromArrays, train, Trainer.step, partialFit, evaluate, predict, setParams, optimizer, minimize), on every
// backend, every call ends in a result or a typed DescentError, never another exception, never a NaN
// parameter without stopReason 'diverged', and never a hang: the property runs in a worker thread that
// the test terminates after a timeout.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Worker } from 'node:worker_threads';

const TIMEOUT_MS = 240_000;

test('every generated call ends in a result or a DescentError, within the timeout', async () => {
  const body = new URL('./harden-property-body.ts', import.meta.url).href;
  const worker = new Worker(`import('tsx/esm/api').then((api) => api.tsImport(${JSON.stringify(body)}, ${JSON.stringify(import.meta.url)}))`, { eval: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outcome = await Promise.race([
    new Promise<{ ok: boolean; message?: string; trained?: number; runs?: number }>((resolve) => {
      worker.once('message', resolve);
      worker.once('error', (e) => resolve({ ok: false, message: `worker error: ${e.message}` }));
    }),
    new Promise<{ ok: boolean; message?: string; trained?: number; runs?: number }>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, message: `no answer within ${TIMEOUT_MS} ms: a call hangs` }), TIMEOUT_MS);
    }),
  ]);
  clearTimeout(timer);
  await worker.terminate();
  assert.ok(outcome.ok, outcome.message);
  // Not vacuous: a good share of the generated calls got past validation and trained.
  assert.ok(outcome.trained! >= outcome.runs! / 20, `only ${outcome.trained} of ${outcome.runs} runs trained`);
  console.log(`  property: ${outcome.runs} generated scenarios, ${outcome.trained} reached a train() result`);
});

test.run();
