import { randomBytes } from 'node:crypto';
import type { Agent } from '../domain/directory.js';
import {
  type Invite, type InviteAnswer, type InviteMode, mayAnswer, mayBeInvited, mayInvite, mayResend, maySearchInvitees, mayViewInvites, statusForAnswer,
} from '../domain/invite.js';
import { searchAgents } from '../domain/search.js';
import type { Member, Session } from '../domain/session.js';
import type { AppContext } from './context.js';
import { notFound, Refused } from './errors.js';
import { commit, joinWrites, loadSession } from './sessions.js';
import type { Candidate } from './surfaces/invites.js';
import { type SessionView, sessionView } from './views.js';

const changed = (i: Pick<Invite, 'sessionId' | 'id'>) => ({ type: 'invite.changed' as const, sessionId: i.sessionId, inviteId: i.id });

async function loadInvite(ctx: AppContext, inviteId: string): Promise<Invite> {
  const inv = await ctx.store.invites.get(inviteId);
  if (!inv) throw notFound('invite_not_found');
  return inv;
}

/** The session with every invite, for its owner or an inviter (the "+N" details). */
export async function inviteDetails(ctx: AppContext, sessionId: string, agentId: string): Promise<SessionView> {
  const view = await sessionView(ctx, sessionId);
  const v = mayViewInvites(view.session, view.invites, agentId);
  if (!v.ok) throw Refused.from(v);
  return view;
}

/**
 * The agents of a chat's queue, for `searcherId` to look through for an invitee; refused
 * (Refused) unless the policy lets them search this chat. Every directory search for an
 * invitee goes through here.
 */
export async function searchableAgents(ctx: AppContext, session: Session, searcherId: string, members?: readonly Member[]): Promise<Agent[]> {
  const dir = ctx.directory.get();
  const all = members ?? (await ctx.store.sessions.members(session.id));
  const v = maySearchInvitees(session, dir.agent(searcherId), all.find((m) => m.agentId === searcherId));
  if (!v.ok) throw Refused.from(v);
  return dir.agents.filter((a) => a.queues.includes(session.queueId));
}

/** Agents matching a query, each with whether they can be invited and why not. */
export async function inviteCandidates(ctx: AppContext, sessionId: string, inviterId: string, query: string, limit = 20): Promise<Candidate[]> {
  const session = await loadSession(ctx, sessionId);
  const [members, invites, away] = await Promise.all([ctx.store.sessions.members(sessionId), ctx.store.invites.list(sessionId), ctx.store.sessions.awayAgentIds()]);
  const inQueue = await searchableAgents(ctx, session, inviterId, members);
  return searchAgents(inQueue, query, limit).map((agent) => ({
    agent,
    verdict: mayBeInvited({
      session, inviterId, invitee: agent, inviteeAvailable: !away.has(agent.id),
      inviteeMember: members.find((m) => m.agentId === agent.id),
      pendingForInvitee: invites.some((i) => i.status === 'pending' && i.inviteeId === agent.id),
    }),
  })).map((c): Candidate => (c.verdict.ok ? c : { ...c, reason: Refused.from(c.verdict).message }));
}

export async function invite(ctx: AppContext, input: { sessionId: string; inviterId: string; inviteeId: string; mode: InviteMode }): Promise<Invite> {
  const session = await loadSession(ctx, input.sessionId);
  const [members, invites, away] = await Promise.all([ctx.store.sessions.members(session.id), ctx.store.invites.list(session.id), ctx.store.sessions.awayAgentIds()]);
  const v = mayInvite({
    session,
    inviter: members.find((m) => m.agentId === input.inviterId),
    inviterId: input.inviterId,
    invitee: ctx.directory.get().agent(input.inviteeId),
    inviteeAvailable: !away.has(input.inviteeId),
    inviteeMember: members.find((m) => m.agentId === input.inviteeId),
    pendingForInvitee: invites.some((i) => i.status === 'pending' && i.inviteeId === input.inviteeId),
  });
  if (!v.ok) throw Refused.from(v);
  const now = ctx.now();
  const id = `${session.id}~${randomBytes(6).toString('base64url')}`;
  const inv: Invite = {
    id, sessionId: session.id, inviterId: input.inviterId, inviteeId: input.inviteeId, mode: input.mode,
    status: 'pending', attempt: 1, rootId: id, createdAt: now, expiresAt: now + ctx.settings.inviteTtlMs,
  };
  return place(ctx, inv);
}

