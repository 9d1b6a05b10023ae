import { estimateWait, type Standing } from '../domain/routing.js';
import type { Session } from '../domain/session.js';
import type { AppContext } from './context.js';

/** How many waiting chats of a queue hear of a change at once (the rest at their next look). */
const ANNOUNCED = 200;

/** Where a waiting chat stands; undefined once it is not waiting. */
export async function standingOf(ctx: AppContext, session: Session): Promise<Standing | undefined> {
  if (session.status !== 'waiting') return undefined;
  const [position, waits] = await Promise.all([
    ctx.store.lists.position('waiting', session.queueId, session.id),
    ctx.store.sessions.recentWaits(session.queueId),
  ]);
  if (position === undefined) return undefined;
  const estimate = estimateWait(waits, position);
  return {
    kind: 'standing',
    queuePosition: position,
    ...(estimate !== undefined ? { estimatedWaitSeconds: estimate } : {}),
  };
}

/**
 * The chats still waiting in a queue each hear where they stand now (someone ahead was taken,
 * left or moved). Published to their event streams, not kept in the transcript.
 */
async function announceQueue(ctx: AppContext, queueId: string): Promise<void> {
  const [ids, waits] = await Promise.all([
    ctx.store.lists.read('waiting', queueId),
    ctx.store.sessions.recentWaits(queueId),
  ]);
  await Promise.all(
    ids.slice(0, ANNOUNCED).map((id, i) => {
      const estimate = estimateWait(waits, i + 1);
      return ctx.store.transcript.announce(id, {
        kind: 'standing',
        queuePosition: i + 1,
        ...(estimate !== undefined ? { estimatedWaitSeconds: estimate } : {}),
      });
    }),
  );
}

/** In the background: a failure only delays what the end users see. */
export function announceSoon(ctx: AppContext, ...queueIds: string[]): void {
  for (const q of new Set(queueIds))
    void announceQueue(ctx, q).catch((err: Error) =>
      ctx.log.warn({ err: err.message, queue: q }, 'could not tell the waiting chats where they stand'),
    );
}
