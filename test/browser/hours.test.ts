import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDirectory } from '../../src/main/config.js';
import { DIRECTORY_SECTIONS } from '../../src/main/platforms.js';
import { type Harness, startHarness } from '../support/harness.js';
import { type Browser, hasChromium, launchChromium } from './chromium.js';

const directory = parseDirectory(
  `
queues:
  - { id: it-support, name: IT Support }
  - id: office
    name: Office
    hours:
      timezone: Europe/Berlin
      open: [{ days: [mon, tue, wed, thu, fri], from: "08:00", to: "18:00" }]
      closedMessage: We are back at 8:00.
`,
  'hours.yaml',
  DIRECTORY_SECTIONS,
);

let h: Harness;
let browser: Browser;
beforeAll(async () => {
  if (!hasChromium) return;
  // Saturday 2026-12-05, noon in Berlin: the office opens on Monday at 08:00 (07:00 UTC).
  [h, browser] = await Promise.all([
    startHarness({ directory, now: () => Date.parse('2026-12-05T11:00:00Z') }),
    launchChromium(),
  ]);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

describe.skipIf(!hasChromium)('the widget and business hours, in headless Chromium', () => {
  it('a closed queue named by ?queue= shows its message and when it opens instead of the form', async () => {
    const { page, problems } = await browser.page();
    await page.goto(`${h.url}/?queue=office`);
    await page.locator('#closed').waitFor();
    expect(await page.textContent('#closed-message')).toBe('We are back at 8:00.');
    expect(await page.getAttribute('#opens-at', 'datetime')).toBe('2026-12-07T07:00:00.000Z');
    expect(await page.textContent('#opens-at')).toMatch(/Monday/);
    expect(await page.isHidden('#start-fields')).toBe(true);
    expect(await page.isHidden('#start button[type=submit]')).toBe(true);
    expect(problems).toEqual([]);
  }, 30_000);

  it('choosing a closed topic swaps the form for the message; an open one brings it back', async () => {
    const { page, problems } = await browser.page();
    await page.goto(`${h.url}/`);
    await page.locator('select[name=queue] option[value=office]').waitFor({ state: 'attached' });
    expect(await page.textContent('select[name=queue] option[value=office]')).toBe('Office (closed)');
    expect(await page.isVisible('#start-fields')).toBe(true);
    expect(await page.isHidden('#closed')).toBe(true);
    await page.selectOption('select[name=queue]', 'office');
    await page.locator('#closed').waitFor();
    expect(await page.isHidden('#start-fields')).toBe(true);
    expect(await page.textContent('#closed-message')).toBe('We are back at 8:00.');
    await page.selectOption('select[name=queue]', 'it-support');
    await page.locator('#start-fields').waitFor();
    expect(await page.isHidden('#closed')).toBe(true);
    expect(problems).toEqual([]);
  }, 30_000);
});
