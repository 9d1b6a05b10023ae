import type { TranscriptEntry } from '../../domain/transcript.js';
import type { AppContext } from '../context.js';
import { type Delivery, PRIO, refKeys } from '../delivery/delivery.js';
import { Refused } from '../errors.js';
import type { Mirror } from '../ports.js';
import { line } from '../surfaces/surface.js';
import { words } from '../wording/index.js';
import { Archiver } from './archiver.js';
import { ask } from './ask.js';
import type { ChatRecord, Erasure, ErasureResult, Unreached } from './port.js';

/**
 * Erasure of one person (README "Erasure"): their chats go from the record and from Redis,
 * and every line of theirs the bot posted in a Slack or Teams thread (and each chat's root,
 * which names them) is replaced by "Removed at the end user's request". Idempotent: a run
 * again finds what is left and does it; what it could not reach is said in its result.
 */

/** Asks for an erasure; it runs in the workers (jobs/record.ts). */
export async function requestErasure(ctx: AppContext, email: string): Promise<Erasure> {
  const erasure = await ask(() => ctx.record.createErasure(email, ctx.now()));
  await ctx.recordJobs.erase(erasure.id);
  return erasure;
}

export async function erasureStatus(ctx: AppContext, id: string): Promise<Erasure> {
  const e = await ask(() => ctx.record.erasure(id));
  if (!e) throw Refused.of('not_found', undefined, 'erasure_not_found');
  return e;
}

/** The job: erases every chat of the erasure's email; nothing when it is done already. */
export async function runErasure(ctx: AppContext, id: string): Promise<ErasureResult | undefined> {
  const email = await ctx.record.erasureEmail(id);
  if (!email) return undefined;
  // What Redis committed lately goes into the record first, so this person's newest chat is found too.
  await new Archiver(ctx.archive, ctx.record, ctx.log)
    .drain(15_000)
    .catch((err: Error) =>
      ctx.log.warn({ err: err.message }, 'erasure: the archive had not caught up; erasing what the record holds'),
    );
  const result: ErasureResult = { chats: 0, replaced: 0, unreached: [] };
  for (const chat of await ctx.record.chatsOf(email)) {
    const r = await eraseChat(ctx, chat);
    result.chats++;
    result.replaced += r.replaced;
    result.unreached.push(...r.unreached);
  }
  await ctx.record.finishErasure(id, result, ctx.now());
  ctx.log.info(
    { erasure: id, chats: result.chats, replaced: result.replaced, unreached: result.unreached.length },
    'erasure done',
  );
  return result;
}

async function eraseChat(ctx: AppContext, chat: ChatRecord): Promise<Omit<ErasureResult, 'chats'>> {
  const { id, ref } = chat.session;
  const live = await ctx.store.sessions.bundle(id, 0);
  if (live && live.session.status !== 'ended') {
    // An open chat ends here, with no entry or effect: nothing may draw its root (with their name) again.
    await ctx.store.sessions.end(id, 'system', ctx.now(), {}).catch(() => undefined);
    await ctx.store.lists.reindex(id).catch(() => undefined);
    for (const m of live.mirrors.filter((x) => x.kind === 'channel')) {
      if (await ctx.store.links.claimOnce(`unload:${id}:${m.id}`, 86_400)) await ctx.store.deliveries.load(m.dest, -1);
    }
  }
  const mirrors = new Map<string, Mirror>(chat.mirrors.map((m) => [m.id, m]));
  for (const m of live?.mirrors ?? []) mirrors.set(m.id, m);
  const entries = new Map<string, TranscriptEntry>();
  for (const e of await ctx.record.entries(id)) entries.set(e.id, e);
  if (live) for (const e of await ctx.store.transcript.read(id, undefined, 100_000)) entries.set(e.id, e);
  const theirs = [...entries.values()].filter((e) => e.kind === 'message' && e.author === 'user');
  // Gone from Redis first: no change of the chat can be planned (and its root drawn) after this.
  await ctx.archive.forget(id, ref);
  const out = await replaceLines(
    ctx,
    chat,
    [...mirrors.values()],
    theirs.map((e) => e.id),
  );
  await ctx.files.store.removeChat(id);
  await ctx.record.forget([id]);
  return out;
}

/** Each of their lines, and the root, replaced where the bot posted them; what is not found is said. */
async function replaceLines(
  ctx: AppContext,
  chat: ChatRecord,
  mirrors: Mirror[],
  entryIds: string[],
): Promise<Omit<ErasureResult, 'chats'>> {
  const { id: sid, ref } = chat.session;
  const unreached: Unreached[] = [];
  let replaced = 0;
  const removed = line(words('erasure.removed'));
  for (const m of mirrors) {
    if (!ctx.platforms.some((p) => p.id === m.platform)) {
      unreached.push({
        chat: ref,
        platform: m.platform,
        what: 'line',
        count: entryIds.length + 1,
        reason: 'the platform is not configured here',
      });
      continue;
    }
    const keys = [refKeys.root(sid, m.id), ...entryIds.map((e) => refKeys.line(sid, e))];
    const refs = await ctx.store.deliveries.refs(m.dest, keys);
    const items: Delivery[] = [];
    let missing = 0;
    let files = 0;
    keys.forEach((key, i) => {
      const r = refs[i];
      if (!r || r.none) {
        if (i === 0)
          unreached.push({
            chat: ref,
            platform: m.platform,
            what: 'root',
            count: 1,
            reason: 'not found where it was posted',
          });
        else missing++;
        return;
      }
      // A file uploaded into the thread is shared by the platform, not a message the bot can change.
      if (r.file && !r.ts) {
        files++;
        return;
      }
      const surface = i === 0 ? line(words('erasure.root', { ref })) : removed;
      items.push({
        id: `erase:${sid}:${key}@${m.id}`,
        sessionId: sid,
        op: 'update',
        ref: key,
        surface,
        prio: PRIO.refresh,
        latest: key,
        keep: false,
        counted: false,
      });
    });
    if (items.length > 0) await ctx.engine.enqueue(m.dest, items);
    replaced += items.length;
    if (missing > 0)
      unreached.push({
        chat: ref,
        platform: m.platform,
        what: 'line',
        count: missing,
        reason: 'not found where it was posted (never delivered, or posted before lines were kept)',
      });
    if (files > 0)
      unreached.push({
        chat: ref,
        platform: m.platform,
        what: 'file',
        count: files,
        reason: 'a file uploaded to the platform stays in its file storage',
      });
  }
  return { replaced, unreached };
}
