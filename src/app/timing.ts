import type { Queue } from '../domain/directory.js';
import type { Session } from '../domain/session.js';
import type { MessageEntry } from '../domain/transcript.js';
import type { AppContext } from './context.js';
import { Refused } from './errors.js';
import * as invites from './invites.js';
import { appendEntries, commit, finishEnd } from './sessions.js';
import type { ReplyWait } from './store.js';
import { userName } from './surfaces/names.js';
import { duration } from './surfaces/record.js';
import { plain, say, words } from './wording/index.js';

/**
 * Timers on active chats (README "Agents' tools"): response targets and idle chats. Each is a
 * delayed job (jobs/inviteExpiry.ts) carrying what started it; its handler re-reads the chat
 * and does nothing when that has moved on (a reply came, the chat ended), so a late or
 * repeated run is harmless, and cancelling is only tidiness.
 */

const targetOf = (queue: Queue | undefined, kind: ReplyWait['kind']): number | undefined =>
  kind === 'first' ? queue?.firstResponseSeconds : queue?.nextResponseSeconds;

/** Whether a queue uses any of these timers: the relay's hot path skips them otherwise. */
const timed = (q: Queue | undefined): q is Queue =>
  q !== undefined && (q.firstResponseSeconds ?? q.nextResponseSeconds ?? q.idleWarnSeconds ?? q.idleEndSeconds) !== undefined;

/** Starts a response wait unless one runs, and its first timer. */
async function startWait(ctx: AppContext, session: Session, wait: ReplyWait): Promise<void> {
  const target = targetOf(ctx.directory.get().queue(session.queueId), wait.kind);
  if (!target) return;
  const r = await ctx.store.replyClock.start(session.id, wait);
  if (r.started) await ctx.timers.scheduleResponse(session.id, 'warn', r.wait.id, r.wait.at + target * 1000);
}

/** The owner took the chat: the first reply is due from now. */
export async function chatAccepted(ctx: AppContext, session: Session, now: number): Promise<void> {
  if (!timed(ctx.directory.get().queue(session.queueId))) return;
  await ctx.store.replyClock.forget(session.id);
  await startWait(ctx, session, { id: `accept:${now}`, at: now, kind: 'first' });
}

/** The end user wrote in an active chat: a wait starts (unless one runs), and the chat is not idle. */
export async function userWrote(ctx: AppContext, session: Session, entryId: string, now: number): Promise<void> {
  const queue = ctx.directory.get().queue(session.queueId);
  if (session.status !== 'active' || !timed(queue)) return;
  const kind = (await ctx.store.replyClock.replied(session.id)) ? 'next' : 'first';
  await Promise.all([startWait(ctx, session, { id: entryId, at: now, kind }), queue.idleWarnSeconds || queue.idleEndSeconds ? ctx.timers.cancelIdle(session.id) : undefined]);
}

/** An agent's reply reached the end user: the wait is over; the idle clock starts. */
export async function agentAnswered(ctx: AppContext, session: Session, entry: MessageEntry): Promise<void> {
  const queue = ctx.directory.get().queue(session.queueId);
  if (entry.visibility !== 'public' || !timed(queue)) return;
  await Promise.all([ctx.store.replyClock.answered(session.id), ctx.timers.cancelResponse(session.id)]);
  await Promise.all([
    queue?.idleWarnSeconds ? ctx.timers.scheduleIdle(session.id, 'warn', entry.id, entry.ts + queue.idleWarnSeconds * 1000) : undefined,
    queue?.idleEndSeconds ? ctx.timers.scheduleIdle(session.id, 'end', entry.id, entry.ts + queue.idleEndSeconds * 1000) : undefined,
  ]);
}

/** The chat ended or went back to waiting: no timer of these runs on it (a queue without them has none to stop). */
export async function chatStopped(ctx: AppContext, sessionId: string, queueId: string): Promise<void> {
  if (!timed(ctx.directory.get().queue(queueId))) return;
  await Promise.all([ctx.store.replyClock.forget(sessionId), ctx.timers.cancelResponse(sessionId), ctx.timers.cancelIdle(sessionId)]);
}

