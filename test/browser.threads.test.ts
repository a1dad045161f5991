// Threads in Chromium: trainInWorker with train: { threads } runs its pool of Web Workers inside the
// training worker over one shared WebAssembly memory. In a cross-origin-isolated page, threads 1–4 give the
// same parameter bits as each other and as Node's train() (linear and MLP, mini-batch and full batch); stop()
// ends every thread within 100 ms; a thread's error ends the run. In a page without COOP/COEP, and on a page's
// main thread, threads fall back to 1 with the reason. Without /usr/bin/chromium: skipped
// (test/_skip.ts; a failure under CI=true).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, mkdirSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { build as esbuild } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { init, Dataset, logistic, mlp, train } from '../src/node.js';
// @ts-expect-error plain ESM helpers without type declarations
import { serve, ISOLATION_HEADERS } from '../demo/serve.mjs';
import { CHROMIUM, launchChromium } from './_chromium.ts';
import { skipSuite } from './_skip.ts';
import { threadJobs } from './browser/thread-jobs.js';

const here = dirname(fileURLToPath(import.meta.url));
const log = (...a: unknown[]) => console.log('  [browser.threads]', ...a);

type Det = { job: string; threads: number; hash: string; used: number; reason: string | null; workerThreads: { available: boolean; reason: string | null } };

/** Node's train() on the same jobs (threads 2 in-process): the hashes the browser must reproduce. */
async function nodeHashes(): Promise<Map<string, string>> {
  await init({ backend: 'wasm-simd' });
  const out = new Map<string, string>();
  for (const j of threadJobs()) {
    const ds = Dataset.fromArrays(j.x, j.y, { features: j.features });
    const m = j.model.kind === 'mlp' ? mlp({ features: j.features, hidden: j.model.hidden, classes: j.model.classes, seed: j.model.seed }) : logistic({ features: j.features });
    train(m, ds, { ...j.train, threads: 2 });
    const p = m.params;
    out.set(j.name, createHash('sha256').update(new Uint8Array(p.buffer, p.byteOffset, p.byteLength)).digest('hex'));
    m.dispose();
    ds.dispose();
  }
  return out;
}

