// Sparse data through the browser's trainInWorker, in Debian's Chromium (playwright-core): a Dataset.fromText
// crosses to a module Web Worker as transferred CSR arrays and trains to the same bits as train() on the page, on
// each backend (the page: test/browser/sparse-harness.ts). Without /usr/bin/chromium it is
// counted as skipped, and fails under CI=true (test/_skip.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { build } from 'esbuild';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
// @ts-expect-error plain ESM helpers without type declarations
import { serve } from '../demo/serve.mjs';
import { CHROMIUM, launchChromium } from './_chromium.ts';
import { skipSuite } from './_skip.ts';

const here = dirname(fileURLToPath(import.meta.url));

if (!existsSync(CHROMIUM)) {
  skipSuite(test, 'sparse worker browser test', `${CHROMIUM} not found (.ci/browser-deps.sh installs it)`);
  test.run();
} else {
  let tmp = '';
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;
  test.before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'descent-sparse-browser-'));
    await build({
      entryPoints: { harness: join(here, 'browser', 'sparse-harness.ts'), 'descent-worker': join(here, '..', 'src', 'worker', 'descent-worker.ts') },
      outdir: tmp, bundle: true, format: 'esm', platform: 'browser', target: 'chrome100', logLevel: 'error',
    });
    writeFileSync(join(tmp, 'index.html'), '<!doctype html><meta charset="utf-8"><title>sparse</title><script type="module" src="./harness.js"></script>\n');
    server = await serve({ root: tmp });
    browser = await launchChromium();
  });
  test.after(async () => {
    await browser?.close().catch(() => {});
    await server?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('Chromium: a sparse Dataset trains in a Web Worker to the same bits as train() on the page (3 backends)', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(r.url()); });
    await page.goto(server.url + 'index.html');
    await page.waitForFunction(() => typeof (window as any).__sparse === 'function', null, { timeout: 10_000 }).catch((e) => { throw new Error(`${e.message}: ${errors.join('; ')}`); });
    for (const backend of ['js', 'wasm-scalar', 'wasm-simd']) {
      const r = await page.evaluate((b) => (window as any).__sparse(b), backend);
      assert.is(r.backend, backend);
      assert.ok(r.same, `${backend}: worker and page parameters differ`);
      assert.equal(r.worker, r.direct);
      assert.ok(r.accuracy > 0.8, `${backend}: training accuracy ${r.accuracy}`);
    }
    assert.equal(errors, []);
    await page.close();
  });

  test.run();
}
