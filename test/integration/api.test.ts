import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisClient } from '../../adapters/redis/connection.js';
import { sessionKeys } from '../../adapters/redis/keys.js';
import { type Harness, json, readyz, startHarness, waitFor } from '../support/harness.js';
import { keysMatching, testRedis } from '../support/redis.js';

let h: Harness;
let redis: RedisClient;
beforeAll(async () => {
  h = await startHarness();
  redis = await testRedis();
});
afterAll(async () => {
  await redis.quit();
  await h.stop();
});

/** Every key of the test prefix with a digest of its content: "nothing changed" means equal snapshots. */
async function snapshot(): Promise<Record<string, string>> {
  // Let the planner and the deliveries settle first; their own bookkeeping (queues, leases, locks,
  // dirty marks) is not state.
  await waitFor(
    async () =>
      (await h.service.ctx.store.transcript.outboxDepth()) === 0 &&
      (await keysMatching(redis, `${h.prefix}:d:*:l`)).length === 0,
    5000,
    'quiet outbox and deliveries',
  );
  const out: Record<string, string> = {};
  const keys = (await keysMatching(redis, `${h.prefix}:*`))
    .filter((k) => !/:(\{q\}|lock|dirty|active)(:|$)/.test(k) && !k.startsWith(`${h.prefix}:d:`))
    .sort();
  for (const k of keys) {
    const type = await redis.type(k);
    out[k] =
      type === 'hash'
        ? JSON.stringify(await redis.hgetall(k))
        : type === 'stream'
          ? String(await redis.xlen(k))
          : type === 'set'
            ? (await redis.smembers(k)).sort().join(',')
            : type === 'zset'
              ? (await redis.zrange(k, 0, -1)).join(',')
              : String(await redis.get(k).catch(() => type));
  }
  return out;
}

async function newChat(text = 'hello') {
  const r = await json(`${h.url}/api/v1/sessions`, {
    method: 'POST',
    body: { queue: 'it-support', user: { name: 'Zed', email: 'zed@example.com' }, text },
  });
  expect(r.status).toBe(201);
  return { id: r.body.session.id as string, token: r.body.token as string };
}

