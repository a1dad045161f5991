// The runtime picks the binary once, at init: `wasm-simd` when WebAssembly.validate accepts it, else
// `wasm-scalar`, else (no WebAssembly at all) an error that names `js` as the way out. Objects bind to
// the backend that is current when they are created.
import type { Backend, BackendName } from '../backends/backend.js';
import { createJsBackend } from '../backends/js/index.js';
import { createWasmBackend, simdSupported, sharedWasm, sharedMemoryUnavailable } from '../backends/wasm.js';
import { BackendError, HyperParameterError } from '../errors.js';
import { onlyKeys, show } from '../validate.js';
import { threadHost, mainThreadReason } from '../backends/thread-host.js';

export type { Backend, BackendName };

/** What {@link backendInfo} reports. */
export interface BackendInfo {
  /** The backend new objects use. */
  name: BackendName;
  /** Whether this engine accepts the SIMD binary (whatever was chosen). */
  simdSupported: boolean;
  /** SHA-256 of the running binary, or null for `js`. */
  sha256: string | null;
  /** Bytes in the backend's memory now. */
  memoryBytes: number;
  /**
   * Whether train({ threads }) can add worker threads: the backend runs a shared-memory build (picked at
   * init where memory can be shared). When not, `reason` says why and `threads` falls back to 1.
   */
  threads: { available: boolean; reason: string | null };
}

/** Options of {@link init}. */
export interface InitOptions {
  /** Force a backend; by default the fastest one this engine runs. */
  backend?: BackendName;
}

const BACKENDS: readonly BackendName[] = ['js', 'wasm-scalar', 'wasm-simd', 'wasm-relaxed'];
const loaded = new Map<BackendName, Promise<Backend>>();
let current: Backend | null = null;

/** The backend of the given name, created once and cached for the life of the process. */
export function loadBackend(name: BackendName): Promise<Backend> {
  let p = loaded.get(name);
  if (!p) {
    p = name === 'js' ? Promise.resolve(createJsBackend()) : createWasmBackend(name);
    p.catch(() => loaded.delete(name));
    loaded.set(name, p);
  }
  return p;
}

/**
 * Loads and selects a backend. Idempotent: without options it keeps the backend already chosen,
 * or picks `wasm-simd` when the engine validates it, else `wasm-scalar`. Where WebAssembly is missing
 * or a Content-Security-Policy blocks it, throws a BackendError that says so; `js` always works.
 */
export async function init(options: InitOptions = {}): Promise<BackendInfo> {
  if (options === null || typeof options !== 'object') throw new HyperParameterError('init', `options must be an object such as { backend: 'js' }, got ${show(options)}`);
  onlyKeys('init', options, ['backend']);
  const { backend } = options;
  if (backend !== undefined && !BACKENDS.includes(backend)) {
    throw new HyperParameterError('backend', `must be one of ${BACKENDS.join(', ')}, got ${JSON.stringify(backend)}`);
  }
  if (backend === undefined && current) return backendInfo();
  // Without WebAssembly (disabled by policy or by the engine), the default fails loudly rather than
  // falling back to the much slower `js` silently: the caller opts in with init({ backend: 'js' }).
  if (backend !== 'js' && typeof WebAssembly !== 'object') {
    throw new BackendError(`${backend ?? 'wasm'}: WebAssembly is not available in this environment (disabled or ` +
      `unsupported); init({ backend: 'js' }) runs the pure-TS kernels`);
  }
  const name: BackendName = backend ?? (simdSupported() ? 'wasm-simd' : 'wasm-scalar');
  current = await loadBackend(name);
  return backendInfo();
}

/** Which backend runs, and whether SIMD is available. Throws if {@link init} has not been awaited. */
export function backendInfo(): BackendInfo {
  const b = backend();
  return {
    name: b.name,
    simdSupported: typeof WebAssembly === 'object' && simdSupported(),
    sha256: b.sha256,
    memoryBytes: b.memoryBytes(),
    threads: threadsAvailability(b),
  };
}

/** The current backend; throws a BackendError before init(). */
export function backend(): Backend {
  if (!current) throw new BackendError('descent is not initialised: await init() first');
  return current;
}

/** Whether train({ threads }) can add workers on this backend, and why not. */
function threadsAvailability(b: Backend): { available: boolean; reason: string | null } {
  if (b.name === 'js') return { available: false, reason: 'the js backend runs on one thread' };
  if (mainThreadReason()) return { available: false, reason: mainThreadReason() };
  if (!sharedWasm(b)) return { available: false, reason: sharedMemoryUnavailable() ?? 'this backend has no shared memory' };
  if (!threadHost()) return { available: false, reason: "no thread host: threads run in Node through the package's node entry, and in browsers inside trainInWorker" };
  return { available: true, reason: null };
}
