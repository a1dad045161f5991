// Sparse data through the browser's trainInWorker, in Debian's Chromium (playwright-core): a Dataset.fromText
// crosses to a module Web Worker as transferred CSR arrays and trains to the same bits as train() on the page, on
// each backend (the page: test/browser/sparse-harness.ts). Without /usr/bin/chromium it is
// counted as skipped, and fails under CI=true (test/_skip.ts).
import { test } from 'uvu';
import { existsSync } from 'node:fs';
import * as assert from 'uvu/assert';
import { CHROMIUM, servedPage } from './_chromium.ts';
import { skipSuite } from './_skip.ts';

if (!existsSync(CHROMIUM)) {
  skipSuite(test, 'sparse worker browser test', `${CHROMIUM} not found (.ci/browser-deps.sh installs it)`);
  test.run();
} else {
  const served = servedPage(test, 'browser/sparse-harness.ts', 'descent-sparse-browser-');

  test('Chromium: a sparse Dataset trains in a Web Worker to the same bits as train() on the page (3 backends)', async () => {
    const { page, errors } = await served.open('__sparse');
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
