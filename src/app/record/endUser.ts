import { mayRate } from '../../domain/policy.js';
import type { Rating } from '../../domain/record.js';
import type { Session } from '../../domain/session.js';
import { type FileRef, type TranscriptEntry, visibleToEndUser } from '../../domain/transcript.js';
import type { AppContext } from '../context.js';
import { Refused } from '../errors.js';
import { storeRefusal } from '../sessions.js';
import { say, utc } from '../wording/index.js';
import { ask } from './ask.js';

/**
 * The end user's side of the record: the chat their token opens (from Redis, or from the
 * record once Redis has forgotten it), its rating, and its transcript as they saw it.
 */

/** A chat as the end user's token finds it. `live`: Redis still holds it. */
export interface EndUserChat {
  session: Session;
  tokenHash: string;
  live: boolean;
  rating?: Rating;
}

/** The chat, from Redis, else from the record; undefined when neither holds it. */
export async function findChat(ctx: AppContext, id: string): Promise<EndUserChat | undefined> {
  const live = await ctx.store.sessions.withToken(id);
  if (live) return { ...live, live: true };
  if (ctx.record.backend === 'none') return undefined;
  const kept = await ask(() => ctx.record.chat(id));
  return kept
    ? { session: kept.session, tokenHash: kept.tokenHash, live: false, ...(kept.rating ? { rating: kept.rating } : {}) }
    : undefined;
}

/** The rating of a chat Redis holds: the last entries of an ended chat say it. */
export async function ratingOf(ctx: AppContext, chat: EndUserChat): Promise<Rating | undefined> {
  if (chat.rating || !chat.live || chat.session.status !== 'ended') return chat.rating;
  const last = await ctx.store.transcript.read(chat.session.id, `${chat.session.endedAt ?? 0}-0`, 50);
  const rated = last.find((e) => e.kind === 'event' && e.event === 'rated');
  return rated?.kind === 'event' && rated.score !== undefined
    ? { score: rated.score, at: rated.ts, ...(rated.note ? { comment: rated.note } : {}) }
    : undefined;
}

/** A client id no message of the end user's can have (theirs are at most 100 characters): the rating is stored once. */
const RATING_ONCE = `rating:${'~'.repeat(100)}`;

/**
 * The end user rates an ended chat, once (a second is 409 already_rated). While Redis holds
 * the chat the rating is an entry of its transcript (a line in the thread, and the record's
 * from there); after, the record takes it directly.
 */
export async function rateChat(
  ctx: AppContext,
  chat: EndUserChat,
  score: number,
  comment: string | undefined,
): Promise<Rating> {
  const v = mayRate(chat.session);
  if (!v.ok) throw Refused.from(v);
  const now = ctx.now();
  const rating: Rating = { score, at: now, ...(comment ? { comment } : {}) };
  if (!chat.live) {
    const r = await ask(() => ctx.record.rate(chat.session.id, rating));
    if (r === 'rated') return rating;
    throw r === 'not_found'
      ? Refused.of('not_found')
      : Refused.of(r, undefined, r === 'not_ended' ? 'not_ended.rating' : undefined);
  }
  const r = await ctx.store.transcript.append(
    chat.session.id,
    ['ended'],
    {
      entries: [
        { kind: 'event', ts: now, visibility: 'agents', event: 'rated', score, ...(comment ? { note: comment } : {}) },
      ],
    },
    { clientMessageId: RATING_ONCE, owner: ctx.engine.owner },
  );
  if (!r.ok) throw r.code === 'not_found' ? Refused.of('not_found') : storeRefusal(r.code);
  if (r.value.duplicate) throw Refused.of('already_rated');
  await ctx.outbox.kick(chat.session.id);
  return rating;
}

/** One line of the transcript the end user downloads. */
export interface TranscriptLine {
  id: string;
  at: number;
  author: 'user' | 'agent' | 'system';
  name: string;
  text: string;
  file?: FileRef;
}

/** Every entry of the chat: from Redis while it holds the chat, else from the record. */
async function entriesOf(ctx: AppContext, chat: EndUserChat): Promise<TranscriptEntry[]> {
  if (chat.live) {
    const all: TranscriptEntry[] = [];
    for (let after: string | undefined; ; ) {
      const page = await ctx.store.transcript.read(chat.session.id, after, 1_000);
      all.push(...page);
      if (page.length < 1_000) return all;
      after = page.at(-1)!.id;
    }
  }
  return ask(() => ctx.record.entries(chat.session.id));
}

/**
 * What the end user could see, and nothing else (no notes, no agents-only lines, no monitors):
 * messages as last edited (deleted ones left out), who joined and left, and the end.
 */
export async function endUserTranscript(ctx: AppContext, chat: EndUserChat): Promise<TranscriptLine[]> {
  const seen = (await entriesOf(ctx, chat)).filter(visibleToEndUser);
  const edits = new Map<string, string | null>();
  for (const e of seen) {
    if (e.kind === 'edit') edits.set(e.targetId, e.text);
    if (e.kind === 'delete') edits.set(e.targetId, null);
  }
  const system = say('system');
  return seen.flatMap((e): TranscriptLine[] => {
    const base = { id: e.id, at: e.ts };
    switch (e.kind) {
      case 'message': {
        const text = edits.has(e.id) ? edits.get(e.id) : e.text;
        if (text === null || text === undefined) return [];
        const name =
          e.author === 'user' ? chat.session.endUser.name : e.author === 'agent' ? (e.authorName ?? system) : system;
        return [{ ...base, author: e.author, name, text, ...(e.file ? { file: e.file } : {}) }];
      }
      case 'participant':
        return [
          {
            ...base,
            author: 'system',
            name: system,
            text: say(e.action === 'left' ? 'transcript.left' : 'transcript.joined', { name: e.name }),
          },
        ];
      case 'status':
        return e.status === 'ended' ? [{ ...base, author: 'system', name: system, text: say('transcript.ended') }] : [];
      default:
        return [];
    }
  });
}

/** The transcript as a text file: a title line, then one line per entry with its time (UTC). */
export function transcriptText(chat: EndUserChat, queueName: string, lines: readonly TranscriptLine[]): string {
  const s = chat.session;
  const out = [say('transcript.title', { ref: s.ref, queue: queueName, time: utc(s.createdAt) }), ''];
  for (const l of lines) {
    const text = l.file && l.text === l.file.name ? say('transcript.file', { name: l.file.name }) : l.text;
    out.push(say('transcript.line', { time: utc(l.at), who: l.name, text }));
  }
  return `${out.join('\n')}\n`;
}
