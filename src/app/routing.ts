import { isAgent, type Queue } from '../domain/directory.js';
import { pickAgent, type RoutingCandidate } from '../domain/routing.js';
import { awayAgents } from './availability.js';
import type { AppContext, Router } from './context.js';
import { Refused } from './errors.js';
import { accept } from './sessions.js';

/**
 * Auto routing (queues with `routing: auto`): each waiting chat, oldest first, goes to the
 * available agent of its queue with the fewest owned chats below their capacity. Run when a
 * chat comes in, when an agent becomes available or frees capacity, and by a sweep.
 *
 * Atomic across instances: the agent's capacity is reserved in one step (their `owns` list
 * takes the chat only below maxChats), and the accept itself takes a waiting chat once.
 */
async function routeQueue(
  ctx: AppContext,
  queueId: string,
  o: { not?: { sessionId: string; agentId: string } } = {},
): Promise<number> {
  const queue = ctx.directory.get().queue(queueId);
  if (queue?.routing !== 'auto') return 0;
  const waiting = await ctx.store.lists.read('waiting', queueId);
  if (waiting.length === 0) return 0;
  // The queue's agents, read once for all its waiting chats, and kept up to date as chats go to them.
  const candidates = await candidatesOf(ctx, queue);
  let assigned = 0;
  for (const sessionId of waiting) {
    // A chat its owner just released does not go straight back to them.
    const r = await routeChat(
      ctx,
      queue,
      sessionId,
      candidates,
      o.not?.sessionId === sessionId ? o.not.agentId : undefined,
    );
    if (r === 'nobody') break; // nobody can take more: the rest wait too
    if (r === 'assigned') assigned++;
  }
  return assigned;
}

/** The queues an agent works that route automatically, routed (they became available, or freed capacity). */
async function routeFor(ctx: AppContext, agentId: string): Promise<void> {
  const agent = ctx.directory.get().agent(agentId);
  for (const q of agent?.queues ?? []) await routeQueue(ctx, q);
}

/** The use cases' trigger: routes in the background; a failure is logged, and the sweep tries again. */
export function autoRouter(ctx: () => AppContext): Router {
  const soon = (work: () => Promise<unknown>) =>
    void work().catch((err: Error) =>
      ctx().log.warn({ err: err.message }, 'auto routing failed; the sweep will retry'),
    );
  return {
    queue: (queueId, not) => soon(() => routeQueue(ctx(), queueId, not ? { not } : {})),
    agent: (agentId) => soon(() => routeFor(ctx(), agentId)),
  };
}

async function candidatesOf(ctx: AppContext, queue: Queue): Promise<RoutingCandidate[]> {
  const agents = ctx.directory.get().agentsOf(queue.id).filter(isAgent);
  const [away, last, owned] = await Promise.all([
    awayAgents(ctx),
    ctx.store.sessions.lastAssigned(agents.map((a) => a.id)),
    Promise.all(agents.map((a) => ctx.store.lists.count('owns', a.id))),
  ]);
  return agents.map((agent, i) => ({
    agent,
    available: !away.has(agent.id),
    owned: owned[i]!,
    lastAssignedAt: last.get(agent.id) ?? 0,
  }));
}

async function routeChat(
  ctx: AppContext,
  queue: Queue,
  sessionId: string,
  all: RoutingCandidate[],
  not?: string,
): Promise<'assigned' | 'nobody' | 'gone'> {
  // Who cannot take this chat (refused it, or just released it): left out for it alone.
  const skip = new Set(not ? [not] : []);
  for (;;) {
    const agent = pickAgent(all.filter((x) => !skip.has(x.agent.id)));
    if (!agent) return 'nobody';
    const c = all.find((x) => x.agent.id === agent.id)!;
    const claim = await ctx.store.lists.reserve(agent.id, sessionId, agent.maxChats);
    if (!claim) {
      c.owned = agent.maxChats; // full meanwhile (another instance gave them one)
      continue;
    }
    try {
      await accept(ctx, sessionId, agent);
      const now = ctx.now();
      await ctx.store.sessions.markAssigned(agent.id, now);
      c.owned++;
      c.lastAssignedAt = now;
      ctx.log.info({ sessionId, agentId: agent.id, queue: queue.id }, 'chat routed');
      return 'assigned';
    } catch (err) {
      // A claim this call made is given back, unless the same agent got the chat another way
      // (another instance routed it to them: the accept that failed found it taken).
      if (claim === 'reserved' && (await ctx.store.sessions.get(sessionId))?.ownerId !== agent.id)
        await ctx.store.lists.unreserve(agent.id, sessionId);
      if (!(err instanceof Refused)) throw err;
      // Taken or ended meanwhile: on to the next chat. Else this agent cannot: the next agent.
      if (err.code === 'not_waiting' || err.code === 'not_found' || err.code === 'ended') return 'gone';
      skip.add(agent.id);
    }
  }
}

/** Every auto queue, routed: catches what a crash or a lost trigger left waiting. */
export async function sweepRouting(ctx: AppContext): Promise<number> {
  let n = 0;
  for (const q of ctx.directory.get().queues) if (q.routing === 'auto') n += await routeQueue(ctx, q.id);
  return n;
}
