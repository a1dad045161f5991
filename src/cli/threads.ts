// `descent train --threads N`: the flag, and the line that says how many threads ran and why not more.
// Importing this module registers Node's thread host (worker_threads), as the package's node entry does.
import '../threads/node-host.js';
import { backend } from '../runtime/index.js';
import { planThreads, threadsUnavailable } from '../threads/pool.js';
import type { Trainable } from '../models/trainable.js';
import type { BatchOption } from '../training/options.js';
import { numberFlag, UsageError, type Flags, type Parsed } from './args.js';

/** The --threads flag of descent train. */
export const THREADS_FLAGS: Flags = {
  threads: { type: 'string', value: 'N', help: 'compute each batch\'s gradient on N threads (same parameters, bit for bit, for every N; batches of more than 1024 rows for linear models, 128 for networks); falls back to 1 with the reason', def: '1' },
};

/** The requested thread count (an integer in [1, 256]), or undefined without the flag. */
export function threadsFromFlags(command: string, v: Parsed['values']): number | undefined {
  if (v.threads === undefined) return undefined;
  const n = numberFlag(command, 'threads', v.threads, 1, { integer: true, min: 1, max: 256 });
  if (v.stream) throw new UsageError(`descent ${command}: --threads needs the data in memory; drop --stream`);
  return n;
}

/** How many threads a run of `model` used for `requested`, and why not more (null when all ran). */
export function threadsUsed(model: Trainable, requested: number, batch: BatchOption | undefined, rows: number, sparse: boolean): { used: number; reason: string | null } {
  const why = threadsUnavailable(backend(), model, sparse);
  if (why !== null) return { used: 1, reason: why };
  const size = batch === 'full' ? rows : batch === 'stochastic' ? 1 : batch ?? Math.min(32, rows);
  const plan = planThreads(requested, model, size);
  if (plan.threads < requested) return { used: plan.threads, reason: `a batch of ${size} rows holds ${Math.ceil(size / plan.blockRows)} block(s) of ${plan.blockRows} rows, one per thread` };
  return { used: plan.threads, reason: null };
}
