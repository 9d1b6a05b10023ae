import { randomBytes } from 'node:crypto';
import type { Agent } from '../domain/directory.js';
import {
  answerFor,
  checkNote,
  helpersFor,
  type Invite,
  type InviteAnswer,
  type InviteMode,
  isOpen,
  mayAnswer,
  mayBeInvited,
  mayBeOffered,
  mayInvite,
  mayInviteFrom,
  mayRequestHelp,
  mayResend,
  maySearchInvitees,
  mayTransfer,
  mayViewInvites,
  mayWithdrawHelp,
  modeOfAnswer,
  repeatsAnswer,
  statusForAnswer,
} from '../domain/invite.js';
import { mayJoinAsSupervisor } from '../domain/policy.js';
import { searchAgents } from '../domain/search.js';
import type { Member, Session } from '../domain/session.js';
import type { EntryBody } from '../domain/transcript.js';
import { awayAgents } from './availability.js';
import type { AppContext } from './context.js';
import { notFound, Refused } from './errors.js';
import type { Effect } from './ports.js';
import { commit, joinAs, joinWrites, loadMember, loadSession } from './sessions.js';
import type { Writes } from './store.js';
import { sourceWord } from './surfaces/availability.js';
import type { Candidate } from './surfaces/invites.js';
import { type SessionView, sessionView } from './views.js';
import { say } from './wording/index.js';

const changed = (i: Pick<Invite, 'sessionId' | 'id'>) => ({
  type: 'invite.changed' as const,
  sessionId: i.sessionId,
  inviteId: i.id,
});

async function loadInvite(ctx: AppContext, inviteId: string): Promise<Invite> {
  const inv = await ctx.store.invites.get(inviteId);
  if (!inv) throw notFound('invite_not_found');
  return inv;
}

