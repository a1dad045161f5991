// One median by tinybench: the timing primitive both the suites (through harness.ts) and the machine's limits
// (machine.ts) are measured with. Apart from harness.ts, which needs machine.ts's Limits type, so that the two
// do not import each other.
import { Bench } from 'tinybench';

/** What a suite hands to {@link measure}. */
export interface TimedOptions {
  /** Calls of `fn` per sample (for sub-microsecond kernels); the median is divided by it. */
  inner?: number;
  /** Time budget per task in ms and minimum samples. */
  timeMs: number;
  minSamples: number;
  /** Warm-up budget in ms (at least one call always runs). */
  warmupMs?: number;
}

/** Median of `fn` by tinybench, in milliseconds per call. */
export async function measure(name: string, fn: () => unknown, o: TimedOptions): Promise<{ medianMs: number; samples: number; rme: number }> {
  const inner = o.inner ?? 1;
  const body = inner === 1 ? fn : () => {
    for (let i = 0; i < inner; i++) fn();
  };
  const bench = new Bench({
    name,
    time: o.timeMs,
    iterations: o.minSamples,
    warmupTime: o.warmupMs ?? Math.min(200, o.timeMs / 4),
    warmupIterations: 1,
    throws: true,
  });
  bench.add(name, body);
  await bench.run();
  const r = bench.tasks[0].result as { state: string; latency?: { p50: number; samplesCount: number; rme: number }; error?: Error };
  if (r.state !== 'completed' || !r.latency) throw new Error(`${name}: ${r.state} ${r.error?.message ?? ''}`);
  return { medianMs: r.latency.p50 / inner, samples: r.latency.samplesCount, rme: r.latency.rme };
}
