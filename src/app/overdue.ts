import type { AppContext } from './context.js';
import { Refused } from './errors.js';
import * as invites from './invites.js';
import { appendEntries, endBySystem, finishEnd } from './sessions.js';
import { duration, userName } from './surfaces/names.js';
import { targetOf } from './timing.js';
import { plain, say, words } from './wording/index.js';

/**
 * What a response or idle timer does when it fires (src/app/timing.ts starts and stops them):
 * a warning line, the supervisors' card, "Are you still there?", the idle end.
 */

/**
 * A response timer fired. `warn`: one line in the thread mentioning the owner, counted and
 * kept in the transcript (the record reads it); then the alert at twice the target.
 * `alert`: the queue's supervisors get the help-request card. True when it acted.
 */
export async function responseDue(
  ctx: AppContext,
  sessionId: string,
  stage: 'warn' | 'alert',
  since: string,
): Promise<boolean> {
  const [session, wait] = await Promise.all([
    ctx.store.sessions.get(sessionId),
    ctx.store.replyClock.current(sessionId),
  ]);
  if (session?.status !== 'active' || !session.ownerId || wait?.id !== since) return false;
  const target = targetOf(ctx.directory.get().queue(session.queueId), wait.kind);
  if (!target || !(await ctx.store.replyClock.claim(sessionId, stage, since))) return false;
  const now = ctx.now();
  const waited = Math.round((now - wait.at) / 1000);
  if (stage === 'warn') {
    try {
      await appendEntries(
        ctx,
        session,
        ['active'],
        [
          {
            kind: 'event',
            ts: now,
            visibility: 'agents',
            event: 'response.late',
            by: session.ownerId,
            about: wait.kind,
            waited,
            target,
          },
        ],
      );
    } catch (err) {
      if (err instanceof Refused) return false; // ended meanwhile
      throw err;
    }
    ctx.metrics.responseBreach(session.queueId, wait.kind);
    await ctx.timers.scheduleResponse(sessionId, 'alert', since, wait.at + 2 * target * 1000);
    return true;
  }
  const note = say('note.responseOverdue', {
    user: userName(session),
    wait: duration(waited),
    target: duration(target),
  });
  try {
    await invites.requestHelp(ctx, {
      sessionId,
      agentId: session.ownerId,
      note,
      entry: {
        kind: 'event',
        ts: now,
        visibility: 'agents',
        event: 'response.overdue',
        by: session.ownerId,
        about: wait.kind,
        from: session.queueId,
        waited,
        target,
      },
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
export async function idleDue(
  ctx: AppContext,
  sessionId: string,
  stage: 'warn' | 'end',
  after: string,
): Promise<boolean> {
  const session = await ctx.store.sessions.get(sessionId);
  const queue = session ? ctx.directory.get().queue(session.queueId) : undefined;
  // Not active any more, or the queue no longer asks for it (the directory was reloaded).
  if (session?.status !== 'active' || !(stage === 'warn' ? queue?.idleWarnSeconds : queue?.idleEndSeconds))
    return false;
  const since = await ctx.store.transcript.read(sessionId, after, 1000);
  // The end user answered, or a later reply started its own timer.
  if (
    since.some(
      (e) => e.kind === 'message' && (e.author === 'user' || (e.author === 'agent' && e.visibility === 'public')),
    )
  )
    return false;
  const now = ctx.now();
  const question = plain(words('user.idleWarn'));
  if (stage === 'warn') {
    // Asked once since that reply, however often the timer fires.
    if (since.some((e) => e.kind === 'message' && e.author === 'system' && e.text === question)) return false;
    try {
      await appendEntries(
        ctx,
        session,
        ['active'],
        [{ kind: 'message', ts: now, visibility: 'public', author: 'system', text: question }],
      );
    } catch (err) {
      if (err instanceof Refused) return false;
      throw err;
    }
    return true;
  }
  let cancelled: string[];
  try {
    cancelled = await endBySystem(ctx, sessionId, now, { said: 'user.idleEnded', reason: 'idle', onlyIf: 'active' });
  } catch (err) {
    if (err instanceof Refused) return false; // ended meanwhile
    throw err;
  }
  await finishEnd(ctx, session, cancelled);
  return true;
}
