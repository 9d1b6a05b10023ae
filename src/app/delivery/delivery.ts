import { z } from 'zod';
import type { Surface } from '../surfaces/surface.js';

/**
 * One thing to show on a platform, queued on its destination (a channel, an agent's 1:1)
 * in commit order. It carries all it needs (the surface, where it goes, what to record) so
 * the destination's drainer sends it without reading the chat again.
 */
export const Delivery = z.object({
  /** Unique on its destination, and stable: a repeat of the same delivery is recognised. */
  id: z.string(),
  sessionId: z.string(),
  /**
   * `top`: a new top-level message (a chat's root, an invite card in a 1:1); `post`: a line
   * under a chat's root; `update` / `remove`: a message posted before.
   */
  op: z.enum(['top', 'post', 'update', 'remove']),
  /** The refs key: where a top or a post is recorded, or which message an update or removal targets. */
  ref: z.string(),
  /** For a post: the refs key of the root it goes under. */
  under: z.string().optional(),
  surface: z.custom<Surface>((v) => typeof v === 'object' && v !== null).optional(),
  /** 0: roots and people's lines; 1: other lines; 2: refreshes of cards and roots. */
  prio: z.number().int().min(0).max(2),
  /** Posts with the same key may go out as one post when the destination falls behind. */
  merge: z.string().optional(),
  /** Updates with the same key collapse to the latest. */
  latest: z.string().optional(),
  /** What the message shows (a chat line's entry id): kept for later edits, and as the message's tag. */
  entry: z.string().optional(),
  /** A top that is a chat's root on this mirror (replies typed under it then find the chat). */
  mirror: z.string().optional(),
  /** Whether its ref is kept (for later edits; a customer's line is never revised). */
  keep: z.boolean().default(false),
  /** Counted against its chat's backlog while the destination was busy. */
  counted: z.boolean().default(false),
});
export type Delivery = z.infer<typeof Delivery>;

/** A delivery as queued: its id in the destination's queue. */
export interface Queued {
  qid: string;
  d: Delivery;
}

/** The refs keys: a chat's root on a mirror, a line of a chat, an invite's card. */
export const refKeys = {
  root: (sessionId: string, mirror: string) => `root:${sessionId}:${mirror}`,
  line: (sessionId: string, entryId: string) => `line:${sessionId}:${entryId}`,
  card: (inviteId: string) => `card:${inviteId}`,
  escalation: (sessionId: string) => `esc:${sessionId}`,
  once: (key: string) => `once:${key}`,
};

export const PRIO = { first: 0, line: 1, refresh: 2 } as const;
