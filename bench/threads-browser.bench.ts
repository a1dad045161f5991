// Threads in Chromium: an MLP 784-128-10 (Adam, batch 256 or --batch N) over 8,000 random rows,
// trained by trainInWorker in a cross-origin-isolated page with threads 1 and 2 alternating, 3 epochs a job;
// the figure is the third epoch (history ms): warm code, the pool already running.
// Needs /usr/bin/chromium. Run: npx tsx bench/threads-browser.bench.ts [--rounds N] [--batch N]
import { mkdtempSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
// @ts-expect-error plain ESM helpers without type declarations
import { serve } from '../demo/serve.mjs';
import { launchChromium } from '../test/_chromium.ts';

const here = dirname(fileURLToPath(import.meta.url));
const i = process.argv.indexOf('--rounds');
const rounds = i > 0 ? Number(process.argv[i + 1]) : 5;
const b = process.argv.indexOf('--batch');
const batch = b > 0 ? Number(process.argv[b + 1]) : 256;
const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];

const tmp = mkdtempSync(join(tmpdir(), 'descent-threads-browser-'));
try {
  await esbuild({
    entryPoints: { harness: join(here, '..', 'test', 'browser', 'threads-harness.ts'), 'descent-worker': join(here, '..', 'src', 'worker', 'descent-worker.ts') },
    outdir: tmp, bundle: true, format: 'esm', platform: 'browser', target: 'chrome100', minify: true, logLevel: 'error',
  });
  copyFileSync(join(here, '..', 'test', 'browser', 'harness.html'), join(tmp, 'index.html'));
  const server = await serve({ root: tmp });
  const browser = await launchChromium();
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => document.body.dataset.ready === '1');
  const load = loadavg()[0];
  const ms: Record<string, number[]> = await page.evaluate(([r, bs]) => (window as any).threadsHarness.speed(8000, r, bs), [rounds, batch] as const);
  const m1 = median(ms[1]), m2 = median(ms[2]);
  const ratios = ms[1].map((v, k) => v / ms[2][k]);
  console.log(`Chromium ${browser.version()}, ${rounds} rounds, load average ${load.toFixed(1)} → ${loadavg()[0].toFixed(1)}`);
  console.log(`MLP 784-128-10, batch ${batch}, third epoch of 8,000 rows in trainInWorker: threads 1 ${m1.toFixed(1)} ms, threads 2 ${m2.toFixed(1)} ms (medians), ` +
    `${(m1 / m2).toFixed(2)}×; per-round ratios ${ratios.map((r) => r.toFixed(2)).join(', ')}`);
  console.log(`raw: threads 1 [${ms[1].map((v) => v.toFixed(1)).join(', ')}], threads 2 [${ms[2].map((v) => v.toFixed(1)).join(', ')}]`);
  await browser.close();
  await server.close();
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
