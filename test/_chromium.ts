// Debian's Chromium, as the browser suites launch it: headless, no sandbox (CI containers), a fresh
// profile per launch, and nothing that reaches the network on its own.
import type { Browser, Page } from 'playwright-core';

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
