import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's chromium package (CHROMIUM_PATH to use another). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

if (!hasChromium) {
  const message = `browser tests: no chromium at ${CHROMIUM}; install it with: sudo apt-get install -y chromium (or set CHROMIUM_PATH)`;
  // CI (.ci/run) installs chromium and asks for the browser tests: there a missing browser is a failure, not a skip.
  if (process.env.SWITCHBOARD_REQUIRE_BROWSER === '1') throw new Error(message);
  console.warn(`${message}. Skipped.`);
}

export interface Browser {
  context: BrowserContext;
  /** A new tab that records the CSP violations and script errors it sees. */
  page(): Promise<{ page: Page; problems: string[] }>;
  close(): Promise<void>;
}

/** Headless chromium on a fresh profile, with nothing running in the background. */
export async function launchChromium(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'sb-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async page() {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
      });
      page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
      return { page, problems };
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
