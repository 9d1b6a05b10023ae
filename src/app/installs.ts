import type { Agent, Queue } from '../domain/directory.js';
import type { AppContext } from './context.js';
import { PRIO } from './delivery/delivery.js';
import { Refused } from './errors.js';
import type { PlatformPort } from './ports.js';
import { line } from './surfaces/surface.js';
import { words } from './wording/index.js';

/** The platforms that reach an agent (known there, else maybe), as the planner picks them (src/app/delivery/planner.ts). */
const reaching = (ctx: AppContext, agent: Agent): PlatformPort[] => {
  const known = ctx.platforms.filter((p) => p.reaches(agent) === 'yes');
  return known.length > 0 ? known : ctx.platforms.filter((p) => p.reaches(agent) === 'maybe');
};

/**
 * New chats are refused while a platform cannot take them in the queue's place (its Slack
 * workspace was uninstalled): 409 queue_unavailable, until it is installed again.
 */
export async function assertAvailable(ctx: AppContext, queue: Queue): Promise<void> {
  if (!(await queueAvailable(ctx, queue)))
    throw new Refused('queue_unavailable', words('refusal.queue_unavailable', { queue: queue.name }), 409);
}

/** Whether every platform can take the queue's new chats now (false: paused, e.g. its workspace uninstalled). */
export async function queueAvailable(ctx: AppContext, queue: Queue): Promise<boolean> {
  for (const p of ctx.platforms) if (p.available && !(await p.available(queue))) return false;
  return true;
}

/**
 * Tells the supervisors of these queues, in a 1:1 on each platform that still reaches them,
 * that the queues paused (or resumed). `reaches(platform, agent)` leaves out where they
 * cannot be told (the workspace that was just removed). `event` makes each message once.
 */
export async function tellSupervisors(
  ctx: AppContext,
  queueIds: readonly string[],
  paused: boolean,
  event: string,
  reaches: (platformId: string, agent: Agent) => boolean,
): Promise<void> {
  if (queueIds.length === 0) return;
  const dir = ctx.directory.get();
  const names = queueIds.map((id) => dir.queue(id)?.name ?? id).join(', ');
  const surface = line(words(paused ? 'notice.queues_paused' : 'notice.queues_resumed', { queues: names }));
  const told = new Set<string>();
  for (const sup of queueIds.flatMap((id) => dir.supervisorsOf(id))) {
    if (told.has(sup.id)) continue;
    told.add(sup.id);
    for (const p of reaching(ctx, sup).filter((x) => reaches(x.id, sup))) {
      const id = `installs:${event}:${p.id}:${sup.id}`;
      await ctx.engine.enqueue(p.direct(sup), [
        {
          id,
          sessionId: `installs:${event}`,
          op: 'top',
          ref: `once:${id}`,
          surface,
          prio: PRIO.line,
          keep: false,
          counted: false,
        },
      ]);
    }
  }
}