if (!existsSync(CHROMIUM)) {
  skipSuite(test, 'browser threads tests', `${CHROMIUM} not found (.ci/browser-deps.sh installs it)`);
  test.run();
} else {
  let tmp = '';
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;

  async function open(dir: string): Promise<{ page: Page; errors: string[]; console: string[] }> {
    const page = await browser.newPage();
    const errors: string[] = [], lines: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => lines.push(m.text()));
    await page.goto(`${server.url}${dir}/`);
    await page.waitForFunction(() => document.body.dataset.ready === '1');
    return { page, errors, console: lines };
  }

  test.before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'descent-browser-threads-'));
    const out = join(tmp, 'isolated');
    await esbuild({
      entryPoints: { harness: join(here, 'browser', 'threads-harness.ts'), 'descent-worker': join(here, '..', 'src', 'worker', 'descent-worker.ts') },
      outdir: out, bundle: true, format: 'esm', platform: 'browser', target: 'chrome100', logLevel: 'error',
    });
    copyFileSync(join(here, 'browser', 'harness.html'), join(out, 'index.html'));
    mkdirSync(join(tmp, 'plain'));
    for (const f of ['index.html', 'harness.js', 'descent-worker.js']) copyFileSync(join(out, f), join(tmp, 'plain', f));
    // /isolated/ is cross-origin isolated (COOP + COEP, as demo/serve.mjs sends); /plain/ is not.
    server = await serve({ root: tmp, headers: (path: string) => (path.startsWith('/plain/') ? {} : ISOLATION_HEADERS) });
    browser = await launchChromium();
  });

  test.after(async () => {
    await browser?.close().catch(() => {});
    await server?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('isolated page: threads 1, 2, 3, 4 in trainInWorker give bit-identical parameters, equal to Node\'s (linear, MLP; mini-batch, full batch)', async () => {
    const reference = await nodeHashes();
    const { page, errors } = await open('isolated');
    const runs: Det[] = await page.evaluate(() => (window as any).threadsHarness.determinism([1, 2, 3, 4]));
    assert.equal(errors, []);
    const jobs = threadJobs();
    assert.is(runs.length, jobs.length * 4);
    for (const r of runs) {
      const j = jobs.find((x) => x.name === r.job)!;
      assert.equal(r.workerThreads, { available: true, reason: null }, `${r.job}: backendInfo().threads in the worker`);
      assert.is(r.used, Math.min(r.threads, j.blocks), `${r.job}, threads ${r.threads}: used ${r.used}`);
      assert.is(r.hash, reference.get(r.job), `${r.job}, threads ${r.threads}: Chromium's parameters equal Node's`);
    }
    log(`${runs.length} runs, ${jobs.length} jobs × threads 1–4: one hash per job, equal to Node's (${jobs.map((j) => `${j.name} ${reference.get(j.name)!.slice(0, 8)}`).join('; ')})`);
  });

  test('isolated page: stop() mid-run ends the run and every thread within 100 ms (median of 5)', async () => {
    const { page } = await open('isolated');
    const lat: number[] = [];
    for (const delay of [5, 9, 12, 16, 19]) {
      const r = await page.evaluate((d) => (window as any).threadsHarness.stopLatency(d), delay);
      assert.is(r.stopReason, 'stopped');
      assert.is(r.used, 2, 'the run was on 2 threads');
      assert.ok(r.evaluated, 'a clean stop (the worker evaluated; a terminated one would not)');
      lat.push(r.ms);
    }
    lat.sort((a, b) => a - b);
    log(`stop() → result (pool disposed first), threads 2, MLP: ${lat.map((v) => v.toFixed(1)).join(', ')} ms (median ${lat[2].toFixed(1)})`);
    // The median of 5: on this shared 2-core machine one stop in a few can wait ~200 ms for a core.
    assert.ok(lat[2] < 100, `median stop latency ${lat[2].toFixed(1)} ms ≥ 100 ms`);
  });

  test('isolated page: a pool thread that traps ends the trainInWorker run with its error', async () => {
    const { page } = await open('isolated');
    const msg: string = await page.evaluate(() => (window as any).threadsHarness.fault());
    assert.match(msg, /^DescentError E_THREAD: thread 2 of 3 failed: RuntimeError: unreachable/);
  });

  test('page main thread: train({ threads: 2 }) falls back to 1 with the reason ("use trainInWorker") and warns once', async () => {
    const { page, errors } = await open('isolated');
    const r = await page.evaluate(() => (window as any).threadsHarness.mainThread());
    assert.equal(errors, []);
    assert.is(r.isolated, true);
    assert.is(r.threads.available, false);
    assert.match(r.threads.reason, /main thread may not block.*trainInWorker/);
    assert.is(r.warnings.length, 1, `one warning for two runs: ${JSON.stringify(r.warnings)}`);
    assert.match(r.warnings[0], /threads fall back to 1: .*trainInWorker/);
    log(`main thread (${r.cores} cores): ${r.threads.reason}`);
  });

  test('page without COOP/COEP: trainInWorker threads fall back to 1 with the reason, and the bits do not change', async () => {
    const reference = await nodeHashes();
    const { page, errors } = await open('plain');
    const runs: Det[] = await page.evaluate(() => (window as any).threadsHarness.determinism([2]));
    assert.equal(errors, []);
    for (const r of runs) {
      assert.is(r.used, 1, `${r.job}: one thread`);
      assert.match(r.reason ?? '', /cross-origin isolat/, `${r.job}: reason ${r.reason}`);
      assert.is(r.workerThreads.available, false);
      // Without shared memory the run is the single-thread path: equal to threads for networks; a linear
      // model's multi-block batches are summed by blocks only with threads (docs/threads.md), so only the MLPs are compared.
      if (r.job.startsWith('MLP')) assert.is(r.hash, reference.get(r.job), `${r.job}: same bits on one thread`);
    }
    log(`not isolated: ${runs[0].reason}`);
  });

  test.run();
}
