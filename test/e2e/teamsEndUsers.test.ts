import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDirectory } from '../../src/main/config.js';
import { DIRECTORY_SECTIONS } from '../../src/main/platforms.js';
import { json, waitFor } from '../support/harness.js';
import {
  CHANNEL,
  cardSchemaErrors,
  cardsIn,
  cardText,
  startTeamsWorld,
  TENANT,
  type TeamsWorld,
  USERS,
  verbs,
} from '../support/teamsWorld.js';

/** Verified end users, their context and offline messages, as agents see them in Teams (activities to the real CloudAdapter). */
const SECRET = 'teams-identity-secret-0001';
const NIGHT = '19:night@thread.tacv2';
const directory = (serviceUrl: string) =>
  parseDirectory(
    `
queues:
  - id: it-support
    name: IT Support
    context: [plan, account]
    teams: { channelId: "${CHANNEL}", serviceUrl: "${serviceUrl}", tenantId: ${TENANT} }
  - id: night
    name: Night Desk
    offline: true
    hours: { timezone: Europe/Berlin, open: [], closedMessage: We answer in the morning. }
    teams: { channelId: "${NIGHT}", serviceUrl: "${serviceUrl}", tenantId: ${TENANT} }
agents:
  - { id: alice, firstName: Alice, lastName: Ng, email: alice@example.com, permissions: [ESChat_Agent], queues: [it-support, night], teams: { aadObjectId: aad-alice } }
  - { id: bob, firstName: Bob, lastName: Martin, email: bob@example.com, permissions: [ESChat_Agent], queues: [it-support, night], teams: { aadObjectId: aad-bob } }
`,
    'teams-end-users.yaml',
    DIRECTORY_SECTIONS,
  );

let w: TeamsWorld;
beforeAll(async () => {
  w = await startTeamsWorld({ env: { IDENTITY_SECRET: SECRET }, directory });
});
afterAll(async () => w?.stop());

const rootOf = async (channel: string, id: string) => {
  const created = await w.fake.waitFor(
    (c) =>
      c.op === 'createConversation' &&
      c.body?.channelData?.channel?.id === channel &&
      JSON.stringify(c.body).includes(id),
  );
  return {
    card: cardsIn(created)[0]!,
    root: created.responseId!,
    thread: `${channel};messageid=${created.responseId}`,
  };
};

describe('Teams: who is asking, from where, and when nobody is there', () => {
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
          pageUrl: 'https://intranet.example.com/vpn',
          attributes: { plan: '**Pro** [x](https://evil.example)', account: 'Finance', hidden: 'x' },
        },
      },
    });
    expect(r.status).toBe(201);
    const { card } = await rootOf(CHANNEL, r.body.session.id);
    const facts = JSON.stringify(card);
    expect(facts).toContain('✔ verified: emp-7');
    expect(facts).toContain('jane@example.com');
    expect(facts).toContain('[https://intranet.example.com/vpn](https://intranet.example.com/vpn)');
    expect(facts).toContain('"title":"plan"');
    expect(facts).toContain('"title":"account"');
    expect(facts).toContain('Finance');
    // The end user's words stay literal: no bold, no link of theirs.
    expect(facts).not.toContain('"**Pro**');
    expect(facts).toContain(String.raw`\\*\\*Pro\\*\\* \\[x\\](https://evil.example)`);
    expect(facts).not.toContain('hidden');

    const plain = await json(`${w.h.url}/api/v1/sessions`, {
      method: 'POST',
      body: { queue: 'it-support', user: { name: 'Zed' } },
    });
    expect(cardText((await rootOf(CHANNEL, plain.body.session.id)).card)).toContain('unverified');
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
    const { card, root, thread } = await rootOf(NIGHT, id);
    expect(cardText(card)).toContain('Offline message from Olga');
    expect(verbs(card)).toEqual(['accept', 'end']);
    expect(cardText(card)).toContain('Reply');

    const replied = await w.teams.post(w.teams.invoke(USERS.alice, thread, 'accept', { sessionId: id }, root));
    expect(verbs(replied.body.value)).toContain('end');
    expect(await w.h.service.ctx.store.sessions.get(id)).toMatchObject({ status: 'active', ownerId: 'alice' });
    await w.teams.post(w.teams.threadMessage(USERS.alice, thread, 'Fixed it this morning', { mention: true }));
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

    const other = await leave('Never mind');
    const second = await rootOf(NIGHT, other.body.session.id);
    await w.teams.post(
      w.teams.invoke(USERS.bob, second.thread, 'end', { sessionId: other.body.session.id }, second.root),
    );
    await waitFor(
      async () => (await w.h.service.ctx.store.sessions.get(other.body.session.id))?.status === 'ended',
      5000,
      'closed',
    );
    // Every card sent is Adaptive Cards 1.5 (when ../shared/specs is there to check it).
    const errors = cardSchemaErrors(w);
    if (errors) expect(errors).toEqual([]);
  });
});
