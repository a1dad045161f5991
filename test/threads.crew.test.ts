// The worker threads train({ threads }) keeps from one run to the next (src/threads/crew.ts): a second run reuses
// the first one's workers and gives the same bits as a run on fresh workers; disposeThreads() and the idle timeout
// end them; and a Node process whose last run left idle workers exits on its own, long before the timeout.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { init, Dataset, mlp, logistic, train, disposeThreads, THREAD_IDLE_MS } from '../src/node.js';
import { liveWorkers } from '../src/threads/pool.js';
import { idleCrews, setThreadIdleMs } from '../src/threads/idle.js';
import { exits } from './_threads.js';
import { uniform, bitEqual } from './_util.js';
import { Rng } from '../src/rng.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const N = 600, D = 12;
const X = uniform(new Rng(3), N * D);
const Y = Float32Array.from({ length: N }, (_, r) => (X[r * D] + X[r * D + 1] > 0 ? 1 : 0));

const fit = (ds: Dataset, fresh: boolean) => {
  if (fresh) disposeThreads();
  const m = mlp({ features: D, hidden: [16], classes: 2, seed: 4 });
  train(m, ds, { batch: 64, epochs: 2, threads: 2 });
  const p = m.paramsBlock.view.slice();
  m.dispose();
  return p;
};

test('a second run reuses the idle workers, bit for bit the run on fresh ones; disposeThreads() ends them', async () => {
  await init({ backend: 'wasm-simd' });
  await exits();
  const ds = Dataset.fromArrays(X, Y, { features: D });
  const fresh = fit(ds, true);
  assert.is(liveWorkers(), 1, 'one worker stays after the run');
  assert.is(idleCrews(), 1);
  const reused = fit(ds, false);
  assert.is(liveWorkers(), 1, 'the second run took the same worker');
  assert.ok(bitEqual(reused, fresh), 'reused workers give the same parameters');
  // A linear run of the same thread count takes the crew too, and a different count starts its own.
  const m = logistic({ features: D });
  train(m, ds, { batch: 'full', epochs: 2, threads: 2 });
  train(m, ds, { batch: 'full', epochs: 2, threads: 3 });
  m.dispose();
  assert.is(idleCrews(), 2, 'a crew of 2 threads and one of 3 idle');
  disposeThreads();
  await exits();
  assert.is(liveWorkers(), 0, 'disposeThreads() ended every idle worker');
  ds.dispose();
});

test('idle workers quit after the idle timeout', async () => {
  await init({ backend: 'wasm-simd' });
  await exits();
  const ds = Dataset.fromArrays(X, Y, { features: D });
  setThreadIdleMs(100);
  try {
    fit(ds, false);
    assert.is(liveWorkers(), 1);
    for (let i = 0; i < 100 && liveWorkers() > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.is(liveWorkers(), 0, 'the worker quit on its own');
    assert.is(idleCrews(), 0);
  } finally {
    setThreadIdleMs(null);
    ds.dispose();
  }
});

test('a Node process whose run left idle workers exits on its own, well before the idle timeout', () => {
  const dir = mkdtempSync(join(tmpdir(), 'descent-crew-'));
  try {
    const script = join(dir, 'run.mts');
    writeFileSync(script, `import { init, Dataset, logistic, train } from ${JSON.stringify(pathToFileURL(join(root, 'src', 'node.ts')).href)};
await init({ backend: 'wasm-simd' });
const x = Float32Array.from({ length: 4096 * 4 }, (_, i) => Math.sin(i));
const ds = Dataset.fromArrays(x, Float32Array.from({ length: 4096 }, (_, r) => (x[4 * r] > 0 ? 1 : 0)), { features: 4 });
const m = logistic({ features: 4 });
train(m, ds, { batch: 'full', epochs: 3, threads: 2 });
console.log('trained');
`);
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--import', pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href, script], {
      cwd: root, encoding: 'utf8', timeout: 60_000,
    });
    const ms = performance.now() - t0;
    assert.is(r.status, 0, `exit status ${r.status} (signal ${r.signal}): ${r.stderr}`);
    assert.match(r.stdout, /trained/);
    assert.ok(ms < THREAD_IDLE_MS, `the process exited after ${ms.toFixed(0)} ms, not held until the ${THREAD_IDLE_MS} ms idle timeout`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
