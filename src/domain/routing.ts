import type { Agent } from './directory.js';

/** An agent auto routing may give a chat to, with what it needs to compare them. */
export interface RoutingCandidate {
  agent: Agent;
  available: boolean;
  /** Active chats they own now. */
  owned: number;
  /** When they were last given a chat (0: never). */
  lastAssignedAt: number;
}

/**
 * Whom a waiting chat goes to (README "Routing and the queue"): the available agent of the queue with the
 * fewest owned chats below their capacity; ties go to whoever has waited longest since their
 * last assignment. Undefined when nobody can take it. Pure: the store makes it atomic.
 */
export function pickAgent(candidates: readonly RoutingCandidate[]): Agent | undefined {
  let best: RoutingCandidate | undefined;
  for (const c of candidates) {
    if (!c.available || c.owned >= c.agent.maxChats) continue;
    if (!best || c.owned < best.owned || (c.owned === best.owned && c.lastAssignedAt < best.lastAssignedAt)) best = c;
  }
  return best?.agent;
}

/**
 * The end user's wait, from the queue's recent waits: the median, once per chat ahead and
 * their own. Undefined without history.
 */
export function estimateWait(recentWaitsMs: readonly number[], position: number): number | undefined {
  if (recentWaitsMs.length === 0 || position < 1) return undefined;
  const sorted = [...recentWaitsMs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.max(1, Math.round((median * position) / 1000));
}

/** A waiting chat's place in its queue and its expected wait, as its end user sees it. */
export interface Standing {
  kind: 'standing';
  queuePosition: number;
  /** From the queue's recent waits; absent while the queue has none. */
  estimatedWaitSeconds?: number;
}
