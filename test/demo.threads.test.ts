// The demo's threads selectors in Chromium (the demo server sends COOP/COEP, so the page is cross-origin
// isolated): 1 … hardwareConcurrency offered; an MLP on digits (full batch) and the CNN (batch 256) train with
// threads 2 inside the training worker, which reports them available, and the info line shows 2 used.
// Without /usr/bin/chromium (or with one core) it is counted as skipped, and fails under CI=true (test/_skip.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { CHROMIUM, servedDemo } from './_chromium.ts';
import { skipRest, skipSuite } from './_skip.ts';

const log = (...a: unknown[]) => console.log('  [demo threads]', ...a);

if (!existsSync(CHROMIUM)) {
  skipSuite(test, 'demo threads browser test', `${CHROMIUM} not found (.ci/browser-deps.sh installs it)`);
  test.run();
} else {
  const demo = servedDemo(test, 'descent-demo-threads-');

  test('demo: threads 2 in the network section (MLP, full batch) and the CNN section (batch 256) run on 2 threads', async () => {
    const page = await demo.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(demo.url);
    await page.waitForFunction(() => document.getElementById('data-info')?.dataset.rows === '1797');
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const offered = await page.$$eval('#threads option', (os) => os.map((o) => (o as HTMLOptionElement).value));
    assert.equal(offered, Array.from({ length: cores }, (_, i) => String(i + 1)), '1 … hardwareConcurrency');
    if (cores < 2) {
      return skipRest('demo threads runs', `Chromium reports ${cores} core(s)`);
    }
    await page.selectOption('#model', 'mlp');
    await page.fill('#epochs', '5');
    await page.uncheck('#v-stochastic');
    await page.uncheck('#v-mini');
    await page.selectOption('#threads', '2');
    await page.click('#train');
    await page.waitForFunction(() => { const d = (window as any).__demo; return !d.training && d.runs.length > 0 && d.runs.every((r: any) => r.result || r.error); }, null, { timeout: 60_000, polling: 100 });
    const info = await page.locator('#threads-info').evaluate((e) => ({ text: e.textContent, used: (e as HTMLElement).dataset.used, available: (e as HTMLElement).dataset.available }));
    log(`network section: ${info.text}`);
    assert.is(info.available, 'true');
    assert.is(info.used, '2', info.text ?? '');

    await page.waitForFunction(() => (window as any).__demo?.cnn?.ready === true, null, { timeout: 20_000 });
    await page.selectOption('#cnn-rows', '1000');
    await page.fill('#cnn-epochs', '1');
    await page.selectOption('#cnn-batch', '256');
    await page.selectOption('#cnn-threads', '2');
    await page.click('#cnn-train');
    await page.waitForFunction(() => { const c = (window as any).__demo.cnn; return !c.training && (c.result || c.error); }, null, { timeout: 180_000, polling: 100 });
    const c = await page.evaluate(() => (window as any).__demo.cnn.error);
    assert.is(c, null);
    const cnnInfo = await page.locator('#cnn-threads-info').evaluate((e) => ({ text: e.textContent, used: (e as HTMLElement).dataset.used }));
    log(`CNN section: ${cnnInfo.text}`);
    assert.is(cnnInfo.used, '2', cnnInfo.text ?? '');
    assert.equal(errors, []);
  });

  test.run();
}
