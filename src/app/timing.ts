import type { Queue } from '../domain/directory.js';
import type { Session } from '../domain/session.js';
import type { MessageEntry } from '../domain/transcript.js';
import type { AppContext } from './context.js';
import type { ReplyWait } from './store.js';

/**
 * Timers on active chats (README "Agents' tools"): response targets and idle chats. Each is a
 * delayed job (jobs/inviteExpiry.ts) carrying what started it; its handler re-reads the chat
 * and does nothing when that has moved on (a reply came, the chat ended), so a late or
 * repeated run is harmless, and cancelling is only tidiness.
 */

export const targetOf = (queue: Queue | undefined, kind: ReplyWait['kind']): number | undefined =>
  kind === 'first' ? queue?.firstResponseSeconds : queue?.nextResponseSeconds;

/** Whether a queue uses any of these timers: the relay's hot path skips them otherwise. */
export const timed = (q: Queue | undefined): q is Queue =>
  q !== undefined &&
  (q.firstResponseSeconds ?? q.nextResponseSeconds ?? q.idleWarnSeconds ?? q.idleEndSeconds) !== undefined;

/**
 * Whether a chat runs them: not one that began as an offline message (README "Offline
 * messages"). Its end user left and is answered by email, so no one waits on a reply, and an
 * idle end would close the chat their email's link continues.
 */
const timedChat = (session: Session, q: Queue | undefined): q is Queue => !session.offline && timed(q);

/** Starts a response wait unless one runs, and its first timer. */
async function startWait(ctx: AppContext, session: Session, wait: ReplyWait): Promise<void> {
  const target = targetOf(ctx.directory.get().queue(session.queueId), wait.kind);
  if (!target) return;
  const r = await ctx.store.replyClock.start(session.id, wait);
  if (r.started) await ctx.timers.scheduleResponse(session.id, 'warn', r.wait.id, r.wait.at + target * 1000);
}

/** The owner took the chat: the first reply is due from now. */
export async function chatAccepted(ctx: AppContext, session: Session, now: number): Promise<void> {
  if (!timedChat(session, ctx.directory.get().queue(session.queueId))) return;
  await ctx.store.replyClock.forget(session.id);
  await startWait(ctx, session, { id: `accept:${now}`, at: now, kind: 'first' });
}

/** The end user wrote in an active chat: a wait starts (unless one runs), and the chat is not idle. */
export async function userWrote(ctx: AppContext, session: Session, entryId: string, now: number): Promise<void> {
  const queue = ctx.directory.get().queue(session.queueId);
  if (session.status !== 'active' || !timedChat(session, queue)) return;
  const kind = (await ctx.store.replyClock.replied(session.id)) ? 'next' : 'first';
  await Promise.all([
    startWait(ctx, session, { id: entryId, at: now, kind }),
    queue.idleWarnSeconds || queue.idleEndSeconds ? ctx.timers.cancelIdle(session.id) : undefined,
  ]);
}

/** An agent's reply reached the end user: the wait is over; the idle clock starts. */
export async function agentAnswered(ctx: AppContext, session: Session, entry: MessageEntry): Promise<void> {
  const queue = ctx.directory.get().queue(session.queueId);
  if (entry.visibility !== 'public' || !timedChat(session, queue)) return;
  await Promise.all([ctx.store.replyClock.answered(session.id), ctx.timers.cancelResponse(session.id)]);
  await Promise.all([
    queue?.idleWarnSeconds
      ? ctx.timers.scheduleIdle(session.id, 'warn', entry.id, entry.ts + queue.idleWarnSeconds * 1000)
      : undefined,
    queue?.idleEndSeconds
      ? ctx.timers.scheduleIdle(session.id, 'end', entry.id, entry.ts + queue.idleEndSeconds * 1000)
      : undefined,
  ]);
}

/** The chat ended or went back to waiting: no timer of these runs on it (a queue without them has none to stop). */
export async function chatStopped(ctx: AppContext, sessionId: string, queueId: string): Promise<void> {
  if (!timed(ctx.directory.get().queue(queueId))) return;
  await Promise.all([
    ctx.store.replyClock.forget(sessionId),
    ctx.timers.cancelResponse(sessionId),
    ctx.timers.cancelIdle(sessionId),
  ]);
}
