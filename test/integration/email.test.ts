import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDirectory } from '../../src/main/config.js';
import { DIRECTORY_SECTIONS } from '../../src/main/platforms.js';
import { type Harness, json, startHarness, waitFor } from '../support/harness.js';
import { TestSmtp } from '../support/smtp.js';

/** Email continuation (README "Email"), against a real SMTP server in the test process. */
const directory = parseDirectory(
  `
queues:
  - { id: it-support, name: IT Support }
  - id: night
    name: Night Desk
    offline: true
    hours: { timezone: Europe/Berlin, open: [], closedMessage: We answer in the morning. }
agents:
  - { id: alice, firstName: Alice, lastName: Ng, email: alice@example.com, permissions: [ESChat_Agent], queues: [it-support, night] }
`,
  'email.yaml',
  DIRECTORY_SECTIONS,
);

let smtp: TestSmtp;
let h: Harness;
let quiet: Harness;
beforeAll(async () => {
  smtp = await TestSmtp.start();
  [h, quiet] = await Promise.all([
    startHarness({
      directory,
      env: {
        SMTP_URL: smtp.url,
        MAIL_FROM: 'Support <support@example.com>',
        EMAIL_AFTER_SECONDS: '1',
        PUBLIC_URL: 'http://chat.example.test:3000',
      },
    }),
    // No SMTP_URL: nothing is emailed.
    startHarness({ directory }),
  ]);
});
afterAll(async () => {
  await Promise.all([h?.stop(), quiet?.stop()]);
  await smtp?.close();
});

const agent = (on: Harness, id: string, path: string, body: Record<string, unknown>) =>
  json(`${on.url}/api/v1/sessions/${id}/${path}`, { method: 'POST', apiKey: 'test-key', body });
const mailsTo = (to: string) => smtp.mails.filter((m) => m.to.includes(to));
const linkIn = (text: string) => /Continue the chat here: (\S+)/.exec(text)?.[1];