/** The session with every invite, for its owner or an inviter (the "+N" details). */
export async function loadInviteDetails(ctx: AppContext, sessionId: string, agentId: string): Promise<SessionView> {
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
export async function searchableAgents(
  ctx: AppContext,
  session: Session,
  searcherId: string,
  members?: readonly Member[],
): Promise<readonly Agent[]> {
  const dir = ctx.directory.get();
  const all = members ?? (await ctx.store.sessions.members(session.id));
  const v = maySearchInvitees(
    session,
    dir.agent(searcherId),
    all.find((m) => m.agentId === searcherId),
  );
  if (!v.ok) throw Refused.from(v);
  return dir.agentsOf(session.queueId);
}

/** Agents matching a query, each with whether they can be invited (or offered the chat) and why not. */
export async function inviteCandidates(
  ctx: AppContext,
  sessionId: string,
  inviterId: string,
  query: string,
  limit = 20,
  kind: 'invite' | 'transfer' = 'invite',
): Promise<Candidate[]> {
  const may = kind === 'transfer' ? mayBeOffered : mayBeInvited;
  const session = await loadSession(ctx, sessionId);
  const [members, invites, away] = await Promise.all([
    ctx.store.sessions.members(sessionId),
    ctx.store.invites.list(sessionId),
    awayAgents(ctx),
  ]);
  const inQueue = await searchableAgents(ctx, session, inviterId, members);
  return searchAgents(inQueue, query, limit)
    .map((agent) => ({
      agent,
      verdict: may({
        session,
        inviterId,
        invitee: agent,
        inviteeAvailable: !away.has(agent.id),
        inviteeMember: members.find((m) => m.agentId === agent.id),
        pendingForInvitee: invites.some((i) => i.status === 'pending' && i.inviteeId === agent.id),
      }),
    }))
    .map((c): Candidate => {
      if (c.verdict.ok) return c;
      // Away by presence says which platform shows them offline: "Away (Slack)".
      const source = c.verdict.code === 'away' ? away.get(c.agent.id) : undefined;
      const reason =
        source && source !== 'manual'
          ? say('refusal.away.source', { name: c.agent.firstName, source: sourceWord(source) })
          : Refused.from(c.verdict).message;
      return { ...c, reason };
    });
}

export interface InviteInput {
  sessionId: string;
  inviterId: string;
  inviteeId: string;
  mode: InviteMode;
  note?: string | undefined;
}

/** What the eligibility rules need to know about a chat's people. */
async function eligibilityOf(ctx: AppContext, sessionId: string) {
  const [members, invites, away] = await Promise.all([
    ctx.store.sessions.members(sessionId),
    ctx.store.invites.list(sessionId),
    awayAgents(ctx),
  ]);
  return {
    members,
    invites,
    about: (agent: Agent | undefined, agentId: string) => ({
      invitee: agent,
      inviteeAvailable: !away.has(agentId),
      inviteeMember: members.find((m) => m.agentId === agentId),
      pendingForInvitee: invites.some((i) => i.status === 'pending' && i.inviteeId === agentId),
    }),
  };
}

/** A note or reason as every input path must give it (the same schema as the HTTP API and the forms). */
function noteOf(note: string | undefined): string | undefined {
  const v = checkNote(note);
  if (!v.ok) throw Refused.from(v);
  return v.note;
}

const newInviteId = (sessionId: string): string => `${sessionId}~${randomBytes(6).toString('base64url')}`;

function pending(
  ctx: AppContext,
  o: Pick<Invite, 'sessionId' | 'inviterId' | 'inviteeId' | 'mode' | 'kind'> & {
    note?: string | undefined;
    group?: string;
  },
): Invite {
  const now = ctx.now();
  const id = newInviteId(o.sessionId);
  return {
    id,
    rootId: id,
    sessionId: o.sessionId,
    inviterId: o.inviterId,
    inviteeId: o.inviteeId,
    mode: o.mode,
    kind: o.kind,
    status: 'pending',
    attempt: 1,
    createdAt: now,
    expiresAt: now + ctx.settings.inviteTtlMs,
    ...(o.note ? { note: o.note } : {}),
    ...(o.group ? { group: o.group } : {}),
  };
}

export async function invite(ctx: AppContext, input: InviteInput): Promise<Invite> {
  const note = noteOf(input.note);
  const session = await loadSession(ctx, input.sessionId);
  const e = await eligibilityOf(ctx, session.id);
  const v = mayInvite({
    session,
    inviter: e.members.find((m) => m.agentId === input.inviterId),
    inviterId: input.inviterId,
    ...e.about(ctx.directory.get().agent(input.inviteeId), input.inviteeId),
  });
  if (!v.ok) throw Refused.from(v);
  const [inv] = await place(ctx, [pending(ctx, { ...input, note, kind: 'invite' })]);
  return inv!;
}

/**
 * "Anyone available in this queue": one invite to each agent of the queue who may be invited,
 * linked as one group. The first to join takes it; the others' invites are cancelled.
 */
export async function inviteAnyone(ctx: AppContext, input: Omit<InviteInput, 'inviteeId'>): Promise<Invite[]> {
  const note = noteOf(input.note);
  const session = await loadSession(ctx, input.sessionId);
  const e = await eligibilityOf(ctx, session.id);
  const v = mayInviteFrom(
    session,
    e.members.find((m) => m.agentId === input.inviterId),
  );
  if (!v.ok) throw Refused.from(v);
  const eligible = ctx.directory
    .get()
    .agentsOf(session.queueId)
    .filter((a) => mayBeInvited({ session, inviterId: input.inviterId, ...e.about(a, a.id) }).ok);
  if (eligible.length === 0)
    throw Refused.of('nobody_available', {
      queue: ctx.directory.get().queue(session.queueId)?.name ?? session.queueId,
    });
  const group = newInviteId(session.id);
  return place(
    ctx,
    eligible.map((a) => pending(ctx, { ...input, note, inviteeId: a.id, kind: 'invite', group })),
  );
}

/** The owner offers the chat to a colleague: Accept makes them the owner (invite rules and lifetime). */
export async function offerChat(
  ctx: AppContext,
  input: { sessionId: string; ownerId: string; toAgentId: string; note?: string | undefined },
): Promise<Invite> {
  const note = noteOf(input.note);
  const session = await loadSession(ctx, input.sessionId);
  const e = await eligibilityOf(ctx, session.id);
  const v = mayTransfer({
    session,
    inviter: e.members.find((m) => m.agentId === input.ownerId),
    inviterId: input.ownerId,
    ...e.about(ctx.directory.get().agent(input.toAgentId), input.toAgentId),
    offerPending: e.invites.some((i) => isOpen(i, 'transfer')),
  });
  if (!v.ok) throw Refused.from(v);
  const [offer] = await place(
    ctx,
    [
      pending(ctx, {
        sessionId: session.id,
        inviterId: input.ownerId,
        inviteeId: input.toAgentId,
        mode: 'participant',
        kind: 'transfer',
        note,
      }),
    ],
    { offerBy: input.ownerId },
  );
  return offer!;
}

/** The queue's supervisors who can still come in: one help request each, linked as one group. */
/** `entry`: the line the thread gets in place of "asked for help" (an overdue reply asks on the owner's behalf). */
export async function requestHelp(
  ctx: AppContext,
  input: { sessionId: string; agentId: string; note?: string | undefined; entry?: EntryBody },
): Promise<Invite[]> {
  const note = noteOf(input.note);
  const session = await loadSession(ctx, input.sessionId);
  const e = await eligibilityOf(ctx, session.id);
  const dir = ctx.directory.get();
  const supervisorIds = dir.supervisorsOf(session.queueId).map((a) => a.id);
  const v = mayRequestHelp({
    session,
    member: e.members.find((m) => m.agentId === input.agentId),
    askerId: input.agentId,
    members: e.members,
    invites: e.invites,
    supervisorIds,
    queue: dir.queue(session.queueId)?.name ?? session.queueId,
  });
  if (!v.ok) throw Refused.from(v);
  // A supervisor already in the chat sees the request in its thread (and may step up from their home).
  const helpers = helpersFor(supervisorIds, input.agentId, e.members, e.invites);
  const group = newInviteId(session.id);
  const now = ctx.now();
  return place(
    ctx,
    helpers.map((id) =>
      pending(ctx, {
        sessionId: session.id,
        inviterId: input.agentId,
        inviteeId: id,
        mode: 'participant',
        kind: 'help',
        note,
        group,
      }),
    ),
    {
      entries: [
        input.entry ?? {
          kind: 'event',
          ts: now,
          visibility: 'agents',
          event: 'help.asked',
          by: input.agentId,
          ...(note ? { note } : {}),
        },
      ],
    },
  );
}

/** The one who asked withdraws their open help request (its cards then say so). */
export async function withdrawHelp(ctx: AppContext, sessionId: string, agentId: string): Promise<Invite[]> {
  const all = await ctx.store.invites.list(sessionId);
  const v = mayWithdrawHelp(all, agentId);
  if (!v.ok) throw Refused.from(v);
  const open = all.filter((i) => isOpen(i, 'help'));
  const now = ctx.now();
  const out: Invite[] = [];
  for (const [k, inv] of open.entries()) {
    // The first settle carries the line in the thread; each carries its card's update.
    const entries =
      k === 0
        ? [
            {
              kind: 'event' as const,
              ts: now,
              visibility: 'agents' as const,
              event: 'help.withdrawn' as const,
              by: agentId,
            },
          ]
        : [];
    const r = await ctx.store.invites.settle(sessionId, inv.id, 'cancelled', now, undefined, {
      entries,
      effects: [changed(inv), { type: 'session.changed', sessionId }],
    });
    if (r.ok) out.push(r.value.invite);
  }
  await Promise.all([
    ...open.map((i) => ctx.timers.cancel(i.id)),
    ctx.store.lists.reindex(sessionId),
    ctx.outbox.kick(sessionId),
  ]);
  return out;
}

async function place(
  ctx: AppContext,
  invites: Invite[],
  o: { offerBy?: string; entries?: Writes['entries'] } = {},
): Promise<Invite[]> {
  const first = invites[0]!;
  const effects: Effect[] = [...invites.map(changed), { type: 'session.changed', sessionId: first.sessionId }];
  if (first.previousId) effects.push(changed({ sessionId: first.sessionId, id: first.previousId }));
  // The timers go first: an invite must never be pending without one. A timer without an invite is a no-op.
  await Promise.all(invites.map((i) => ctx.timers.schedule(i.id, i.expiresAt)));
  try {
    await commit(
      ctx,
      first.sessionId,
      ctx.store.invites.create(
        invites,
        { effects, ...(o.entries ? { entries: o.entries } : {}) },
        o.offerBy ? { offerBy: o.offerBy } : {},
      ),
    );
  } catch (err) {
    await Promise.all(invites.map((i) => ctx.timers.cancel(i.id)));
    throw err;
  }
  for (const i of invites) ctx.metrics.inviteOutcome(i.attempt > 1 ? 'resent' : 'created');
  return invites;
}

/**
 * Participate, Monitor, Accept or Reject, by the invitee only; exactly one answer ever takes,
 * and exactly one of a group joins. A rejection may say why.
 */
export async function answerInvite(
  ctx: AppContext,
  inviteId: string,
  agent: Agent | undefined,
  answer: InviteAnswer,
  given?: string,
  o: { repeatable?: boolean } = {},
): Promise<Invite> {
  const reason = noteOf(given);
  const inv = await loadInvite(ctx, inviteId);
  const now = ctx.now();
  // `repeatable` (the HTTP API): a retry of an answer that took (a lost response) answers as the
  // first did. A person clicking twice is told it was already answered instead.
  if (
    o.repeatable &&
    inv.status !== 'pending' &&
    agent &&
    repeatsAnswer(inv, agent.id, answer, (await loadMember(ctx, inv.sessionId, agent.id))?.mode)
  )
    return inv;
  const v = mayAnswer(inv, agent?.id ?? '', answer, now);
  if (!v.ok) {
    if (v.code === 'not_pending' && inv.status === 'pending') await expireInvite(ctx, inviteId);
    throw Refused.from(v);
  }
  const to = statusForAnswer(answer);
  const mode = modeOfAnswer(answer);
  // How they came in is the invite's kind: an invite, a help request or an offer.
  const via = inv.kind;
  const member: Member | undefined =
    to === 'accepted' ? { agentId: inv.inviteeId, mode, joinedAt: now, via } : undefined;
  const writes: Writes =
    to === 'accepted' && agent
      ? joinWrites(inv.sessionId, agent, mode, now, via)
      : { effects: [{ type: 'session.changed' as const, sessionId: inv.sessionId }] };
  if (to === 'accepted' && inv.kind === 'transfer') {
    // The one who offered leaves as the new owner comes in.
    const from = ctx.directory.get().agent(inv.inviterId);
    writes.entries = [
      {
        kind: 'participant',
        ts: now,
        visibility: 'public',
        agentId: inv.inviterId,
        name: from?.firstName ?? inv.inviterId,
        mode: 'owner',
        action: 'left',
        via: 'transfer',
      },
      ...(writes.entries ?? []),
    ];
  }
  writes.effects = [changed(inv), ...(writes.effects ?? [])];
  const settled = await commit(
    ctx,
    inv.sessionId,
    ctx.store.invites.settle(inv.sessionId, inviteId, to, now, member, writes, reason ? { reason } : {}),
  ).catch(async (err: unknown) => {
    // Two tries of one answer at once: the one that lost the race answers as the winner did.
    const after =
      o.repeatable && err instanceof Refused && err.code === 'not_pending' && agent
        ? await ctx.store.invites.get(inviteId)
        : undefined;
    if (
      after &&
      agent &&
      repeatsAnswer(after, agent.id, answer, (await loadMember(ctx, inv.sessionId, agent.id))?.mode)
    )
      return { invite: after, cancelled: [], repeat: true };
    throw err;
  });
  if ('repeat' in settled) return settled.invite;
  await Promise.all([inviteId, ...settled.cancelled].map((id) => ctx.timers.cancel(id)));
  ctx.metrics.inviteOutcome(settled.invite.status === 'accepted' ? 'accepted' : 'rejected');
  // The one who handed the chat over has room for another.
  if (inv.kind === 'transfer' && settled.invite.status === 'accepted') ctx.router.agent(inv.inviterId);
  for (const _ of settled.cancelled) ctx.metrics.inviteOutcome('cancelled');
  return settled.invite;
}

/**
 * A supervisor joins from their lists, or a monitor steps up to participant. When the chat
 * has asked them for help, joining answers the request: it closes, and the other
 * supervisors' cards say who answered.
 */
export async function supervisorJoin(
  ctx: AppContext,
  sessionId: string,
  agent: Agent | undefined,
  mode: 'participant' | 'monitor',
) {
  const session = await loadSession(ctx, sessionId);
  const existing = agent ? await loadMember(ctx, sessionId, agent.id) : undefined;
  const v = mayJoinAsSupervisor(session, agent, existing, mode);
  if (!v.ok || !agent) throw Refused.from(v.ok ? { code: 'not_supervisor' } : v);
  const asked = existing
    ? undefined
    : (await ctx.store.invites.list(sessionId)).find(
        (i) => i.kind === 'help' && i.status === 'pending' && i.inviteeId === agent.id,
      );
  if (asked) await answerInvite(ctx, asked.id, agent, answerFor(mode));
  else await joinAs(ctx, sessionId, agent, mode, 'supervisor');
}

/**
 * The expiry job's handler: pending → expired, or nothing when the invite has already been
 * answered (a late or repeated run). `unreached`: it ends at once because it could not be
 * delivered (its thread line says so, instead of saying it went unanswered).
 */
export async function expireInvite(
  ctx: AppContext,
  inviteId: string,
  o: { unreached?: boolean } = {},
): Promise<boolean> {
  const inv = await ctx.store.invites.get(inviteId);
  if (inv?.status !== 'pending') return false;
  const r = await ctx.store.invites.settle(
    inv.sessionId,
    inviteId,
    'expired',
    ctx.now(),
    undefined,
    {
      effects: [changed(inv), { type: 'session.changed', sessionId: inv.sessionId }],
    },
    o.unreached ? { unreached: true } : {},
  );
  if (r.ok) {
    ctx.metrics.inviteOutcome('expired');
    await Promise.all([ctx.store.lists.reindex(inv.sessionId), ctx.outbox.kick(inv.sessionId)]);
  }
  return r.ok;
}

/** A new pending invite linked to a rejected or expired one (attempt n+1). */
export async function resendInvite(ctx: AppContext, inviteId: string, agentId: string): Promise<Invite> {
  const prev = await loadInvite(ctx, inviteId);
  const session = await loadSession(ctx, prev.sessionId);
  const v = mayResend(prev, session, agentId, ctx.settings.maxResends);
  if (!v.ok) throw Refused.from(v);
  const e = await eligibilityOf(ctx, session.id);
  const again = mayBeInvited({
    session,
    inviterId: prev.inviterId,
    ...e.about(ctx.directory.get().agent(prev.inviteeId), prev.inviteeId),
    pendingForInvitee: false,
  });
  if (!again.ok) throw Refused.from(again);
  const now = ctx.now();
  const { respondedAt: _r, resentAs: _s, reason: _why, unreached: _u, ...rest } = prev;
  const [next] = await place(ctx, [
    {
      ...rest,
      id: newInviteId(session.id),
      status: 'pending',
      attempt: prev.attempt + 1,
      previousId: prev.id,
      rootId: prev.rootId,
      createdAt: now,
      expiresAt: now + ctx.settings.inviteTtlMs,
    },
  ]);
  return next!;
}
