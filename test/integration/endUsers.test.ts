import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InviteExpiryQueue } from '../../jobs/inviteExpiry.js';
import { parseDirectory } from '../../src/main/config.js';
import { DIRECTORY_SECTIONS } from '../../src/main/platforms.js';
import { type Harness, json, startHarness } from '../support/harness.js';

/** Verified end users, their context and offline messages on the end-user API (README "Verified end users", "Context", "Offline messages"). */
const SECRET = 'current-secret-0123456789';
const PREVIOUS = 'previous-secret-0123456789';
const sign = (id: string, secret = SECRET) => createHmac('sha256', secret).update(id).digest('hex');

const directory = parseDirectory(
  `
queues:
  - { id: it-support, name: IT Support, context: [plan, account] }
  - id: night
    name: Night Desk
    offline: true
    hours: { timezone: Europe/Berlin, open: [], closedMessage: We answer in the morning. }
    firstResponseSeconds: 30
    idleWarnSeconds: 60
    idleEndSeconds: 120
  - { id: staffed, name: Staffed, offline: true }
agents:
  - { id: alice, firstName: Alice, lastName: Ng, email: alice@example.com, permissions: [ESChat_Agent], queues: [it-support, night, staffed] }
  - { id: carol, firstName: Carol, lastName: Boss, email: carol@example.com, permissions: [ESChat_Agent], roles: [agent, supervisor], queues: [night] }
  - { id: erin, firstName: Erin, lastName: Else, email: erin@example.com, permissions: [ESChat_Agent], queues: [it-support] }
`,
  'end-users.yaml',
  DIRECTORY_SECTIONS,
);

let h: Harness;
let strict: Harness;
beforeAll(async () => {
  [h, strict] = await Promise.all([
    startHarness({ directory, env: { IDENTITY_SECRET: SECRET, IDENTITY_SECRET_PREVIOUS: PREVIOUS } }),
    startHarness({ directory, env: { IDENTITY_SECRET: SECRET, REQUIRE_IDENTITY: 'true' } }),
  ]);
});
afterAll(async () => {
  await Promise.all([h?.stop(), strict?.stop()]);
});

const start = (body: Record<string, unknown>, on = h) =>
  json(`${on.url}/api/v1/sessions`, { method: 'POST', body: { queue: 'it-support', text: 'hello', ...body } });
const agent = (id: string, path: string, body: Record<string, unknown>) =>
  json(`${h.url}/api/v1/sessions/${id}/${path}`, { method: 'POST', apiKey: 'test-key', body });
/** How many chats a service has made (each has a ref): a refusal must leave it unchanged. */
const chats = (on = h) => on.service.redis.hlen(`${on.prefix}:refs`);

