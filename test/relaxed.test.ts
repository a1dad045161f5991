// The wasm-relaxed backend: the SIMD build with relaxed SIMD's fused multiply-add in the matrix products. Its
// products round once where the others round twice, so it is compared with js and wasm-simd to a tolerance, never
// bit for bit; on one machine it stays bit-identical across thread counts. Node 20 runs relaxed SIMD only behind
// node --experimental-wasm-relaxed-simd: the networks train in a child process started with that flag (or without
// it, where the engine runs relaxed SIMD already), and here, without it, init refuses the backend with a
// BackendError that names the way out.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { init, BackendError } from '../src/node.js';
import { relaxedSupported, wasmThreadsBytes } from '../src/backends/wasm.js';
import { skipRest } from './_skip.js';

const CHILD = fileURLToPath(new URL('./_relaxed-child.ts', import.meta.url));
const FLAG = '--experimental-wasm-relaxed-simd';

test('without relaxed SIMD in the engine, init({ backend: wasm-relaxed }) is a BackendError naming wasm-simd and the flag', async () => {
  if (await relaxedSupported()) return skipRest('relaxed: the refusal', 'this engine runs relaxed SIMD without a flag');
  try {
    await init({ backend: 'wasm-relaxed' });
    assert.unreachable('init accepted wasm-relaxed');
  } catch (e) {
    assert.instance(e, BackendError);
    assert.match((e as Error).message, /relaxed SIMD.*--experimental-wasm-relaxed-simd.*use wasm-simd/);
  }
  await init({ backend: 'wasm-simd' });
});

test('wasm-relaxed trains MLPs, a CNN and a GPT within 1e-5 of js and wasm-simd, bit-identical on 1 and 2 threads', async () => {
  const args = [...((await relaxedSupported()) ? [] : [FLAG]), '--import', 'tsx', CHILD];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 300_000, maxBuffer: 1 << 28 });
  if (r.status !== 0 && /bad option|is not allowed/.test(r.stderr)) return skipRest('relaxed: the networks', `this Node accepts neither relaxed SIMD nor ${FLAG}`);
  assert.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, Record<string, number[]>> & { info: { name: string; sha256: string } };
  assert.is(out.info.name, 'wasm-relaxed');
  // The child ran the shared-memory twin (the Node entry registers it): its SHA-256 is the binary's.
  assert.is(out.info.sha256, createHash('sha256').update(wasmThreadsBytes('wasm-relaxed')).digest('hex'));
  for (const [name, runs] of Object.entries(out)) {
    if (name === 'info') continue;
    const rel = runs['wasm-relaxed/1'], two = runs['wasm-relaxed/2'];
    assert.ok(rel.every((v, i) => Object.is(v, two[i])), `${name}: 2 threads give the 1-thread bits`);
    for (const other of ['wasm-simd/1', 'js/1']) {
      const o = runs[other];
      const scale = Math.max(...o.slice(1).map(Math.abs));
      let worst = 0;
      for (let i = 1; i < o.length; i++) worst = Math.max(worst, Math.abs(rel[i] - o[i]) / scale);
      assert.ok(worst <= 1e-5, `${name}: parameters within ${worst.toExponential(1)} of ${other} (bound 1e-5 of the largest)`);
      assert.ok(Math.abs(rel[0] - o[0]) <= 1e-5 * Math.abs(o[0]), `${name}: epoch loss ${rel[0]} vs ${other} ${o[0]}`);
    }
  }
});

test.run();
