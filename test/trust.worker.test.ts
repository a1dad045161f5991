// trainInWorker's own surface: a listener that throws (progress, batch, ready, result) rejects the job instead of
// killing the host with an uncaught exception; its options (progressMs, stopTimeoutMs, transfer, typos, onProgress
// that is not a function) and a bad `worker` (42, a relative path, a factory returning null) are typed errors.
// Each throwing-listener case runs in a child process, so an uncaught exception shows as that child's exit code.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { DescentError, HyperParameterError } from '../src/index.js';
import { trainInWorker as direct, type WorkerJob, type NodeTrainInWorkerOptions } from '../src/worker/node.js';

const root = resolve('.');
const tmp = mkdtempSync(join(tmpdir(), 'descent-trust-worker-'));
const script = pathToFileURL(join(tmp, 'node-worker.mjs'));
test.before(async () => {
  await build({ entryPoints: ['src/worker/node-worker.ts'], outfile: join(tmp, 'node-worker.mjs'), bundle: true, platform: 'node', format: 'esm', logLevel: 'error' });
});
test.after(() => rmSync(tmp, { recursive: true, force: true }));
const trainInWorker = (j: WorkerJob, o: NodeTrainInWorkerOptions = {}) => direct(j, { worker: script, ...o });

function job(): WorkerJob {
  const n = 60, x = new Float32Array(n * 2), y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = i % 3;
    x[2 * i + 1] = (i * 7) % 5;
    y[i] = i % 3;
  }
  return { data: { x, y, features: 2 }, model: { kind: 'softmax', classes: 3 }, train: { epochs: 3, batch: 4 } };
}

function thrown(f: () => unknown): HyperParameterError {
  try {
    f();
  } catch (e) {
    assert.instance(e, HyperParameterError, String(e));
    return e as HyperParameterError;
  }
  throw new Error('expected an error');
}

for (const event of ['progress', 'batch', 'ready', 'result'] as const) {
  test(`a '${event}' listener that throws rejects the job; the host process lives on`, async () => {
    // In a child: an uncaught exception there would exit it with a non-zero code and no "ok" line.
    const child = join(tmp, `listener-${event}.mts`);
    const main = `
      import { trainInWorker } from ${JSON.stringify(join(root, 'src/worker/node.ts'))};
      const n = 60, x = new Float32Array(n * 2), y = new Float32Array(n);
      for (let i = 0; i < n; i++) { x[2 * i] = i % 3; x[2 * i + 1] = (i * 7) % 5; y[i] = i % 3; }
      const h = trainInWorker({ data: { x, y, features: 2 }, model: { kind: 'softmax', classes: 3 }, train: { epochs: 3, batch: 4 } }, { progressMs: 0, worker: new URL(process.argv[2]) });
      h.on(${JSON.stringify(event)}, () => { throw new Error('boom in listener'); });
      try { await h.result; console.log('resolved'); } catch (e) { console.log('rejected ' + e.name + ' ' + e.code + ' ' + e.message); }
      setTimeout(() => console.log('ok'), 50);
    `;
    writeFileSync(child, main);
    const r = spawnSync(process.execPath, ['--import', 'tsx', child, script.href], { encoding: 'utf8', timeout: 60_000, cwd: root });
    assert.is(r.status, 0, `exit ${r.status}: ${r.stderr.slice(0, 400)}`);
    assert.match(r.stdout, /rejected DescentError E_LISTENER a '\w+' listener threw: boom in listener/);
    assert.match(r.stdout, /\nok\n?$/);
  });
}

test('onProgress / onBatch that are not functions, and on() with a bad type or listener, are refused up front', () => {
  assert.is(thrown(() => trainInWorker(job(), { onProgress: 'log' as never })).param, 'onProgress');
  assert.is(thrown(() => trainInWorker(job(), { onBatch: 42 as never })).param, 'onBatch');
  const h = trainInWorker(job(), {});
  assert.is(thrown(() => h.on('progres' as never, () => undefined)).param, 'type');
  assert.is(thrown(() => h.on('progress', null as never)).param, 'listener');
  return h.result.then(() => undefined);
});

test('trainInWorker\'s own options are checked: progressMs, stopTimeoutMs, transfer, typos', () => {
  for (const v of [-1, NaN, Infinity, '16', 2 ** 31]) assert.is(thrown(() => trainInWorker(job(), { progressMs: v as never })).param, 'progressMs', String(v));
  for (const v of [-5, NaN, '1000']) assert.is(thrown(() => trainInWorker(job(), { stopTimeoutMs: v as never })).param, 'stopTimeoutMs', String(v));
  assert.is(thrown(() => trainInWorker(job(), { transfer: 'yes' as never })).param, 'transfer');
  const typo = thrown(() => trainInWorker(job(), { progressMS: 10 } as never));
  assert.is(typo.param, 'progressMS');
  assert.match(typo.message, /did you mean progressMs\?/);
  assert.is(thrown(() => direct(job(), null as never)).param, 'options');
});

test('a bad worker option is a typed error: 42, a relative path, an http URL, a factory returning null', () => {
  assert.is(thrown(() => direct(job(), { worker: 42 as never })).param, 'worker');
  assert.match(thrown(() => direct(job(), { worker: 'worker.js' })).message, /absolute path/);
  assert.is(thrown(() => direct(job(), { worker: new URL('http://example.com/w.js') })).param, 'worker');
  assert.match(thrown(() => direct(job(), { worker: () => null as never })).message, /must return a worker_threads Worker, returned null/);
  // A missing absolute path still fails as the worker's own failure, typed.
  const h = direct(job(), { worker: '/nonexistent/descent-worker.mjs' });
  return h.result.then(() => assert.unreachable('resolved'), (e: unknown) => assert.instance(e, DescentError));
});

test.run();
