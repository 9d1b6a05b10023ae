import { afterEach, describe, expect, it } from 'vitest';
import { globalKeys, sessionKeys } from '../../adapters/redis/keys.js';
import type { AppContext } from '../../src/app/context.js';
import * as invites from '../../src/app/invites.js';
import * as sessions from '../../src/app/sessions.js';
import { homeView } from '../../src/app/views.js';
import { listingsOf } from '../../src/domain/lists.js';
import { cleanup, type Harness, startHarness, waitFor } from '../support/harness.js';
import { testRedis } from '../support/redis.js';

/** The lists people look at are indexes kept from each chat's state, never a scan of every chat. */
let hs: Harness[] = [];
afterEach(async () => {
  await Promise.all(hs.map((h) => h.service.stop().catch(() => undefined)));
  await Promise.all([...new Set(hs.map((h) => h.prefix))].map(cleanup));
  hs = [];
});
async function start(prefix?: string): Promise<Harness> {
  const h = await startHarness(prefix ? { prefix } : {});
  hs.push(h);
  return h;
}

const newChat = async (ctx: AppContext) =>
  (await sessions.createSession(ctx, { queueId: 'it-support', user: { name: 'Zed' } })).session;
const agent = (ctx: AppContext, id: string) => ctx.directory.get().agent(id)!;

/** Every list as the chats' states say it should be, for the chats given. */
async function expectedLists(ctx: AppContext, ids: string[]) {
  const out = new Map<string, string[]>();
  for (const id of ids) {
    const s = (await ctx.store.sessions.get(id))!;
    for (const l of listingsOf(s, await ctx.store.sessions.members(id), await ctx.store.invites.list(id))) {
      const k = `${l.list}:${l.of}`;
      out.set(k, [...(out.get(k) ?? []), l.item].sort());
    }
  }
  return out;
}

async function actualLists(ctx: AppContext, keys: Iterable<string>) {
  const out = new Map<string, string[]>();
  for (const k of keys) {
    const [list, of] = k.split(':') as ['chats' | 'invites' | 'waiting' | 'active', string];
    const items = (await ctx.store.lists.read(list, of)).sort();
    if (items.length) out.set(k, items);
  }
  return out;
}

const EVERY_LIST = [
  'waiting:it-support',
  'active:it-support',
  ...['alice', 'bob', 'carol', 'dan'].flatMap((a) => [`chats:${a}`, `invites:${a}`]),
];

