import { afterEach, describe, expect, it } from 'vitest';
import { sessionKeys } from '../../adapters/redis/keys.js';
import { Refused } from '../../src/app/errors.js';
import * as invites from '../../src/app/invites.js';
import * as sessions from '../../src/app/sessions.js';
import type { Harness } from '../support/harness.js';
import { json, startHarness, waitFor } from '../support/harness.js';
import { cards, lines, outcomes } from '../support/recording.js';

let h: Harness;
afterEach(async () => h?.stop());

async function activeChat(ttl = '60') {
  h = await startHarness({ env: { INVITE_TTL_SECONDS: ttl, INVITE_MAX_RESENDS: '2' } });
  const ctx = h.service.ctx;
  const dir = ctx.directory.get();
  const { session } = await sessions.createSession(ctx, { queueId: 'it-support', user: { name: 'Zed' }, text: 'help' });
  await sessions.accept(ctx, session.id, dir.agent('alice'));
  return { ctx, dir, sessionId: session.id };
}

const cardsFor = (inviteId: string) => cards(h.recording, inviteId);

describe('invites end to end on the recording platform', () => {
  it('delivers a card, and accepting joins the invitee and updates the card and thread', async () => {
    const { ctx, dir, sessionId } = await activeChat();
    const inv = await invites.invite(ctx, { sessionId, inviterId: 'alice', inviteeId: 'bob', mode: 'monitor' });
    await waitFor(() => cardsFor(inv.id).length === 1, 5000, 'card');
    const settled = await invites.answerInvite(ctx, inv.id, dir.agent('bob'), 'monitor');
    expect(settled.status).toBe('accepted');
    expect((await ctx.store.sessions.members(sessionId)).find((m) => m.agentId === 'bob')?.mode).toBe('monitor');
    await waitFor(() => cardsFor(inv.id).some((c) => c.update && c.status === 'accepted'), 5000, 'card update');
    await waitFor(
      () => outcomes(h.recording).some((o) => o.inviteId === inv.id && o.status === 'accepted'),
      5000,
      'thread line',
    );
    const timers = ctx.timers as unknown as { queue: { getJob(id: string): Promise<unknown> } };
    expect(await timers.queue.getJob(`expire-${inv.id}`)).toBeFalsy();
  });

  it('refuses a click by someone else, a wrong button, and a second click, changing nothing', async () => {
    const { ctx, dir, sessionId } = await activeChat();
    const inv = await invites.invite(ctx, { sessionId, inviterId: 'alice', inviteeId: 'bob', mode: 'participant' });
    await expect(invites.answerInvite(ctx, inv.id, dir.agent('dan'), 'participate')).rejects.toMatchObject({
      code: 'not_invitee',
    });
    await expect(invites.answerInvite(ctx, inv.id, dir.agent('bob'), 'monitor')).rejects.toMatchObject({
      code: 'wrong_mode',
    });
    expect((await ctx.store.invites.get(inv.id))?.status).toBe('pending');
    await invites.answerInvite(ctx, inv.id, dir.agent('bob'), 'reject');
    await expect(invites.answerInvite(ctx, inv.id, dir.agent('bob'), 'participate')).rejects.toBeInstanceOf(Refused);
    expect((await ctx.store.invites.get(inv.id))?.status).toBe('rejected');
    expect((await ctx.store.sessions.members(sessionId)).map((m) => m.agentId)).toEqual(['alice']);
  });

  it('a repeated answer that already took answers as the first did (200, same outcome); a different one is still refused', async () => {
    const { ctx, sessionId } = await activeChat();
    const answer = (id: string, body: Record<string, string>) =>
      json(`${h.url}/api/v1/invites/${id}/answer`, { method: 'POST', apiKey: 'test-key', body });
    const inv = await invites.invite(ctx, { sessionId, inviterId: 'alice', inviteeId: 'bob', mode: 'participant' });
    const first = await answer(inv.id, { agentId: 'bob', answer: 'participate' });
    expect(first.status).toBe(200);
    const again = await answer(inv.id, { agentId: 'bob', answer: 'participate' });
    expect(again).toMatchObject({ status: 200, body: first.body });
    // Not the same answer: refused as before, and nothing changes.
    expect((await answer(inv.id, { agentId: 'bob', answer: 'reject' })).status).toBe(409);
    expect((await answer(inv.id, { agentId: 'dan', answer: 'participate' })).status).toBe(409);
    expect((await ctx.store.sessions.members(sessionId)).map((m) => `${m.agentId}:${m.mode}`).sort()).toEqual([
      'alice:owner',
      'bob:participant',
    ]);

    // Two tries at once, and a rejection repeated.
    const carol = await invites.invite(ctx, { sessionId, inviterId: 'alice', inviteeId: 'carol', mode: 'monitor' });
    const both = await Promise.all([
      answer(carol.id, { agentId: 'carol', answer: 'monitor' }),
      answer(carol.id, { agentId: 'carol', answer: 'monitor' }),
    ]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    expect(both[0]!.body).toEqual(both[1]!.body);
    const dan = await invites.invite(ctx, { sessionId, inviterId: 'alice', inviteeId: 'dan', mode: 'monitor' });
    expect((await answer(dan.id, { agentId: 'dan', answer: 'reject' })).status).toBe(200);
    expect((await answer(dan.id, { agentId: 'dan', answer: 'reject' })).body.invite.status).toBe('rejected');
  });

  it('resends a rejected invite as a linked new attempt, up to INVITE_MAX_RESENDS', async () => {
    const { ctx, dir, sessionId } = await activeChat();
    let inv = await invites.invite(ctx, { sessionId, inviterId: 'alice', inviteeId: 'bob', mode: 'participant' });
    for (let attempt = 2; attempt <= 3; attempt++) {
      const current = inv.id;
      await waitFor(() => cardsFor(current).length === 1, 5000, `card of attempt ${attempt - 1}`);
      await invites.answerInvite(ctx, inv.id, dir.agent('bob'), 'reject');
      await expect(invites.resendInvite(ctx, inv.id, 'bob')).rejects.toMatchObject({ code: 'forbidden' });
      const next = await invites.resendInvite(ctx, inv.id, 'alice');
      expect(next).toMatchObject({ attempt, previousId: inv.id, rootId: inv.rootId, status: 'pending' });
      await expect(invites.resendInvite(ctx, inv.id, 'alice')).rejects.toMatchObject({ code: 'already_resent' });
      inv = next;
    }
    const last = inv.id;
    await waitFor(() => cardsFor(last).length === 1, 5000, 'last card');
    await invites.answerInvite(ctx, inv.id, dir.agent('bob'), 'reject');
    await expect(invites.resendInvite(ctx, inv.id, 'alice')).rejects.toMatchObject({ code: 'limit' });
    const all = await ctx.store.invites.list(sessionId);
    expect(all.map((i) => [i.attempt, i.status])).toEqual([
      [1, 'rejected'],
      [2, 'rejected'],
      [3, 'rejected'],
    ]);
    // Each attempt's card went out once and was updated to rejected; the thread heard of every resend.
    await waitFor(() => cardsFor(last).some((c) => c.update && c.status === 'rejected'), 5000, 'last card updated');
    await waitFor(() => outcomes(h.recording).filter((o) => o.status === 'pending').length === 2, 5000, 'resent lines');
  });

  it('expires through the real BullMQ worker, updates the card and tells the thread', async () => {
    const { ctx, sessionId } = await activeChat('1');
    const inv = await invites.invite(ctx, { sessionId, inviterId: 'alice', inviteeId: 'bob', mode: 'participant' });
    await waitFor(async () => (await ctx.store.invites.get(inv.id))?.status === 'expired', 6000, 'expiry');
    await waitFor(() => cardsFor(inv.id).some((c) => c.update && c.status === 'expired'), 5000, 'expired card');
    await waitFor(
      () => outcomes(h.recording).some((o) => o.inviteId === inv.id && o.status === 'expired'),
      5000,
      'expired line',
    );
    const again = await invites.resendInvite(ctx, inv.id, 'alice');
    expect(again.attempt).toBe(2);
  });

  it('a late or repeated expiry does nothing', async () => {
    const { ctx, dir, sessionId } = await activeChat();
    const inv = await invites.invite(ctx, { sessionId, inviterId: 'alice', inviteeId: 'bob', mode: 'participant' });
    await invites.answerInvite(ctx, inv.id, dir.agent('bob'), 'participate');
    expect(await invites.expireInvite(ctx, inv.id)).toBe(false);
    expect(await invites.expireInvite(ctx, inv.id)).toBe(false);
    expect((await ctx.store.invites.get(inv.id))?.status).toBe('accepted');
  });

  it('ending the chat cancels pending invites and removes their expiry jobs', async () => {
    const { ctx, sessionId } = await activeChat();
    const a = await invites.invite(ctx, { sessionId, inviterId: 'alice', inviteeId: 'bob', mode: 'participant' });
    const b = await invites.invite(ctx, { sessionId, inviterId: 'alice', inviteeId: 'dan', mode: 'monitor' });
    await waitFor(() => cardsFor(a.id).length === 1 && cardsFor(b.id).length === 1, 5000, 'cards');
    const timers = ctx.timers as unknown as { queue: { getJob(id: string): Promise<unknown> } };
    expect(await timers.queue.getJob(`expire-${a.id}`)).toBeTruthy();
    await expect(sessions.endSession(ctx, sessionId, 'bob')).rejects.toMatchObject({ code: 'not_member' });
    const cancelled = await sessions.endSession(ctx, sessionId, 'alice');
    expect(cancelled.sort()).toEqual([a.id, b.id].sort());
    expect((await ctx.store.invites.list(sessionId)).every((i) => i.status === 'cancelled')).toBe(true);
    const ttl = await h.service.redis.pttl(sessionKeys(h.prefix, sessionId).session);
    expect(ttl).toBeGreaterThan(29 * 24 * 3600 * 1000);
    expect(await timers.queue.getJob(`expire-${a.id}`)).toBeFalsy();
    await waitFor(
      () => [a.id, b.id].every((id) => cardsFor(id).some((c) => c.status === 'cancelled')),
      5000,
      'cancelled cards',
    );
  });

  it('refuses ineligible invitees with the reason', async () => {
    const { ctx, sessionId } = await activeChat();
    await sessions.setAvailability(ctx, 'bob', false);
    await expect(
      invites.invite(ctx, { sessionId, inviterId: 'alice', inviteeId: 'bob', mode: 'participant' }),
    ).rejects.toMatchObject({ code: 'away' });
    await expect(
      invites.invite(ctx, { sessionId, inviterId: 'alice', inviteeId: 'erin', mode: 'participant' }),
    ).rejects.toMatchObject({ code: 'other_queue' });
    await invites.invite(ctx, { sessionId, inviterId: 'alice', inviteeId: 'dan', mode: 'participant' });
    await expect(
      invites.invite(ctx, { sessionId, inviterId: 'alice', inviteeId: 'dan', mode: 'monitor' }),
    ).rejects.toMatchObject({ code: 'already_invited' });
    const found = await invites.inviteCandidates(ctx, sessionId, 'alice', '');
    expect(Object.fromEntries(found.map((c) => [c.agent.id, c.verdict.ok ? 'ok' : c.verdict.code]))).toEqual({
      alice: 'self',
      bob: 'away',
      carol: 'ok',
      dan: 'already_invited',
      frank: 'not_agent',
    });
  });

  it('lets a supervisor join without an invite and a monitor step up', async () => {
    const { ctx, dir, sessionId } = await activeChat();
    await invites.supervisorJoin(ctx, sessionId, dir.agent('carol'), 'monitor');
    await expect(invites.supervisorJoin(ctx, sessionId, dir.agent('carol'), 'monitor')).rejects.toMatchObject({
      code: 'already_member',
    });
    await invites.supervisorJoin(ctx, sessionId, dir.agent('carol'), 'participant');
    expect((await ctx.store.sessions.members(sessionId)).find((m) => m.agentId === 'carol')?.mode).toBe('participant');
    await expect(invites.supervisorJoin(ctx, sessionId, dir.agent('bob'), 'monitor')).rejects.toMatchObject({
      code: 'not_supervisor',
    });
  });

  it('relays by mode: participants reach the end user, monitors and notes do not', async () => {
    const { ctx, dir, sessionId } = await activeChat();
    await invites.supervisorJoin(ctx, sessionId, dir.agent('carol'), 'monitor');
    const owner = await sessions.agentReply(ctx, {
      sessionId,
      agent: dir.agent('alice')!,
      text: 'hello',
      origin: 'slack:x',
    });
    const mon = await sessions.agentReply(ctx, {
      sessionId,
      agent: dir.agent('carol')!,
      text: 'psst',
      origin: 'slack:x',
    });
    const note = await sessions.agentReply(ctx, {
      sessionId,
      agent: dir.agent('alice')!,
      text: 'note: VIP',
      origin: 'slack:x',
    });
    await expect(
      sessions.agentReply(ctx, { sessionId, agent: dir.agent('dan')!, text: 'hi', origin: 'slack:x' }),
    ).rejects.toMatchObject({ code: 'not_member' });
    expect([owner.entry.visibility, mon.entry.visibility, note.entry.visibility]).toEqual([
      'public',
      'agents',
      'private',
    ]);
    expect([owner.withheld, mon.withheld]).toEqual([false, true]);
    // The recording mirror is not the origin, so the owner's and the monitor's lines are relayed to it; the note is not.
    await waitFor(
      () => lines(h.recording, sessionId).some((e) => e.meta?.id === mon.entry.id),
      5000,
      'monitor relayed to agents',
    );
    expect(lines(h.recording, sessionId).some((e) => e.meta?.id === owner.entry.id)).toBe(true);
    expect(lines(h.recording, sessionId).every((e) => e.meta?.id !== note.entry.id)).toBe(true);
  });
});
