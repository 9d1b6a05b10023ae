import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDirectory } from '../../src/main/config.js';
import { DIRECTORY_SECTIONS } from '../../src/main/platforms.js';
import type { FakeCall } from '../support/fakeSlack.js';
import { json, waitFor } from '../support/harness.js';
import { sentPayloadTypeErrors } from '../support/slackTypes.js';
import { type SlackWorld, startSlackWorld } from './slackSetup.js';

/** Verified end users, their context and offline messages, as agents see them in Slack (signed requests to the real Bolt receiver). */
const SECRET = 'slack-identity-secret-0001';
const directory = parseDirectory(
  `
queues:
  - { id: it-support, name: IT Support, slack: { channel: C0ITSUPPORT }, context: [plan, account] }
  - id: night
    name: Night Desk
    offline: true
    slack: { channel: C0NIGHT }
    hours: { timezone: Europe/Berlin, open: [], closedMessage: We answer in the morning. }
agents:
  - { id: alice, firstName: Alice, lastName: Ng, email: alice@example.com, permissions: [ESChat_Agent], queues: [it-support, night], slack: { userId: U0ALICE } }
  - { id: bob, firstName: Bob, lastName: Martin, email: bob@example.com, permissions: [ESChat_Agent], queues: [it-support, night], slack: { userId: U0BOB } }
`,
  'slack-end-users.yaml',
  DIRECTORY_SECTIONS,
);

let w: SlackWorld;
beforeAll(async () => {
  w = await startSlackWorld({ IDENTITY_SECRET: SECRET }, directory);
});
afterAll(async () => w?.stop());

const hasAction = (call: FakeCall, verb: string) =>
  new RegExp(`"action_id":"sb:${verb.replace('.', '\\.')}(#\\d+)?"`).test(JSON.stringify(call.args.blocks ?? []));
const blocksText = (call: FakeCall) => JSON.stringify(call.args.blocks ?? []);
const rootOf = async (channel: string, id: string) => {
  const root = await w.fake.waitFor(
    (c) =>
      c.method === 'chat.postMessage' &&
      c.args.channel === channel &&
      !c.args.thread_ts &&
      JSON.stringify(c.args).includes(id),
  );
  const ts = (await waitFor(
    () => w.fake.messages(channel).find((m) => !m.thread_ts && JSON.stringify(m).includes(id))?.ts,
    5000,
    'the root ts',
  )) as string;
  return { root, ts };
};

describe('Slack: who is asking, from where, and when nobody is there', () => {
  it("the root shows the verified mark with id and email, the page as a link and the queue's attributes, escaped", async () => {
    const r = await json(`${w.h.url}/api/v1/sessions`, {
      method: 'POST',
      body: {
        queue: 'it-support',
        text: 'VPN down',
        user: {
          id: 'emp-7',
          name: 'Jane',
          email: 'jane@example.com',
          hash: createHmac('sha256', SECRET).update('emp-7').digest('hex'),
        },
        context: {
          pageUrl: 'https://intranet.example.com/vpn?a=1&b=2',
          attributes: { plan: '<!channel> & co', account: 'Finance', hidden: 'x' },
        },
      },
    });
    expect(r.status).toBe(201);
    const { root } = await rootOf('C0ITSUPPORT', r.body.session.id);
    const text = blocksText(root);
    expect(text).toContain('✔ verified: emp-7');
    expect(text).toContain('jane@example.com');
    expect(text).toContain('<https://intranet.example.com/vpn?a=1&b=2|https://intranet.example.com/vpn?a=1&amp;b=2>');
    expect(text).toContain('*plan*\\n&lt;!channel&gt; &amp; co');
    expect(text).toContain('*account*\\nFinance');
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('hidden');

    const plain = await json(`${w.h.url}/api/v1/sessions`, {
      method: 'POST',
      body: { queue: 'it-support', user: { name: 'Zed' } },
    });
    expect(blocksText((await rootOf('C0ITSUPPORT', plain.body.session.id)).root)).toContain('unverified');
  });

  it("an offline message is posted with Reply and Close; Reply makes it the replier's and the answer reaches the end user", async () => {
    const leave = (text: string) =>
      json(`${w.h.url}/api/v1/sessions`, {
        method: 'POST',
        body: { queue: 'night', offline: true, user: { name: 'Olga', email: 'olga@example.com' }, text },
      });
    const r = await leave('Printer jammed overnight');
    expect(r.status).toBe(201);
    const id = r.body.session.id as string;
    const { root, ts } = await rootOf('C0NIGHT', id);
    expect(blocksText(root)).toContain('Offline message from Olga');
    expect(hasAction(root, 'accept') && hasAction(root, 'end')).toBe(true);
    expect(blocksText(root)).toContain('Reply');
    await w.fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.args.thread_ts === ts &&
        String(c.args.text).includes('Printer jammed overnight'),
    );

    // Reply: Alice takes it; the root now shows her chat's buttons.
    expect((await w.slack.click('U0ALICE', 'accept', { sessionId: id }, { channel: 'C0NIGHT', ts })).status).toBe(200);
    await w.fake.waitFor(
      (c) => c.method === 'chat.update' && c.args.ts === ts && hasAction(c, 'end') && hasAction(c, 'invite.open'),
    );
    expect(await w.h.service.ctx.store.sessions.get(id)).toMatchObject({ status: 'active', ownerId: 'alice' });
    await w.slack.reply('U0ALICE', 'C0NIGHT', ts, 'Fixed it this morning').sent;
    await waitFor(
      async () =>
        (
          (await json(`${w.h.url}/api/v1/sessions/${id}/messages`, { token: r.body.token })).body.messages as Array<{
            text?: string;
          }>
        ).some((m) => m.text === 'Fixed it this morning'),
      5000,
      'the answer',
    );

    // Close: Bob ends another one without an answer.
    const other = await leave('Never mind');
    const second = await rootOf('C0NIGHT', other.body.session.id);
    expect(
      (await w.slack.click('U0BOB', 'end', { sessionId: other.body.session.id }, { channel: 'C0NIGHT', ts: second.ts }))
        .status,
    ).toBe(200);
    await waitFor(
      async () => (await w.h.service.ctx.store.sessions.get(other.body.session.id))?.status === 'ended',
      5000,
      'closed',
    );
  });
  it('every message, modal and home it sent Slack type-checks against @slack/types', () => {
    const [checked, errors] = sentPayloadTypeErrors(w.fake.calls(), 'endUsers');
    expect(checked).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });
});