describe('verified end users', () => {
  it('a good hash (current or previous secret) marks the chat verified; the root card says so with the id and email', async () => {
    const r = await start({ user: { id: 'u-jane', name: 'Jane', email: 'jane@example.com', hash: sign('u-jane') } });
    expect(r.status).toBe(201);
    expect(r.body.session.verified).toBe(true);
    expect(r.body.session.user).toEqual({ name: 'Jane', email: 'jane@example.com', id: 'u-jane' });
    const old = await start({ user: { id: 'u-old', name: 'Old', hash: sign('u-old', PREVIOUS).toUpperCase() } });
    expect(old.body.session.verified).toBe(true);
    const plain = await start({ user: { name: 'Zed' } });
    expect(plain.status).toBe(201);
    expect(plain.body.session.verified).toBe(false);

    const root = async (id: string) => {
      for (let i = 0; i < 100; i++) {
        const c = h.recording.calls.find((x) => x.op === 'open' && x.meta?.id === id);
        if (c) return c.text;
        await new Promise((res) => setTimeout(res, 20));
      }
      throw new Error('no root');
    };
    const jane = await root(r.body.session.id);
    expect(jane).toContain('Jane (jane@example.com)');
    expect(jane).toContain('✔ verified: u-jane');
    expect(await root(plain.body.session.id)).toContain('unverified');
  });

  it('a bad hash, an id without one, and a hash with no secret to check it are 401 and store nothing', async () => {
    const before = await chats();
    for (const user of [
      { id: 'u-jane', name: 'Jane', hash: sign('u-jane', 'some-other-secret-000') },
      { id: 'u-jane', name: 'Jane', hash: sign('u-mallory') },
      { id: 'u-jane', name: 'Jane' },
    ]) {
      const r = await start({ user });
      expect(r.status, JSON.stringify(user)).toBe(401);
      expect(r.body.error.code).toBe('unauthorized');
    }
    // Not hex: the schema refuses it (400).
    expect((await start({ user: { id: 'u-jane', name: 'Jane', hash: 'zz' } })).status).toBe(400);
    expect(await chats()).toBe(before);
  });

  it('REQUIRE_IDENTITY refuses a chat without a hash (401, nothing stored) and takes a signed one', async () => {
    const before = await chats(strict);
    const r = await start({ user: { name: 'Zed', email: 'zed@example.com' } }, strict);
    expect(r.status).toBe(401);
    expect(r.body.error.message).toMatch(/verified user/);
    expect(await chats(strict)).toBe(before);
    expect((await start({ user: { id: 'u-zed', name: 'Zed', hash: sign('u-zed') } }, strict)).status).toBe(201);
  });

  it("a verified user resumes their open chat with a new token; a forged id never opens anyone else's", async () => {
    const first = await start({ user: { id: 'u-kim', name: 'Kim', email: 'kim@example.com', hash: sign('u-kim') } });
    const id = first.body.session.id as string;
    const resume = (user: Record<string, unknown>) =>
      json(`${h.url}/api/v1/sessions/resume`, { method: 'POST', body: { user } });

    const back = await resume({ id: 'u-kim', hash: sign('u-kim') });
    expect(back.status).toBe(200);
    expect(back.body.session.id).toBe(id);
    expect(back.body.token).not.toBe(first.body.token);
    expect((await json(`${h.url}/api/v1/sessions/${id}/messages`, { token: back.body.token })).status).toBe(200);

    // Someone who knows Kim's id but not the secret: 401, whatever hash they make up.
    expect((await resume({ id: 'u-kim', hash: sign('u-kim', 'guessed-secret-00000') })).status).toBe(401);
    expect((await resume({ id: 'u-kim', hash: sign('u-mallory') })).status).toBe(401);
    // Mallory, verified as herself, gets her own chats only: she has none.
    expect((await resume({ id: 'u-mallory', hash: sign('u-mallory') })).status).toBe(404);
    // Without a hash there is nothing to resume with, whatever the email.
    expect((await resume({ id: 'u-kim' })).status).toBe(400);
    expect(
      (await json(`${h.url}/api/v1/sessions/resume`, { method: 'POST', body: { user: { email: 'kim@example.com' } } }))
        .status,
    ).toBe(400);
    // An unverified chat with the same email is never anyone's to resume.
    await start({ user: { name: 'Kim', email: 'kim@example.com' } });
    const again = await resume({ id: 'u-kim', hash: sign('u-kim') });
    expect(again.body.session.id).toBe(id);
    // Each resume replaces the token: the one handed out before no longer opens the chat.
    expect((await json(`${h.url}/api/v1/sessions/${id}/messages`, { token: back.body.token })).status).toBe(403);

    // Once the chat has ended there is none to resume.
    expect((await json(`${h.url}/api/v1/sessions/${id}/end`, { method: 'POST', token: again.body.token })).status).toBe(
      200,
    );
    expect((await resume({ id: 'u-kim', hash: sign('u-kim') })).status).toBe(404);
  });
});

