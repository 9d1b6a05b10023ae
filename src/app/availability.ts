import {
  type AvailabilitySource,
  type Effective,
  effective,
  type HandSet,
  type PresenceRecord,
} from '../domain/availability.js';
import type { Agent } from '../domain/directory.js';
import type { AppContext } from './context.js';

/** Every agent's effective availability now (domain/availability.ts), from one read of the store. */
export interface Availabilities {
  of(agentId: string): Effective;
  /** The agents who are Away, with what made them so (`manual` or a platform). */
  away: Map<string, AvailabilitySource>;
  /** What the store held, for the poller's before/after. */
  presence: Map<string, PresenceRecord[]>;
  hand: Map<string, HandSet>;
}

export const modeOf = (ctx: AppContext, agent: Agent) => agent.availability ?? ctx.settings.availability.mode;

export async function availabilities(ctx: AppContext): Promise<Availabilities> {
  const { presence, hand } = await ctx.store.presence.read();
  return resolve(ctx, presence, hand);
}

/** The rules applied to what the store holds, for every agent of the directory. */
export function resolve(
  ctx: AppContext,
  presence: Map<string, PresenceRecord[]>,
  hand: Map<string, HandSet>,
): Availabilities {
  const dir = ctx.directory.get();
  const now = ctx.now();
  const { graceMs } = ctx.settings.availability;
  const of = (agentId: string): Effective => {
    const agent = dir.agent(agentId);
    const h = hand.get(agentId) ?? { away: false };
    return effective(agent ? modeOf(ctx, agent) : 'manual', h, presence.get(agentId) ?? [], graceMs, now);
  };
  const away = new Map<string, AvailabilitySource>();
  for (const a of dir.agents) {
    const e = of(a.id);
    if (e.state === 'away') away.set(a.id, e.source);
  }
  // A hand-set Away of an agent no longer in the directory still counts (as before).
  for (const [id, h] of hand) if (h.away && !away.has(id)) away.set(id, 'manual');
  return { of, away, presence, hand };
}

/** The agents who are Away now, whatever the source (the picker, routing and Accept read this). */
export async function awayAgents(ctx: AppContext): Promise<Map<string, AvailabilitySource>> {
  return (await availabilities(ctx)).away;
}
