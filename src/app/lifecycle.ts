import { mayLeave, mayPromote, mayRequeue } from '../domain/policy.js';
import type { Session } from '../domain/session.js';
import type { AppContext } from './context.js';
import { Refused } from './errors.js';
import * as invites from './invites.js';
import { commit, loadMember, loadSession } from './sessions.js';
import { announceSoon } from './standing.js';
import { chatStopped } from './timing.js';

/**
 * A chat's life beyond accept and end: transfer, release, leave, promote. Each asks the
 * domain policy, then makes one atomic change with its transcript entries (the audit trail).
 * Asking for help and the anyone-available invite live with the invites (they are invites).
 */

const nameOf = (ctx: AppContext, agentId: string): string => ctx.directory.get().agent(agentId)?.firstName ?? agentId;

/** Transfer to a colleague (an offer they accept or decline) or to a queue (the chat waits there). */
export async function transfer(
  ctx: AppContext,
  input: {
    sessionId: string;
    agentId: string;
    toAgentId?: string | undefined;
    toQueue?: string | undefined;
    note?: string | undefined;
  },
) {
  if (input.toAgentId && input.toQueue) throw Refused.of('invalid', undefined, 'transfer.one');
  if (input.toAgentId)
    return {
      offer: await invites.offerChat(ctx, {
        sessionId: input.sessionId,
        ownerId: input.agentId,
        toAgentId: input.toAgentId,
        note: input.note,
      }),
    };
  if (!input.toQueue) throw Refused.of('invalid', undefined, 'transfer.whom');
  return { session: await requeue(ctx, input.sessionId, input.agentId, input.toQueue) };
}

/** The owner gives the chat back to its queue: it waits for an Accept again; the others stay. */
export async function release(ctx: AppContext, sessionId: string, agentId: string): Promise<Session> {
  return requeue(ctx, sessionId, agentId);
}

/**
 * The owner has been offline (by presence, `source` the platform) for OWNER_AWAY_REQUEUE_SECONDS
 * while the end user waits for an answer (README "Availability"): the chat goes back to its
 * queue, its thread says why, and its queue's supervisors get the card with Accept.
 */
export async function releaseAway(
  ctx: AppContext,
  sessionId: string,
  ownerId: string,
  source: string,
): Promise<Session> {
  const session = await requeue(ctx, sessionId, ownerId, undefined, source);
  const now = ctx.now();
  // Marked escalated so the supervisors' card follows the chat; one escalated before keeps its cards, refreshed.
  await commit(
    ctx,
    sessionId,
    ctx.store.sessions.escalate(sessionId, now, { entries: [], effects: [{ type: 'session.escalated', sessionId }] }),
  ).catch((err: unknown) => {
    if (!(err instanceof Refused)) throw err;
  });
  return session;
}

async function requeue(
  ctx: AppContext,
  sessionId: string,
  agentId: string,
  toQueue?: string,
  awaySource?: string,
): Promise<Session> {
  const session = await loadSession(ctx, sessionId);
  const queue =
    toQueue === undefined ? undefined : { id: toQueue, known: ctx.directory.get().queue(toQueue) !== undefined };
  const v = mayRequeue(session, await loadMember(ctx, sessionId, agentId), toQueue ? 'transfer' : 'release', queue);
  if (!v.ok) throw Refused.from(v);
  const now = ctx.now();
  const cancelled = await commit(
    ctx,
    sessionId,
    ctx.store.sessions.requeue(
      sessionId,
      agentId,
      now,
      {
        entries: [
          {
            kind: 'participant',
            ts: now,
            visibility: 'public',
            agentId,
            name: nameOf(ctx, agentId),
            mode: 'owner',
            action: 'left',
          },
          { kind: 'status', ts: now, visibility: 'public', status: 'waiting' },
          toQueue
            ? {
                kind: 'event',
                ts: now,
                visibility: 'agents',
                event: 'moved',
                by: agentId,
                about: toQueue,
                from: session.queueId,
              }
            : {
                kind: 'event',
                ts: now,
                visibility: 'agents',
                event: 'released',
                by: agentId,
                ...(awaySource ? { about: awaySource } : {}),
              },
        ],
        effects: [
          { type: 'session.changed', sessionId },
          ...(toQueue ? [{ type: 'session.moved' as const, sessionId, from: session.queueId }] : []),
          { type: 'member.left', sessionId, agentId },
        ],
      },
      toQueue,
    ),
  );
  await Promise.all([
    ...cancelled.map((id) => ctx.timers.cancel(id)),
    chatStopped(ctx, sessionId, session.queueId),
    // Waiting again: the unanswered timer runs from now.
    ctx.settings.waitingTimeoutMs > 0
      ? ctx.timers.scheduleUnanswered(sessionId, now + ctx.settings.waitingTimeoutMs)
      : undefined,
  ]);
  for (const _ of cancelled) ctx.metrics.inviteOutcome('cancelled');
  announceSoon(ctx, toQueue ?? session.queueId);
  // Waiting again: auto routing offers it to someone else; its former owner has room for another.
  ctx.router.queue(toQueue ?? session.queueId, { sessionId, agentId });
  if (toQueue) ctx.router.agent(agentId);
  return loadSession(ctx, sessionId);
}

/** A participant or monitor leaves: the thread says so, and their replies no longer reach the end user. */
export async function leave(ctx: AppContext, sessionId: string, agentId: string): Promise<void> {
  const session = await loadSession(ctx, sessionId);
  const member = await loadMember(ctx, sessionId, agentId);
  const v = mayLeave(session, member);
  if (!v.ok || !member) throw Refused.from(v.ok ? { code: 'not_member' } : v);
  const now = ctx.now();
  await commit(
    ctx,
    sessionId,
    ctx.store.sessions.removeMember(sessionId, agentId, {
      entries: [
        {
          kind: 'participant',
          ts: now,
          visibility: member.mode === 'monitor' ? 'agents' : 'public',
          agentId,
          name: nameOf(ctx, agentId),
          mode: member.mode,
          action: 'left',
        },
      ],
      effects: [
        { type: 'session.changed', sessionId },
        { type: 'member.left', sessionId, agentId },
      ],
    }),
  );
}

/** The owner makes a monitor a participant: they may now write to the end user. */
export async function promote(ctx: AppContext, sessionId: string, agentId: string, memberId: string): Promise<void> {
  const session = await loadSession(ctx, sessionId);
  const [actor, target] = await Promise.all([
    loadMember(ctx, sessionId, agentId),
    loadMember(ctx, sessionId, memberId),
  ]);
  const v = mayPromote(session, actor, target, nameOf(ctx, memberId));
  if (!v.ok || !target) throw Refused.from(v.ok ? { code: 'not_monitor' } : v);
  const now = ctx.now();
  await commit(
    ctx,
    sessionId,
    ctx.store.sessions.addMember(
      sessionId,
      { ...target, mode: 'participant' },
      {
        entries: [
          {
            kind: 'participant',
            ts: now,
            visibility: 'public',
            agentId: memberId,
            name: nameOf(ctx, memberId),
            mode: 'participant',
            action: 'promoted',
          },
        ],
        effects: [{ type: 'session.changed', sessionId }],
      },
    ),
  );
}