describe('context', () => {
  it("is kept, returned by GET and the agent-action API, and the queue's attributes and page are on the root", async () => {
    const context = {
      pageUrl: 'https://shop.example.com/billing?x=1',
      referrer: 'https://www.example.com/',
      attributes: { plan: 'Pro <b>&', account: 'ACME-42', secret: 'not shown' },
    };
    const r = await start({ user: { name: 'Ann' }, context });
    expect(r.status).toBe(201);
    const id = r.body.session.id as string;
    expect(r.body.session.context).toEqual(context);
    expect((await json(`${h.url}/api/v1/sessions/${id}`, { token: r.body.token })).body.session.context).toEqual(
      context,
    );
    const accepted = await agent(id, 'accept', { agentId: 'alice' });
    expect(accepted.body.session.context).toEqual(context);
    const root = h.recording.calls.filter((c) => c.meta?.id === id).at(-1)!;
    const facts = root.surface!.blocks.find((b) => b.type === 'facts');
    expect(JSON.stringify(facts)).toContain('"plan"');
    expect(root.text).toContain('plan: Pro <b>&');
    expect(root.text).toContain('account: ACME-42');
    expect(root.text).toContain('https://shop.example.com/billing?x=1');
    expect(root.text).not.toContain('not shown');
  });

  it('refuses too many attributes, bad keys, long values and non-http URLs with 400, storing nothing', async () => {
    const before = await chats();
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v']));
    for (const context of [
      { attributes: many },
      { attributes: { 'bad key': 'v' } },
      { attributes: { ['k'.repeat(41)]: 'v' } },
      { attributes: { plan: 'x'.repeat(201) } },
      { attributes: { plan: 3 } },
      { pageUrl: 'javascript:alert(1)' },
      { referrer: 'ftp://example.com/' },
      { pageUrl: 'not a url' },
      { other: 1 },
    ]) {
      const r = await start({ user: { name: 'Ann' }, context });
      expect(r.status, JSON.stringify(context).slice(0, 80)).toBe(400);
    }
    expect(
      (
        await start({
          user: { name: 'Ann' },
          context: { attributes: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, 'v'.repeat(200)])) },
        })
      ).status,
    ).toBe(201);
    expect(await chats()).toBe(before + 1);
  });
});

