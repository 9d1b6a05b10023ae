import type { Invite } from '../../domain/invite.js';
import type { Rating } from '../../domain/record.js';
import type { Session } from '../../domain/session.js';
import type { TranscriptEntry } from '../../domain/transcript.js';
import type { Mirror } from '../ports.js';

/**
 * The record (README "The record"): every chat kept in PostgreSQL (or the embedded PGlite),
 * written from Redis by the archiver, never on the relay's path. Every method may fail with
 * RecordUnavailable when the database cannot be reached; callers degrade or answer 503.
 */

/** A chat as Redis holds it, read by the archiver: the state, and the entries after the record's cursor. */
export interface ChatSnapshot {
  session: Session;
  /** The session's revision (it moves with every state change): an older snapshot never overwrites a newer one. */
  rev: number;
  tokenHash: string;
  mirrors: Mirror[];
  /** Every invite of the chat; left out when none changed since the revision the record holds. */
  invites?: Invite[];
  /** Entries after the cursor it was read from, in order. */
  entries: TranscriptEntry[];
}

/** How far the record holds a chat: its last entry archived, and the revision of its state. */
export interface Kept {
  through: string;
  rev: number;
}

/** A chat as the record keeps it. */
export interface ChatRecord {
  session: Session;
  /** The end user's token, hashed: it opens the transcript and the rating once Redis has forgotten the chat. */
  tokenHash: string;
  rating?: Rating;
  /** Every place the chat was shown, ever (the erasure reaches them). */
  mirrors: Mirror[];
}

/** How often an end user (by email) has chatted before, and their last chat. */
export interface PastChats {
  count: number;
  lastRef: string;
  lastAt: number;
}

export interface Period {
  from: number;
  to: number;
}

export interface Percentiles {
  p50: number | null;
  p90: number | null;
}

/** One row of a report (README "Reports" says what each number counts). */
export interface ReportNumbers {
  offered: number;
  answered: number;
  unanswered: number;
  abandoned: number;
  transferred: number;
  released: number;
  waitSeconds: Percentiles;
  firstResponseSeconds: Percentiles;
  handleSeconds: Percentiles;
  invites: { sent: number; accepted: number; rejected: number; expired: number };
  helpRequests: number;
  /** Response targets missed (README "Response targets"): the late warnings in its legs, or against the agent. */
  responseBreaches: number;
  rating: { average: number | null; count: number };
}
export type QueueRow = { queue: string } & ReportNumbers;
export type AgentRow = { agent: string } & ReportNumbers;

/** What an erasure could not reach: lines or roots on a platform, files, chats. */
export interface Unreached {
  /** The chat's ref (its id is gone with it). */
  chat: string;
  platform: string;
  what: 'line' | 'root' | 'file';
  count: number;
  reason: string;
}

export interface ErasureResult {
  chats: number;
  /** Thread lines and roots replaced on the platforms (queued for them). */
  replaced: number;
  unreached: Unreached[];
}

export interface Erasure extends Partial<ErasureResult> {
  id: string;
  status: 'pending' | 'done';
  requestedAt: number;
  finishedAt?: number;
}

/** A chat the record holds that may still change in Redis: for the reconciliation. */
export interface OpenChat {
  id: string;
  /** The last entry archived. */
  through: string | undefined;
  rev: number;
}

export interface RecordStore {
  readonly backend: 'postgres' | 'pglite' | 'none';
  /** Resolves once the database is reachable and migrated; rejects when it cannot be. */
  ready(): Promise<void>;
  /** Whether the database answers now. */
  probe(timeoutMs: number): Promise<boolean>;
  /** For each chat the record holds (the others are left out): the last entry archived, and the revision kept. */
  cursors(ids: readonly string[]): Promise<Record<string, Kept>>;
  /** Writes snapshots, each entry once (an entry at or before a chat's cursor is skipped); the cursor each chat is archived through. */
  archive(chats: readonly ChatSnapshot[]): Promise<Record<string, string | undefined>>;
  chat(id: string): Promise<ChatRecord | undefined>;
  /** The newest chat with this ref. */
  chatByRef(ref: string): Promise<ChatRecord | undefined>;
  /** Every entry of a chat, in order. */
  entries(id: string): Promise<TranscriptEntry[]>;
  /** The end user's rating, once, of an ended chat. */
  rate(id: string, rating: Rating): Promise<'rated' | 'already_rated' | 'not_found' | 'not_ended'>;
  /** Chats created before `before` by this email (compared without case). */
  pastChats(email: string, before: number): Promise<PastChats | undefined>;
  queueReport(period: Period): Promise<QueueRow[]>;
  agentReport(period: Period): Promise<AgentRow[]>;
  /** Chats not ended, or ended since `endedSince`: Redis may still add to them. */
  openChats(endedSince: number): Promise<OpenChat[]>;
  /** Every chat of this email (compared without case). */
  chatsOf(email: string): Promise<ChatRecord[]>;
  /** Deletes chats with everything derived from them; how many went. */
  forget(ids: readonly string[]): Promise<number>;
  /** Deletes chats created before `before` (retention), and erasures finished before it; how many chats went. */
  expire(before: number): Promise<number>;
  createErasure(email: string, now: number): Promise<Erasure>;
  erasure(id: string): Promise<Erasure | undefined>;
  /** The email of an erasure still pending (kept only until it is done). */
  erasureEmail(id: string): Promise<string | undefined>;
  finishErasure(id: string, result: ErasureResult, now: number): Promise<void>;
  close(): Promise<void>;
}

/** The database cannot be reached (or no record is configured). */
export class RecordUnavailable extends Error {
  constructor(message = 'the record is unavailable') {
    super(message);
    this.name = 'RecordUnavailable';
  }
}

/** A chat an archiver claimed, and since when it was due. */
export interface Claim {
  id: string;
  markedAt: number;
}

/**
 * Where the archiver reads from (Redis): chats marked due by their commits, claimed by one
 * archiver at a time, and their state as it stands.
 */
export interface ArchiveFeed {
  /** Claims the chats longest due, until `deadline` (after which they are due again). */
  claim(max: number, deadline: number): Promise<Claim[]>;
  /**
   * The chat's state and its entries after what the record keeps (its invites only when its
   * revision moved); `more` when entries were left for the next pass; undefined when Redis no
   * longer holds the chat.
   */
  snapshot(
    id: string,
    kept: Kept | undefined,
    maxEntries: number,
  ): Promise<{ snapshot: ChatSnapshot; more: boolean } | undefined>;
  /** Claims whose chats are archived. */
  done(ids: readonly string[]): Promise<void>;
  /** Claims given back (the database failed): due again at once. */
  giveBack(ids: readonly string[], now: number): Promise<void>;
  /** Claims past their deadline, due again; how many. */
  recover(now: number): Promise<number>;
  /** Marks chats due (the reconciliation's finds, a pass that left entries). */
  mark(ids: readonly string[], now: number): Promise<void>;
  /** How many chats are due or claimed. */
  backlog(): Promise<number>;
  /** Each chat's last entry and revision as Redis holds them (undefined: Redis does not hold it). */
  heads(ids: readonly string[]): Promise<Record<string, { last: string | undefined; rev: number } | undefined>>;
  /** Every chat Redis holds, in batches (a slow scan: the reconciliation's backstop). */
  scan(onBatch: (ids: string[]) => Promise<void>): Promise<void>;
  /** Removes the chat from Redis: its keys and its ref (an erasure). */
  forget(id: string, ref: string): Promise<void>;
}
