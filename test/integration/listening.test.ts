import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type RedisClient, usesShardedPubSub } from '../../adapters/redis/connection.js';
import { eventsChannel, sessionKeys } from '../../adapters/redis/keys.js';
import { setIfChat } from '../../adapters/redis/sessionScript.js';
import { type Harness, json, REDIS_TARGET, startHarness, waitFor } from '../support/harness.js';

/**
 * A chat's entries are published for its event stream only while a stream listens
 * (adapters/redis/chatEvents.ts): a raw subscriber on the chat's channel hears what was published.
 */
let h: Harness;
let sub: RedisClient;
beforeAll(async () => {
  h = await startHarness();
  sub = connect(REDIS_TARGET, 'pubsub');
});
afterAll(async () => {
  await sub.quit();
  await h.stop();
});

async function newChat() {
  const r = await json(`${h.url}/api/v1/sessions`, {
    method: 'POST',
    body: { queue: 'it-support', user: { name: 'Zed' } },
  });
  expect(r.status).toBe(201);
  return { id: r.body.session.id as string, token: r.body.token as string };
}

/** Everything published on the chat's channel from now on. */
async function overhear(id: string): Promise<string[]> {
  const heard: string[] = [];
  const channel = eventsChannel(h.prefix, id);
  const sharded = usesShardedPubSub(h.service.redis);
  sub.on(sharded ? 'smessage' : 'message', (c: string, m: string) => {
    if (c === channel) heard.push(m.slice(m.indexOf(' ') + 1));
  });
  await (sharded ? sub.ssubscribe(channel) : sub.subscribe(channel));
  return heard;
}

const say = async (id: string, token: string, text: string) =>
  expect(
    (await json(`${h.url}/api/v1/sessions/${id}/messages`, { method: 'POST', token, body: { text } })).status,
  ).toBe(202);

describe('publishing only to listeners', () => {
  it('publishes nothing while no stream listens, then the stream opened later replays it and hears what follows', async () => {
    const { id, token } = await newChat();
    const heard = await overhear(id);
    await say(id, token, 'nobody here');
    // Stored all the same.
    const listed = await json(`${h.url}/api/v1/sessions/${id}/messages`, { token });
    expect(listed.body.messages.map((m: { text: string }) => m.text)).toContain('nobody here');

    const ac = new AbortController();
    const res = await fetch(`${h.url}/api/v1/sessions/${id}/events`, {
      headers: { authorization: `Bearer ${token}` },
      signal: ac.signal,
    });
    expect(res.status).toBe(200);
    let buf = '';
    const reading = (async () => {
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        buf += value;
      }
    })();
    try {
      await waitFor(() => buf.includes('nobody here'), 5000, 'the replayed message');
      // The stream said it listens: the chat's field `l` is recent.
      const l = Number(await h.service.redis.hget(sessionKeys(h.prefix, id).session, 'l'));
      expect(Date.now() - l).toBeLessThan(10_000);
      await say(id, token, 'now heard');
      await waitFor(() => buf.includes('now heard'), 5000, 'the live message on the stream');
      await waitFor(() => heard.some((m) => m.includes('now heard')), 5000, 'the live message published');
      expect(heard.some((m) => m.includes('nobody here'))).toBe(false);
    } finally {
      ac.abort();
      await reading;
    }
  });

  it('never makes a half chat: a field is set only on a chat that is there', async () => {
    const { id } = await newChat();
    const key = sessionKeys(h.prefix, id).session;
    expect(await setIfChat(h.service.redis, h.prefix, id, 'l', '1')).toBe(true);
    expect(await h.service.redis.hget(key, 'l')).toBe('1');
    await h.service.redis.del(key);
    expect(await setIfChat(h.service.redis, h.prefix, id, 'l', '2')).toBe(false);
    expect(await h.service.redis.exists(key)).toBe(0);
  });
});
