import type { Invite, InviteStatus } from '../domain/invite.js';
import type { Member, Session } from '../domain/session.js';
import type { EntryBody, TranscriptEntry } from '../domain/transcript.js';
import type { Effect, MessageRef, Mirror } from './ports.js';

/** How long a platform message stays linked to its transcript entry (for edits and deletions). */
export const MESSAGE_LINK_SECONDS = 30 * 86_400;

/** A refusal from the store: the precondition of an atomic step did not hold (a domain refusal code). */
export type StoreResult<T> = { ok: true; value: T } | { ok: false; code: string };

/** What every state change may carry: transcript entries and effects, written atomically with it. */
export interface Writes {
  entries?: EntryBody[];
  effects?: Effect[];
}

export interface SessionBundle {
  session: Session;
  members: Member[];
  invites: Invite[];
  recent: TranscriptEntry[];
  mirrors: Mirror[];
}

export interface AppendOptions {
  clientMessageId?: string;
  /** Refuse (code `backlog`) while the session's outbox holds this many effects. */
  maxBacklog?: number;
}

/** Chats, their members, and agents' availability. Every mutation is one atomic step with its precondition. */
export interface SessionStore {
  create(session: Session, tokenHash: string, w: Writes): Promise<StoreResult<string[]>>;
  get(id: string): Promise<Session | undefined>;
  /** The session with its members, invites, mirrors and last `recent` entries, in one round trip. */
  bundle(id: string, recent: number): Promise<SessionBundle | undefined>;
  /** The session and its end-user token hash, in one read. */
  withToken(id: string): Promise<{ session: Session; tokenHash: string } | undefined>;
  idByRef(ref: string): Promise<string | undefined>;
  openIds(): Promise<string[]>;
  accept(sessionId: string, member: Member, now: number, w: Writes): Promise<StoreResult<string[]>>;
  /** Ends the session and cancels its pending invites; returns the cancelled invite ids. */
  end(sessionId: string, by: string, now: number, w: Writes): Promise<StoreResult<string[]>>;
  /** Adds a member, or steps a monitor up to participant. */
  addMember(sessionId: string, member: Member, w: Writes): Promise<StoreResult<string[]>>;
  members(sessionId: string): Promise<Member[]>;
  setAvailable(agentId: string, available: boolean): Promise<void>;
  awayAgentIds(): Promise<Set<string>>;
}

export interface InviteStore {
  create(invite: Invite, w: Writes): Promise<StoreResult<string[]>>;
  /** pending → `to`, once; on `accepted` the member is added in the same step. */
  settle(sessionId: string, inviteId: string, to: Exclude<InviteStatus, 'pending'>, now: number, member: Member | undefined, w: Writes): Promise<StoreResult<Invite>>;
  get(inviteId: string): Promise<Invite | undefined>;
  list(sessionId: string): Promise<Invite[]>;
}

/** The transcript (a stream per chat) and the outbox of effects for the platforms. */
export interface TranscriptStore {
  /** Appends entries while the session is in one of `statuses`; idempotent on clientMessageId. */
  append(sessionId: string, statuses: Session['status'][], w: Writes, opts?: AppendOptions): Promise<StoreResult<{ ids: string[]; duplicate: boolean }>>;
  read(sessionId: string, afterId: string | undefined, count: number): Promise<TranscriptEntry[]>;
  entry(sessionId: string, entryId: string): Promise<TranscriptEntry | undefined>;
  pendingEffects(sessionId: string, count: number): Promise<Array<{ id: string; effect: Effect }>>;
  ackEffect(sessionId: string, id: string): Promise<void>;
  dirtySessions(): Promise<string[]>;
  markClean(sessionId: string): Promise<void>;
  outboxDepth(): Promise<number>;
}

/** Where chats are shown, what was posted, look-ups from platform ids, and one-time claims. */
export interface LinkStore {
  mirrors(sessionId: string): Promise<Mirror[]>;
  addMirror(sessionId: string, mirror: Mirror): Promise<void>;
  /** The chats shown at a mirror's place (one for a thread; a 1:1 may show several), oldest first. */
  mirrorChats(key: string): Promise<string[]>;
  addMirrorChat(key: string, sessionId: string): Promise<void>;
  getRef(sessionId: string, key: string): Promise<MessageRef | undefined>;
  setRef(sessionId: string, key: string, ref: MessageRef): Promise<void>;
  /** Finds what a platform reference (e.g. a message id) points to. */
  lookup(key: string): Promise<string | undefined>;
  /** Keeps a look-up for good, or for `ttlSeconds` (per-message links that outlive no chat). */
  remember(key: string, value: string, ttlSeconds?: number): Promise<void>;
  /** True the first time a key is claimed within `ttlSeconds` (webhook retries, double clicks). */
  claimOnce(key: string, ttlSeconds: number): Promise<boolean>;
  /** Gives back a claim whose work failed, so a re-delivery is processed. */
  releaseClaim(key: string): Promise<void>;
}

/** The store of record, as the use cases see it. */
export interface Store {
  sessions: SessionStore;
  invites: InviteStore;
  transcript: TranscriptStore;
  links: LinkStore;
}
