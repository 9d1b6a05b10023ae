import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context.js';
import { Refused } from '../../src/app/errors.js';
import * as invites from '../../src/app/invites.js';
import * as lifecycle from '../../src/app/lifecycle.js';
import * as sessions from '../../src/app/sessions.js';
import { cleanup, type Harness, startHarness, uniquePrefix, waitFor } from '../support/harness.js';
import { cards, lines } from '../support/recording.js';

/**
 * A chat's life beyond accept and end, through the use cases on the real store and engine:
 * each capability, each refusal (with its code, and nothing changed), on the recording platform.
 */
let h: Harness;
let ctx: AppContext;
beforeEach(async () => {
  h = await startHarness();
  ctx = h.service.ctx;
});
afterEach(async () => h?.stop());

const agent = (id: string) => ctx.directory.get().agent(id)!;
const chat = async (owner = 'alice') => {
  const { session } = await sessions.createSession(ctx, { queueId: 'it-support', user: { name: 'Zed' } });
  await sessions.accept(ctx, session.id, agent(owner));
  return session.id;
};
const state = async (id: string) => {
  const [s, members, invs] = await Promise.all([
    ctx.store.sessions.get(id),
    ctx.store.sessions.members(id),
    ctx.store.invites.list(id),
  ]);
  return {
    status: s!.status,
    owner: s!.ownerId,
    queue: s!.queueId,
    members: members.map((m) => `${m.agentId}:${m.mode}`).sort(),
    invites: invs.map((i) => `${i.inviteeId}:${i.kind}:${i.status}`).sort(),
  };
};
/** Refused with this code, and the chat as it was. */
async function refused(id: string, code: string, work: () => Promise<unknown>) {
  const before = await state(id);
  const err = await work().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected a refusal ${code}`).toBeInstanceOf(Refused);
  expect((err as Refused).code).toBe(code);
  expect(await state(id)).toEqual(before);
}
const thread = (id: string) =>
  `${lines(h.recording, id)
    .map((c) => c.text)
    .join('\n')}\n${h.recording.calls
    .filter((c) => c.op === 'post' && c.to.includes(id))
    .map((c) => c.text)
    .join('\n')}`;

describe('transfer to a colleague', () => {
  it('is an offer: Accept makes them the owner and the old owner leaves; the end user sees who is there now', async () => {
    const id = await chat();
    const offer = (
      await lifecycle.transfer(ctx, { sessionId: id, agentId: 'alice', toAgentId: 'bob', note: 'going home' })
    ).offer!;
    expect(offer).toMatchObject({ kind: 'transfer', inviteeId: 'bob', note: 'going home', status: 'pending' });
    await waitFor(() => cards(h.recording, offer.id).length > 0, 5000, 'the offer card');
    expect(cards(h.recording, offer.id)[0]!.text).toMatch(
      /offers you a chat[\s\S]*going home[\s\S]*\[Accept\] \[Decline\]/,
    );
    await invites.answerInvite(ctx, offer.id, agent('bob'), 'accept');
    expect(await state(id)).toMatchObject({ status: 'active', owner: 'bob', members: ['bob:owner'] });
    const seen = (await ctx.store.transcript.read(id, undefined, 100))
      .filter((e) => e.kind === 'participant')
      .map((e) => e.kind === 'participant' && `${e.name} ${e.action}`);
    expect(seen).toEqual(['Alice joined', 'Alice left', 'Bob joined']);
    await waitFor(() => /Bob Martin took over the chat from Alice Ng/.test(thread(id)), 5000, 'the line in the thread');
    expect(await ctx.store.lists.read('chats', 'alice')).not.toContain(id);
    expect(await ctx.store.lists.read('chats', 'bob')).toContain(id);
  });

  it('declined or expired, changes nothing but says so', async () => {
    const id = await chat();
    const offer = (await lifecycle.transfer(ctx, { sessionId: id, agentId: 'alice', toAgentId: 'bob' })).offer!;
    await invites.answerInvite(ctx, offer.id, agent('bob'), 'reject');
    expect(await state(id)).toMatchObject({ owner: 'alice', members: ['alice:owner'] });
    await waitFor(() => /Bob Martin declined the chat/.test(thread(id)), 5000, 'declined');
    const again = (await lifecycle.transfer(ctx, { sessionId: id, agentId: 'alice', toAgentId: 'dan' })).offer!;
    expect(await invites.expireInvite(ctx, again.id)).toBe(true);
    await waitFor(() => /offer to Dan Ortiz expired/.test(thread(id)), 5000, 'expired');
    expect(await state(id)).toMatchObject({ owner: 'alice' });
  });

  it('is refused to anyone but the owner, to an ineligible colleague, and while another offer waits', async () => {
    const id = await chat();
    await invites
      .invite(ctx, { sessionId: id, inviterId: 'alice', inviteeId: 'bob', mode: 'participant' })
      .then((i) => invites.answerInvite(ctx, i.id, agent('bob'), 'participate'));
    await refused(id, 'forbidden', () => lifecycle.transfer(ctx, { sessionId: id, agentId: 'bob', toAgentId: 'dan' }));
    await refused(id, 'not_member', () => lifecycle.transfer(ctx, { sessionId: id, agentId: 'dan', toAgentId: 'dan' }));
    await refused(id, 'other_queue', () =>
      lifecycle.transfer(ctx, { sessionId: id, agentId: 'alice', toAgentId: 'erin' }),
    );
    await refused(id, 'not_agent', () =>
      lifecycle.transfer(ctx, { sessionId: id, agentId: 'alice', toAgentId: 'frank' }),
    );
    await refused(id, 'self', () => lifecycle.transfer(ctx, { sessionId: id, agentId: 'alice', toAgentId: 'alice' }));
    await sessions.setAvailability(ctx, 'dan', false);
    await refused(id, 'away', () => lifecycle.transfer(ctx, { sessionId: id, agentId: 'alice', toAgentId: 'dan' }));
    await sessions.setAvailability(ctx, 'dan', true);
    await lifecycle.transfer(ctx, { sessionId: id, agentId: 'alice', toAgentId: 'dan' });
    await refused(id, 'transfer_pending', () =>
      lifecycle.transfer(ctx, { sessionId: id, agentId: 'alice', toAgentId: 'carol' }),
    );
  });

  it('an offer accepted after its owner released the chat is refused: it no longer stands', async () => {
    const id = await chat();
    const offer = (await lifecycle.transfer(ctx, { sessionId: id, agentId: 'alice', toAgentId: 'bob' })).offer!;
    await lifecycle.release(ctx, id, 'alice');
    // Releasing cancelled the offer.
    await refused(id, 'not_pending', () => invites.answerInvite(ctx, offer.id, agent('bob'), 'accept'));
  });
});

describe('transfer to a queue, and release', () => {
  it('moves the chat to the queue: waiting there, a new root in its channel, the old root says where it went', async () => {
    const id = await chat();
    const s = (await lifecycle.transfer(ctx, { sessionId: id, agentId: 'alice', toQueue: 'hr' })).session!;
    expect(s).toMatchObject({ status: 'waiting', queueId: 'hr' });
    expect(s.ownerId).toBeUndefined();
    await waitFor(
      () =>
        h.recording.calls.some(
          (c) => c.op === 'open' && c.meta?.id === id && /Queue: HR/.test(c.text) && /\[Accept\]/.test(c.text),
        ),
      5000,
      'the root in HR',
    );
    await waitFor(
      () => h.recording.calls.some((c) => c.op === 'update' && /was transferred to HR/.test(c.text)),
      5000,
      'the old root',
    );
    expect(await ctx.store.lists.read('waiting', 'hr')).toEqual([id]);
    expect(await ctx.store.lists.read('active', 'it-support')).toEqual([]);
    // An agent of HR takes it; one of IT Support cannot.
    await refused(id, 'other_queue', () => sessions.accept(ctx, id, agent('bob')));
    await sessions.accept(ctx, id, agent('erin'));
    expect(await state(id)).toMatchObject({ status: 'active', owner: 'erin' });
  });

  it('release: back to waiting in its queue with Accept, participants and monitors stay; the next Accept owns it', async () => {
    const id = await chat();
    const inv = await invites.invite(ctx, { sessionId: id, inviterId: 'alice', inviteeId: 'bob', mode: 'participant' });
    await invites.answerInvite(ctx, inv.id, agent('bob'), 'participate');
    const pending = await invites.invite(ctx, { sessionId: id, inviterId: 'alice', inviteeId: 'dan', mode: 'monitor' });
    const s = await lifecycle.release(ctx, id, 'alice');
    expect(s.status).toBe('waiting');
    expect(await state(id)).toMatchObject({
      members: ['bob:participant'],
      invites: ['bob:invite:accepted', 'dan:invite:cancelled'],
    });
    expect((await ctx.store.invites.get(pending.id))?.status).toBe('cancelled');
    await waitFor(() => /released the chat/.test(thread(id)), 5000, 'the line');
    await sessions.accept(ctx, id, agent('dan'));
    expect(await state(id)).toMatchObject({ owner: 'dan', members: ['bob:participant', 'dan:owner'] });
  });

  it('are refused to a non-owner, to the same or an unknown queue, and on a chat not active', async () => {
    const id = await chat();
    await refused(id, 'not_member', () => lifecycle.release(ctx, id, 'bob'));
    await refused(id, 'same_queue', () =>
      lifecycle.transfer(ctx, { sessionId: id, agentId: 'alice', toQueue: 'it-support' }),
    );
    await refused(id, 'unknown_queue', () =>
      lifecycle.transfer(ctx, { sessionId: id, agentId: 'alice', toQueue: 'nope' }),
    );
    await refused(id, 'invalid', () =>
      lifecycle.transfer(ctx, { sessionId: id, agentId: 'alice', toQueue: 'hr', toAgentId: 'bob' }),
    );
    await lifecycle.release(ctx, id, 'alice');
    await refused(id, 'not_active', () => lifecycle.release(ctx, id, 'alice'));
  });
});

describe('leave and promote', () => {
  it('a participant leaves: the thread says so, their replies no longer reach the end user; the owner cannot leave', async () => {
    const id = await chat();
    const inv = await invites.invite(ctx, { sessionId: id, inviterId: 'alice', inviteeId: 'bob', mode: 'participant' });
    await invites.answerInvite(ctx, inv.id, agent('bob'), 'participate');
    await refused(id, 'owner', () => lifecycle.leave(ctx, id, 'alice'));
    await refused(id, 'not_member', () => lifecycle.leave(ctx, id, 'dan'));
    await lifecycle.leave(ctx, id, 'bob');
    expect(await state(id)).toMatchObject({ members: ['alice:owner'] });
    await waitFor(() => /Bob Martin left the chat/.test(thread(id)), 5000, 'the line');
    await expect(
      sessions.agentReply(ctx, { sessionId: id, agent: agent('bob'), text: 'still here?', origin: 'x' }),
    ).rejects.toMatchObject({ code: 'not_member' });
    expect(await ctx.store.lists.read('chats', 'bob')).toEqual([]);
  });

  it('promote: the owner makes a monitor a participant; anyone else, or a non-monitor, is refused', async () => {
    const id = await chat();
    const inv = await invites.invite(ctx, { sessionId: id, inviterId: 'alice', inviteeId: 'bob', mode: 'monitor' });
    await invites.answerInvite(ctx, inv.id, agent('bob'), 'monitor');
    await refused(id, 'forbidden', () => lifecycle.promote(ctx, id, 'bob', 'bob'));
    await refused(id, 'not_monitor', () => lifecycle.promote(ctx, id, 'alice', 'alice'));
    await refused(id, 'not_monitor', () => lifecycle.promote(ctx, id, 'alice', 'dan'));
    await lifecycle.promote(ctx, id, 'alice', 'bob');
    expect(await state(id)).toMatchObject({ members: ['alice:owner', 'bob:participant'] });
    await waitFor(() => /Bob Martin is now a participant/.test(thread(id)), 5000, 'the line');
    const { entry } = await sessions.agentReply(ctx, {
      sessionId: id,
      agent: agent('bob'),
      text: 'hello from Bob',
      origin: 'x',
    });
    expect(entry.visibility).toBe('public');
  });
});

describe('asking for help', () => {
  it("every supervisor of the queue gets a card; the first to join answers it and the others' cards say who did", async () => {
    const dir = `
queues:
  - { id: it-support, name: IT Support }
agents:
  - { id: alice, firstName: Alice, lastName: Ng, email: alice@example.com, permissions: [ESChat_Agent], queues: [it-support] }
  - { id: bob, firstName: Bob, lastName: Martin, email: bob@example.com, permissions: [ESChat_Agent], queues: [it-support] }
  - { id: sam, firstName: Sam, lastName: Super, email: sam@example.com, permissions: [ESChat_Agent], roles: [agent, supervisor], queues: [it-support] }
  - { id: tia, firstName: Tia, lastName: Super, email: tia@example.com, permissions: [ESChat_Agent], roles: [agent, supervisor], queues: [it-support] }
`;
    await h.stop();
    const { testDirectory } = await import('../support/harness.js');
    h = await startHarness({ directory: testDirectory(dir) });
    ctx = h.service.ctx;
    const id = await chat();
    const inv = await invites.invite(ctx, { sessionId: id, inviterId: 'alice', inviteeId: 'bob', mode: 'participant' });
    await invites.answerInvite(ctx, inv.id, agent('bob'), 'participate');
    const asked = await invites.requestHelp(ctx, { sessionId: id, agentId: 'bob', note: 'refund over the limit' });
    expect(asked.map((i) => i.inviteeId).sort()).toEqual(['sam', 'tia']);
    await refused(id, 'help_open', () => invites.requestHelp(ctx, { sessionId: id, agentId: 'alice' }));
    await waitFor(
      () => /Bob Martin asked the supervisors for help: refund over the limit/.test(thread(id)),
      5000,
      'who asked',
    );
    const sam = asked.find((i) => i.inviteeId === 'sam')!;
    const tia = asked.find((i) => i.inviteeId === 'tia')!;
    expect(await ctx.store.lists.read('invites', 'sam')).toEqual([sam.id]);
    await invites.answerInvite(ctx, sam.id, agent('sam'), 'monitor');
    expect(await ctx.store.invites.get(tia.id)).toMatchObject({ status: 'cancelled', takenBy: 'sam' });
    await waitFor(
      () => cards(h.recording, tia.id).some((c) => /Sam Super answered first/.test(c.text)),
      5000,
      "Tia's card",
    );
    await waitFor(() => /Sam Super answered the help request and joined as monitor/.test(thread(id)), 5000, 'answered');
    await expect(invites.answerInvite(ctx, tia.id, agent('tia'), 'participate')).rejects.toMatchObject({
      code: 'not_pending',
    });
    expect(await state(id)).toMatchObject({ members: ['alice:owner', 'bob:participant', 'sam:monitor'] });

    // A supervisor who joins from their lists instead of the card answers the request too.
    const again = await invites.requestHelp(ctx, { sessionId: id, agentId: 'bob' });
    expect(again.map((i) => i.inviteeId)).toEqual(['tia']);
    await invites.supervisorJoin(ctx, id, agent('tia'), 'participant');
    expect(await ctx.store.invites.get(again[0]!.id)).toMatchObject({ status: 'accepted' });
    await waitFor(
      () => /Tia Super answered the help request and joined as participant/.test(thread(id)),
      5000,
      'answered by joining',
    );
    expect(await state(id)).toMatchObject({
      members: ['alice:owner', 'bob:participant', 'sam:monitor', 'tia:participant'],
    });
  });

  it('the one who asked can withdraw it; nobody else can; ending the chat cancels it', async () => {
    const id = await chat();
    const asked = await invites.requestHelp(ctx, { sessionId: id, agentId: 'alice' });
    expect(asked.map((i) => i.inviteeId)).toEqual(['carol']);
    await refused(id, 'forbidden', () => invites.withdrawHelp(ctx, id, 'bob'));
    await invites.withdrawHelp(ctx, id, 'alice');
    expect((await ctx.store.invites.get(asked[0]!.id))?.status).toBe('cancelled');
    await waitFor(() => /withdrew the help request/.test(thread(id)), 5000, 'withdrawn');
    await refused(id, 'no_help_open', () => invites.withdrawHelp(ctx, id, 'alice'));
    const again = await invites.requestHelp(ctx, { sessionId: id, agentId: 'alice' });
    await sessions.endSession(ctx, id, 'alice');
    expect((await ctx.store.invites.get(again[0]!.id))?.status).toBe('cancelled');
  });

  it('is refused to a monitor and in a chat not active', async () => {
    const id = await chat();
    const inv = await invites.invite(ctx, { sessionId: id, inviterId: 'alice', inviteeId: 'bob', mode: 'monitor' });
    await invites.answerInvite(ctx, inv.id, agent('bob'), 'monitor');
    await refused(id, 'forbidden', () => invites.requestHelp(ctx, { sessionId: id, agentId: 'bob' }));
    await lifecycle.release(ctx, id, 'alice');
    await refused(id, 'not_active', () => invites.requestHelp(ctx, { sessionId: id, agentId: 'bob' }));
  });
});

describe('anyone available, notes and reasons', () => {
  it('invites every available agent of the queue as one group: the first to answer joins, the rest are taken', async () => {
    const id = await chat();
    await sessions.setAvailability(ctx, 'dan', false);
    const sent = await invites.inviteAnyone(ctx, {
      sessionId: id,
      inviterId: 'alice',
      mode: 'participant',
      note: 'VPN guru needed',
    });
    // Bob and Carol are available agents of the queue; Dan is away; Frank is no agent.
    expect(sent.map((i) => i.inviteeId).sort()).toEqual(['bob', 'carol']);
    expect(new Set(sent.map((i) => i.group)).size).toBe(1);
    await waitFor(
      () => /invited anyone available as participant: 2 agents asked/.test(thread(id)),
      5000,
      'the one line',
    );
    const [first, second] = sent;
    await invites.answerInvite(ctx, first!.id, agent(first!.inviteeId), 'participate');
    expect(await ctx.store.invites.get(second!.id)).toMatchObject({ status: 'cancelled', takenBy: first!.inviteeId });
    await expect(invites.answerInvite(ctx, second!.id, agent(second!.inviteeId), 'participate')).rejects.toMatchObject({
      code: 'not_pending',
    });
    expect((await state(id)).members).toEqual(['alice:owner', `${first!.inviteeId}:participant`]);
  });

  it('refuses anyone available when nobody is', async () => {
    const id = await chat();
    for (const a of ['bob', 'carol', 'dan']) await sessions.setAvailability(ctx, a, false);
    await refused(id, 'nobody_available', () =>
      invites.inviteAnyone(ctx, { sessionId: id, inviterId: 'alice', mode: 'participant' }),
    );
  });

  it('keeps the note on the invite and the reason on the rejection', async () => {
    const id = await chat();
    const inv = await invites.invite(ctx, {
      sessionId: id,
      inviterId: 'alice',
      inviteeId: 'bob',
      mode: 'participant',
      note: 'you know <this> customer',
    });
    await waitFor(() => cards(h.recording, inv.id).length > 0, 5000, 'the card');
    expect(cards(h.recording, inv.id)[0]!.text).toContain('“you know <this> customer”');
    await refused(id, 'not_invitee', () => invites.answerInvite(ctx, inv.id, agent('dan'), 'reject', 'not me'));
    const r = await invites.answerInvite(ctx, inv.id, agent('bob'), 'reject', 'in a call until 3');
    expect(r).toMatchObject({ status: 'rejected', reason: 'in a call until 3', note: 'you know <this> customer' });
  });
});

describe('across instances', () => {
  it('anyone available: two agents answer at once on two instances, 20 rounds, exactly one joins each time', async () => {
    const prefix = uniquePrefix();
    const a = await startHarness({ prefix });
    const b = await startHarness({ prefix });
    try {
      for (let round = 0; round < 20; round++) {
        const { session } = await sessions.createSession(a.service.ctx, {
          queueId: 'it-support',
          user: { name: 'Zed' },
        });
        await sessions.accept(a.service.ctx, session.id, a.service.ctx.directory.get().agent('alice'));
        const sent = await invites.inviteAnyone(b.service.ctx, {
          sessionId: session.id,
          inviterId: 'alice',
          mode: round % 2 ? 'monitor' : 'participant',
        });
        const answer = round % 2 ? 'monitor' : 'participate';
        const rs = await Promise.allSettled(
          sent.map((inv, i) =>
            invites.answerInvite(
              (i % 2 ? a : b).service.ctx,
              inv.id,
              a.service.ctx.directory.get().agent(inv.inviteeId),
              answer,
            ),
          ),
        );
        expect(
          rs.filter((r) => r.status === 'fulfilled'),
          `round ${round}`,
        ).toHaveLength(1);
        const members = await a.service.ctx.store.sessions.members(session.id);
        expect(
          members.filter((m) => m.mode !== 'owner'),
          `round ${round}`,
        ).toHaveLength(1);
        const joined = (await a.service.ctx.store.transcript.read(session.id, undefined, 100)).filter(
          (e) => e.kind === 'participant' && e.action === 'joined' && e.via === 'invite',
        );
        expect(joined, `round ${round}`).toHaveLength(1);
      }
    } finally {
      await Promise.all([a.service.stop(), b.service.stop()]);
      await cleanup(prefix);
    }
  });
});
