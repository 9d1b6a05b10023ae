import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisClient } from '../../adapters/redis/connection.js';
import { type Harness, json, startHarness, waitFor } from '../support/harness.js';
import { keysMatching, testRedis } from '../support/redis.js';

/** The agent-action API for integrations: each lifecycle route, and its refusals changing nothing. */
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

const act = (path: string, body: unknown, apiKey: string | null = 'test-key') =>
  json(`${h.url}/api/v1${path}`, { method: 'POST', body, ...(apiKey ? { apiKey } : {}) });

async function activeChat(owner = 'alice') {
  const r = await json(`${h.url}/api/v1/sessions`, {
    method: 'POST',
    body: { queue: 'it-support', user: { name: 'Zed' } },
  });
  const id = r.body.session.id as string;
  expect((await act(`/sessions/${id}/accept`, { agentId: owner })).status).toBe(200);
  // The root is posted (its mirror has a place) before anyone compares the chat's state.
  await waitFor(
    async () => {
      const [key] = await keysMatching(redis, `${h.prefix}:s:*${id}:h`);
      return (key && (await redis.hget(key, 'mirrors'))?.includes('"place"')) || undefined;
    },
    5000,
    'root posted',
  );
  return id;
}

/** The chat's own keys, with their content: a refused request leaves them as they were. */
async function chatState(id: string): Promise<string> {
  // Planned and delivered: what remains is state, not work in flight.
  await waitFor(
    async () =>
      (await h.service.ctx.store.transcript.outboxDepth()) === 0 &&
      (await keysMatching(redis, `${h.prefix}:d:*:l`)).length === 0,
    5000,
    'quiet outbox and deliveries',
  );
  // The outbox stream and the planner's lock are work in flight, not state.
  const keys = (await keysMatching(redis, `${h.prefix}:s:*${id}*`))
    .filter((k) => !k.endsWith(':lock') && !k.endsWith(':o'))
    .sort();
  const parts = await Promise.all(
    keys.map(async (k) => {
      const type = await redis.type(k);
      if (type === 'hash') {
        const { o: _outboxCount, ...rest } = await redis.hgetall(k);
        return `${k}=${JSON.stringify(rest)}`;
      }
      return `${k}=${type === 'stream' ? await redis.xlen(k) : type}`;
    }),
  );
  return parts.join('\n');
}

