import { afterEach, describe, expect, it } from 'vitest';
import * as invites from '../../src/app/invites.js';
import * as sessions from '../../src/app/sessions.js';
import { cleanup, type Harness, json, startHarness, uniquePrefix } from '../support/harness.js';

let hs: Harness[] = [];
afterEach(async () => {
  await Promise.all(hs.map((h) => h.service.stop()));
  await Promise.all([...new Set(hs.map((h) => h.prefix))].map(cleanup));
  hs = [];
});

const settled = (ps: Promise<unknown>[]) => Promise.allSettled(ps);
const wins = (rs: PromiseSettledResult<unknown>[]) => rs.filter((r) => r.status === 'fulfilled').length;

describe('races: exactly one outcome', () => {
  it('a double (or tenfold) click on Accept assigns once', async () => {
    const h = await startHarness();
    hs.push(h);
    const ctx = h.service.ctx;
    const dir = ctx.directory.get();
    for (let round = 0; round < 10; round++) {
      const { session } = await sessions.createSession(ctx, { queueId: 'it-support', user: { name: 'Zed' } });
      const agents = ['alice', 'bob', 'dan', 'alice', 'bob', 'dan', 'carol', 'alice', 'bob', 'dan'];
      const rs = await settled(agents.map((id) => sessions.accept(ctx, session.id, dir.agent(id))));
      expect(wins(rs)).toBe(1);
      const members = await ctx.store.sessions.members(session.id);
      expect(members).toHaveLength(1);
      expect((await ctx.store.sessions.get(session.id))?.ownerId).toBe(members[0]?.agentId);
      const activeEntries = (await ctx.store.transcript.read(session.id, undefined, 100)).filter(
        (e) => e.kind === 'status' && e.status === 'active',
      );
      expect(activeEntries).toHaveLength(1);
    }
  });

  it('accept and expiry at the same instant: one wins, every time', async () => {
    const h = await startHarness();
    hs.push(h);
    const ctx = h.service.ctx;
    const dir = ctx.directory.get();
    const { session } = await sessions.createSession(ctx, { queueId: 'it-support', user: { name: 'Zed' } });
    await sessions.accept(ctx, session.id, dir.agent('alice'));
    const outcomes = new Map<string, number>();
    for (let round = 0; round < 20; round++) {
      const inv = await invites.invite(ctx, {
        sessionId: session.id,
        inviterId: 'alice',
        inviteeId: 'bob',
        mode: 'participant',
      });
      const [a, e] = await settled([
        invites.answerInvite(ctx, inv.id, dir.agent('bob'), 'reject'),
        invites.expireInvite(ctx, inv.id),
      ]);
      const accepted = a?.status === 'fulfilled';
      const expired = e?.status === 'fulfilled' && e.value === true;
      expect(Number(accepted) + Number(expired)).toBe(1);
      const final = await ctx.store.invites.get(inv.id);
      expect(final?.status).toBe(accepted ? 'rejected' : 'expired');
      outcomes.set(final!.status, (outcomes.get(final!.status) ?? 0) + 1);
    }
    expect([...outcomes.values()].reduce((x, y) => x + y, 0)).toBe(20);
  });

  it('two service instances on one Redis: one accept, one answer, one end', async () => {
    const prefix = uniquePrefix();
    const a = await startHarness({ prefix });
    const b = await startHarness({ prefix });
    hs.push(a, b);
    const created = await json(`${a.url}/api/v1/sessions`, {
      method: 'POST',
      body: { queue: 'it-support', user: { name: 'Zed' } },
    });
    const id = created.body.session.id as string;
    const accepts = await Promise.all(
      [a, b, a, b].map((h, i) =>
        json(`${h.url}/api/v1/sessions/${id}/accept`, {
          method: 'POST',
          apiKey: 'test-key',
          body: { agentId: i % 2 ? 'bob' : 'alice' },
        }),
      ),
    );
    expect(accepts.filter((r) => r.status === 200)).toHaveLength(1);
    expect(accepts.filter((r) => r.status === 409)).toHaveLength(3);

    const owner = (await a.service.ctx.store.sessions.get(id))!.ownerId!;
    const invitee = owner === 'alice' ? 'dan' : 'alice';
    const inv = await invites.invite(a.service.ctx, {
      sessionId: id,
      inviterId: owner,
      inviteeId: invitee,
      mode: 'monitor',
    });
    const agent = a.service.ctx.directory.get().agent(invitee);
    const answers = await settled([
      invites.answerInvite(a.service.ctx, inv.id, agent, 'monitor'),
      invites.answerInvite(b.service.ctx, inv.id, agent, 'monitor'),
      invites.answerInvite(b.service.ctx, inv.id, agent, 'reject'),
      invites.expireInvite(a.service.ctx, inv.id),
    ]);
    const effective = answers.filter((r) => r.status === 'fulfilled' && r.value !== false);
    expect(effective).toHaveLength(1);

    const ends = await Promise.all(
      [a, b].map((h) => json(`${h.url}/api/v1/sessions/${id}/end`, { method: 'POST', token: created.body.token })),
    );
    expect(ends.map((r) => r.status).sort()).toEqual([200, 409]);
  });
});
