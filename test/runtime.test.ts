// The runtime: binary selection, forcing a backend, what backendInfo reports, and what each binary holds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { init, backendInfo, HyperParameterError } from '../src/index.js';
import { wasmBytes, simdSupported, sharedWasm, wasmThreadsBytes } from '../src/backends/wasm.js';
import { backend } from '../src/runtime/index.js';

test('init() picks wasm-simd when the engine validates it, and is idempotent', async () => {
  const info = await init();
  assert.ok(simdSupported(), 'Node 20 supports wasm SIMD');
  // A previous suite may have forced a backend; init() without options keeps it, so force auto once.
  await init({ backend: 'wasm-simd' });
  assert.is((await init()).name, 'wasm-simd');
  assert.is((await init()).name, 'wasm-simd');
  assert.ok(['js', 'wasm-scalar', 'wasm-simd'].includes(info.name));
});

test('init({ backend }) forces each backend and backendInfo() reports it', async () => {
  for (const name of ['js', 'wasm-scalar', 'wasm-simd'] as const) {
    const info = await init({ backend: name });
    assert.is(info.name, name);
    assert.is(backendInfo().name, name);
    if (name === 'js') assert.is(info.sha256, null);
    // Where memory can be shared the binary's -threads twin runs (src/threads), and the hash is its own.
    else assert.is(info.sha256, createHash('sha256').update(sharedWasm(backend()) ? wasmThreadsBytes(name) : wasmBytes(name)).digest('hex'));
  }
  try {
    await init({ backend: 'gpu' as any });
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, HyperParameterError);
    assert.match((e as Error).message, /backend: must be one of js, wasm-scalar, wasm-simd/);
  }
});

test('the scalar binary holds no SIMD instruction and the SIMD binary does', () => {
  // binaryen (assemblyscript's own dependency) disassembles the binaries; it runs in a plain Node child
  // because it uses top-level await, which the test loader's CommonJS transform does not support.
  const script = `import binaryen from 'binaryen'; import { readFileSync } from 'node:fs';
    for (const t of ['simd', 'scalar']) {
      const m = binaryen.readBinary(readFileSync('build/descent.' + t + '.wasm'));
      console.log(t + ' ' + (m.emitText().match(/\\b(v128|f32x4)\\./g) ?? []).length);
    }`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  const counts = Object.fromEntries([...out.matchAll(/^(simd|scalar) (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
  assert.is(counts.scalar, 0, 'scalar binary has SIMD instructions');
  assert.ok(counts.simd > 50, `simd binary has only ${counts.simd} SIMD instructions`);
  // And the embedded copies are those files.
  for (const t of ['simd', 'scalar'] as const) {
    assert.equal(createHash('sha256').update(readFileSync(`build/descent.${t}.wasm`)).digest('hex'),
      createHash('sha256').update(wasmBytes(`wasm-${t}`)).digest('hex'));
  }
});

test.run();
