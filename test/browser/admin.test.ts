import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';
import { type Browser, hasChromium, launchChromium } from './chromium.js';

const TOKEN = 'admin-token-for-tests-0123456789';
let h: Harness;
let browser: Browser;
beforeAll(async () => {
  if (!hasChromium) return;
  [h, browser] = await Promise.all([startHarness({ env: { ADMIN_TOKEN: TOKEN } }), launchChromium()]);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

describe.skipIf(!hasChromium)('the queue dashboard in headless Chromium', () => {
  it('logs in through the form and renders the queues under its CSP', async () => {
    const { page, problems } = await browser.page();
    await page.goto(`${h.url}/admin/queues`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    await page.fill('input[name=token]', TOKEN);
    await page.click('button[type=submit]');
    for (const name of ['invites', 'outbox', 'homes']) await page.getByText(name, { exact: true }).first().waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/queues');
    // The dashboard asks for Google's web fonts; the CSP keeps operator pages off third parties.
    expect(problems.filter((p) => !p.includes('fonts.googleapis.com'))).toEqual([]);
  }, 60_000);
});
