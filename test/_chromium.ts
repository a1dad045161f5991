// Debian's Chromium, as the browser suites launch it: headless, no sandbox (CI containers), a fresh
// profile per launch, and nothing that reaches the network on its own.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import type { Test } from 'uvu';
import type { Browser, Page } from 'playwright-core';
// @ts-expect-error plain ESM helpers without type declarations
import { build as buildDemo } from '../demo/build.mjs';
// @ts-expect-error plain ESM helpers without type declarations
import { serve } from '../demo/serve.mjs';

/** Where Debian installs chromium (.ci/browser-deps.sh puts it there when missing). */
export const CHROMIUM = '/usr/bin/chromium';

/** Launches Chromium with playwright-core (no browser download). */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** Distinct colours in a PNG, counted by the browser itself (no image library in Node). */
export async function pngColours(page: Page, png: Buffer): Promise<{ distinct: number; dominant: number; width: number; height: number }> {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const g = c.getContext('2d')!;
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    const counts = new Map<number, number>();
    for (let i = 0; i < d.length; i += 4) {
      const k = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2];
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    return { distinct: counts.size, dominant: Math.max(...counts.values()) / (d.length / 4), width: c.width, height: c.height };
  }, png.toString('base64'));
}

/** A built, served demo and a Chromium, as {@link servedDemo} gives them to a test file. */
export interface ServedDemo {
  /** The folder the demo was built into. */
  readonly dir: string;
  /** The page's address. */
  readonly url: string;
  readonly browser: Browser;
}

/**
 * Registers a served folder's fixture on `test`: before the file's tests a fresh temporary folder named from
 * `prefix` is filled by `fill`, served, and Chromium launched; after them all three are ended.
 */
function servedFolder(test: Test, prefix: string, fill: (dir: string) => Promise<void>) {
  let dir = '';
  let server: { url: string; close(): Promise<void> } | undefined;
  let browser: Browser | undefined;
  test.before(async () => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    await fill(dir);
    server = await serve({ root: dir });
    browser = await launchChromium();
  });
  test.after(async () => {
    await browser?.close().catch(() => {});
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    get dir() { return dir; },
    get url() { return server!.url; },
    get browser() { return browser!; },
  };
}

/**
 * Registers the demo browser suites' fixture on `test`: before the file's tests the demo is built (minified) into a
 * fresh temporary folder named from `prefix`, served, and Chromium launched; after them all three are ended.
 */
export function servedDemo(test: Test, prefix: string): ServedDemo {
  return servedFolder(test, prefix, (dir) => buildDemo({ outDir: dir, minify: true, quiet: true }));
}

/** A served test page and a Chromium, as {@link servedPage} gives them to a test file. */
export interface ServedPage {
  /** The page's address (index.html). */
  readonly url: string;
  readonly browser: Browser;
  /** A new page at `url`, ready once `window[name]` is a function; `errors` collects its page errors and failed requests. */
  open(name: string): Promise<{ page: Page; errors: string[] }>;
}

/**
 * Registers a one-page browser suite's fixture on `test`: before the file's tests the page script `entry` (a path
 * under test/) and descent's worker are bundled with esbuild into a fresh temporary folder named from `prefix`,
 * with an index.html that loads the script, served, and Chromium launched; after them all three are ended.
 */
export function servedPage(test: Test, entry: string, prefix: string): ServedPage {
  const here = dirname(fileURLToPath(import.meta.url));
  const f = servedFolder(test, prefix, async (dir) => {
    await esbuild({
      entryPoints: { harness: join(here, entry), 'descent-worker': join(here, '..', 'src', 'worker', 'descent-worker.ts') },
      outdir: dir, bundle: true, format: 'esm', platform: 'browser', target: 'chrome100', logLevel: 'error',
    });
    writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>test</title><script type="module" src="./harness.js"></script>\n');
  });
  return {
    get url() { return f.url + 'index.html'; },
    get browser() { return f.browser; },
    async open(name) {
      const page = await f.browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(r.url()); });
      await page.goto(f.url + 'index.html');
      await page.waitForFunction((n) => typeof (window as any)[n] === 'function', name, { timeout: 10_000 }).catch((e) => { throw new Error(`${e.message}: ${errors.join('; ')}`); });
      return { page, errors };
    },
  };
}
