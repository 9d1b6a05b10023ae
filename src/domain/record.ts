import type { Member, MemberMode, Session } from './session.js';
import type { ChatEvent, TranscriptEntry } from './transcript.js';

/**
 * What the record derives from a chat's transcript, for reports and history: the chat's
 * legs (its time in each queue), its memberships (each person's time in it, owners in turn
 * among them) and its audit events. A pure fold: the same entries, applied once each in
 * order, give the same facts, whoever applies them.
 */

/** A chat's time in one queue: from its creation (or its move there) until it ended or moved on. */
export interface Leg {
  /** The entry that started it (the chat's first entry, or the move). */
  id: string;
  queueId: string;
  startedAt: number;
  /** Since when it has been waiting for an owner (at its start, and again after a release); unset while owned. */
  waitingSince?: number;
  /** When an owner first took it in this queue. */
  answeredAt?: number;
  /** The first reply an agent wrote to the end user in this queue. */
  firstReplyAt?: number;
  endedAt?: number;
  /** How it ended: moved to another queue, or the chat ended (unanswered: nobody took it in time; abandoned: the end user left while waiting). */
  outcome?: 'moved' | 'ended' | 'unanswered' | 'abandoned';
  /** Owners who released the chat in this queue, and who handed it to a colleague (counted here so reports read legs alone). */
  released: number;
  transferred: number;
  /** The end user's rating, on the leg the chat ended in. */
  rating?: number;
}

export type Via = NonNullable<Member['via']>;

/** One person's time in a chat in one role; an owner's membership is their turn as owner. */
export interface Membership {
  /** The entry that started it (their join, or a step up). */
  id: string;
  agentId: string;
  mode: MemberMode;
  via: Via;
  /** The leg it started in: the queue it counts for. */
  legId: string;
  joinedAt: number;
  /** An owner who took it from the queue: since when it had been waiting for them. */
  waitedFrom?: number;
  /** Their first reply to the end user in this membership. */
  firstReplyAt?: number;
  leftAt?: number;
  /** left: by their own hand; promoted: a monitor became a participant (a new membership follows); released, transferred, moved: an owner handed on. */
  outcome?: 'left' | 'promoted' | 'released' | 'transferred' | 'moved' | 'ended';
  /** An owner whose chat the end user ended before they had replied. */
  abandoned?: boolean;
}

/** An audit event of the chat (released, moved, help asked, escalated, rated…), in the queue it happened in. */
export interface EventFact {
  id: string;
  at: number;
  event: ChatEvent;
  by?: string;
  about?: string;
  /** The leg it happened in: the queue it counts for. */
  legId: string;
}

export interface Rating {
  score: number;
  comment?: string;
  at: number;
}

export interface ChatFacts {
  legs: Leg[];
  members: Membership[];
  events: EventFact[];
  /** The first reply an agent wrote to the end user. */
  firstReplyAt?: number;
  rating?: Rating;
}

export const noFacts = (): ChatFacts => ({ legs: [], members: [], events: [] });

/** What the fold needs of the chat itself: how it ended is on the session, not on the status entry. */
export type FoldSession = Pick<Session, 'queueId' | 'createdAt' | 'endedBy' | 'endReason'>;

const openLeg = (f: ChatFacts): Leg | undefined => f.legs.find((l) => l.endedAt === undefined);
const openOf = (f: ChatFacts, agentId: string): Membership | undefined =>
  f.members.find((m) => m.agentId === agentId && m.leftAt === undefined);
const openOwner = (f: ChatFacts): Membership | undefined =>
  f.members.find((m) => m.mode === 'owner' && m.leftAt === undefined);

/** The leg an entry belongs to: the open one, or (for a chat that lost its first entries) one from its creation. */
function legFor(f: ChatFacts, s: FoldSession, e: TranscriptEntry): Leg {
  const open = openLeg(f);
  if (open) return open;
  const last = f.legs.at(-1);
  if (last) return last;
  const leg = newLeg(e.id, s.queueId, Math.min(s.createdAt, e.ts));
  f.legs.push(leg);
  return leg;
}

function close(m: Membership, at: number, outcome: NonNullable<Membership['outcome']>, leg?: Leg): void {
  m.leftAt = at;
  m.outcome = outcome;
  if (leg && outcome === 'released') leg.released++;
  if (leg && outcome === 'transferred') leg.transferred++;
}

