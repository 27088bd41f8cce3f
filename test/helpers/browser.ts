/**
 * Headless Debian Chromium driven by playwright-core, for the web console's browser tests. The
 * flags keep Chromium off the network this machine does not have (its background fetches would
 * otherwise be refused by the hundred) and let it run as root; playwright gives each launch a
 * fresh, empty profile. Screenshots go to
 * `test-artifacts/console/` so a CI run keeps a picture of every page it checked.
 */
import { mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(process.cwd(), 'test-artifacts', 'console');

export interface TestBrowser {
  browser: Browser;
  /** A fresh context (own cookies) with one page. */
  newPage(): Promise<{ context: BrowserContext; page: Page }>;
  /** Saves a full-page PNG as test-artifacts/console/<name>.png. */
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

export async function startBrowser(): Promise<TestBrowser> {
  // No silent skip: without Chromium the console tests must fail (.ci/run installs it).
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return {
    browser,
    async newPage() {
      const context = await browser.newContext({ viewport: { width: 1366, height: 850 } });
      return { context, page: await context.newPage() };
    },
    async screenshot(page, name) {
      const file = join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      await browser.close();
    },
  };
}
