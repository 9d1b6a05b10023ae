import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisClient } from '../../adapters/redis/connection.js';
import { sessionKeys } from '../../adapters/redis/keys.js';
import { redisStore } from '../../adapters/redis/store.js';
import { dispatch } from '../../src/app/dispatch/index.js';
import * as invites from '../../src/app/invites.js';
import * as sessions from '../../src/app/sessions.js';
import { homeView } from '../../src/app/views.js';
import { plain } from '../../src/app/wording/index.js';
import { type Harness, json, startHarness } from '../support/harness.js';
import { testRedis } from '../support/redis.js';

/**
 * A note (an invite's, a help request's) or a reason is checked with one schema on every input
 * path; a stored record that no longer parses degrades instead of failing its chat.
 */
let h: Harness;
let redis: RedisClient;
beforeAll(async () => {
  h = await startHarness();
  redis = await testRedis();
});
afterAll(async () => {
  await redis.quit();
  await h?.stop();
});

const LONG = 'x'.repeat(301);
const agent = (id: string) => h.service.ctx.directory.get().agent(id);
const act = (intent: Parameters<typeof dispatch>[1]) => dispatch(h.service.ctx, intent, { prefix: '/chat' });

async function activeChat() {
  const r = await json(`${h.url}/api/v1/sessions`, {
    method: 'POST',
    body: { queue: 'it-support', user: { name: 'Zed' } },
  });
  const id = r.body.session.id as string;
  await sessions.accept(h.service.ctx, id, agent('alice'));
  return { id, token: r.body.token as string, ref: r.body.session.ref as string };
}

describe('one note schema on every input path', () => {
  it("refuses a 301-character note from the API, a card's form and a command, storing nothing", async () => {
    const chat = await activeChat();
    const api = await json(`${h.url}/api/v1/sessions/${chat.id}/assist`, {
      method: 'POST',
      apiKey: 'test-key',
      body: { agentId: 'alice', note: LONG },
    });
    expect(api.status).toBe(400);
    const form = await act({
      kind: 'click',
      agent: agent('alice'),
      verb: 'assist',
      data: { sessionId: chat.id, note: LONG },
    });
    expect(plain(form.notice!.text)).toMatch(/note: at most 300 characters/);
    const typed = await act({
      kind: 'command',
      agent: agent('alice'),
      text: `assist ${LONG} ${chat.ref}`,
      prefix: '/chat',
    });
    expect(typed.notice?.tone).toBe('attention');
    expect(plain(typed.notice!.text)).toBe('That note is 301 characters long: at most 300 fit. Please shorten it.');
    // The use case checks it too, whoever calls it.
    await expect(
      invites.requestHelp(h.service.ctx, { sessionId: chat.id, agentId: 'alice', note: LONG }),
    ).rejects.toThrow(/301 characters/);
    await expect(
      invites.invite(h.service.ctx, {
        sessionId: chat.id,
        inviterId: 'alice',
        inviteeId: 'bob',
        mode: 'participant',
        note: LONG,
      }),
    ).rejects.toThrow(/301 characters/);
    expect(await h.service.ctx.store.invites.list(chat.id)).toEqual([]);
    // 300 characters are taken, trimmed, on each path.
    const ok = await act({
      kind: 'command',
      agent: agent('alice'),
      text: `assist ${'y'.repeat(300)} ${chat.ref}`,
      prefix: '/chat',
    });
    expect(ok.notice?.tone).toBe('good');
    expect((await h.service.ctx.store.invites.list(chat.id)).map((i) => i.note)).toEqual(['y'.repeat(300)]);
  });

  it('a stored invite that no longer parses is read without its bad field: the chat goes on', async () => {
    const chat = await activeChat();
    const inv = await invites.invite(h.service.ctx, {
      sessionId: chat.id,
      inviterId: 'alice',
      inviteeId: 'bob',
      mode: 'participant',
      note: 'short',
    });
    // As an older version (or an unchecked path) stored it: a note of 400 characters.
    const key = sessionKeys(h.prefix, chat.id).invites;
    await redis.hset(key, inv.id, JSON.stringify({ ...inv, note: 'z'.repeat(400) }));

    // A second store on the same keys, whose log is captured: the bad field is said, and left out.
    const logged: Array<Record<string, unknown>> = [];
    const sink = new Writable({ write: (chunk, _e, done) => (logged.push(JSON.parse(String(chunk))), done()) });
    const store = redisStore(redis, h.prefix, pino({ level: 'warn' }, sink));
    const read = await store.invites.get(inv.id);
    expect(read).toMatchObject({ id: inv.id, status: 'pending' });
    expect(read?.note).toBeUndefined();
    expect(logged).toEqual([
      expect.objectContaining({
        what: `invite ${inv.id}`,
        dropped: ['note'],
        msg: expect.stringMatching(/no longer parses/),
      }),
    ]);
    await store.lists.reindex(chat.id);

    // Commands on the chat keep working (they reindex it), the invitee's home lists the invite,
    // and the end user's end is a 200.
    const typed = await act({
      kind: 'command',
      agent: agent('alice'),
      text: `invite anyone monitor ${chat.ref}`,
      prefix: '/chat',
    });
    expect(typed.notice?.tone, plain(typed.notice!.text)).toBe('good');
    expect((await homeView(h.service.ctx, agent('bob')!)).invites.map((i) => i.invite.id)).toContain(inv.id);
    const ended = await json(`${h.url}/api/v1/sessions/${chat.id}/end`, { method: 'POST', token: chat.token });
    expect(ended.status).toBe(200);
    expect((await h.service.ctx.store.invites.get(inv.id))?.status).toBe('cancelled');
  });

  it('a record that cannot be mended is skipped and logged, the others still read', async () => {
    const chat = await activeChat();
    const inv = await invites.invite(h.service.ctx, {
      sessionId: chat.id,
      inviterId: 'alice',
      inviteeId: 'bob',
      mode: 'participant',
    });
    await redis.hset(
      sessionKeys(h.prefix, chat.id).invites,
      `${chat.id}~broken`,
      JSON.stringify({ id: `${chat.id}~broken`, mode: 'sideways' }),
    );
    expect((await h.service.ctx.store.invites.list(chat.id)).map((i) => i.id)).toEqual([inv.id]);
    const out = await act({ kind: 'click', agent: agent('alice'), verb: 'release', data: { sessionId: chat.id } });
    expect(out.notice?.tone, plain(out.notice!.text)).toBe('good');
  });
});
