// The `wasm-simd` and `wasm-scalar` backends: thin adapters over the kernel exports. The module is
// compiled once per binary and cached; each backend instance owns one WebAssembly.Memory.
import type { Backend, BackendName } from './backend.js';
import { BackendError, DescentError } from '../errors.js';
import { simdWasm, scalarWasm } from './binaries.generated.js';

interface Exports {
  memory: WebAssembly.Memory;
  alloc(n: number): number;
  free(p: number): void;
  dotF32(a: number, b: number, n: number): number;
  iotaI32(out: number, n: number): void;
  axpyF32(y: number, alpha: number, x: number, n: number): void;
  lossGrad(run: number, start: number, count: number): number;
  runBatches(run: number, start: number, nBatches: number): number;
  forward(run: number, start: number, count: number): number;
  optimStep(rule: number, params: number, grads: number, state: number, n: number, h: number): void;
  clipGradNorm(grads: number, n: number, maxNorm: number): number;
  clipGradValue(grads: number, n: number, c: number): void;
  addGradNoise(grads: number, n: number, sigma: number, rng: number): void;
  // Network kernels
  gemmPackFloats(m: number, n: number, k: number): number;
  gemmNT(...args: number[]): void;
  gemmNN(...args: number[]): void;
  gemmTN(...args: number[]): void;
  colSum(out: number, A: number, m: number, n: number, lda: number, beta: number): void;
  colMoments(mean: number, m2: number, x: number, rows: number, d: number, seen: number): void;
  standardizeF32(out: number, x: number, rows: number, d: number, mean: number, div: number): number;
  gatherInput(run: number, dst: number, start: number, n: number, d: number, training: number, parallel: number): void;
  actForward(Y: number, X: number, n: number, act: number, slope: number): void;
  actBackward(dX: number, dY: number, V: number, n: number, act: number, slope: number): void;
  mulF32(out: number, a: number, b: number, n: number): void;
  dropoutMask(mask: number, n: number, rate: number, rng: number): void;
  headSoftmax(...args: number[]): number;
  headLogistic(...args: number[]): number;
  headSquared(...args: number[]): number;
  headSoftmaxSeq(...args: number[]): number;
  // Transformer layers
  attentionForward(...args: number[]): void;
  attentionBackward(...args: number[]): void;
  positionalForward(y: number, x: number, P: number, n: number, T: number, d: number): void;
  positionalBackward(gP: number, dy: number, n: number, T: number, d: number): void;
  // Image layers
  convPackFloats(n: number, C: number, F: number, k: number, OH: number, OW: number): number;
  conv2dForward(...args: number[]): void;
  conv2dBackwardWeights(...args: number[]): void;
  conv2dBackwardInput(...args: number[]): void;
  conv2dDirectForward(...args: number[]): void;
  maxPool2dForward(...args: number[]): void;
  maxPool2dBackward(...args: number[]): void;
  avgPool2dForward(...args: number[]): void;
  avgPool2dBackward(...args: number[]): void;
  batchNormForward(...args: number[]): void;
  batchNormBackward(...args: number[]): void;
  // Thread pools (shared-memory builds only)
  poolWork?(pool: number, tid: number): number;
  spinPolls?(p: number, polls: number): number;
  hogwildBatches?(pool: number, start: number, nBatches: number): number;
}

/** What a thread pool needs of a backend that runs the shared-memory build (see src/threads/). */
export interface SharedWasm {
  /** The compiled shared-memory module, which every worker instantiates. */
  module: WebAssembly.Module;
  /** The one shared memory. */
  memory: WebAssembly.Memory;
  /** Thread 0's side of an asynchronous (Hogwild!) round: assembly/hogwild.ts hogwildBatches. */
  hogwildBatches?(pool: number, start: number, nBatches: number): number;
  /** The workers' poll loop alone (assembly/barrier.ts spinPolls), timed to size the spin budget. */
  spinPolls?(p: number, polls: number): number;
}

/** Backends that run a shared-memory build, with their module and memory. */
const sharedOf = new WeakMap<Backend, SharedWasm>();

/** The shared module and memory of a backend, or undefined when it runs a single-thread build. */
export function sharedWasm(backend: Backend): SharedWasm | undefined {
  return sharedOf.get(backend);
}

