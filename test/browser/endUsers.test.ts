import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Frame } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDirectory } from '../../src/main/config.js';
import { DIRECTORY_SECTIONS } from '../../src/main/platforms.js';
import { type SlackWorld, startSlackWorld } from '../e2e/slackSetup.js';
import { json, waitFor } from '../support/harness.js';
import { TestSmtp } from '../support/smtp.js';
import { type Browser, hasChromium, launchChromium } from './chromium.js';

/**
 * The end user's side in headless Chromium (README "Verified end users", "Offline messages",
 * "Email"): a message left while closed, answered in Slack, continued from the email's link;
 * a verified user on a host site, with their context, who comes back in another tab.
 */
const SECRET = 'browser-identity-secret-01';
const directory = parseDirectory(
  `
queues:
  - { id: it-support, name: IT Support, slack: { channel: C0ITSUPPORT }, context: [plan] }
  - id: night
    name: Night Desk
    offline: true
    slack: { channel: C0NIGHT }
    hours: { timezone: Europe/Berlin, open: [], closedMessage: We answer in the morning. }
agents:
  - { id: alice, firstName: Alice, lastName: Ng, email: alice@example.com, permissions: [ESChat_Agent], queues: [it-support, night], slack: { userId: U0ALICE } }
`,
  'browser-end-users.yaml',
  DIRECTORY_SECTIONS,
);

