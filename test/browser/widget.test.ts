import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, json, startHarness } from '../support/harness.js';
import { type Browser, hasChromium, launchChromium } from './chromium.js';

let h: Harness;
let browser: Browser;
beforeAll(async () => {
  if (!hasChromium) return;
  [h, browser] = await Promise.all([startHarness(), launchChromium()]);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

const agent = (id: string, path: string, body: Record<string, unknown>) =>
  json(`${h.url}/api/v1/sessions/${id}/${path}`, { method: 'POST', apiKey: 'test-key', body });

describe.skipIf(!hasChromium)('the widget in headless Chromium', () => {
  it('starts a chat, shows an agent reply live, resumes after a reload, and ends', async () => {
    const { page, problems } = await browser.page();
    await page.goto(`${h.url}/`);
    await page.locator('select[name=queue] option[value=it-support]').waitFor({ state: 'attached' });
    await page.fill('input[name=name]', 'Zed');
    await page.selectOption('select[name=queue]', 'it-support');
    await page.fill('textarea[name=text]', 'My printer is on fire');
    await page.click('#start button[type=submit]');

    const messages = page.locator('#messages li');
    await expect.poll(() => page.textContent('#status')).toMatch(/^Waiting for an agent · #\d+ in line/);
    await messages.filter({ hasText: 'My printer is on fire' }).waitFor();
    // The page keeps its chat in sessionStorage (evaluated as a string: the tests compile without DOM types).
    const stored = JSON.parse(
      (await page.evaluate<string | null>('sessionStorage.getItem("switchboard")')) ?? '{}',
    ) as { id?: string };
    const id = stored.id!;
    expect(id).toMatch(/^[A-Za-z0-9_.-]{8,40}$/);

    // An agent answers through the API; the page shows it without being asked.
    expect((await agent(id, 'accept', { agentId: 'alice' })).status).toBe(200);
    expect((await agent(id, 'agent-messages', { agentId: 'alice', text: 'Hello Zed, Alice here' })).status).toBe(202);
    const reply = page.locator('#messages li.agent', { hasText: 'Hello Zed, Alice here' });
    await reply.waitFor();
    expect(await reply.locator('.name').textContent()).toBe('Alice');
    await expect.poll(() => page.textContent('#status')).toBe('Connected to an agent');

    await page.fill('#compose input[name=text]', 'Thanks!');
    await page.press('#compose input[name=text]', 'Enter');
    await messages.filter({ hasText: 'Thanks!' }).waitFor();
    await expect
      .poll(async () =>
        (await json(`${h.url}/api/v1/sessions/${id}/messages`, { apiKey: 'test-key' })).body.messages.map(
          (m: { text?: string }) => m.text,
        ),
      )
      .toContain('Thanks!');

    // Reload: the same chat comes back from the transcript, each line once, and stays live.
    await page.reload();
    await messages.filter({ hasText: 'Thanks!' }).waitFor();
    const texts = await page.locator('#messages li .text').allTextContents();
    for (const t of ['My printer is on fire', 'Hello Zed, Alice here', 'Thanks!'])
      expect(
        texts.filter((x) => x === t),
        t,
      ).toHaveLength(1);
    expect(await page.isHidden('#start')).toBe(true);
    await agent(id, 'agent-messages', { agentId: 'alice', text: 'Still there?' });
    await page.locator('#messages li.agent', { hasText: 'Still there?' }).waitFor();

    await page.click('#end');
    await expect.poll(() => page.textContent('#status')).toBe('Chat ended');
    expect(await page.isHidden('#compose')).toBe(true);
    expect((await json(`${h.url}/api/v1/sessions/${id}`, { apiKey: 'test-key' })).body.session.status).toBe('ended');
    expect(problems).toEqual([]);
  }, 60_000);

  it('picks the topic from ?queue= and hides the choice', async () => {
    const { page, problems } = await browser.page();
    await page.goto(`${h.url}/?queue=hr`);
    await expect.poll(() => page.inputValue('select[name=queue]')).toBe('hr');
    expect(await page.isHidden('select[name=queue]')).toBe(true);
    await page.goto(`${h.url}/?queue=nope`);
    await page.locator('select[name=queue] option[value=hr]').waitFor({ state: 'attached' });
    expect(await page.isVisible('select[name=queue]')).toBe(true);
    expect(problems).toEqual([]);
  }, 30_000);

  it('shows the place in line, and moves it up live when someone ahead is taken', async () => {
    // Someone is already waiting in the queue.
    const ahead = await json(`${h.url}/api/v1/sessions`, {
      method: 'POST',
      body: { queue: 'it-support', user: { name: 'First' } },
    });
    const { page, problems } = await browser.page();
    await page.goto(`${h.url}/`);
    await page.locator('select[name=queue] option[value=it-support]').waitFor({ state: 'attached' });
    await page.fill('input[name=name]', 'Second');
    await page.selectOption('select[name=queue]', 'it-support');
    await page.click('#start button[type=submit]');
    await expect.poll(() => page.textContent('#status')).toMatch(/#\d+ in line/);
    const n = Number(/#(\d+) in line/.exec((await page.textContent('#status')) ?? '')?.[1]);
    expect(n).toBeGreaterThanOrEqual(2);
    // The one ahead is taken: the line moves up without a reload, and the wait has a history now.
    expect((await agent(ahead.body.session.id as string, 'accept', { agentId: 'alice' })).status).toBe(200);
    await expect
      .poll(() => page.textContent('#status'))
      .toMatch(new RegExp(`#${n - 1} in line · (about \\d+ min|less than a minute)`));
    expect(problems).toEqual([]);
  });
});
