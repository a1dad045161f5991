// Where threads come from: a host registers how to start a pool worker (src/threads/pool.ts). The Node entry (src/node.ts)
// registers worker_threads (src/threads/node-host.ts); trainInWorker's Web Worker script registers Web Workers
// (src/threads/browser-host.ts); the core entry registers none, so a page's bundle stays without them.

/** A started pool worker. */
export interface PoolWorker {
  /** Ends the thread (it has normally left the kernels' loop already). */
  terminate(): void;
  /** The error the worker posted when it failed, read synchronously; undefined when none. */
  failure(): string | undefined;
}

/** What a pool needs of the platform. */
export interface ThreadHost {
  /** Starts a worker that instantiates `module` over `memory` and runs poolWork(pool, tid). */
  spawn(module: WebAssembly.Module, memory: WebAssembly.Memory, pool: number, tid: number): PoolWorker;
  /** Logical cores of this machine. */
  cores(): number;
  /** Workers started and not yet exited. */
  live(): number;
  /**
   * Starts `n` idle workers over `module` and `memory` and resolves once they run, for hosts whose workers cannot start while their
   * creator blocks (Web Workers): spawn() then hands one its pool. Absent: spawn() starts workers itself.
   */
  prepare?(module: WebAssembly.Module, memory: WebAssembly.Memory, n: number): Promise<void>;
  /** Ends the prepared workers that no pool took. */
  release?(): void;
}

let host: ThreadHost | null = null;

/** Registers the platform's thread host (the Node entry does). */
export function setThreadHost(h: ThreadHost): void {
  host = h;
}

/** The registered thread host, or null (the core entry alone: threads fall back to 1). */
export function threadHost(): ThreadHost | null {
  return host;
}

/**
 * Why this thread cannot run a pool whatever the host, or null: a page's main thread may not block
 * (Atomics.wait throws there), and a pool's thread 0 waits for its workers at every batch.
 */
export function mainThreadReason(): string | null {
  const g = globalThis as { document?: unknown; window?: unknown };
  if (typeof g.window === 'object' && g.window !== null && typeof g.document === 'object') {
    return "a page's main thread may not block on Atomics.wait: use trainInWorker(job) with train: { threads } (threads run inside the training worker)";
  }
  return null;
}