/** The host site: its server signs the user, its page embeds the chat. */
async function hostSite(page: () => string): Promise<{ origin: string; server: Server }> {
  const server = createServer((req, res) => {
    if (!req.url?.startsWith('/account')) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { origin: `http://localhost:${(server.address() as AddressInfo).port}`, server };
}

let w: SlackWorld;
let smtp: TestSmtp;
let browser: Browser;
let site: { origin: string; server: Server };
beforeAll(async () => {
  if (!hasChromium) return;
  const hash = createHmac('sha256', SECRET).update('emp-42').digest('hex');
  site = await hostSite(
    () => `<!doctype html><title>Intranet</title><h1>Account</h1>
<script>window.switchboard = { user: { id: "emp-42", name: "Jane Doe", email: "jane@example.com", hash: "${hash}" }, attributes: { plan: "Enterprise" } };</script>
<script src="${w.h.url}/embed.js" data-queue="it-support" async></script>`,
  );
  smtp = await TestSmtp.start();
  [w, browser] = await Promise.all([
    startSlackWorld(
      { SMTP_URL: smtp.url, EMAIL_AFTER_SECONDS: '1', IDENTITY_SECRET: SECRET, ALLOWED_ORIGINS: site.origin },
      directory,
    ),
    launchChromium(),
  ]);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await w?.stop();
  await smtp?.close();
  site?.server.close();
});

const rootTs = (channel: string) =>
  waitFor(() => w.fake.messages(channel).find((m) => !m.thread_ts)?.ts as string | undefined, 10_000, 'the root');

describe.skipIf(!hasChromium)('the end user in headless Chromium', () => {
  it('leaves a message while closed, closes the tab, gets the Slack answer by email, follows the link and goes on', async () => {
    const first = await browser.page();
    await first.page.goto(`${w.h.url}/?queue=night`);
    await expect.poll(() => first.page.textContent('#start-button')).toBe('Leave a message');
    expect(await first.page.textContent('#closed-message')).toBe('We answer in the morning.');
    expect(await first.page.isVisible('#offline-hint')).toBe(true);
    await first.page.fill('input[name=name]', 'Olga');
    // Without an email the browser will not send it (the server would refuse it too).
    expect(await first.page.getAttribute('input[name=email]', 'required')).not.toBeNull();
    await first.page.fill('input[name=email]', 'olga@example.com');
    await first.page.fill('textarea[name=text]', 'The printer on floor 3 is jammed');
    await first.page.click('#start button[type=submit]');
    await expect.poll(() => first.page.textContent('#status')).toBe('Message left · we will answer by email');
    await first.page.locator('#messages li', { hasText: 'The printer on floor 3 is jammed' }).waitFor();
    expect(first.problems).toEqual([]);
    await first.page.close();

    // Alice, in Slack: Reply on the offline message, then her answer in the thread.
    const ts = await rootTs('C0NIGHT');
    const [id] = await w.h.service.ctx.store.lists.read('offline', 'night');
    expect((await w.slack.click('U0ALICE', 'accept', { sessionId: id }, { channel: 'C0NIGHT', ts })).status).toBe(200);
    await waitFor(async () => (await w.h.service.ctx.store.sessions.get(id!))?.status === 'active', 5000, 'replied');
    await w.slack.reply('U0ALICE', 'C0NIGHT', ts, 'Cleared it, try again please').sent;

    // The answer arrives by email, with the link back into the chat.
    const mail = await waitFor(() => smtp.mails.find((m) => m.to.includes('olga@example.com')), 15_000, 'the email');
    expect(mail.text).toContain('Alice: Cleared it, try again please');
    const sent = new URL(/Continue the chat here: (\S+)/.exec(mail.text)![1]!);
    // PUBLIC_URL is the service's own address in production; here the harness's random port.
    const link = new URL(sent.pathname + sent.search, w.h.url);

    const again = await browser.page();
    await again.page.goto(link.href);
    await again.page.locator('#messages li.agent', { hasText: 'Cleared it, try again please' }).waitFor();
    expect(await again.page.locator('#messages li', { hasText: 'The printer on floor 3 is jammed' }).count()).toBe(1);
    await expect.poll(() => again.page.textContent('#status')).toBe('Connected to an agent');
    // The signature left the address bar.
    expect(again.page.url()).not.toContain('sig=');
    await again.page.fill('#compose input[name=text]', 'Works now, thanks!');
    await again.page.press('#compose input[name=text]', 'Enter');
    await w.fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.args.thread_ts === ts &&
        String(c.args.text).includes('Works now, thanks!'),
    );
    expect(again.problems).toEqual([]);

    // A tampered link opens nothing.
    const bad = await browser.page();
    await bad.page.goto(`${w.h.url}/?chat=${encodeURIComponent(id!)}&sig=forged`);
    await expect.poll(() => bad.page.textContent('#start-error')).toBe('This link is not valid.');
    expect(await bad.page.isHidden('#conversation')).toBe(true);
  }, 90_000);

  it('a verified user on the host site: signed, in context, and back in their chat from another tab', async () => {
    const { page, problems } = await browser.page();
    await page.goto(`${site.origin}/account?tab=billing`);
    const frame = (await (await page.locator('iframe.switchboard-chat').elementHandle())!.contentFrame()) as Frame;
    await frame.waitForLoadState('load');
    // The host site gave the name and email: the form does not ask for them.
    await expect.poll(() => frame.isHidden('#name-field')).toBe(true);
    await frame.fill('textarea[name=text]', 'Cannot see my payslip');
    await frame.click('#start button[type=submit]');
    await frame.locator('#messages li', { hasText: 'Cannot see my payslip' }).waitFor();
    const [id] = await w.h.service.ctx.store.lists.read('waiting', 'it-support');
    const session = (await w.h.service.ctx.store.sessions.get(id!))!;
    expect(session).toMatchObject({
      verified: true,
      endUser: { id: 'emp-42', name: 'Jane Doe', email: 'jane@example.com' },
    });
    expect(session.context).toEqual({
      pageUrl: `${site.origin}/account?tab=billing`,
      attributes: { plan: 'Enterprise' },
    });
    // Agents see who and where in Slack.
    await w.fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.args.channel === 'C0ITSUPPORT' &&
        !c.args.thread_ts &&
        JSON.stringify(c.args.blocks).includes('✔ verified: emp-42') &&
        JSON.stringify(c.args.blocks).includes('Enterprise'),
    );

    // Another tab (another device, as far as the chat can tell): the same chat comes back.
    await json(`${w.h.url}/api/v1/sessions/${id}/accept`, {
      method: 'POST',
      apiKey: 'test-key',
      body: { agentId: 'alice' },
    });
    await json(`${w.h.url}/api/v1/sessions/${id}/agent-messages`, {
      method: 'POST',
      apiKey: 'test-key',
      body: { agentId: 'alice', text: 'Looking into it, Jane' },
    });
    const other = await browser.page();
    await other.page.goto(`${site.origin}/account`);
    const frame2 = (await (await other.page
      .locator('iframe.switchboard-chat')
      .elementHandle())!.contentFrame()) as Frame;
    await frame2.locator('#messages li.agent', { hasText: 'Looking into it, Jane' }).waitFor();
    await frame2.locator('#messages li', { hasText: 'Cannot see my payslip' }).waitFor();
    // The first tab's token was replaced; it takes the chat back when it next sends.
    await frame.fill('#compose input[name=text]', 'Sent from the first tab');
    await frame.press('#compose input[name=text]', 'Enter');
    await frame2.locator('#messages li.user', { hasText: 'Sent from the first tab' }).waitFor();
    expect([...problems, ...other.problems]).toEqual([]);
  }, 90_000);
});
