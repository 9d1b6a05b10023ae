import { afterEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context.js';
import * as invites from '../../src/app/invites.js';
import * as lifecycle from '../../src/app/lifecycle.js';
import * as sessions from '../../src/app/sessions.js';
import { cleanup, type Harness, startHarness, testDirectory, uniquePrefix, waitFor } from '../support/harness.js';

/** Auto routing: the least busy available agent under capacity, atomically across instances. */
const DIRECTORY = `
queues:
  - { id: it-support, name: IT Support, routing: auto }
  - { id: hr, name: HR }
agents:
  - { id: alice, firstName: Alice, lastName: Ng, email: alice@example.com, permissions: [ESChat_Agent], queues: [it-support], maxChats: 2 }
  - { id: bob, firstName: Bob, lastName: Martin, email: bob@example.com, permissions: [ESChat_Agent], queues: [it-support], maxChats: 1 }
  - { id: dan, firstName: Dan, lastName: Ortiz, email: dan@example.com, permissions: [ESChat_Agent], queues: [it-support, hr], maxChats: 3 }
  - { id: frank, firstName: Frank, lastName: Nope, email: frank@example.com, permissions: [], queues: [it-support] }
`;

let hs: Harness[] = [];
afterEach(async () => {
  await Promise.all(hs.map((h) => h.service.stop().catch(() => undefined)));
  await Promise.all([...new Set(hs.map((h) => h.prefix))].map(cleanup));
  hs = [];
});
async function start(prefix = uniquePrefix(), away: string[] = ['dan']): Promise<AppContext> {
  const h = await startHarness({ prefix, directory: testDirectory(DIRECTORY) });
  hs.push(h);
  for (const a of away) await h.service.ctx.store.sessions.setAvailable(a, false);
  return h.service.ctx;
}
const newChat = async (ctx: AppContext) =>
  (await sessions.createSession(ctx, { queueId: 'it-support', user: { name: 'Zed' } })).session.id;
const owners = async (ctx: AppContext, ids: string[]) =>
  Promise.all(ids.map(async (id) => (await ctx.store.sessions.get(id))!.ownerId));
const count = (xs: Array<string | undefined>, who: string | undefined) => xs.filter((x) => x === who).length;

describe('auto routing', () => {
  it('gives each new chat to the available agent with the fewest chats below capacity; the rest wait their turn', async () => {
    const ctx = await start();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await newChat(ctx));
    await waitFor(async () => (await owners(ctx, ids)).filter(Boolean).length === 3, 5000, 'three routed');
    const got = await owners(ctx, ids);
    // Alice holds 2, Bob 1 (his capacity); Dan is away, Frank is no agent: the fourth waits.
    expect([count(got, 'alice'), count(got, 'bob'), count(got, undefined)]).toEqual([2, 1, 1]);
    expect(got[3]).toBeUndefined();
    expect(await ctx.store.lists.read('waiting', 'it-support')).toEqual([ids[3]]);

    // An owner ends a chat: the oldest waiting chat goes to them.
    const i = got.indexOf('bob');
    await sessions.endSession(ctx, ids[i]!, 'bob');
    await waitFor(
      async () => (await ctx.store.sessions.get(ids[3]!))?.ownerId === 'bob',
      5000,
      'the waiting chat routed',
    );
  });

  it('routes the waiting chats to an agent who becomes available; invite joins do not count against capacity', async () => {
    const ctx = await start(uniquePrefix(), ['dan', 'bob', 'alice']);
    const ids = [await newChat(ctx), await newChat(ctx)];
    await new Promise((r) => setTimeout(r, 200));
    expect(await owners(ctx, ids)).toEqual([undefined, undefined]);
    await sessions.setAvailability(ctx, 'bob', true);
    await waitFor(async () => (await owners(ctx, ids))[0] === 'bob', 5000, 'the oldest to Bob');
    // Bob is full (1): the second still waits. Bob joining another chat by invite does not change that.
    await sessions.setAvailability(ctx, 'alice', true);
    await waitFor(async () => (await owners(ctx, ids))[1] === 'alice', 5000, 'the next to Alice');
    const third = await newChat(ctx);
    await waitFor(async () => (await ctx.store.sessions.get(third))?.ownerId === 'alice', 5000, 'Alice has room for 2');
    const inv = await invites.invite(ctx, {
      sessionId: third,
      inviterId: 'alice',
      inviteeId: 'bob',
      mode: 'participant',
    });
    await invites.answerInvite(ctx, inv.id, ctx.directory.get().agent('bob'), 'participate');
    expect(await ctx.store.lists.count('owns', 'bob')).toBe(1);
    expect(await ctx.store.lists.count('owns', 'alice')).toBe(2);
  });

  it('a released chat goes to someone else, not straight back to the one who released it', async () => {
    const ctx = await start(uniquePrefix(), ['dan', 'bob']);
    const id = await newChat(ctx);
    await waitFor(async () => (await ctx.store.sessions.get(id))?.ownerId === 'alice', 5000, 'to Alice');
    await sessions.setAvailability(ctx, 'bob', true);
    await lifecycle.release(ctx, id, 'alice');
    await waitFor(async () => (await ctx.store.sessions.get(id))?.ownerId === 'bob', 5000, 'to Bob');
  });

  it('two instances routing at once never give a chat twice nor push an agent over capacity', async () => {
    const prefix = uniquePrefix();
    const a = await start(prefix, []);
    const b = await start(prefix, []);
    // Capacity 2 + 1 + 3 = 6, for 15 chats created at once on both.
    const ids = await Promise.all(Array.from({ length: 15 }, (_, i) => newChat(i % 2 ? a : b)));
    await waitFor(async () => (await owners(a, ids)).filter(Boolean).length === 6, 10_000, 'six routed');
    await new Promise((r) => setTimeout(r, 500));
    const got = await owners(a, ids);
    expect([count(got, 'alice'), count(got, 'bob'), count(got, 'dan'), count(got, undefined)]).toEqual([2, 1, 3, 9]);
    for (const id of ids) {
      const members = await a.store.sessions.members(id);
      expect(members.filter((m) => m.mode === 'owner').length).toBeLessThanOrEqual(1);
    }
    for (const agent of ['alice', 'bob', 'dan'])
      expect(await a.store.lists.count('owns', agent)).toBe(count(got, agent));
  });

  it('leaves manual queues alone', async () => {
    const ctx = await start(uniquePrefix(), []);
    const { session } = await sessions.createSession(ctx, { queueId: 'hr', user: { name: 'Zed' } });
    await new Promise((r) => setTimeout(r, 300));
    expect((await ctx.store.sessions.get(session.id))?.status).toBe('waiting');
  });
});
