// Helpers of the thread-pool suites (test/threads*.test.ts): train with a pool and read what it split, wait
// for the workers to exit, and check that a worker's failure ends a run and frees everything.
import * as assert from 'uvu/assert';
import { Dataset, Trainer, DescentError, type TrainOptions, type Trainable } from '../src/node.js';
import { ThreadPool, liveWorkers } from '../src/threads/pool.js';
import { disposeThreads } from '../src/threads/idle.js';
import { backend } from '../src/runtime/index.js';

/** A Trainer's pool (null without `threads`, or when the run fell back to one thread). */
export const poolOf = (t: Trainer): ThreadPool | null => (t as unknown as { pool: ThreadPool | null }).pool;

/** What a pooled run produced: the trained parameters and what its pool split (0 without a pool). */
export interface Pooled {
  params: Float32Array;
  gemmJobs: number;
  optimJobs: number;
  gatherJobs: number;
  colSplit: boolean;
}

/** Trains a fresh model from `make` on (x, y) with a Trainer (seed 3, 2 epochs unless `options` say otherwise), then frees it all. */
export function trainPooled(make: () => Trainable, x: Float32Array, y: Float32Array, features: number, options: TrainOptions): Pooled {
  const ds = Dataset.fromArrays(x, y, { features });
  const m = make();
  const t = new Trainer(m, ds, { seed: 3, epochs: 2, ...options });
  try {
    t.run();
    const pool = poolOf(t);
    return {
      params: m.paramsBlock.view.slice(), gemmJobs: pool?.gemmJobs() ?? 0, optimJobs: pool?.optimJobs() ?? 0,
      gatherJobs: pool?.gatherJobs() ?? 0, colSplit: pool?.colSplit ?? false,
    };
  } finally {
    t.dispose();
    m.dispose();
    ds.dispose();
  }
}

/**
 * Ends the idle workers that finished runs keep for the next one (src/threads/crew.ts), then lets the event loop
 * deliver the workers' exit events (pools of earlier tests included).
 */
export async function exits(): Promise<void> {
  disposeThreads();
  for (let i = 0; i < 500 && liveWorkers() > 0; i++) await new Promise((r) => setTimeout(r, 20));
}

/**
 * Opens a 3-thread Trainer of `model` on `ds` (batch 64), takes two steps, makes worker `tid` trap at its
 * next job and checks that the run ends with that thread's DescentError E_THREAD, that dispose() frees every
 * block and that no worker is left. `ready` checks the pool before the fault (what its next job will be).
 */
export async function faultEndsRun(model: Trainable, ds: Dataset, tid: number, ready?: (pool: ThreadPool) => void): Promise<void> {
  const before = backend().liveBytes();
  await exits();
  const t = new Trainer(model, ds, { batch: 64, threads: 3, epochs: 5 });
  t.step(2);
  assert.is(liveWorkers(), 2, 'two workers run');
  const pool = poolOf(t)!;
  ready?.(pool);
  pool.injectFault(tid);
  assert.throws(() => t.step(5), (e: unknown) => e instanceof DescentError && e.code === 'E_THREAD' && new RegExp(`thread ${tid} of 3 failed`).test(e.message));
  t.dispose();
  assert.ok(backend().liveBytes() <= before, 'the pool and the run freed everything');
  await exits();
  assert.is(liveWorkers(), 0, 'no worker left');
}
