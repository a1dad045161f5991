// The wasm-relaxed backend in Debian's Chromium (playwright-core), which runs relaxed SIMD without a flag: an MLP
// trained on the page and in a module Web Worker on wasm-relaxed lands within 1e-5 of wasm-simd's (the page:
// test/browser/relaxed-harness.ts). Without /usr/bin/chromium it is counted as skipped, and fails under CI=true.
import { test } from 'uvu';
import { existsSync } from 'node:fs';
import * as assert from 'uvu/assert';
import { CHROMIUM, servedPage } from './_chromium.ts';
import { skipSuite } from './_skip.ts';

if (!existsSync(CHROMIUM)) {
  skipSuite(test, 'wasm-relaxed browser test', `${CHROMIUM} not found (.ci/browser-deps.sh installs it)`);
  test.run();
} else {
  const served = servedPage(test, 'browser/relaxed-harness.ts', 'descent-relaxed-browser-');

  test('Chromium: wasm-relaxed trains an MLP on the page and in a worker within 1e-5 of wasm-simd', async () => {
    const { page, errors } = await served.open('__relaxed');
    const r = await page.evaluate(() => (window as any).__relaxed());
    console.log(`  [relaxed] Chromium ${served.browser.version()}: page within ${r.pageWorst.toExponential(1)} (differ: ${r.pageDiffer}), worker within ${r.workerWorst.toExponential(1)} (${r.size} parameters)`);
    assert.equal(r.pageBackends, ['wasm-simd', 'wasm-relaxed']);
    assert.equal(r.workerBackends, ['wasm-simd', 'wasm-relaxed']);
    assert.ok(r.pageWorst <= 1e-5, `page: within ${r.pageWorst}`);
    assert.ok(r.workerWorst <= 1e-5, `worker: within ${r.workerWorst}`);
    assert.equal(errors, []);
    await page.close();
  });

  test.run();
}
