import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrivateRedis, startRedis } from '../../bench/redisServer.js';
import { agentRevision } from '../../src/app/sessions.js';
import { json, waitFor } from '../support/harness.js';
import { archived, backendName, startRecordHarness } from '../support/record.js';
import { lines } from '../support/recording.js';

const hasRedisServer = spawnSync('sh', ['-c', 'command -v redis-server']).status === 0;

/**
 * The end user's side of the record on a private redis-server (the FLUSHALL test must not
 * touch the shared one): rating once, the transcript of what they saw, and both after Redis
 * has lost everything.
 */
let redis: PrivateRedis;
let w: Awaited<ReturnType<typeof startRecordHarness>>;
beforeAll(async () => {
  if (!hasRedisServer) return;
  redis = await startRedis();
  w = await startRecordHarness({ env: { REDIS_URL: redis.url } });
}, 60_000);
afterAll(async () => {
  await w?.stop();
  await redis?.stop();
});

const key = 'test-key';
const api = (path: string, init: Parameters<typeof json>[1] = {}) => json(`${w.h.url}/api/v1${path}`, init);
const agent = (id: string, path: string, body: Record<string, unknown>) =>
  api(`/sessions/${id}/${path}`, { method: 'POST', apiKey: key, body });

/** A chat with something of everything: the end user's words, a reply later edited, a deleted one, a note, a monitor. */
async function busyChat(name: string) {
  const c = await api('/sessions', {
    method: 'POST',
    body: { queue: 'it-support', user: { name, email: `${name}@example.com` }, text: 'My VPN is down' },
  });
  const { id } = c.body.session as { id: string };
  const token = c.body.token as string;
  await agent(id, 'accept', { agentId: 'alice' });
  const reply = await agent(id, 'agent-messages', { agentId: 'alice', text: 'Looking into it' });
  const oops = await agent(id, 'agent-messages', { agentId: 'alice', text: 'wrong chat, sorry' });
  await agent(id, 'agent-messages', { agentId: 'alice', text: 'note: VIP, be nice' });
  const [inv] = (await agent(id, 'invites', { agentId: 'alice', inviteeId: 'carol', mode: 'monitor' })).body.invites;
  await api(`/invites/${inv.id}/answer`, {
    method: 'POST',
    apiKey: key,
    body: { agentId: 'carol', answer: 'monitor' },
  });
  expect(
    (await agent(id, 'agent-messages', { agentId: 'carol', text: 'psst, reboot the concentrator' })).body.notice,
  ).toBeDefined();
  const ctx = w.h.service.ctx;
  await agentRevision(ctx, id, 'alice', reply.body.message.id, 'Looking into it now');
  await agentRevision(ctx, id, 'alice', oops.body.message.id, null);
  await api(`/sessions/${id}/messages`, { method: 'POST', token, body: { text: 'Thanks!' } });
  return { id, token };
}

const seen = [
  ['user', 'Zed', 'My VPN is down'],
  ['system', 'Switchboard', 'Alice joined the chat.'],
  ['agent', 'Alice', 'Looking into it now'],
  ['user', 'Zed', 'Thanks!'],
  ['system', 'Switchboard', 'The chat has ended.'],
];
const asSeen = (entries: Array<{ author: string; name: string; text: string }>) =>
  entries.map((e) => [e.author, e.name, e.text]);