/** An embedded binary: its SHA-256 and its bytes in base64 (scripts/build-wasm.mjs writes them). */
export interface EmbeddedWasm {
  sha256: string;
  base64: string;
}

/** The binaries: `wasm-relaxed` is the SIMD build with relaxed SIMD's fused multiply-add in the products. */
export type WasmName = 'wasm-simd' | 'wasm-scalar' | 'wasm-relaxed';

/** The shared-memory twins; `relaxed` only where the entry registers it (the Node entry does). */
interface Twins {
  simd: EmbeddedWasm;
  scalar: EmbeddedWasm;
  relaxed?: EmbeddedWasm;
}

let sharedTwins: Twins | null = null;

/**
 * @internal Registers the binaries' shared-memory twins. The Node entry does (src/threads/node-host.ts);
 * other entries do not, so browser bundles carry only the two single-thread binaries until threads run there.
 * Backends created afterwards run the twins wherever memory can be shared.
 */
export function registerSharedTwins(twins: Twins): void {
  sharedTwins = twins;
}

/** Pages of the shared memory: it cannot be replaced when it grows, so its maximum is declared up front (4 GiB). */
const SHARED_MAX_PAGES = 65536;

let sharedReason: string | null | undefined;

/**
 * Why this engine cannot share WebAssembly memory between threads, or null when it can (Node; a browser
 * page only when cross-origin isolated).
 * Checked once; the reason is what backendInfo() reports and what the one-time warning says.
 */
export function sharedMemoryUnavailable(): string | null {
  if (sharedReason !== undefined) return sharedReason;
  const g = globalThis as { SharedArrayBuffer?: unknown; crossOriginIsolated?: boolean };
  if (typeof g.SharedArrayBuffer !== 'function') {
    sharedReason = 'SharedArrayBuffer is not available (a browser page needs cross-origin isolation: COOP/COEP headers)';
  } else if (g.crossOriginIsolated === false) {
    sharedReason = 'the page is not cross-origin isolated (serve it with COOP: same-origin and COEP: require-corp)';
  } else {
    try {
      new WebAssembly.Memory({ initial: 1, maximum: SHARED_MAX_PAGES, shared: true } as WebAssembly.MemoryDescriptor);
      sharedReason = null;
    } catch (e) {
      sharedReason = `this engine cannot create a shared WebAssembly.Memory (${(e as Error)?.message ?? e})`;
    }
  }
  return sharedReason;
}

