import { describe, expect, it } from 'vitest';
import { destKeys } from '../../adapters/redis/keys.js';
import { RETENTION_AT, type RecordQueue } from '../../jobs/record.js';
import { expireRecord } from '../../src/app/record/retention.js';
import { waitFor } from '../support/harness.js';
import { archived, backendName, recordWorld } from '../support/record.js';
import { lines } from '../support/recording.js';
import { testRedis } from '../support/redis.js';

const DAY = 86_400_000;
let clock: number | undefined;
const w = recordWorld({ now: () => clock ?? Date.now() });
const { api, agent } = w;
const key = 'test-key';
async function chat(email: string, text: string) {
  const c = await api('/sessions', {
    method: 'POST',
    body: { queue: 'it-support', user: { name: email.split('@')[0], email }, text },
  });
  return { id: c.body.session.id as string, ref: c.body.session.ref as string, token: c.body.token as string };
}
const posted = (sessionId: string, text: string) => lines(w.h.recording, sessionId).find((l) => l.text.includes(text));
const REMOVED = 'Removed at the end user’s request';

describe(`erasure (${backendName})`, () => {
  it("removes a person's chats from the record and Redis, replaces their lines and roots in the threads, and says what it could not reach", async () => {
    const ended = await chat('Zed@Example.com', 'my card number is 4111…');
    await agent(ended.id, 'accept', { agentId: 'alice' });
    await agent(ended.id, 'agent-messages', { agentId: 'alice', text: 'Never send that here!' });
    await api(`/sessions/${ended.id}/messages`, {
      method: 'POST',
      token: ended.token,
      body: { text: 'sorry, my address is 1 Main St' },
    });
    await api(`/sessions/${ended.id}/end`, { method: 'POST', token: ended.token });
    const open = await chat('zed@example.com', 'still here');
    await agent(open.id, 'accept', { agentId: 'bob' });
    const other = await chat('amy@example.com', 'hello from Amy');
    for (const [id, text] of [
      [ended.id, 'my card number'],
      [ended.id, '1 Main St'],
      [open.id, 'still here'],
      [other.id, 'hello from Amy'],
    ] as const) {
      await waitFor(() => posted(id, text), 15_000, `“${text}” in the thread`);
    }
    await archived(w.h);
    // One of their lines was posted before lines were kept: nothing says where it is.
    const redis = await testRedis();
    const entryOf = async (id: string, text: string) =>
      (await w.h.service.ctx.store.transcript.read(id, undefined, 100)).find(
        (e) => e.kind === 'message' && e.text.includes(text),
      )!.id;
    await redis.hdel(
      destKeys(w.h.prefix, 'recording:channel:it-support').refs,
      `line:${ended.id}:${await entryOf(ended.id, '1 Main St')}`,
    );
    redis.disconnect();

    const asked = await api('/erasures', { method: 'POST', apiKey: key, body: { email: 'ZED@example.COM' } });
    expect(asked.status).toBe(202);
    expect(asked.body.erasure).toMatchObject({ id: expect.stringMatching(/^er_/), status: 'pending' });
    const id = asked.body.erasure.id as string;
    const done = await waitFor(
      async () => {
        const r = await api(`/erasures/${id}`, { apiKey: key });
        return r.body.erasure.status === 'done' ? r.body.erasure : undefined;
      },
      30_000,
      'the erasure',
    );
    expect(done).toMatchObject({
      id,
      chats: 2,
      replaced: 4,
      unreached: [
        {
          chat: ended.ref,
          platform: 'recording',
          what: 'line',
          count: 1,
          reason: expect.stringMatching(/not found where it was posted/),
        },
      ],
    });

    // In the threads: their lines and the roots (which name them) are replaced; the agent's line and Amy's stay.
    const updated = (text: string) =>
      w.h.recording
        .of('update')
        .filter((u) => u.text === text)
        .map((u) => u.to);
    await waitFor(
      () =>
        updated(REMOVED).length === 2 && updated(`Chat ${ended.ref}: removed at the end user’s request.`).length === 1,
      15_000,
      'the replaced lines',
    );
    expect(updated(REMOVED).sort()).toEqual(
      [posted(ended.id, 'my card number')!.id, posted(open.id, 'still here')!.id].sort(),
    );
    expect(updated(`Chat ${open.ref}: removed at the end user’s request.`)).toHaveLength(1);
    expect(
      w.h.recording
        .of('update')
        .some(
          (u) =>
            u.to === posted(ended.id, 'Never send that here!')!.id || u.to === posted(other.id, 'hello from Amy')!.id,
        ),
    ).toBe(false);

    // Gone from the record and from Redis; Amy's chat is untouched.
    const ctx = w.h.service.ctx;
    expect(await ctx.record.chatsOf('zed@example.com')).toEqual([]);
    for (const c of [ended, open]) {
      expect(await ctx.store.sessions.get(c.id)).toBeUndefined();
      expect(await ctx.store.sessions.idByRef(c.ref)).toBeUndefined();
      expect((await api(`/sessions/${c.id}/transcript`, { token: c.token })).status).toBe(403);
    }
    expect((await ctx.record.chatsOf('amy@example.com')).map((c) => c.session.id)).toEqual([other.id]);
    expect(await ctx.store.sessions.get(other.id)).toBeDefined();
    // The email is not kept once the erasure is done.
    expect(await ctx.record.erasureEmail(id)).toBeUndefined();

    // Idempotent: asked again, nothing is left to erase.
    const again = await api('/erasures', { method: 'POST', apiKey: key, body: { email: 'zed@example.com' } });
    await waitFor(
      async () => (await api(`/erasures/${again.body.erasure.id}`, { apiKey: key })).body.erasure.status === 'done',
      30_000,
      'the second erasure',
    );
    expect((await api(`/erasures/${again.body.erasure.id}`, { apiKey: key })).body.erasure).toMatchObject({
      chats: 0,
      replaced: 0,
      unreached: [],
    });
  }, 90_000);

  it('refuses what is not an erasure: bad input 400, no key 401, unknown 404', async () => {
    expect((await api('/erasures', { method: 'POST', apiKey: key, body: { email: 'not an email' } })).status).toBe(400);
    expect((await api('/erasures', { method: 'POST', apiKey: key, body: { email: 'a@b.co', more: 1 } })).status).toBe(
      400,
    );
    expect((await api('/erasures', { method: 'POST', body: { email: 'a@b.co' } })).status).toBe(401);
    expect((await api('/erasures/er_nothingatallhere', { apiKey: key })).status).toBe(404);
    expect((await api('/erasures/../../x', { apiKey: key })).status).toBe(404);
  });
});