async function place(ctx: AppContext, inv: Invite): Promise<Invite> {
  const effects = [changed(inv), { type: 'session.changed' as const, sessionId: inv.sessionId }];
  if (inv.previousId) effects.push(changed({ sessionId: inv.sessionId, id: inv.previousId }));
  // The timer goes first: an invite must never be pending without one. A timer without an invite is a no-op.
  await ctx.timers.schedule(inv.id, inv.expiresAt);
  try {
    await commit(ctx, inv.sessionId, ctx.store.invites.create(inv, { effects }));
  } catch (err) {
    await ctx.timers.cancel(inv.id);
    throw err;
  }
  ctx.metrics.inviteOutcome(inv.attempt > 1 ? 'resent' : 'created');
  return inv;
}

/** Participate, Monitor or Reject, by the invitee only; exactly one answer ever takes. */
export async function answerInvite(ctx: AppContext, inviteId: string, agent: Agent | undefined, answer: InviteAnswer): Promise<Invite> {
  const inv = await loadInvite(ctx, inviteId);
  const now = ctx.now();
  const v = mayAnswer(inv, agent?.id ?? '', answer, now);
  if (!v.ok) {
    if (v.code === 'not_pending' && inv.status === 'pending') await expireInvite(ctx, inviteId);
    throw Refused.from(v);
  }
  const to = statusForAnswer(answer);
  const member: Member | undefined = to === 'accepted' ? { agentId: inv.inviteeId, mode: inv.mode, joinedAt: now, via: 'invite' } : undefined;
  const writes = to === 'accepted' && agent
    ? joinWrites(inv.sessionId, agent, inv.mode, now, 'invite')
    : { effects: [{ type: 'session.changed' as const, sessionId: inv.sessionId }] };
  writes.effects = [changed(inv), ...(writes.effects ?? [])];
  const settled = await commit(ctx, inv.sessionId, ctx.store.invites.settle(inv.sessionId, inviteId, to, now, member, writes));
  await ctx.timers.cancel(inviteId);
  ctx.metrics.inviteOutcome(settled.status === 'accepted' ? 'accepted' : 'rejected');
  return settled;
}

/**
 * The expiry job's handler: pending → expired, or nothing when the invite has already been
 * answered (a late or repeated run).
 */
export async function expireInvite(ctx: AppContext, inviteId: string): Promise<boolean> {
  const inv = await ctx.store.invites.get(inviteId);
  if (!inv || inv.status !== 'pending') return false;
  const r = await ctx.store.invites.settle(inv.sessionId, inviteId, 'expired', ctx.now(), undefined, {
    effects: [changed(inv), { type: 'session.changed', sessionId: inv.sessionId }],
  });
  if (r.ok) {
    ctx.metrics.inviteOutcome('expired');
    await ctx.outbox.kick(inv.sessionId);
  }
  return r.ok;
}

/** A new pending invite linked to a rejected or expired one (attempt n+1). */
export async function resendInvite(ctx: AppContext, inviteId: string, agentId: string): Promise<Invite> {
  const prev = await loadInvite(ctx, inviteId);
  const session = await loadSession(ctx, prev.sessionId);
  const v = mayResend(prev, session, agentId, ctx.settings.maxResends);
  if (!v.ok) throw Refused.from(v);
  const [members, away] = await Promise.all([ctx.store.sessions.members(session.id), ctx.store.sessions.awayAgentIds()]);
  const again = mayBeInvited({
    session, inviterId: prev.inviterId, invitee: ctx.directory.get().agent(prev.inviteeId), inviteeAvailable: !away.has(prev.inviteeId),
    inviteeMember: members.find((m) => m.agentId === prev.inviteeId), pendingForInvitee: false,
  });
  if (!again.ok) throw Refused.from(again);
  const now = ctx.now();
  const id = `${session.id}~${randomBytes(6).toString('base64url')}`;
  return place(ctx, {
    ...prev, id, status: 'pending', attempt: prev.attempt + 1, previousId: prev.id, rootId: prev.rootId,
    createdAt: now, expiresAt: now + ctx.settings.inviteTtlMs, respondedAt: undefined, resentAs: undefined,
  });
}
