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

const common = {
  sessionId: z.string(),
  surface: z.custom<Surface>((v) => typeof v === 'object' && v !== null),
  prio: z.number().int().min(0).max(2),
  keep: z.boolean(),
};

/**
 * A chat line's delivery before its entry is stored (the fast path, lua/appendEntries.lua):
 * all of it but what only the commit's script knows, the entry's id and the mirror it goes
 * to. The script queues the template with those (and whether the line was counted against the
 * chat's backlog there) as stream fields of their own, and `placeLine` makes the delivery of
 * them, so no script edits JSON.
 */
export const LineTemplate = z.discriminatedUnion('op', [
  z.object({
    ...common,
    op: z.literal('post'),
    /** Whether it may go out merged with the chat's other lines (a file goes on its own). */
    merges: z.boolean(),
  }),
  z.object({
    ...common,
    op: z.enum(['update', 'remove']),
    /** The entry an edit or a deletion changes: its line is the message updated or removed. */
    target: z.string(),
  }),
]);
export type LineTemplate = z.infer<typeof LineTemplate>;

/** A line's delivery to one mirror, once its entry has an id. */
export function placeLine(t: LineTemplate, entryId: string, mirror: string, counted: boolean): Delivery {
  const sid = t.sessionId;
  // The surface names its entry (merged posts list them): the template's was drawn without the id.
  const surface = t.surface.meta?.kind === 'entry' ? { ...t.surface, meta: { kind: 'entry', id: entryId } } : t.surface;
  // Entry ids are unique within their chat only.
  const base = { id: `${sid}/${entryId}@${mirror}`, sessionId: sid, surface, prio: t.prio, keep: t.keep, counted };
  if (t.op !== 'post') return { ...base, op: t.op, ref: refKeys.line(sid, t.target) };
  return {
    ...base,
    op: 'post',
    ref: refKeys.line(sid, entryId),
    under: refKeys.root(sid, mirror),
    ...(t.merges ? { merge: `${sid}:${mirror}` } : {}),
    entry: entryId,
  };
}

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
