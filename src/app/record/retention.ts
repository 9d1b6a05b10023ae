import type { AppContext } from '../context.js';

const DAY_MS = 86_400_000;

/** The daily sweep (RETENTION_DAYS): chats the record has kept longer go, with all that came of them. How many went. */
export async function expireRecord(ctx: AppContext, retentionDays: number): Promise<number> {
  const gone = await ctx.record.expire(ctx.now() - retentionDays * DAY_MS);
  ctx.log.info({ chats: gone, retentionDays }, 'record: retention sweep done');
  return gone;
}