/**
 * A response timer fired. `warn`: one line in the thread mentioning the owner, counted and
 * kept in the transcript (the record reads it); then the alert at twice the target.
 * `alert`: the queue's supervisors get the help-request card. True when it acted.
 */
export async function responseDue(ctx: AppContext, sessionId: string, stage: 'warn' | 'alert', since: string): Promise<boolean> {
  const [session, wait] = await Promise.all([ctx.store.sessions.get(sessionId), ctx.store.replyClock.current(sessionId)]);
  if (session?.status !== 'active' || !session.ownerId || wait?.id !== since) return false;
  const target = targetOf(ctx.directory.get().queue(session.queueId), wait.kind);
  if (!target || !(await ctx.store.replyClock.claim(sessionId, stage, since))) return false;
  const now = ctx.now();
  const waited = Math.round((now - wait.at) / 1000);
  if (stage === 'warn') {
    try {
      await appendEntries(ctx, session, ['active'], [{ kind: 'event', ts: now, visibility: 'agents', event: 'response.late', by: session.ownerId, about: wait.kind, waited, target }]);
    } catch (err) {
      if (err instanceof Refused) return false; // ended meanwhile
      throw err;
    }
    ctx.metrics.responseBreach(session.queueId, wait.kind);
    await ctx.timers.scheduleResponse(sessionId, 'alert', since, wait.at + 2 * target * 1000);
    return true;
  }
  const note = say('note.responseOverdue', { user: userName(session), wait: duration(waited), target: duration(target) });
  try {
    await invites.requestHelp(ctx, {
      sessionId, agentId: session.ownerId, note,
      entry: { kind: 'event', ts: now, visibility: 'agents', event: 'response.overdue', by: session.ownerId, about: wait.kind, from: session.queueId, waited, target },
    });
  } catch (err) {
    // A help request already open, or no supervisor left to ask: the thread's warning stands.
    if (err instanceof Refused) {
      ctx.log.info({ sessionId, code: err.code }, 'overdue reply: no help request sent');
      return false;
    }
    throw err;
  }
  return true;
}

/**
 * An idle timer fired: nothing from the end user since the agent's reply `after`. `warn`:
 * they are asked whether they are still there; `end`: the chat ends as idle. True when it acted.
 */
export async function idleDue(ctx: AppContext, sessionId: string, stage: 'warn' | 'end', after: string): Promise<boolean> {
  const session = await ctx.store.sessions.get(sessionId);
  const queue = session ? ctx.directory.get().queue(session.queueId) : undefined;
  // Not active any more, or the queue no longer asks for it (the directory was reloaded).
  if (session?.status !== 'active' || !(stage === 'warn' ? queue?.idleWarnSeconds : queue?.idleEndSeconds)) return false;
  const since = await ctx.store.transcript.read(sessionId, after, 1000);
  // The end user answered, or a later reply started its own timer.
  if (since.some((e) => e.kind === 'message' && (e.author === 'user' || (e.author === 'agent' && e.visibility === 'public')))) return false;
  const now = ctx.now();
  const question = plain(words('user.idleWarn'));
  if (stage === 'warn') {
    // Asked once since that reply, however often the timer fires.
    if (since.some((e) => e.kind === 'message' && e.author === 'system' && e.text === question)) return false;
    try {
      await appendEntries(ctx, session, ['active'], [{ kind: 'message', ts: now, visibility: 'public', author: 'system', text: question }]);
    } catch (err) {
      if (err instanceof Refused) return false;
      throw err;
    }
    return true;
  }
  let cancelled: string[];
  try {
    cancelled = await commit(ctx, sessionId, ctx.store.sessions.end(sessionId, 'system', now, {
      entries: [
        { kind: 'message', ts: now, visibility: 'public', author: 'system', text: plain(words('user.idleEnded')) },
        { kind: 'status', ts: now, visibility: 'public', status: 'ended' },
      ],
      effects: [{ type: 'session.changed', sessionId }],
    }, { reason: 'idle', onlyIf: 'active' }));
  } catch (err) {
    if (err instanceof Refused) return false; // ended meanwhile
    throw err;
  }
  await finishEnd(ctx, session, cancelled);
  return true;
}