describe('lists', () => {
  it('follow a chat through its life: waiting, taken, invited, joined, ended', async () => {
    const h = await start();
    const ctx = h.service.ctx;
    const lists = ctx.store.lists;
    const s = await newChat(ctx);
    expect(await lists.read('waiting', 'it-support')).toEqual([s.id]);
    await sessions.accept(ctx, s.id, agent(ctx, 'alice'));
    expect(await lists.read('waiting', 'it-support')).toEqual([]);
    expect(await lists.read('active', 'it-support')).toEqual([s.id]);
    expect(await lists.read('chats', 'alice')).toEqual([s.id]);
    const inv = await invites.invite(ctx, {
      sessionId: s.id,
      inviterId: 'alice',
      inviteeId: 'bob',
      mode: 'participant',
    });
    expect(await lists.read('invites', 'bob')).toEqual([inv.id]);
    await invites.answerInvite(ctx, inv.id, agent(ctx, 'bob'), 'participate');
    expect(await lists.read('invites', 'bob')).toEqual([]);
    expect(await lists.read('chats', 'bob')).toEqual([s.id]);
    const pending = await invites.invite(ctx, {
      sessionId: s.id,
      inviterId: 'alice',
      inviteeId: 'dan',
      mode: 'monitor',
    });
    expect(await lists.read('invites', 'dan')).toEqual([pending.id]);
    await sessions.endSession(ctx, s.id, 'alice');
    for (const k of EVERY_LIST) {
      const [list, of] = k.split(':') as ['chats', string];
      expect(await lists.read(list, of), k).toEqual([]);
    }
  });

  it("match every chat's state after concurrent changes from two instances", async () => {
    const a = await start();
    const b = await start(a.prefix);
    const chats = await Promise.all(Array.from({ length: 32 }, () => newChat(a.service.ctx)));
    const ctxOf = (i: number) => (i % 2 ? a : b).service.ctx;
    await Promise.all(
      chats.map(async (s, i) => {
        const ctx = ctxOf(i);
        if (i % 4 === 3) return; // left waiting
        // Two agents race to accept; one wins.
        await Promise.allSettled([
          sessions.accept(ctx, s.id, agent(ctx, 'alice')),
          sessions.accept(ctxOf(i + 1), s.id, agent(ctx, 'bob')),
        ]);
        const owner = (await ctx.store.sessions.get(s.id))!.ownerId!;
        const other = owner === 'alice' ? 'bob' : 'alice';
        const [x, y] = await Promise.allSettled([
          invites.invite(ctx, { sessionId: s.id, inviterId: owner, inviteeId: other, mode: 'participant' }),
          invites.invite(ctxOf(i + 1), { sessionId: s.id, inviterId: owner, inviteeId: 'dan', mode: 'monitor' }),
        ]);
        if (i % 3 === 0 && x.status === 'fulfilled')
          await invites.answerInvite(ctxOf(i + 1), x.value.id, agent(ctx, other), 'participate');
        if (i % 4 === 2)
          await Promise.allSettled([
            sessions.endSession(ctx, s.id, owner),
            y.status === 'fulfilled'
              ? invites.answerInvite(ctxOf(i + 1), y.value.id, agent(ctx, 'dan'), 'monitor')
              : undefined,
          ]);
      }),
    );
    const ctx = a.service.ctx;
    const want = await expectedLists(
      ctx,
      chats.map((s) => s.id),
    );
    expect(want.size).toBeGreaterThan(4);
    expect(await actualLists(ctx, EVERY_LIST)).toEqual(new Map([...want].filter(([k]) => EVERY_LIST.includes(k))));
  });

  it('a change whose reindex never ran (the process died) is listed by the planner', async () => {
    const h = await start();
    const ctx = h.service.ctx;
    const s = await newChat(ctx);
    // The store write alone, as if the process stopped right after it.
    const member = { agentId: 'alice', mode: 'owner' as const, joinedAt: Date.now(), via: 'accept' as const };
    const r = await ctx.store.sessions.accept(s.id, member, Date.now(), {
      effects: [{ type: 'session.changed', sessionId: s.id }],
    });
    expect(r.ok).toBe(true);
    expect(await ctx.store.lists.read('chats', 'alice')).toEqual([]);
    await ctx.outbox.kick(s.id);
    await waitFor(
      async () => (await ctx.store.lists.read('chats', 'alice')).includes(s.id),
      5000,
      'the planner to list it',
    );
    expect(await ctx.store.lists.read('waiting', 'it-support')).toEqual([]);
  });

  it('the home shows what the lists hold, checked against each chat: a stale listing is left out and mended', async () => {
    const h = await start();
    const ctx = h.service.ctx;
    const s = await newChat(ctx);
    await sessions.accept(ctx, s.id, agent(ctx, 'alice'));
    const redis = await testRedis();
    try {
      // A listing for a chat Bob is not in: not shown, and taken out.
      await redis.zadd(globalKeys(h.prefix).list('chats', 'bob'), 1, s.id);
      expect((await homeView(ctx, agent(ctx, 'bob'))).chats).toEqual([]);
      await waitFor(
        async () => (await ctx.store.lists.read('chats', 'bob')).length === 0,
        5000,
        'the stale listing gone',
      );
      // No listing, no chat: the home never scans (Alice's list emptied by hand).
      await redis.del(globalKeys(h.prefix).list('chats', 'alice'));
      expect((await homeView(ctx, agent(ctx, 'alice'))).chats).toEqual([]);
      // Carol supervises it-support: her monitoring list is the queue's active list.
      expect((await homeView(ctx, agent(ctx, 'carol'))).monitoring.map((v) => v.session.id)).toEqual([s.id]);
    } finally {
      await redis.quit();
    }
  });

  it('an upgrade lists the open chats an older version kept in one set', async () => {
    const h = await start();
    const ctx = h.service.ctx;
    const s = await newChat(ctx);
    await sessions.accept(ctx, s.id, agent(ctx, 'alice'));
    await h.service.stop();
    const redis = await testRedis();
    try {
      // As an older version left it: no lists, the chat in prefix:open.
      // One key per DEL: on a cluster they sit in different slots.
      await redis.del(globalKeys(h.prefix).list('chats', 'alice'));
      await redis.del(globalKeys(h.prefix).list('active', 'it-support'));
      await redis.hdel(sessionKeys(h.prefix, s.id).session, 'ix', 'ixrev');
      await redis.zadd(`${h.prefix}:open`, s.createdAt, s.id);
      const next = await start(h.prefix);
      await waitFor(
        async () => (await next.service.ctx.store.lists.read('chats', 'alice')).includes(s.id),
        5000,
        'the chat listed',
      );
      expect(await next.service.ctx.store.lists.read('active', 'it-support')).toEqual([s.id]);
      expect(await redis.exists(`${h.prefix}:open`)).toBe(0);
    } finally {
      await redis.quit();
    }
  });
});
