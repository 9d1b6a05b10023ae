import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Session } from '../../domain/session.js';
import { compareEntryIds, type MessageEntry } from '../../domain/transcript.js';
import type { AppContext } from '../context.js';
import { Refused } from '../errors.js';
import { hashToken } from '../tokens.js';
import { say } from '../wording/index.js';

/**
 * Email continuation (README "Email"): an agent's answer the end user is not there to read
 * goes to them by email, with a signed link back into the chat; and a verified end user
 * comes back to their open chat from another device. Tokens are replaced, never shown twice.
 */

/** How long a verified user's open chat is remembered (a chat stays in Redis no longer than this matters). */
const VERIFIED_TTL_MS = 30 * 86_400_000;
/** The most agent messages one email carries (the latest). */
const MAX_MESSAGES = 20;

/** How often an open event stream says it is there: well inside EMAIL_AFTER_SECONDS. */
export const streamBeat = (emailAfterMs: number): number =>
  Math.max(250, Math.min(30_000, Math.floor(emailAfterMs / 3)));

/** A verified end user's chat is the one they resume from elsewhere. */
export async function rememberVerified(ctx: AppContext, session: Session): Promise<void> {
  if (session.verified && session.endUser.id)
    await ctx.endUsers.setVerifiedChat(session.endUser.id, session.id, VERIFIED_TTL_MS);
}

const newToken = () => randomBytes(32).toString('base64url');

/**
 * `POST /sessions/resume`: the verified user's open chat, with a new token (the caller
 * checked the hash). 404 when they have none open.
 */
export async function resumeVerified(ctx: AppContext, userId: string): Promise<{ session: Session; token: string }> {
  const id = await ctx.endUsers.verifiedChat(userId);
  const session = id ? await ctx.store.sessions.get(id) : undefined;
  // Only the chat this very id was verified for: never one found by email or name.
  if (!session || session.status === 'ended' || session.verified !== true || session.endUser.id !== userId)
    throw Refused.of('not_found', undefined, 'no_chat.verified');
  const token = newToken();
  if (!(await ctx.endUsers.replaceToken(session.id, hashToken(token))))
    throw Refused.of('not_found', undefined, 'no_chat.verified');
  return { session, token };
}

/** The key continuation links are signed with: one for every instance, made by the first that needs it. */
async function linkKey(ctx: AppContext): Promise<Buffer> {
  return Buffer.from(
    await ctx.store.links.rememberOnce('secret:continue-links', randomBytes(32).toString('base64url')),
    'base64url',
  );
}

const sign = (key: Buffer, sessionId: string): string =>
  createHmac('sha256', key).update(`continue\n${sessionId}`).digest('base64url');

/** The link an email carries: the widget, opened on that chat. It works while the chat is open. */
export async function continueLink(ctx: AppContext, sessionId: string): Promise<string> {
  const sig = sign(await linkKey(ctx), sessionId);
  const url = new URL(
    './',
    ctx.settings.publicUrl.endsWith('/') ? ctx.settings.publicUrl : `${ctx.settings.publicUrl}/`,
  );
  url.searchParams.set('chat', sessionId);
  url.searchParams.set('sig', sig);
  return url.href;
}

/** `POST /sessions/:id/continue {sig}`: the chat of a good link, with a new token; 403 for a bad one, 410 once it ended. */
export async function continueChat(
  ctx: AppContext,
  sessionId: string,
  sig: string,
): Promise<{ session: Session; token: string }> {
  const want = Buffer.from(sign(await linkKey(ctx), sessionId));
  const given = Buffer.from(sig);
  if (want.length !== given.length || !timingSafeEqual(want, given)) throw Refused.credential('forbidden.continue');
  const session = await ctx.store.sessions.get(sessionId);
  if (!session) throw Refused.credential('forbidden.continue');
  if (session.status === 'ended') throw Refused.from({ code: 'link_expired', wording: 'link_expired.continue' }, 410);
  const token = newToken();
  if (!(await ctx.endUsers.replaceToken(session.id, hashToken(token)))) throw Refused.credential('forbidden.continue');
  return { session, token };
}

/**
 * An agent wrote to the end user: with mail on and an email to write to, the chat's email is
 * considered once the end user has been away EMAIL_AFTER_SECONDS (an offline message's at once:
 * its first answer is always emailed).
 */
export async function agentWrote(ctx: AppContext, session: Session, now: number): Promise<void> {
  if (!ctx.mail || !session.endUser.email) return;
  try {
    const last = await ctx.endUsers.lastSeen(session.id);
    const from = session.offline ? now : Math.max(now, (last ?? session.createdAt) + ctx.settings.emailAfterMs);
    await ctx.mail.jobs.schedule(session.id, from);
  } catch (err) {
    // The answer is stored and relayed; only its email is at stake.
    ctx.log.warn(
      { err: (err as Error).message, sessionId: session.id },
      'email: could not schedule the continuation email',
    );
  }
}

export type EmailOutcome = 'sent' | 'none' | 'present' | 'later';

/**
 * The delayed job's handler: sends the chat's email when the end user is still away and an
 * agent wrote since they last looked, at most once per EMAIL_AFTER_SECONDS (else it looks
 * again when that interval ends). Late, repeated or concurrent runs send nothing twice.
 */
export async function sendContinuation(ctx: AppContext, sessionId: string): Promise<EmailOutcome> {
  const mail = ctx.mail;
  const session = await ctx.store.sessions.get(sessionId);
  const to = session?.endUser.email;
  if (!mail || !session || !to || session.status === 'ended') return 'none';
  const now = Date.now();
  const after = ctx.settings.emailAfterMs;
  const [last, upTo, entries] = await Promise.all([
    ctx.endUsers.lastSeen(sessionId),
    ctx.endUsers.mailedUpTo(sessionId),
    ctx.store.transcript.read(sessionId, undefined, 10_000),
  ]);
  const answers = entries.filter(
    (e): e is MessageEntry & { id: string } =>
      e.kind === 'message' && e.author === 'agent' && e.visibility === 'public',
  );
  // An offline message's first answer goes by email whatever else: its end user was told so.
  const first = session.offline === true && upTo === undefined;
  // News: what an agent wrote since the end user last held the chat open, and since the last email.
  const news = first
    ? answers
    : answers.filter((e) => e.ts > (last ?? 0) && (upTo === undefined || compareEntryIds(e.id, upTo) > 0));
  if (news.length === 0) return 'none';
  const awaySince = last ?? session.createdAt;
  if (!first && now - awaySince < after) {
    await mail.jobs.schedule(sessionId, awaySince + after);
    return 'present';
  }
  if (!(await ctx.endUsers.claimEmail(sessionId, after))) {
    await mail.jobs.schedule(sessionId, now + after);
    return 'later';
  }
  const queue = ctx.directory.get().queue(session.queueId)?.name ?? session.queueId;
  const shown = answers.slice(-MAX_MESSAGES);
  const text = [
    say('email.intro', { user: session.endUser.name }),
    '',
    say('email.lead', { queue }),
    '',
    ...shown.map((e) => `${e.authorName ?? ''}: ${e.text}`),
    '',
    say('email.link', { url: await continueLink(ctx, sessionId) }),
    '',
    say('email.footer'),
  ].join('\n');
  try {
    await mail.mailer.send({ to, subject: say('email.subject', { ref: session.ref, queue }), text });
  } catch (err) {
    await ctx.endUsers.releaseEmail(sessionId);
    throw err;
  }
  await ctx.endUsers.setMailedUpTo(sessionId, answers.at(-1)!.id);
  ctx.log.info({ sessionId }, 'email: continuation sent');
  return 'sent';
}