describe.skipIf(!hasRedisServer)(`the end user's record (${backendName})`, () => {
  let chat: { id: string; token: string };
  let unrated: { id: string; token: string };

  it('takes a rating once the chat has ended, once, and shows it in the thread', async () => {
    chat = await busyChat('Zed');
    const rate = (body: unknown, token = chat.token) =>
      api(`/sessions/${chat.id}/rating`, { method: 'POST', token, body });
    expect((await rate({ score: 4 })).body.error.code).toBe('not_ended');
    await api(`/sessions/${chat.id}/end`, { method: 'POST', token: chat.token });
    for (const bad of [
      { score: 6 },
      { score: 0 },
      { score: 3.5 },
      {},
      { score: 4, comment: 'x'.repeat(1001) },
      { score: 4, extra: 1 },
    ])
      expect((await rate(bad)).status, JSON.stringify(bad)).toBe(400);
    expect((await rate({ score: 4 }, 'not-the-token')).status).toBe(403);
    const r = await rate({ score: 4, comment: 'Quick <and> kind' });
    expect(r.status).toBe(201);
    expect(r.body.rating).toMatchObject({ score: 4, comment: 'Quick <and> kind' });
    const again = await rate({ score: 1 });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_rated');
    await waitFor(
      () => lines(w.h.recording, chat.id).find((l) => /Zed rated the chat 4\/5: “Quick <and> kind”/.test(l.text)),
      15_000,
      'the rating in the thread',
    ).catch((e) => {
      console.log(w.h.recording.calls.map((c) => `${c.op} ${c.to} ${c.text}`).join('\n'));
      throw e;
    });
    expect((await api(`/sessions/${chat.id}`, { token: chat.token })).body.session.rating).toEqual({
      score: 4,
      comment: 'Quick <and> kind',
    });
  });

  it('gives the end user what they could see: no note, no agents-only line, no monitor, edits applied', async () => {
    const t = await api(`/sessions/${chat.id}/transcript`, { token: chat.token });
    expect(t.status).toBe(200);
    expect(asSeen(t.body.entries)).toEqual(seen);
    expect(JSON.stringify(t.body)).not.toMatch(/VIP|psst|concentrator|Carol|wrong chat/);
    expect(t.body.session).toMatchObject({ id: chat.id, status: 'ended', rating: { score: 4 } });
    // As a file, by a link a browser opens (the token in the URL), never cached.
    const file = await fetch(
      `${w.h.url}/api/v1/sessions/${chat.id}/transcript?format=text&token=${encodeURIComponent(chat.token)}`,
    );
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="chat-[A-Z0-9]{6}\.txt"$/);
    expect(file.headers.get('cache-control')).toBe('no-store');
    const text = await file.text();
    expect(text).toMatch(
      /^Chat [A-Z0-9]{6} · IT Support · \d{4}-\d\d-\d\d \d\d:\d\d UTC\n\n\[.+ UTC\] Zed: My VPN is down\n/,
    );
    expect(text).toContain('] Alice: Looking into it now\n');
    expect(text).not.toMatch(/VIP|psst|wrong chat/);
    expect((await api(`/sessions/${chat.id}/transcript`)).status).toBe(401);
    expect((await api(`/sessions/${chat.id}/transcript`, { token: 'nope' })).status).toBe(403);
    expect((await api(`/sessions/${chat.id}/transcript?format=pdf`, { token: chat.token })).status).toBe(400);
  });

  it('serves the ended chat, its transcript and its rating from the record after Redis lost everything (FLUSHALL)', async () => {
    unrated = await busyChat('Zed');
    await api(`/sessions/${unrated.id}/end`, { method: 'POST', token: unrated.token });
    await archived(w.h);
    const admin = new Redis(redis.url);
    try {
      await admin.flushall();
    } finally {
      admin.disconnect();
    }
    expect(await w.h.service.ctx.store.sessions.get(chat.id)).toBeUndefined();

    const s = await api(`/sessions/${chat.id}`, { token: chat.token });
    expect(s.status).toBe(200);
    expect(s.body.session).toMatchObject({
      id: chat.id,
      status: 'ended',
      queue: { id: 'it-support', name: 'IT Support' },
      user: { name: 'Zed' },
      rating: { score: 4, comment: 'Quick <and> kind' },
    });
    const t = await api(`/sessions/${chat.id}/transcript`, { token: chat.token });
    expect(asSeen(t.body.entries)).toEqual(seen);
    expect(JSON.stringify(t.body)).not.toMatch(/VIP|psst|concentrator|wrong chat/);
    const text = await (
      await fetch(
        `${w.h.url}/api/v1/sessions/${chat.id}/transcript?format=text&token=${encodeURIComponent(chat.token)}`,
      )
    ).text();
    expect(text).toContain('] Alice: Looking into it now\n');
    // The token still opens only its own chat.
    expect((await api(`/sessions/${chat.id}/transcript`, { token: unrated.token })).status).toBe(403);
    expect((await api(`/sessions/${chat.id}`, { apiKey: key })).status).toBe(200);
    // Rated already: still once. Not rated yet: the record takes it, once.
    expect(
      (await api(`/sessions/${chat.id}/rating`, { method: 'POST', token: chat.token, body: { score: 2 } })).status,
    ).toBe(409);
    const late = await api(`/sessions/${unrated.id}/rating`, {
      method: 'POST',
      token: unrated.token,
      body: { score: 5 },
    });
    expect(late.status).toBe(201);
    expect(
      (await api(`/sessions/${unrated.id}/rating`, { method: 'POST', token: unrated.token, body: { score: 5 } }))
        .status,
    ).toBe(409);
    expect((await api(`/sessions/${unrated.id}`, { token: unrated.token })).body.session.rating).toEqual({ score: 5 });
    // Reports count both: the one archived from Redis, the one the record took.
    const [its] = (await w.h.service.ctx.record.queueReport({ from: 0, to: Date.now() + 1 })).filter(
      (r) => r.queue === 'it-support',
    );
    expect(its!.rating).toEqual({ average: 4.5, count: 2 });
    // What neither holds is refused as before.
    expect((await api('/sessions/abcdefgh.ijklmnop', { token: chat.token })).status).toBe(403);
  });
});
