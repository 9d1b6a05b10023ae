import type { Queue } from '../../domain/directory.js';
import { isAgent } from '../../domain/directory.js';
import { awayAgents } from '../availability.js';
import type { AppContext } from '../context.js';
import { Refused } from '../errors.js';
import { assertOpen, queueHours } from '../hours.js';

/**
 * Whether a queue takes offline messages now (README "Offline messages"): it says so
 * (`offline: true`) and it is closed, or none of its agents is available.
 */
export async function takesOfflineNow(
  ctx: AppContext,
  queue: Queue,
  now: number,
  awayNow?: { has(agentId: string): boolean },
): Promise<boolean> {
  if (!queue.offline) return false;
  if (!queueHours(queue, now).open) return true;
  // Away by hand or by presence (src/app/availability.ts), as the picker and routing see it.
  const away = awayNow ?? (await awayAgents(ctx));
  return !ctx.directory
    .get()
    .agentsOf(queue.id)
    .some((a) => isAgent(a) && !away.has(a.id));
}

/**
 * A new chat may start: a live chat while the queue is open (409 queue_closed else); an offline
 * message only where and while the queue takes them (409 otherwise: start a chat instead).
 */
export async function assertMayStart(ctx: AppContext, queue: Queue, now: number, offline: boolean): Promise<void> {
  if (!offline) return assertOpen(queue, now);
  if (!queue.offline) throw Refused.of('not_offline');
  if (!(await takesOfflineNow(ctx, queue, now))) throw Refused.of('not_offline', undefined, 'not_offline.open');
}
