import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); Playwright's own browser downloads are not available here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Git-ignored; CI keeps it as an artefact. */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../../.ci/screenshots/', import.meta.url));

/**
 * Without the background-networking flags Chromium keeps dialling Google's hosts, which this network refuses;
 * `--no-sandbox` because CI runs as root.
 */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface BrowserSession {
  browser: Browser;
  /** A fresh context (no storage shared with other tests) and its page. */
  newPage(): Promise<{ page: Page; context: BrowserContext; consoleErrors: string[] }>;
  close(): Promise<void>;
}

/**
 * Headless Chromium in a fresh profile (Playwright gives every launch a new temporary user-data-dir); every page
 * records console errors and uncaught exceptions.
 */
export async function launchBrowser(): Promise<BrowserSession> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: FLAGS });
  return {
    browser,
    async newPage() {
      const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
      const page = await context.newPage();
      const consoleErrors: string[] = [];
      page.on('console', (message) => {
        // Chromium logs every 4xx answer; the pages handle those (a 422 shown beside its field), so they are
        // not errors of the page. Anything else logged as an error is.
        const handled = /^Failed to load resource: the server responded with a status of 4\d\d/.test(
          message.text(),
        );
        if (message.type() === 'error' && !handled) consoleErrors.push(message.text());
      });
      page.on('pageerror', (error) => consoleErrors.push(error.message));
      return { page, context, consoleErrors };
    },
    close: () => browser.close(),
  };
}

/** Saves a full-page screenshot as `.ci/screenshots/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
