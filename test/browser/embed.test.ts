import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Frame } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, json, startHarness } from '../support/harness.js';
import { type Browser, hasChromium, launchChromium } from './chromium.js';

/** A site of its own origin (http://localhost:<port>, the service being http://127.0.0.1:<port>) whose page embeds the chat. */
async function site(page: () => string): Promise<{ origin: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url !== '/') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { origin: `http://localhost:${(server.address() as AddressInfo).port}`, server };
}

let h: Harness;
let browser: Browser;
let shop: { origin: string; server: Server };
let stranger: { origin: string; server: Server };
beforeAll(async () => {
  if (!hasChromium) return;
  const embedding = () =>
    `<!doctype html><title>Shop</title><h1>Shop</h1><script src="${h.url}/embed.js" data-queue="it-support" async></script>`;
  [shop, stranger] = await Promise.all([site(embedding), site(embedding)]);
  [h, browser] = await Promise.all([startHarness({ env: { ALLOWED_ORIGINS: shop.origin } }), launchChromium()]);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await h?.stop();
  shop?.server.close();
  stranger?.server.close();
});

async function chatFrame(pageUrl: string) {
  const { page, problems } = await browser.page();
  await page.goto(pageUrl);
  const iframe = page.locator('iframe.switchboard-chat');
  await iframe.waitFor();
  const frame = (await (await iframe.elementHandle())!.contentFrame()) as Frame;
  await frame.waitForLoadState('load');
  return { page, frame, problems };
}

describe.skipIf(!hasChromium)('embed.js', () => {
  it('puts the chat on a page of an allowed site, with its queue, and the chat works there', async () => {
    const { page, frame, problems } = await chatFrame(`${shop.origin}/`);
    expect(frame.url()).toBe(`${h.url}/?embed=1&queue=it-support`);
    expect(await page.title()).toBe('Shop');
    await expect.poll(() => frame.inputValue('select[name=queue]')).toBe('it-support');
    expect(await frame.isHidden('select[name=queue]')).toBe(true);

    await frame.fill('input[name=name]', 'Yan');
    await frame.fill('textarea[name=text]', 'Where is my order?');
    await frame.click('#start button[type=submit]');
    await frame.locator('#messages li', { hasText: 'Where is my order?' }).waitFor();
    // The only chat of this service (the frame may have no storage to read it from: third-party storage is blocked).
    const [id] = await h.service.ctx.store.lists.read('waiting', 'it-support');
    await json(`${h.url}/api/v1/sessions/${id}/accept`, {
      method: 'POST',
      apiKey: 'test-key',
      body: { agentId: 'bob' },
    });
    await json(`${h.url}/api/v1/sessions/${id}/agent-messages`, {
      method: 'POST',
      apiKey: 'test-key',
      body: { agentId: 'bob', text: 'On its way!' },
    });
    await frame.locator('#messages li.agent', { hasText: 'On its way!' }).waitFor();
    expect(problems).toEqual([]);
  }, 60_000);

  it('is refused by the browser on a site that is not in ALLOWED_ORIGINS (frame-ancestors)', async () => {
    const { frame, problems } = await chatFrame(`${stranger.origin}/`);
    expect(await frame.locator('#start').count()).toBe(0);
    expect(problems.join('\n')).toMatch(/frame-ancestors/);
  }, 60_000);
});