describe('end-user API', () => {
  it('creates a chat, takes messages idempotently, and lists what the end user may see', async () => {
    const { id, token } = await newChat();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits
    const stored = await redis.hget(sessionKeys(h.prefix, id).session, 'token');
    expect(stored).not.toContain(token);
    const first = await json(`${h.url}/api/v1/sessions/${id}/messages`, {
      method: 'POST',
      token,
      body: { text: 'again', clientMessageId: 'c1' },
    });
    const second = await json(`${h.url}/api/v1/sessions/${id}/messages`, {
      method: 'POST',
      token,
      body: { text: 'again', clientMessageId: 'c1' },
    });
    expect(first.status).toBe(202);
    expect(second.body.message.id).toBe(first.body.message.id);
    await json(`${h.url}/api/v1/sessions/${id}/accept`, {
      method: 'POST',
      apiKey: 'test-key',
      body: { agentId: 'alice' },
    });
    await json(`${h.url}/api/v1/sessions/${id}/agent-messages`, {
      method: 'POST',
      apiKey: 'test-key',
      body: { agentId: 'alice', text: 'note: secret' },
    });
    const list = await json(`${h.url}/api/v1/sessions/${id}/messages`, { token });
    const texts = list.body.messages
      .filter((m: { kind: string }) => m.kind === 'message')
      .map((m: { text: string }) => m.text);
    expect(texts).toEqual(['hello', 'again']);
    const got = await json(`${h.url}/api/v1/sessions/${id}`, { token });
    expect(got.body.session).toMatchObject({
      status: 'active',
      agent: { name: 'Alice' },
      queue: { id: 'it-support', name: 'IT Support' },
    });
  });

  it.each([
    ['malformed JSON', 'POST', '/sessions', '{"queue":', undefined, 400, 'malformed_json'],
    ['unknown queue', 'POST', '/sessions', { queue: 'nope', user: { name: 'Z' } }, undefined, 404, 'unknown_queue'],
    ['missing name', 'POST', '/sessions', { queue: 'it-support', user: {} }, undefined, 400, 'invalid_request'],
    [
      'unknown field',
      'POST',
      '/sessions',
      { queue: 'it-support', user: { name: 'Z' }, admin: true },
      undefined,
      400,
      'invalid_request',
    ],
    [
      'text too long',
      'POST',
      '/sessions',
      { queue: 'it-support', user: { name: 'Z' }, text: 'x'.repeat(4001) },
      undefined,
      400,
      'invalid_request',
    ],
    [
      'body too large',
      'POST',
      '/sessions',
      { queue: 'it-support', user: { name: 'Z' }, text: 'x'.repeat(20_000) },
      undefined,
      413,
      'too_large',
    ],
    ['unknown endpoint', 'GET', '/nope', undefined, undefined, 404, 'not_found'],
  ])('%s gets a clear 4xx and changes nothing', async (_n, method, path, body, _t, status, code) => {
    const before = await snapshot();
    const r = await json(`${h.url}/api/v1${path}`, { method, body: body as never });
    expect(r.status).toBe(status);
    expect(r.body.error.code).toBe(code);
    expect(typeof r.body.error.message).toBe('string');
    expect(await snapshot()).toEqual(before);
  });

  it("refuses missing, wrong and other sessions' tokens, and bad messages, changing nothing", async () => {
    const mine = await newChat();
    const other = await newChat();
    const before = await snapshot();
    const url = `${h.url}/api/v1/sessions/${mine.id}`;
    const cases = [
      await json(`${url}/messages`, { method: 'POST', body: { text: 'x' } }),
      await json(`${url}/messages`, { method: 'POST', token: 'wrong', body: { text: 'x' } }),
      await json(`${url}/messages`, { method: 'POST', token: other.token, body: { text: 'x' } }),
      await json(`${url}/end`, { method: 'POST', token: other.token }),
      await json(url, { token: other.token }),
      await json(`${url}/messages`, { method: 'POST', token: mine.token, body: { text: '' } }),
      await json(`${url}/messages`, { method: 'POST', token: mine.token, body: { text: 'y'.repeat(4001) } }),
      await json(`${url}/messages`, { method: 'POST', token: mine.token, body: { text: 42 } }),
      await json(`${h.url}/api/v1/sessions/..%2f..%2fetc/messages`, {
        method: 'POST',
        token: mine.token,
        body: { text: 'x' },
      }),
      await json(`${url}/accept`, { method: 'POST', body: { agentId: 'alice' } }),
      await json(`${url}/accept`, { method: 'POST', apiKey: 'test-key', body: { agentId: 'erin' } }),
    ];
    expect(cases.map((c) => c.status)).toEqual([401, 403, 403, 403, 403, 400, 400, 400, 404, 401, 409]);
    for (const c of cases)
      expect(c.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    expect(await snapshot()).toEqual(before);
  });

  it('ends a chat for the end user once, then refuses messages', async () => {
    const { id, token } = await newChat();
    expect((await json(`${h.url}/api/v1/sessions/${id}/end`, { method: 'POST', token })).body.session.status).toBe(
      'ended',
    );
    expect((await json(`${h.url}/api/v1/sessions/${id}/end`, { method: 'POST', token })).status).toBe(409);
    expect(
      (await json(`${h.url}/api/v1/sessions/${id}/messages`, { method: 'POST', token, body: { text: 'late' } })).status,
    ).toBe(409);
  });

  it('serves health, readiness, metrics and the widget', async () => {
    expect((await json(`${h.url}/healthz`)).body.status).toBe('ok');
    const ready = await readyz(h.url);
    expect(ready).toMatchObject({
      status: 200,
      body: { status: 'ready', checks: { redis: 'ok', queues: 'ok', workers: 'ok' } },
    });
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    for (const name of ['switchboard_relay_latency_seconds', 'switchboard_invites_total', 'switchboard_outbox_depth'])
      expect(metrics).toContain(name);
    const page = await (await fetch(`${h.url}/`)).text();
    expect(page).toContain('<title>Chat with support</title>');
    const js = await (await fetch(`${h.url}/widget.js`)).text();
    expect(js).toContain('textContent');
    expect(js).not.toMatch(/innerHTML/);
  });
});

describe('Server-Sent Events', () => {
  async function readEvents(
    url: string,
    headers: Record<string, string>,
    until: (events: Array<{ id: string; event: string; data: any }>) => boolean,
  ) {
    const ac = new AbortController();
    const res = await fetch(url, { headers, signal: ac.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events: Array<{ id: string; event: string; data: any }> = [];
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    const deadline = Date.now() + 5000;
    while (!until(events) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += value;
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const f = Object.fromEntries(
          block
            .split('\n')
            .filter((l) => /^(id|event|data):/.test(l))
            .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]),
        );
        if (f.data) events.push({ id: f.id ?? '', event: f.event ?? 'message', data: JSON.parse(f.data) });
      }
    }
    ac.abort();
    return events;
  }

  it('streams live events and resumes from Last-Event-ID without repeats', async () => {
    const { id, token } = await newChat('first');
    const url = `${h.url}/api/v1/sessions/${id}/events`;
    const live = readEvents(`${url}?token=${token}`, {}, (ev) => ev.some((e) => e.data.text === 'live'));
    await new Promise((r) => setTimeout(r, 150));
    await json(`${h.url}/api/v1/sessions/${id}/messages`, { method: 'POST', token, body: { text: 'live' } });
    const all = await live;
    // While waiting, the stream also says where the chat stands: a status without an id.
    expect(all.find((e) => !e.id)?.data).toMatchObject({
      kind: 'status',
      status: 'waiting',
      queuePosition: expect.any(Number),
    });
    const seen = all.filter((e) => e.id);
    expect(seen.map((e) => e.event)).toEqual(['status', 'message', 'message']);
    expect(seen.map((e) => e.data.text ?? e.data.status)).toEqual(['waiting', 'first', 'live']);

    await json(`${h.url}/api/v1/sessions/${id}/accept`, {
      method: 'POST',
      apiKey: 'test-key',
      body: { agentId: 'alice' },
    });
    await json(`${h.url}/api/v1/sessions/${id}/agent-messages`, {
      method: 'POST',
      apiKey: 'test-key',
      body: { agentId: 'alice', text: 'hi Zed' },
    });
    const resumed = await readEvents(
      url,
      { authorization: `Bearer ${token}`, 'last-event-id': seen.at(-1)!.id },
      (ev) => ev.some((e) => e.data.text === 'hi Zed'),
    );
    expect(resumed.map((e) => e.event)).toEqual(['status', 'participant', 'message']);
    expect(resumed.at(-1)?.data).toMatchObject({ author: 'agent', name: 'Alice', text: 'hi Zed' });
  });

  it('refuses a stream without the right token', async () => {
    const { id } = await newChat();
    const other = await newChat();
    expect((await fetch(`${h.url}/api/v1/sessions/${id}/events`)).status).toBe(401);
    expect((await fetch(`${h.url}/api/v1/sessions/${id}/events?token=${other.token}`)).status).toBe(403);
  });
});
