import { randomBytes } from 'node:crypto';
import type { TranscriptEntry } from '../../domain/transcript.js';
import type { LineTemplate } from '../store.js';
import { entryLine, type LineContext } from '../surfaces/entryLines.js';
import { type Delivery, PRIO, refKeys } from './delivery.js';

/**
 * A transcript entry as a delivery to one mirror: a post under the chat's root, or the
 * update or removal of a line posted before. Null when the entry shows no line.
 */
export function lineDelivery(
  entry: TranscriptEntry,
  c: LineContext,
  mirror: string,
  opts: { inChat?: boolean } = {},
): Delivery | null {
  const surface = entryLine(entry, c, opts);
  if (!surface) return null;
  const sid = c.session.id;
  // Entry ids are unique within their chat only.
  const base = { id: `${sid}/${entry.id}@${mirror}`, sessionId: sid, surface, keep: false, counted: false };
  if (entry.kind === 'edit') return { ...base, op: 'update', ref: refKeys.line(sid, entry.targetId), prio: PRIO.first };
  if (entry.kind === 'delete')
    return { ...base, op: 'remove', ref: refKeys.line(sid, entry.targetId), prio: PRIO.first };
  const people = entry.kind === 'message' && entry.author !== 'system';
  return {
    ...base,
    op: 'post',
    ref: refKeys.line(sid, entry.id),
    under: refKeys.root(sid, mirror),
    prio: people ? PRIO.first : PRIO.line,
    // A file goes on its own (a platform may upload it), never merged with other lines.
    ...(entry.kind === 'message' && entry.file ? {} : { merge: `${sid}:${mirror}` }),
    entry: entry.id,
    // An agent may edit or delete their message later, and an erasure replaces the end user's: where it went is kept.
    keep: entry.kind === 'message' && entry.author !== 'system',
  };
}

/**
 * Lines for the fast path: each entry's delivery with its id and the mirror's still to fill
 * in, where fresh unguessable marks stand (the store's script puts them in).
 */
export function lineTemplates(
  entries: TranscriptEntry[],
  c: LineContext,
  origin?: string,
): { lines: Array<LineTemplate | false>; marks: { entry: string; mirror: string } } {
  const nonce = randomBytes(6).toString('hex');
  const marks = { entry: `E${nonce}E`, mirror: `M${nonce}M` };
  const lines = entries.map((e): LineTemplate | false => {
    if (e.visibility === 'private') return false;
    const d = lineDelivery({ ...e, id: marks.entry }, c, marks.mirror);
    return d ? { json: JSON.stringify(d), ...(origin ? { origin } : {}) } : false;
  });
  return { lines, marks };
}