const newLeg = (id: string, queueId: string, startedAt: number): Leg => ({
  id,
  queueId,
  startedAt,
  released: 0,
  transferred: 0,
});

/**
 * Applies entries (in transcript order, each once) to a chat's facts, in place, and
 * returns them. `s` is the chat as it stands (its end reason and who ended it).
 */
export function foldEntries(f: ChatFacts, entries: readonly TranscriptEntry[], s: FoldSession): ChatFacts {
  for (const e of entries) {
    switch (e.kind) {
      case 'status': {
        if (e.status === 'waiting') {
          if (f.legs.length === 0) f.legs.push(newLeg(e.id, s.queueId, e.ts));
          legFor(f, s, e).waitingSince = e.ts;
        }
        if (e.status !== 'ended') break;
        const leg = legFor(f, s, e);
        const owner = openOwner(f);
        for (const m of f.members.filter((x) => x.leftAt === undefined)) {
          if (m.mode === 'owner' && s.endedBy === 'user' && m.firstReplyAt === undefined) m.abandoned = true;
          close(m, e.ts, 'ended');
        }
        if (leg.endedAt === undefined) {
          leg.endedAt = e.ts;
          leg.outcome =
            s.endReason === 'unanswered' ? 'unanswered' : !owner && s.endedBy === 'user' ? 'abandoned' : 'ended';
        }
        break;
      }
      case 'participant': {
        const leg = legFor(f, s, e);
        const current = openOf(f, e.agentId);
        if (e.action === 'left') {
          if (current)
            close(current, e.ts, e.mode !== 'owner' ? 'left' : e.via === 'transfer' ? 'transferred' : 'released', leg);
          break;
        }
        // Joined, or stepped up (a monitor made a participant): a new membership in the new role.
        if (current) close(current, e.ts, 'promoted');
        const via: Via = e.via ?? current?.via ?? 'accept';
        const waited =
          e.mode === 'owner' && via === 'accept' && leg.waitingSince !== undefined
            ? { waitedFrom: leg.waitingSince }
            : {};
        f.members.push({ id: e.id, agentId: e.agentId, mode: e.mode, via, legId: leg.id, joinedAt: e.ts, ...waited });
        if (e.mode === 'owner') {
          leg.answeredAt ??= e.ts;
          delete leg.waitingSince;
        }
        break;
      }
      case 'message': {
        if (e.author !== 'agent' || e.visibility !== 'public') break;
        const leg = legFor(f, s, e);
        leg.firstReplyAt ??= e.ts;
        f.firstReplyAt ??= e.ts;
        const m = e.agentId ? openOf(f, e.agentId) : undefined;
        if (m) m.firstReplyAt ??= e.ts;
        break;
      }
      case 'event': {
        const leg = legFor(f, s, e);
        f.events.push({
          id: e.id,
          at: e.ts,
          event: e.event,
          legId: leg.id,
          ...(e.by ? { by: e.by } : {}),
          ...(e.about ? { about: e.about } : {}),
        });
        if (e.event === 'rated' && e.score !== undefined) {
          f.rating = { score: e.score, at: e.ts, ...(e.note ? { comment: e.note } : {}) };
          leg.rating = e.score;
        }
        if (e.event === 'moved' && e.about) {
          // The owner who just left handed the chat to another queue, not back to this one.
          const handed = f.members.find((m) => m.agentId === e.by && m.mode === 'owner' && m.leftAt === e.ts);
          if (handed?.outcome === 'released') {
            handed.outcome = 'moved';
            leg.released--;
          }
          if (e.from) leg.queueId = e.from;
          leg.endedAt = e.ts;
          leg.outcome = 'moved';
          delete leg.waitingSince;
          f.legs.push({ ...newLeg(e.id, e.about, e.ts), waitingSince: e.ts });
        }
        break;
      }
      case 'edit':
      case 'delete':
        break;
    }
  }
  return f;
}

/** The leg of the chat an invite was sent in (the last one that started by then). */
export function legAt(f: ChatFacts, at: number): Leg | undefined {
  let found: Leg | undefined;
  for (const l of f.legs) if (l.startedAt <= at) found = l;
  return found ?? f.legs[0];
}

/** Redis stream ids ("ms-seq") as numbers, for the record's ordering. */
export function splitEntryId(id: string): { ms: number; seq: number } {
  const [ms = '0', seq = '0'] = id.split('-');
  return { ms: Number(ms), seq: Number(seq) };
}