describe('offline messages', () => {
  const leave = (queue: string, body: Record<string, unknown> = {}) =>
    json(`${h.url}/api/v1/sessions`, {
      method: 'POST',
      body: {
        queue,
        offline: true,
        user: { name: 'Olga', email: 'olga@example.com' },
        text: 'Please call me back',
        ...body,
      },
    });

  it('GET /queues says which queues take a message now, with their closed text', async () => {
    const queues = (await json(`${h.url}/api/v1/queues`)).body.queues as Array<Record<string, unknown>>;
    expect(queues.find((q) => q.id === 'night')).toEqual({
      id: 'night',
      name: 'Night Desk',
      open: false,
      closedMessage: 'We answer in the morning.',
      offline: true,
    });
    expect(queues.find((q) => q.id === 'it-support')).toEqual({ id: 'it-support', name: 'IT Support', open: true });
  });

  it('a closed queue refuses a chat but takes a message with an email; without one, or where not offered, it stores nothing', async () => {
    const before = await chats();
    expect(
      (await json(`${h.url}/api/v1/sessions`, { method: 'POST', body: { queue: 'night', user: { name: 'Olga' } } }))
        .body.error.code,
    ).toBe('queue_closed');
    const noEmail = await leave('night', { user: { name: 'Olga' } });
    expect(noEmail.status).toBe(400);
    expect(JSON.stringify(noEmail.body.error.issues)).toContain('user.email');
    expect((await leave('night', { text: undefined })).status).toBe(400);
    const notOffered = await leave('it-support');
    expect(notOffered.status).toBe(409);
    expect(notOffered.body.error.code).toBe('not_offline');
    // Someone of the queue is available: start a chat instead.
    expect((await leave('staffed')).body.error.code).toBe('not_offline');
    expect(await chats()).toBe(before);

    const r = await leave('night');
    expect(r.status).toBe(201);
    expect(r.body.session.status).toBe('offline');
    const id = r.body.session.id as string;
    expect(await h.service.ctx.store.lists.read('offline', 'night')).toEqual([id]);
    expect(await h.service.ctx.store.lists.read('waiting', 'night')).toEqual([]);
    // The end user may add to it meanwhile.
    expect(
      (
        await json(`${h.url}/api/v1/sessions/${id}/messages`, {
          method: 'POST',
          token: r.body.token,
          body: { text: 'My number is 555' },
        })
      ).status,
    ).toBe(202);
  });

  it('a queue whose agents are all away takes messages too', async () => {
    await h.service.ctx.store.sessions.setAvailable('alice', false);
    try {
      const r = await leave('staffed');
      expect(r.status).toBe(201);
      expect(r.body.session.status).toBe('offline');
    } finally {
      await h.service.ctx.store.sessions.setAvailable('alice', true);
    }
  });

  it("is posted as an offline message with Reply and Close, listed apart for supervisors; Reply makes it the replier's", async () => {
    const r = await leave('night');
    const id = r.body.session.id as string;
    const root = async () => {
      for (let i = 0; i < 100; i++) {
        const c = h.recording.calls.filter((x) => x.meta?.kind === 'root' && x.meta.id === id).at(-1);
        if (c) return c;
        await new Promise((res) => setTimeout(res, 20));
      }
      throw new Error('no root');
    };
    const card = await root();
    expect(card.text).toContain('Offline message from Olga');
    const actions = card.surface!.blocks.flatMap((b) =>
      b.type === 'actions' ? b.actions.map((a) => a.call.verb) : [],
    );
    expect(actions).toEqual(['accept', 'end']);

    const { homeView } = await import('../../src/app/views.js');
    const carol = h.service.ctx.directory.get().agent('carol')!;
    const home = await homeView(h.service.ctx, carol);
    expect(home.offline?.map((v) => v.session.id)).toContain(id);
    expect(home.waiting.map((v) => v.session.id)).not.toContain(id);

    // Erin is not of the queue: she can neither reply nor close.
    expect((await agent(id, 'accept', { agentId: 'erin' })).status).toBe(409);
    // Alice replies: it is hers, active; her answer reaches the end user.
    const taken = await agent(id, 'accept', { agentId: 'alice' });
    expect(taken.status).toBe(200);
    expect(taken.body.session.status).toBe('active');
    expect(taken.body.session.agent).toEqual({ name: 'Alice' });
    expect((await agent(id, 'agent-messages', { agentId: 'alice', text: 'Calling you now' })).status).toBe(202);
    const seen = (await json(`${h.url}/api/v1/sessions/${id}/messages`, { token: r.body.token })).body
      .messages as Array<{ text?: string }>;
    expect(seen.map((m) => m.text)).toContain('Calling you now');
    expect(await h.service.ctx.store.lists.read('offline', 'night')).not.toContain(id);
    // Its end user has gone (answered by email): no response target and no idle end run on it.
    const timers = (h.service.ctx.timers as InviteExpiryQueue).queue;
    for (const job of [`respond-warn-${id}`, `idle-warn-${id}`, `idle-end-${id}`])
      expect(await timers.getJob(job), job).toBeUndefined();
    expect(await h.service.ctx.store.replyClock.current(id)).toBeUndefined();
  });

  it('Close ends an offline message for any agent of its queue', async () => {
    const r = await leave('night');
    const id = r.body.session.id as string;
    const { endSession } = await import('../../src/app/sessions.js');
    await expect(endSession(h.service.ctx, id, 'erin')).rejects.toMatchObject({ code: 'other_queue' });
    await endSession(h.service.ctx, id, 'carol');
    expect((await json(`${h.url}/api/v1/sessions/${id}`, { token: r.body.token })).body.session.status).toBe('ended');
  });
});