describe('agent actions for integrations', () => {
  it('transfer to a colleague answers 201 with the offer, which /invites/:id/answer accepts', async () => {
    const id = await activeChat();
    const r = await act(`/sessions/${id}/transfer`, { agentId: 'alice', toAgentId: 'bob', note: 'over to you' });
    expect(r.status).toBe(201);
    expect(r.body.invite).toMatchObject({ kind: 'transfer', inviteeId: 'bob', status: 'pending', note: 'over to you' });
    const a = await act(`/invites/${r.body.invite.id}/answer`, { agentId: 'bob', answer: 'accept' });
    expect(a.status).toBe(200);
    expect(a.body.invite.status).toBe('accepted');
    expect((await h.service.ctx.store.sessions.get(id))?.ownerId).toBe('bob');
  });

  it('transfer to a queue, release, promote, leave, assist and invites answer with the chat or what was sent', async () => {
    const id = await activeChat();
    const invited = await act(`/sessions/${id}/invites`, {
      agentId: 'alice',
      inviteeId: 'bob',
      mode: 'monitor',
      note: 'have a look',
    });
    expect(invited.status).toBe(201);
    expect(invited.body.invites[0]).toMatchObject({ inviteeId: 'bob', mode: 'monitor', note: 'have a look' });
    expect(
      (await act(`/invites/${invited.body.invites[0].id}/answer`, { agentId: 'bob', answer: 'monitor' })).status,
    ).toBe(200);
    expect((await act(`/sessions/${id}/promote`, { agentId: 'alice', memberId: 'bob' })).status).toBe(200);
    const help = await act(`/sessions/${id}/assist`, { agentId: 'bob', note: 'stuck' });
    expect(help.status).toBe(201);
    expect(help.body.invites.map((i: { inviteeId: string; kind: string }) => `${i.inviteeId}:${i.kind}`)).toEqual([
      'carol:help',
    ]);
    expect((await act(`/sessions/${id}/leave`, { agentId: 'bob' })).status).toBe(200);
    const anyone = await act(`/sessions/${id}/invites`, { agentId: 'alice', anyone: true });
    expect(anyone.status).toBe(201);
    expect(anyone.body.invites.length).toBeGreaterThan(1);
    const released = await act(`/sessions/${id}/release`, { agentId: 'alice' });
    expect(released.status).toBe(200);
    expect(released.body.session.status).toBe('waiting');
    expect((await act(`/sessions/${id}/accept`, { agentId: 'dan' })).status).toBe(200);
    const moved = await act(`/sessions/${id}/transfer`, { agentId: 'dan', toQueue: 'hr' });
    expect(moved.status).toBe(200);
    expect(moved.body.session).toMatchObject({ status: 'waiting', queue: { id: 'hr' } });
  });

  it('a rejection carries its reason', async () => {
    const id = await activeChat();
    const inv = (await act(`/sessions/${id}/invites`, { agentId: 'alice', inviteeId: 'dan', mode: 'participant' })).body
      .invites[0];
    const r = await act(`/invites/${inv.id}/answer`, { agentId: 'dan', answer: 'reject', reason: 'on lunch' });
    expect(r.body.invite).toMatchObject({ status: 'rejected', reason: 'on lunch' });
  });

  it.each([
    ['a malformed body', 400, (id: string) => act(`/sessions/${id}/transfer`, { agentId: 'alice' })],
    [
      'both a colleague and a queue',
      400,
      (id: string) => act(`/sessions/${id}/transfer`, { agentId: 'alice', toAgentId: 'bob', toQueue: 'hr' }),
    ],
    ['an unknown field', 400, (id: string) => act(`/sessions/${id}/release`, { agentId: 'alice', force: true })],
    [
      'a note too long',
      400,
      (id: string) => act(`/sessions/${id}/assist`, { agentId: 'alice', note: 'x'.repeat(301) }),
    ],
    ['no API key', 401, (id: string) => act(`/sessions/${id}/release`, { agentId: 'alice' }, null)],
    ['a wrong API key', 401, (id: string) => act(`/sessions/${id}/release`, { agentId: 'alice' }, 'nope')],
    ['a non-owner releasing', 409, (id: string) => act(`/sessions/${id}/release`, { agentId: 'bob' })],
    [
      'a non-owner transferring',
      409,
      (id: string) => act(`/sessions/${id}/transfer`, { agentId: 'dan', toQueue: 'hr' }),
    ],
    ['the owner leaving', 409, (id: string) => act(`/sessions/${id}/leave`, { agentId: 'alice' })],
    [
      'a transfer to someone away or elsewhere',
      409,
      (id: string) => act(`/sessions/${id}/transfer`, { agentId: 'alice', toAgentId: 'erin' }),
    ],
    [
      'promoting someone not a monitor',
      409,
      (id: string) => act(`/sessions/${id}/promote`, { agentId: 'alice', memberId: 'dan' }),
    ],
    ['an unknown agent', 404, (id: string) => act(`/sessions/${id}/assist`, { agentId: 'zoe' })],
    [
      'an answer to a malformed invite id',
      400,
      () => act('/invites/not-an-invite/answer', { agentId: 'bob', answer: 'accept' }),
    ],
    [
      'an answer to an unknown invite',
      404,
      (id: string) => act(`/invites/${id}~abcdef/answer`, { agentId: 'bob', answer: 'accept' }),
    ],
  ] as const)('refuses %s (%i) and changes nothing', async (_what, status, call) => {
    const id = await activeChat();
    const before = await chatState(id);
    const r = await call(id);
    expect(r.status).toBe(status);
    expect(r.body.error.code).toEqual(expect.any(String));
    expect(await chatState(id)).toBe(before);
  });

  it('refuses a second help request while one is open (409), and an answer by anyone but the invitee (409)', async () => {
    const id = await activeChat();
    expect((await act(`/sessions/${id}/assist`, { agentId: 'alice' })).status).toBe(201);
    const before = await chatState(id);
    const again = await act(`/sessions/${id}/assist`, { agentId: 'alice' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('help_open');
    const offer = await h.service.ctx.store.invites.list(id);
    const other = await act(`/invites/${offer[0]!.id}/answer`, { agentId: 'bob', answer: 'participate' });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('not_invitee');
    expect(await chatState(id)).toBe(before);
  });
});
