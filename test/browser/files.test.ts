import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, json, startHarness } from '../support/harness.js';
import { type Browser, hasChromium, launchChromium } from './chromium.js';

/** A real 1×1 PNG: the thumbnail must decode in the browser. */
const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const dir = mkdtempSync(join(tmpdir(), 'sb-browser-files-'));

let h: Harness;
let browser: Browser;
beforeAll(async () => {
  if (!hasChromium) return;
  [h, browser] = await Promise.all([startHarness({ env: { FILES_DIR: dir } }), launchChromium()]);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await h?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasChromium)('the widget sends files, in headless Chromium', () => {
  it('attaches an image, shows its thumbnail (loaded with the chat token under the CSP), and says why a disguised file is refused', async () => {
    const { page, problems } = await browser.page();
    await page.goto(`${h.url}/`);
    await page.locator('select[name=queue] option[value=it-support]').waitFor({ state: 'attached' });
    await page.fill('input[name=name]', 'Zed');
    await page.click('#start button[type=submit]');
    await expect.poll(() => page.textContent('#status')).toMatch(/^Waiting for an agent · #1 in line/);
    const stored = JSON.parse(
      (await page.evaluate<string | null>('sessionStorage.getItem("switchboard")')) ?? '{}',
    ) as { id?: string };

    await page.setInputFiles('#attach', { name: 'pixel.png', mimeType: 'image/png', buffer: PIXEL });
    const thumb = page.locator('#messages li.user img.thumb');
    await thumb.waitFor();
    expect(await thumb.getAttribute('alt')).toBe('pixel.png');
    // Decoded: the image came back through GET .../files/:id with the token.
    // (Evaluated as a string: the tests compile without DOM types.)
    await expect
      .poll(() => page.evaluate<number>("document.querySelector('#messages li.user img.thumb').naturalWidth"))
      .toBe(1);
    expect(await page.textContent('#messages li.user a.file')).toContain('📎 pixel.png');
    const messages = (await json(`${h.url}/api/v1/sessions/${stored.id}/messages`, { apiKey: 'test-key' })).body
      .messages as Array<{ file?: { name: string } }>;
    expect(messages.filter((m) => m.file).map((m) => m.file!.name)).toEqual(['pixel.png']);

    // Text pretending to be an image: refused, and the page says why.
    await page.setInputFiles('#attach', {
      name: 'fake.png',
      mimeType: 'image/png',
      buffer: Buffer.from('not really an image'),
    });
    await expect.poll(() => page.textContent('#status')).toContain('does not match its name');
    expect(await page.locator('#messages li a.file').count()).toBe(1);
    expect(problems).toEqual([]);
  }, 60_000);
});
