// The pool's barrier: how thread 0 hands a job to the workers and waits for them, and how a
// worker waits for the next job. Two i32 sync words of the pool's control block: thread 0 writes the job's
// arguments into their slots, resets `done` and bumps `gen`; every worker, polling `gen`, runs its share
// and adds itself to `done`; thread 0, after its own share, waits until `done` counts every worker. A wait
// polls the word up to the pool's `spin` times (a time budget, src/threads/pool.ts) before it sleeps in
// memory.atomic.wait32: the gaps between a run's jobs are tens of µs, a wake costs about as much.
import { POOL_THREADS, POOL_GEN, POOL_DONE, POOL_SPIN, POOL_JOB } from "./abi.generated";
import { int } from "./slots";

/** Polls the i32 sync word at `p` while it equals `v`, up to `polls` times; returns its last value. */
// @ts-ignore: decorator
@inline
function poll(p: usize, v: i32, polls: i32): i32 {
  let now = v;
  for (let k = 0; k < polls && now == v; k++) now = atomic.load<i32>(p);
  return now;
}

/**
 * The poll loop of {@link waitChange} alone, on a word that does not change: src/threads/pool.ts times it
 * to turn the pool's spin budget (a time) into a number of polls. Returns the word's value.
 */
export function spinPolls(p: usize, polls: i32): i32 {
  if (ASC_FEATURE_THREADS) return poll(p, atomic.load<i32>(p), polls);
  return 0;
}

/** Polls the i32 sync word at `p` while it equals `v` (up to `spin` times), then sleeps on it; returns the new value. */
export function waitChange(p: usize, v: i32, spin: i32): i32 {
  if (ASC_FEATURE_THREADS) {
    let now = poll(p, v, spin);
    if (now != v) return now;
    now = atomic.load<i32>(p);
    while (now == v) {
      atomic.wait<i32>(p, v, -1);
      now = atomic.load<i32>(p);
    }
    return now;
  }
  return v;
}

/** Thread 0: starts job `job` (its arguments already in the pool's slots) on every worker. */
export function startJob(pool: usize, job: i32): void {
  if (ASC_FEATURE_THREADS) {
    store<f64>(pool + POOL_JOB, <f64>job);
    atomic.store<i32>(pool + POOL_DONE, 0);
    atomic.add<i32>(pool + POOL_GEN, 1);
    atomic.notify(pool + POOL_GEN, int(pool, POOL_THREADS) - 1);
  }
}

/** Thread 0: waits until every worker has finished the current job (a failed worker counts itself too). */
export function finishJob(pool: usize): void {
  if (ASC_FEATURE_THREADS) {
    const workers = int(pool, POOL_THREADS) - 1, spin = int(pool, POOL_SPIN);
    let done = atomic.load<i32>(pool + POOL_DONE);
    while (done < workers) done = waitChange(pool + POOL_DONE, done, spin);
  }
}