/** Decodes embedded base64 (atob exists in Node ≥ 16 and browsers). */
function decode(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** The bytes of a binary every entry carries. */
export function wasmBytes(name: 'wasm-simd' | 'wasm-scalar'): Uint8Array<ArrayBuffer> {
  return decode((name === 'wasm-simd' ? simdWasm : scalarWasm).base64);
}

/** A binary: the two every entry carries, or the relaxed one, imported on first use (bundles may split it off). */
async function embedded(name: WasmName): Promise<EmbeddedWasm> {
  if (name !== 'wasm-relaxed') return name === 'wasm-simd' ? simdWasm : scalarWasm;
  return (await import('./binaries-relaxed.generated.js')).relaxedWasm;
}

/** True when this engine runs relaxed SIMD (the wasm-relaxed binary validates). */
export async function relaxedSupported(): Promise<boolean> {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') return false;
  return WebAssembly.validate(decode((await embedded('wasm-relaxed')).base64));
}

/** The largest single allocation a wasm32 memory could hold: 4 GiB less the 64 KiB page of static data. */
const WASM_MAX_ALLOC = 2 ** 32 - 2 ** 16;

const modules = new Map<string, Promise<WebAssembly.Module>>();

let simdCache: boolean | undefined;

/** True when this engine can run the SIMD binary (WebAssembly.validate on its bytes, checked once). */
export function simdSupported(): boolean {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') return false;
  simdCache ??= WebAssembly.validate(wasmBytes('wasm-simd'));
  return simdCache;
}

/**
 * True when an error from compiling or instantiating looks like a Content-Security-Policy refusal
 * (Chromium: "Refused to compile or instantiate WebAssembly module because 'unsafe-eval' is not an allowed
 * source…"; Firefox: "… blocked by CSP"; Safari: "Refused to create a WebAssembly object because
 * 'unsafe-eval' or 'wasm-unsafe-eval' …").
 */
export function isCspRefusal(e: unknown): boolean {
  const m = String((e as Error)?.message ?? e);
  return /Content[- ]Security[- ]Policy|\bCSP\b|unsafe-eval|wasm-eval|Refused to (compile|create)/i.test(m);
}

/**
 * What a kernel's abort says. A kernel that refuses a value calls abort(message, null, value, 0) (e.g. "unknown
 * layer code" and the code); the runtime's own aborts carry a file and a position.
 */
function abortText(memory: WebAssembly.Memory | undefined, msg: number, file: number, line: number, col: number): string {
  let text = '';
  if (memory && msg > 4 && msg < memory.buffer.byteLength) {
    // An AssemblyScript string: UTF-16 code units, their byte length in the u32 before them.
    const bytes = new Uint32Array(memory.buffer, msg - 4, 1)[0];
    if (bytes <= 512 && msg + bytes <= memory.buffer.byteLength) text = String.fromCharCode(...new Uint16Array(memory.buffer.slice(msg, msg + bytes)));
  }
  if (file === 0 && text !== '') return `${text} ${line >>> 0}`;
  return `kernel aborted at ${line}:${col} (out of memory?)${text ? `: ${text}` : ''}`;
}

/** Instantiates a fresh backend of the given binary (its own memory). */
export async function createWasmBackend(name: WasmName): Promise<Backend> {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.instantiate !== 'function') {
    throw new BackendError(`${name}: WebAssembly is not available in this environment; use init({ backend: 'js' })`);
  }
  const bin = await embedded(name);
  const bytes = decode(bin.base64);
  if (name === 'wasm-simd' && !WebAssembly.validate(bytes)) {
    throw new BackendError('wasm-simd: this engine does not support WebAssembly SIMD; use wasm-scalar');
  }
  if (name === 'wasm-relaxed' && !WebAssembly.validate(bytes)) {
    throw new BackendError('wasm-relaxed: this engine does not run WebAssembly relaxed SIMD (V8 11.4 and later: Node 22, ' +
      'Chrome 114; Node 20 with node --experimental-wasm-relaxed-simd); use wasm-simd');
  }
  // Where memory can be shared, the -threads twin of the binary runs (picked once, here): the same kernels
  // over an imported shared memory, so that train({ threads }) can add workers over it.
  const shared = sharedTwins !== null && (name !== 'wasm-relaxed' || sharedTwins.relaxed !== undefined) && sharedMemoryUnavailable() === null;
  const key = shared ? `${name}-threads` : name;
  let mod = modules.get(key);
  if (!mod) {
    mod = WebAssembly.compile(shared ? wasmThreadsBytes(name) : bytes);
    modules.set(key, mod);
  }
  let instance: WebAssembly.Instance | undefined;
  let memory: WebAssembly.Memory | undefined;
  try {
    memory = shared
      ? new WebAssembly.Memory({ initial: 2, maximum: SHARED_MAX_PAGES, shared: true } as WebAssembly.MemoryDescriptor)
      : undefined;
    instance = await WebAssembly.instantiate(await mod, {
      env: {
        ...(memory ? { memory } : {}),
        abort(msg: number, file: number, line: number, col: number) {
          throw new DescentError('E_WASM', `${name}: ${abortText(memory ?? (instance?.exports.memory as WebAssembly.Memory | undefined), msg, file, line, col)}`);
        },
      },
    });
  } catch (e) {
    modules.delete(key);
    if (isCspRefusal(e)) {
      throw new BackendError(`${name}: the page's Content-Security-Policy blocks WebAssembly: its script-src lacks ` +
        `'wasm-unsafe-eval'. Add 'wasm-unsafe-eval' to script-src, or use init({ backend: 'js' }) (pure TypeScript, ` +
        `slower). The engine said: ${(e as Error)?.message ?? e}`);
    }
    if (e instanceof WebAssembly.CompileError || (e as Error)?.name === 'CompileError') {
      throw new BackendError(`${name}: WebAssembly compilation failed (${(e as Error).message}); ` +
        'init({ backend: \'js\' }) runs the pure-TS kernels');
    }
    throw e;
  }
  const x = instance.exports as unknown as Exports;
  const mem = x.memory;
  const sizes = new Map<number, number>();
  let live = 0;
  const sha = (shared ? twinOf(name) : bin).sha256;
  const be: Backend = {
    name: name as BackendName,
    sha256: sha,
    alloc(bytes) {
      // Checked before the call: the export takes a u32, so a larger size would wrap to a small one.
      if (!(Number.isSafeInteger(bytes) && bytes >= 0 && bytes <= WASM_MAX_ALLOC)) {
        throw new DescentError('E_MEMORY', `${name}: cannot allocate ${bytes} bytes: a WebAssembly (wasm32) memory holds at most 4 GiB (${2 ** 32} bytes)`);
      }
      const size = Math.max(16, Math.ceil(bytes / 16) * 16);
      let p: number;
      try {
        p = x.alloc(size) >>> 0;
      } catch (e) {
        throw new DescentError('E_MEMORY', `${name}: cannot allocate ${size} bytes (${(e as Error).message})`);
      }
      sizes.set(p, size);
      live += size;
      return p;
    },
    free(ptr) {
      const s = sizes.get(ptr);
      if (s === undefined) return;
      sizes.delete(ptr);
      live -= s;
      x.free(ptr);
    },
    f32: (ptr, len) => new Float32Array(mem.buffer, ptr, len),
    i32: (ptr, len) => new Int32Array(mem.buffer, ptr, len),
    f64: (ptr, len) => new Float64Array(mem.buffer, ptr, len),
    stale: (view) => view.buffer !== mem.buffer,
    memoryBytes: () => mem.buffer.byteLength,
    liveBytes: () => live,
    iotaI32: x.iotaI32,
    dotF32: x.dotF32,
    axpyF32: x.axpyF32,
    lossGrad: x.lossGrad,
    runBatches: x.runBatches,
    forward: x.forward,
    optimStep: x.optimStep,
    clipGradNorm: x.clipGradNorm,
    clipGradValue: x.clipGradValue,
    addGradNoise: x.addGradNoise,
    // Network kernels
    gemmPackFloats: x.gemmPackFloats,
    gemmNT: x.gemmNT,
    gemmNN: x.gemmNN,
    gemmTN: x.gemmTN,
    colSum: x.colSum,
    colMoments: x.colMoments,
    standardizeF32: x.standardizeF32,
    gatherInput: (run, dst, start, n, d, training) => x.gatherInput(run, dst, start, n, d, training ? 1 : 0, 0),
    actForward: x.actForward,
    actBackward: x.actBackward,
    mulF32: x.mulF32,
    dropoutMask: x.dropoutMask,
    headSoftmax: x.headSoftmax,
    headLogistic: x.headLogistic,
    headSquared: x.headSquared,
    headSoftmaxSeq: x.headSoftmaxSeq,
    // Transformer layers
    attentionForward: x.attentionForward,
    attentionBackward: x.attentionBackward,
    positionalForward: x.positionalForward,
    positionalBackward: x.positionalBackward,
    // Image layers
    convPackFloats: x.convPackFloats,
    conv2dForward: x.conv2dForward,
    conv2dBackwardWeights: x.conv2dBackwardWeights,
    conv2dBackwardInput: x.conv2dBackwardInput,
    conv2dDirectForward: x.conv2dDirectForward,
    maxPool2dForward: x.maxPool2dForward,
    maxPool2dBackward: x.maxPool2dBackward,
    avgPool2dForward: x.avgPool2dForward,
    avgPool2dBackward: x.avgPool2dBackward,
    batchNormForward: x.batchNormForward,
    batchNormBackward: x.batchNormBackward,
  };
  if (memory) sharedOf.set(be, { module: await mod, memory, hogwildBatches: x.hogwildBatches, spinPolls: x.spinPolls });
  return be;
}

function twinOf(name: WasmName): EmbeddedWasm {
  const twin = name === 'wasm-simd' ? sharedTwins?.simd : name === 'wasm-scalar' ? sharedTwins?.scalar : sharedTwins?.relaxed;
  if (!twin) throw new BackendError(`${name}: no shared-memory twin is registered (the Node entry, descent-ml/node, registers them)`);
  return twin;
}

/** The bytes of a binary's shared-memory twin (the one that runs where memory can be shared). */
export function wasmThreadsBytes(name: WasmName): Uint8Array<ArrayBuffer> {
  return decode(twinOf(name).base64);
}
