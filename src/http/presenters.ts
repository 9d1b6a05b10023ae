import type { AppContext } from '../app/context.js';
import { standingOf } from '../app/standing.js';
import type { Invite } from '../domain/invite.js';
import type { Rating } from '../domain/record.js';
import type { Standing } from '../domain/routing.js';
import type { Session } from '../domain/session.js';
import type { EndUserEntry, FileRef, TranscriptEntry } from '../domain/transcript.js';
import type { PublicEntry, PublicFile, PublicInvite, PublicSession } from './schemas.js';

/** What the API shows of a chat, its files, entries and invites: never agent ids or where a platform keeps a file. */

/** The session as the end user sees it: no agent ids, only first names; its rating once given. */
export async function publicSession(
  ctx: AppContext,
  s: Session,
  rating?: Rating,
  o: { forAgents?: boolean } = {},
): Promise<PublicSession> {
  const standing = await standingOf(ctx, s);
  const dir = ctx.directory.get();
  const owner = s.ownerId ? dir.agent(s.ownerId) : undefined;
  return {
    id: s.id,
    ref: s.ref,
    status: s.status,
    queue: { id: s.queueId, name: dir.queue(s.queueId)?.name ?? s.queueId },
    user: s.endUser,
    verified: s.verified === true,
    ...(s.context ? { context: s.context } : {}),
    agent: owner ? { name: owner.firstName } : null,
    createdAt: new Date(s.createdAt).toISOString(),
    ...(s.endReason ? { endReason: s.endReason } : {}),
    ...(s.outcome ? { outcome: s.outcome } : {}),
    ...(o.forAgents && s.outcomeNote ? { outcomeNote: s.outcomeNote } : {}),
    ...(standing ? waitFields(standing) : {}),
    ...(rating ? { rating: { score: rating.score, ...(rating.comment ? { comment: rating.comment } : {}) } } : {}),
  };
}

/** A file of the chat as the end user sees it: never where a platform keeps it. */
export const publicFile = (f: FileRef): PublicFile => ({
  name: f.name,
  url: `files/${encodeURIComponent(f.id)}`,
  ...(f.mimetype ? { type: f.mimetype } : {}),
  ...(f.size !== undefined ? { size: f.size } : {}),
});

/** A transcript entry as the end user sees it. */
export function publicEntry(e: EndUserEntry): PublicEntry {
  const at = new Date(e.ts).toISOString();
  const base = <K extends TranscriptEntry['kind']>(kind: K) => ({ id: e.id, kind, at });
  switch (e.kind) {
    case 'message':
      return {
        ...base(e.kind),
        author: e.author,
        name: e.authorName ?? null,
        text: e.text,
        ...(e.file ? { file: publicFile(e.file) } : {}),
      };
    case 'edit':
      return { ...base(e.kind), targetId: e.targetId, text: e.text };
    case 'delete':
      return { ...base(e.kind), targetId: e.targetId };
    case 'status':
      return { ...base(e.kind), status: e.status };
    // A monitor made a participant joins, as far as the end user can tell.
    case 'participant':
      return { ...base(e.kind), name: e.name, action: e.action === 'promoted' ? 'joined' : e.action };
  }
}

/** An invite, an offer or a help request, for integrations. */
export function publicInvite(i: Invite): PublicInvite {
  return {
    id: i.id,
    sessionId: i.sessionId,
    kind: i.kind,
    inviterId: i.inviterId,
    inviteeId: i.inviteeId,
    mode: i.mode,
    status: i.status,
    expiresAt: new Date(i.expiresAt).toISOString(),
    ...(i.note ? { note: i.note } : {}),
    ...(i.reason ? { reason: i.reason } : {}),
  };
}

/** Where a waiting chat stands, as the session and its status events carry it. */
export const waitFields = (s: Standing) => ({
  queuePosition: s.queuePosition,
  ...(s.estimatedWaitSeconds ? { estimatedWaitSeconds: s.estimatedWaitSeconds } : {}),
});
export const standingEvent = (s: Standing) => ({
  kind: 'status',
  at: new Date().toISOString(),
  status: 'waiting',
  ...waitFields(s),
});
