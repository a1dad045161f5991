// The machine's limits, measured in the same run as the kernels: single-thread memory bandwidth over
// 256 MB arrays and the in-cache f32x4 throughput of a dot product (the "f32x4 peak"). The probes are
// AssemblyScript (bench/probe/probe.as.ts) compiled here with the kernels' asc options and SIMD on, so
// they are measured in the same engine, through the same WebAssembly code generator.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { measure } from './measure.js';

export interface Limits {
  /** GB/s used as "the memory bandwidth" in rooflines: the best of read, copy and update below. */
  bandwidthGBs: number;
  /** Single-thread bandwidths over 256 MB: f32x4 sum (read only), memory.copy and Float32Array#set
   * (read + write, counted both ways), in-place a[i] *= s (read + write). */
  readGBs: number;
  copyGBs: number;
  jsCopyGBs: number;
  updateGBs: number;
  /** GFLOP/s used as "the f32x4 peak": the best in-cache dot product, 4 KB arrays, looped inside WASM. */
  peakGflops: number;
  dot4Gflops: number;
  dot8Gflops: number;
  /** Register-only f32x4 mul+add throughput (8 independent chains), for reference. */
  arithGflops: number;
  /** Bytes per array in the bandwidth probes. */
  bandwidthBytes: number;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  totalMemGB: number;
  platform: string;
  node: string;
  v8: string;
  date: string;
}

/** CPU model, cores, Node version and date, for the record. */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    totalMemGB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
    date: new Date().toISOString(),
  };
}

export interface Probe {
  memory: WebAssembly.Memory;
  grow(bytes: number): number;
  dotRepeat8(a: number, b: number, n: number, reps: number): number;
  dotRepeat4(a: number, b: number, n: number, reps: number): number;
  arith(reps: number, seed: number): number;
  sum(a: number, n: number): number;
  scale(a: number, n: number, s: number): void;
  copy(dst: number, src: number, n: number): void;
}

/**
 * The probe binary: bench/probe/probe.wasm when it was built from the current probe.as.ts (its SHA-256
 * is in probe.wasm.sha256), else compiled now and cached there. Importing the AssemblyScript compiler
 * alone takes 20 s on these machines, which --quick cannot afford on every run.
 */
export async function compileProbe(): Promise<Probe> {
  const dir = fileURLToPath(new URL('../probe/', import.meta.url));
  const src = readFileSync(dir + 'probe.as.ts', 'utf8');
  const sha = createHash('sha256').update(src).digest('hex');
  let binary: Uint8Array;
  if (existsSync(dir + 'probe.wasm') && existsSync(dir + 'probe.wasm.sha256') && readFileSync(dir + 'probe.wasm.sha256', 'utf8').trim() === sha) {
    binary = readFileSync(dir + 'probe.wasm');
  } else {
    // Loaded here, not at the top: asc is ESM-only and slow to load.
    const { default: asc } = await import('assemblyscript/asc');
    const r = await asc.compileString({ 'probe.ts': src }, {
      optimizeLevel: 3, shrinkLevel: 0, runtime: 'stub', noAssert: true, enable: ['simd'],
    } as never);
    if (r.error || !r.binary) throw new Error(`probe did not compile: ${r.error?.message}\n${r.stderr}`);
    binary = r.binary;
    writeFileSync(dir + 'probe.wasm', binary);
    writeFileSync(dir + 'probe.wasm.sha256', sha + '\n');
  }
  const module = await WebAssembly.compile(binary as Uint8Array<ArrayBuffer>);
  const instance = await WebAssembly.instantiate(module, { env: { abort() { throw new Error('probe aborted'); } } });
  return instance.exports as unknown as Probe;
}

/** Measures the limits; `quick` shortens the time budgets, not the sizes. */
export async function measureLimits(quick: boolean, log: (s: string) => void): Promise<Limits> {
  const p = await compileProbe();
  const t = { timeMs: quick ? 400 : 1500, minSamples: quick ? 8 : 20 };

  // f32x4 peak: two 4 KB arrays (1024 f32 each) in L1, the dot repeated inside one call.
  const N = 1024, reps = 2000;
  const a = p.grow(8 * N + 64), b = a + 4 * N;
  const v = new Float32Array(p.memory.buffer, a, 2 * N);
  for (let i = 0; i < v.length; i++) v[i] = ((i * 7919) % 1000) / 1000 - 0.5;
  const flops = 2 * N * reps;
  const d4 = await measure('dot4', () => p.dotRepeat4(a, b, N, reps), t);
  const d8 = await measure('dot8', () => p.dotRepeat8(a, b, N, reps), t);
  const ar = await measure('arith', () => p.arith(1e5, 1), t);
  const dot4Gflops = flops / d4.medianMs / 1e6, dot8Gflops = flops / d8.medianMs / 1e6;
  const arithGflops = (64 * 1e5) / ar.medianMs / 1e6;
  log(`  f32x4 dot in cache: ${dot4Gflops.toFixed(1)} GFLOP/s (4 acc), ${dot8Gflops.toFixed(1)} (8 acc); register mul+add ${arithGflops.toFixed(1)}`);

  // Bandwidth: 256 MB arrays, far beyond any cache.
  const B = 256 << 20, nf = B / 4;
  const x = p.grow(2 * B + 64), y = x + B;
  new Float32Array(p.memory.buffer, x, nf).fill(1);
  new Float32Array(p.memory.buffer, y, nf).fill(2);
  const tb = { timeMs: quick ? 400 : 1500, minSamples: quick ? 6 : 12, warmupMs: 0 };
  const rd = await measure('read', () => p.sum(x, nf), tb);
  const up = await measure('update', () => p.scale(x, nf, 1), tb);
  const cp = await measure('copy', () => p.copy(y, x, B), tb);
  const fa = new Float32Array(p.memory.buffer, x, nf), fb = new Float32Array(p.memory.buffer, y, nf);
  const jc = await measure('Float32Array#set', () => fb.set(fa), tb);
  const gbs = (bytes: number, ms: number) => bytes / ms / 1e6;
  const readGBs = gbs(B, rd.medianMs), updateGBs = gbs(2 * B, up.medianMs);
  const copyGBs = gbs(2 * B, cp.medianMs), jsCopyGBs = gbs(2 * B, jc.medianMs);
  log(`  memory bandwidth (256 MB, one thread): read ${readGBs.toFixed(1)} GB/s, update in place ${updateGBs.toFixed(1)}, ` +
    `memory.copy ${copyGBs.toFixed(1)}, Float32Array#set ${jsCopyGBs.toFixed(1)}`);
  return {
    bandwidthGBs: Math.max(readGBs, updateGBs, copyGBs, jsCopyGBs),
    readGBs, copyGBs, jsCopyGBs, updateGBs,
    peakGflops: Math.max(dot4Gflops, dot8Gflops), dot4Gflops, dot8Gflops, arithGflops,
    bandwidthBytes: B,
  };
}
