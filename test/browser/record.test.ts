import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endSession } from '../../src/app/sessions.js';
import { json } from '../support/harness.js';
import { startRecordHarness } from '../support/record.js';
import { type Browser, hasChromium, launchChromium } from './chromium.js';

/** The end user's rating and transcript download, in the widget, in a real headless Chromium. */
let w: Awaited<ReturnType<typeof startRecordHarness>>;
let browser: Browser;
beforeAll(async () => {
  if (!hasChromium) return;
  [w, browser] = await Promise.all([startRecordHarness(), launchChromium()]);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await w?.stop();
});

const agent = (id: string, path: string, body: Record<string, unknown>) =>
  json(`${w.h.url}/api/v1/sessions/${id}/${path}`, { method: 'POST', apiKey: 'test-key', body });

describe.skipIf(!hasChromium)('the widget after the end, in headless Chromium', () => {
  it('offers a rating once the chat has ended, takes it once, and downloads what the end user saw', async () => {
    const { page, problems } = await browser.page();
    await page.goto(`${w.h.url}/?queue=it-support`);
    await page.fill('input[name=name]', 'Zed');
    await page.fill('textarea[name=text]', 'My screen is blank');
    await page.click('#start button[type=submit]');
    await page.locator('#messages li', { hasText: 'My screen is blank' }).waitFor();
    const id = (
      JSON.parse((await page.evaluate<string | null>('sessionStorage.getItem("switchboard")')) ?? '{}') as {
        id: string;
      }
    ).id;
    expect(await page.isHidden('#after')).toBe(true);

    await agent(id, 'accept', { agentId: 'alice' });
    await agent(id, 'agent-messages', { agentId: 'alice', text: 'Is it plugged in?' });
    await agent(id, 'agent-messages', { agentId: 'alice', text: 'note: third time this week' });
    await page.locator('#messages li.agent', { hasText: 'Is it plugged in?' }).waitFor();
    // Alice ends it: the page offers the rating and the download.
    await endSession(w.h.service.ctx, id, 'alice');
    await page.locator('#rate').waitFor();
    expect(await page.isVisible('#download')).toBe(true);

    await page.check('#rate input[name=score][value="4"]');
    await page.fill('#rate textarea[name=comment]', 'Quick, thanks');
    await page.click('#rate button[type=submit]');
    await page.locator('#rated').waitFor();
    expect(await page.isHidden('#rate')).toBe(true);
    expect((await json(`${w.h.url}/api/v1/sessions/${id}`, { apiKey: 'test-key' })).body.session.rating).toEqual({
      score: 4,
      comment: 'Quick, thanks',
    });

    // Rated already: after a reload the page thanks instead of asking again.
    await page.reload();
    await page.locator('#rated').waitFor();
    expect(await page.isHidden('#rate')).toBe(true);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    expect(download.suggestedFilename()).toMatch(/^chat-[A-Z0-9]{6}\.txt$/);
    const text = readFileSync((await download.path())!, 'utf8');
    expect(text).toContain('] Zed: My screen is blank');
    expect(text).toContain('] Alice: Is it plugged in?');
    expect(text).not.toContain('third time');
    expect(problems).toEqual([]);
  }, 60_000);
});
