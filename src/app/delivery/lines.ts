import type { TranscriptEntry } from '../../domain/transcript.js';
import type { FastLine } from '../store.js';
import { entryLine, type LineContext } from '../surfaces/entryLines.js';
import { type Delivery, type LineTemplate, PRIO, placeLine } from './delivery.js';

/**
 * A transcript entry's line, whatever its id and wherever it goes: a post under the chat's
 * root, or the update or removal of a line posted before. Null when the entry shows no line.
 */
export function lineTemplate(
  entry: TranscriptEntry,
  c: LineContext,
  opts: { inChat?: boolean } = {},
): LineTemplate | null {
  const surface = entryLine(entry, c, opts);
  if (!surface) return null;
  const base = { sessionId: c.session.id, surface, prio: PRIO.first, keep: false };
  if (entry.kind === 'edit') return { ...base, op: 'update', target: entry.targetId };
  if (entry.kind === 'delete') return { ...base, op: 'remove', target: entry.targetId };
  const people = entry.kind === 'message' && entry.author !== 'system';
  return {
    ...base,
    op: 'post',
    prio: people ? PRIO.first : PRIO.line,
    // A file goes on its own (a platform may upload it), never merged with other lines.
    merges: !(entry.kind === 'message' && entry.file),
    // An agent may edit or delete their message later, and an erasure replaces the end user's: where it went is kept.
    keep: people,
  };
}

/** A transcript entry as a delivery to one mirror (see lineTemplate); null when it shows no line. */
export function lineDelivery(
  entry: TranscriptEntry,
  c: LineContext,
  mirror: string,
  opts: { inChat?: boolean } = {},
): Delivery | null {
  const t = lineTemplate(entry, c, opts);
  return t && placeLine(t, entry.id, mirror, false);
}

/**
 * Lines for the fast path, one per entry, before the entries have ids: the store's script
 * queues each with its entry's id and each mirror's id beside it (LineTemplate). False where
 * an entry shows nowhere.
 */
export function lineTemplates(entries: TranscriptEntry[], c: LineContext, origin?: string): Array<FastLine | false> {
  return entries.map((e): FastLine | false => {
    if (e.visibility === 'private') return false;
    const template = lineTemplate(e, c);
    return template ? { template, ...(origin ? { origin } : {}) } : false;
  });
}
