import { compareEntryIds } from '../../domain/transcript.js';
import type { AppContext } from '../context.js';
import type { OpenChat } from './port.js';

/** Chats that ended this recently are still compared (a rating or an edit may come after the end). */
const ENDED_WITHIN_MS = 3_600_000;
const CHUNK = 500;

/**
 * A commit marks its chat for the archiver after the fact; a process that dies in between
 * leaves a chat changed and unmarked. This finds such chats and marks them: each chat Redis
 * holds that is open (its queue's lists) or that the record holds as open (or lately ended),
 * whose last entry or revision in Redis is ahead of the record's. How many it marked.
 */
export async function reconcile(ctx: AppContext): Promise<number> {
  const now = ctx.now();
  const known = new Map((await ctx.record.openChats(now - ENDED_WITHIN_MS)).map((c) => [c.id, c]));
  const listed = new Set<string>();
  for (const q of ctx.directory.get().queues) {
    for (const list of ['waiting', 'active'] as const)
      for (const id of await ctx.store.lists.read(list, q.id)) listed.add(id);
  }
  return markBehind(ctx, [...new Set([...known.keys(), ...listed])], known);
}

/** The slow backstop (hourly): every chat Redis holds, compared with the record. */
export async function reconcileAll(ctx: AppContext): Promise<number> {
  let marked = 0;
  await ctx.archive.scan(async (ids) => {
    marked += await markBehind(ctx, ids, new Map());
  });
  return marked;
}

async function markBehind(ctx: AppContext, ids: string[], known: Map<string, OpenChat>): Promise<number> {
  let marked = 0;
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const unknown = chunk.filter((id) => !known.has(id));
    const cursors = unknown.length > 0 ? await ctx.record.cursors(unknown) : {};
    const heads = await ctx.archive.heads(chunk);
    const behind = chunk.filter((id) => {
      const head = heads[id];
      if (!head) return false; // Redis no longer holds it: nothing more will come
      const kept = known.get(id);
      const through = kept ? kept.through : cursors[id]?.through;
      if (!kept && through === undefined) return true; // never archived
      if (head.last && (!through || compareEntryIds(head.last, through) > 0)) return true;
      return kept !== undefined && head.rev > kept.rev;
    });
    await ctx.archive.mark(behind, ctx.now());
    marked += behind.length;
  }
  return marked;
}