describe(`retention (${backendName})`, () => {
  it('deletes the chats older than RETENTION_DAYS and leaves the rest, daily', async () => {
    const ctx = w.h.service.ctx;
    clock = Date.now() - 400 * DAY;
    const old = await chat('old@example.com', 'from last year');
    await api(`/sessions/${old.id}/end`, { method: 'POST', token: old.token });
    clock = Date.now() - 300 * DAY;
    const kept = await chat('kept@example.com', 'from this year');
    await api(`/sessions/${kept.id}/end`, { method: 'POST', token: kept.token });
    clock = undefined;
    await archived(w.h);
    expect(await ctx.record.chat(old.id)).toBeDefined();
    expect(await expireRecord(ctx, 365)).toBe(1);
    expect(await ctx.record.chat(old.id)).toBeUndefined();
    expect(await ctx.record.entries(old.id)).toEqual([]);
    expect(await ctx.record.chat(kept.id)).toBeDefined();
    expect(await expireRecord(ctx, 365)).toBe(0);
    // The sweep is a BullMQ job scheduler: one for every instance, every day.
    const { queue } = ctx.recordJobs as RecordQueue;
    await waitFor(async () => (await queue.getJobSchedulers()).length > 0, 5000, 'the retention schedule');
    expect((await queue.getJobSchedulers()).map((s) => [s.key, s.pattern])).toEqual([['retention', RETENTION_AT]]);
  }, 60_000);
});