describe('email continuation', () => {
  it('an answer the end user was not there for arrives by email once, with a link that opens the chat with a new token', async () => {
    const r = await json(`${h.url}/api/v1/sessions`, {
      method: 'POST',
      body: { queue: 'it-support', user: { name: 'Pia', email: 'pia@example.com' }, text: 'Printer?' },
    });
    const id = r.body.session.id as string;
    await agent(h, id, 'accept', { agentId: 'alice' });
    await agent(h, id, 'agent-messages', { agentId: 'alice', text: 'Hi Pia, is it plugged in?' });
    await agent(h, id, 'agent-messages', { agentId: 'alice', text: 'Also: which floor?' });
    const [mail] = await waitFor(
      () => (mailsTo('pia@example.com').length > 0 ? mailsTo('pia@example.com') : undefined),
      15_000,
      'the email',
    );
    expect(mail!.from).toBe('support@example.com');
    expect(mail!.subject).toContain(r.body.session.ref);
    expect(mail!.text).toContain('Alice: Hi Pia, is it plugged in?');
    expect(mail!.text).toContain('Alice: Also: which floor?');
    const link = new URL(linkIn(mail!.text)!);
    expect(link.origin).toBe('http://chat.example.test:3000');
    expect(link.searchParams.get('chat')).toBe(id);

    // One per interval: a third message right away waits for the next one, then comes alone in a new email.
    await agent(h, id, 'agent-messages', { agentId: 'alice', text: 'Third thing' });
    await new Promise((res) => setTimeout(res, 300));
    expect(mailsTo('pia@example.com')).toHaveLength(1);
    await waitFor(() => mailsTo('pia@example.com').length === 2, 15_000, 'the second email');
    expect(mailsTo('pia@example.com')[1]!.text).toContain('Third thing');

    // The link opens the chat: a new token that reads it; a tampered one is 403 and changes nothing.
    const sig = link.searchParams.get('sig')!;
    expect(
      (
        await json(`${h.url}/api/v1/sessions/${id}/continue`, {
          method: 'POST',
          body: { sig: `${sig.slice(0, -2)}xx` },
        })
      ).status,
    ).toBe(403);
    expect((await json(`${h.url}/api/v1/sessions/${id}/messages`, { token: r.body.token })).status).toBe(200);
    const opened = await json(`${h.url}/api/v1/sessions/${id}/continue`, { method: 'POST', body: { sig } });
    expect(opened.status).toBe(200);
    expect(opened.body.session.id).toBe(id);
    const seen = await json(`${h.url}/api/v1/sessions/${id}/messages`, { token: opened.body.token });
    expect(seen.body.messages.map((m: { text?: string }) => m.text)).toContain('Third thing');
    // It expires with the chat.
    await json(`${h.url}/api/v1/sessions/${id}/end`, { method: 'POST', token: opened.body.token });
    expect((await json(`${h.url}/api/v1/sessions/${id}/continue`, { method: 'POST', body: { sig } })).status).toBe(410);
    // Counted for operators.
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/switchboard_continuation_emails_total\{outcome="sent"\} [2-9]/);
  }, 40_000);

  it('no email while the end user holds the chat open, nor without an email address', async () => {
    const r = await json(`${h.url}/api/v1/sessions`, {
      method: 'POST',
      body: { queue: 'it-support', user: { name: 'Ola', email: 'ola@example.com' } },
    });
    const id = r.body.session.id as string;
    const stream = new AbortController();
    const res = await fetch(
      `${h.url}/api/v1/sessions/${id}/events?token=${encodeURIComponent(r.body.token as string)}`,
      { signal: stream.signal },
    );
    expect(res.status).toBe(200);
    const none = await json(`${h.url}/api/v1/sessions`, {
      method: 'POST',
      body: { queue: 'it-support', user: { name: 'Nomail' } },
    });
    for (const s of [id, none.body.session.id as string]) {
      await agent(h, s, 'accept', { agentId: 'alice' });
      await agent(h, s, 'agent-messages', { agentId: 'alice', text: 'Here I am' });
    }
    await new Promise((res) => setTimeout(res, 2_500));
    expect(mailsTo('ola@example.com')).toHaveLength(0);
    stream.abort();
  }, 20_000);

  it("an offline message's answer always gets one, even with the chat open; later ones as for any chat", async () => {
    const r = await json(`${h.url}/api/v1/sessions`, {
      method: 'POST',
      body: { queue: 'night', offline: true, user: { name: 'Ute', email: 'ute@example.com' }, text: 'Call me' },
    });
    expect(r.status).toBe(201);
    const id = r.body.session.id as string;
    const stream = new AbortController();
    expect(
      (
        await fetch(`${h.url}/api/v1/sessions/${id}/events?token=${encodeURIComponent(r.body.token as string)}`, {
          signal: stream.signal,
        })
      ).status,
    ).toBe(200);
    await agent(h, id, 'accept', { agentId: 'alice' });
    await agent(h, id, 'agent-messages', { agentId: 'alice', text: 'Good morning Ute' });
    const [mail] = await waitFor(
      () => (mailsTo('ute@example.com').length > 0 ? mailsTo('ute@example.com') : undefined),
      15_000,
      'the email',
    );
    expect(mail!.text).toContain('Alice: Good morning Ute');
    // She is reading along: the next answer is not emailed.
    await new Promise((res) => setTimeout(res, 1_100));
    await agent(h, id, 'agent-messages', { agentId: 'alice', text: 'Anything else?' });
    await new Promise((res) => setTimeout(res, 2_500));
    expect(mailsTo('ute@example.com')).toHaveLength(1);
    stream.abort();
  }, 30_000);

  it('without SMTP_URL nothing is emailed', async () => {
    expect(quiet.service.ctx.mail).toBeUndefined();
    const r = await json(`${quiet.url}/api/v1/sessions`, {
      method: 'POST',
      body: { queue: 'it-support', user: { name: 'Quinn', email: 'quinn@example.com' } },
    });
    const id = r.body.session.id as string;
    await agent(quiet, id, 'accept', { agentId: 'alice' });
    expect((await agent(quiet, id, 'agent-messages', { agentId: 'alice', text: 'Hello' })).status).toBe(202);
    await new Promise((res) => setTimeout(res, 1_500));
    expect(mailsTo('quinn@example.com')).toHaveLength(0);
  });
});
