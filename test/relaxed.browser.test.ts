// The wasm-relaxed backend in Debian's Chromium (playwright-core), which runs relaxed SIMD without a flag: an MLP
// trained on the page and in a module Web Worker on wasm-relaxed lands within 1e-5 of wasm-simd's (the page:
// test/browser/relaxed-harness.ts). Without /usr/bin/chromium it is counted as skipped, and fails under CI=true.
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
  skipSuite(test, 'wasm-relaxed browser test', `${CHROMIUM} not found (.ci/browser-deps.sh installs it)`);
  test.run();
} else {
  let tmp = '';
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;
  test.before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'descent-relaxed-browser-'));
    await build({
      entryPoints: { harness: join(here, 'browser', 'relaxed-harness.ts'), 'descent-worker': join(here, '..', 'src', 'worker', 'descent-worker.ts') },
      outdir: tmp, bundle: true, format: 'esm', platform: 'browser', target: 'chrome100', logLevel: 'error',
    });
    writeFileSync(join(tmp, 'index.html'), '<!doctype html><meta charset="utf-8"><title>relaxed</title><script type="module" src="./harness.js"></script>\n');
    server = await serve({ root: tmp });
    browser = await launchChromium();
  });
  test.after(async () => {
    await browser?.close().catch(() => {});
    await server?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('Chromium: wasm-relaxed trains an MLP on the page and in a worker within 1e-5 of wasm-simd', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(r.url()); });
    await page.goto(server.url + 'index.html');
    await page.waitForFunction(() => typeof (window as any).__relaxed === 'function', null, { timeout: 10_000 }).catch((e) => { throw new Error(`${e.message}: ${errors.join('; ')}`); });
    const r = await page.evaluate(() => (window as any).__relaxed());
    console.log(`  [relaxed] Chromium ${browser.version()}: page within ${r.pageWorst.toExponential(1)} (differ: ${r.pageDiffer}), worker within ${r.workerWorst.toExponential(1)} (${r.size} parameters)`);
    assert.equal(r.pageBackends, ['wasm-simd', 'wasm-relaxed']);
    assert.equal(r.workerBackends, ['wasm-simd', 'wasm-relaxed']);
    assert.ok(r.pageWorst <= 1e-5, `page: within ${r.pageWorst}`);
    assert.ok(r.workerWorst <= 1e-5, `worker: within ${r.workerWorst}`);
    assert.equal(errors, []);
    await page.close();
  });

  test.run();
}
