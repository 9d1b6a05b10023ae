import type { Queued } from './delivery.js';

/**
 * What a destination's drainer sends next, from what is queued there. Pure.
 *
 * - An update superseded by a later one with the same `latest` key is dropped.
 * - Roots and people's messages go before other lines, and lines before refreshes.
 * - Chats take turns, the one served longest ago first, so a flooding chat cannot hold up
 *   the others: each waits at most one post per other chat.
 * - Each chat's own posts, edits and removals keep their order.
 * - When more than one post of a chat waits, consecutive posts that may merge go as one.
 */
export interface Unit {
  /** What goes out now: one delivery, or several posts merged into one message. */
  items: Queued[];
  /** Superseded updates: acknowledged without sending. */
  dropped: Queued[];
}

export interface Limits {
  /** How many posts one merged message may hold, and how long its text may be. */
  maxItems: number;
  maxChars: number;
}

const size = (q: Queued): number => JSON.stringify(q.d.surface ?? '').length;

/** Picks the next unit; `served` tells when each chat last went (a chat not in it never did). */
export function nextUnit(
  queue: readonly Queued[],
  served: ReadonlyMap<string, number>,
  limits: Limits,
): Unit | undefined {
  if (queue.length === 0) return undefined;
  const dropped: Queued[] = [];
  const lastOf = new Map<string, string>();
  for (const q of queue) if (q.d.latest) lastOf.set(q.d.latest, q.qid);
  const live = queue.filter((q) => {
    if (q.d.latest && lastOf.get(q.d.latest) !== q.qid) {
      dropped.push(q);
      return false;
    }
    return true;
  });
  if (live.length === 0) return { items: [], dropped };

  // Each chat's head; refreshes may wait behind anyone's lines, the rest keeps chat order.
  const heads = new Map<string, Queued>();
  for (const q of live) {
    const head = heads.get(q.d.sessionId);
    if (!head || (head.d.prio === 2 && q.d.prio < 2)) heads.set(q.d.sessionId, q);
  }
  const best = Math.min(...[...heads.values()].map((q) => q.d.prio));
  // Among the most urgent heads, the chat served longest ago; ties keep queue order.
  let chosen: Queued | undefined;
  for (const [sid, head] of heads) {
    if (head.d.prio !== best) continue;
    if (!chosen || (served.get(sid) ?? -1) < (served.get(chosen.d.sessionId) ?? -1)) chosen = head;
  }
  if (!chosen) return { items: [], dropped };

  const items = [chosen];
  if (chosen.d.op === 'post' && chosen.d.merge) {
    let chars = size(chosen);
    const own = live.filter((q) => q.d.sessionId === chosen.d.sessionId);
    for (const q of own.slice(own.indexOf(chosen) + 1)) {
      if (q.d.prio === 2) continue; // a refresh in between does not break a run of lines
      if (
        q.d.op !== 'post' ||
        q.d.merge !== chosen.d.merge ||
        items.length >= limits.maxItems ||
        chars + size(q) > limits.maxChars
      )
        break;
      items.push(q);
      chars += size(q);
    }
  }
  return { items, dropped };
}

/**
 * A refresh that may go before the lines waiting on its destination (its own lane: it spends
 * no posting budget): the latest for its key, of a message already out (not one still queued
 * here as a top or a post). Earlier refreshes with the same key are dropped with it. Pure.
 */
export function nextRefresh(queue: readonly Queued[]): Unit | undefined {
  const pending = new Set(queue.filter((q) => q.d.op === 'top' || q.d.op === 'post').map((q) => q.d.ref));
  const lastOf = new Map<string, string>();
  for (const q of queue) if (q.d.latest) lastOf.set(q.d.latest, q.qid);
  const chosen = queue.find(
    (q) =>
      q.d.prio === 2 &&
      (q.d.op === 'update' || q.d.op === 'remove') &&
      !pending.has(q.d.ref) &&
      (!q.d.latest || lastOf.get(q.d.latest) === q.qid),
  );
  if (!chosen) return undefined;
  const dropped = chosen.d.latest ? queue.filter((q) => q.d.latest === chosen.d.latest && q !== chosen) : [];
  return { items: [chosen], dropped };
}
