// Debian's Chromium, as the browser suites launch it: headless, no sandbox (CI containers), a fresh
// profile per launch, and nothing that reaches the network on its own.
import type { Browser } from 'playwright-core';

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
