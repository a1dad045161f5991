// Where threads come from: a host registers how to start a pool worker (src/threads/pool.ts). The Node entry (src/node.ts)
// registers worker_threads (src/threads/node-host.ts); the core entry registers none, so browser bundles
// never meet Node's modules. Browsers (Web Workers) are a later phase.

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
