import type { HandSet, PresenceRecord } from '../domain/availability.js';
import type { CannedReply } from '../domain/canned.js';
import type { Invite, InviteStatus } from '../domain/invite.js';
import type { Listing, ListName } from '../domain/lists.js';
import type { Standing } from '../domain/routing.js';
import type { Member, Session } from '../domain/session.js';
import type { EntryBody, TranscriptEntry } from '../domain/transcript.js';
import type { LineTemplate, Queued } from './delivery/delivery.js';
import type { DeliveryStore } from './delivery/store.js';
import type { Effect, Mirror } from './ports.js';

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
  /** The destination of the chat's first channel (its keys share that destination's slot). */
  home: string | undefined;
}

/**
 * A line for every mirror of the chat that shares its slot, queued by the same atomic step
 * that stores its entry (the fast path): its delivery but for the entry's id and each
 * mirror's, which that step adds (src/app/delivery/delivery.ts, LineTemplate).
 */
export interface FastLine {
  template: LineTemplate;
  /** Whose words these are: when set, the mirror the line was typed in is skipped. */
  origin?: string;
}

export interface AppendOptions {
  clientMessageId?: string;
  /** Refuse (code `backlog`) while this many of the chat's messages wait on a busy destination. */
  maxBacklog?: number;
  /**
   * One per entry: a line, queued at once when nothing else of the chat waits for the
   * planner; false when the entry shows nowhere; null to leave it to the planner.
   */
  lines?: Array<FastLine | false | null>;
  /** Who claims an idle destination (this process's drainer). */
  owner?: string;
  /**
   * The end user's token, hashed, as the caller last read it with the chat (it did not read
   * the chat again): refused (`forbidden`) when the chat's token is another now.
   */
  tokenHash?: string;
}

export interface AppendResult {
  ids: string[];
  duplicate: boolean;
  /**
   * Destinations this append claimed, with what it queued there: the caller sends them now.
   * `markedAt`: the post queued there is already marked in flight, by a step that began then.
   */
  claimed: Array<{ dest: string; queued: Queued[]; markedAt?: number }>;
  /** Whether effects went to the outbox (the planner has work). */
  planned: boolean;
  /** The chat's status as the step found it (none for a repeat). */
  status?: Session['status'];
}

/** Chats, their members, and agents' availability. Every mutation is one atomic step with its precondition. */
export interface EndOptions {
  reason?: NonNullable<Session['endReason']>;
  /** Wrap-up: the outcome chosen and its note. */
  outcome?: string;
  outcomeNote?: string;
  /** Only while the chat is still in this status (refused with `not_<status>` else). */
  onlyIf?: Session['status'];
}

export interface SessionStore {
  /** A new chat id, in the slot of its home destination. */
  newId(home: string | undefined): string;
  create(session: Session, tokenHash: string, home: string | undefined, w: Writes): Promise<StoreResult<string[]>>;
  get(id: string): Promise<Session | undefined>;
  /** The session with its members, invites, mirrors and last `recent` entries, in one round trip. */
  bundle(id: string, recent: number): Promise<SessionBundle | undefined>;
  /** The session and its end-user token hash, in one read. */
  withToken(id: string): Promise<{ session: Session; tokenHash: string } | undefined>;
  idByRef(ref: string): Promise<string | undefined>;
  accept(sessionId: string, member: Member, now: number, w: Writes): Promise<StoreResult<string[]>>;
  /** Ends the session and cancels its pending invites; returns the cancelled invite ids. */
  end(sessionId: string, by: string, now: number, w: Writes, o?: EndOptions): Promise<StoreResult<string[]>>;
  /** Adds a member, or steps a monitor up to participant. */
  addMember(sessionId: string, member: Member, w: Writes): Promise<StoreResult<string[]>>;
  /** A participant or monitor leaves. */
  removeMember(sessionId: string, agentId: string, w: Writes): Promise<StoreResult<string[]>>;
  /**
   * The owner `by` hands the active chat back to a queue (`queueId`, else its own): waiting,
   * no owner; pending invites cancelled (their ids returned).
   */
  requeue(sessionId: string, by: string, now: number, w: Writes, queueId?: string): Promise<StoreResult<string[]>>;
  removeMirror(sessionId: string, mirrorId: string): Promise<void>;
  /** Marks a waiting chat escalated, once. */
  escalate(sessionId: string, now: number, w: Writes): Promise<StoreResult<string[]>>;
  members(sessionId: string): Promise<Member[]>;
  /** Adds a mirror, or replaces the one with its id. */
  setMirror(sessionId: string, mirror: Mirror): Promise<void>;
  /** The agent's own toggle; `at`: when they set Available (presence counts its grace from then). */
  setAvailable(agentId: string, available: boolean, at?: number): Promise<void>;
  /** How long the queue's last chats waited before someone took them (for the wait estimate). */
  recordWait(queueId: string, ms: number): Promise<void>;
  recentWaits(queueId: string): Promise<number[]>;
  /** When auto routing last gave each agent a chat (ties go to who waited longest). */
  lastAssigned(agentIds: string[]): Promise<Map<string, number>>;
  markAssigned(agentId: string, at: number): Promise<void>;
  /** Hand-set Away only. Who is Away in effect (presence included) is awayAgents() in src/app/availability.ts. */
  awayAgentIds(): Promise<Set<string>>;
}

/**
 * The lists of domain/lists.ts as indexes. A chat is (re)indexed after each change of its
 * state, from that state, idempotently: a repeat, a late or a concurrent run leaves the
 * lists as the chat's latest state says.
 */
export interface ListStore {
  /**
   * Puts the chat in exactly the lists its state says; cheap when nothing changed since the
   * last time. `seen`: a listing a reader found that the chat does not match (it goes, unless
   * the chat's state says it belongs).
   */
  reindex(sessionId: string, seen?: Omit<Listing, 'score'>): Promise<void>;
  /** The items of a list, in order (chat ids, or invite ids for `invites`). */
  read(list: ListName, of: string): Promise<string[]>;
  /** How many items a list holds. */
  count(list: ListName, of: string): Promise<number>;
  /** An item's place in its list, from 1; undefined when it is not there. */
  position(list: ListName, of: string, item: string): Promise<number | undefined>;
  /**
   * Auto routing's claim on an agent's capacity: puts the chat in their `owns` list only while
   * it holds fewer than `max` (atomically, across instances). `reserved`: this call put it
   * there (and gives it back if unused); `there`: another claim did; false: the agent is full.
   */
  reserve(of: string, item: string, max: number): Promise<'reserved' | 'there' | false>;
  /** Gives back a reservation the assignment did not use. */
  unreserve(of: string, item: string): Promise<void>;
}

export interface InviteStore {
  /**
   * One invite, or a group sent together (all to one chat). `offerBy`: a transfer offer, which
   * needs that owner still to own the chat and no other offer pending.
   */
  create(invites: Invite | Invite[], w: Writes, o?: { offerBy?: string }): Promise<StoreResult<string[]>>;
  /**
   * pending → `to`, once; on `accepted` the member is added in the same step (for an offer:
   * the owner changes). The pending rest of its group are cancelled then, and returned.
   */
  settle(
    sessionId: string,
    inviteId: string,
    to: Exclude<InviteStatus, 'pending'>,
    now: number,
    member: Member | undefined,
    w: Writes,
    o?: { reason?: string; unreached?: boolean },
  ): Promise<StoreResult<{ invite: Invite; cancelled: string[] }>>;
  get(inviteId: string): Promise<Invite | undefined>;
  list(sessionId: string): Promise<Invite[]>;
}

/** The transcript (a stream per chat) and the outbox of effects for the platforms. */
export interface TranscriptStore {
  /** Appends entries while the session is in one of `statuses`; idempotent on clientMessageId. */
  append(
    sessionId: string,
    statuses: Session['status'][],
    w: Writes,
    opts?: AppendOptions,
  ): Promise<StoreResult<AppendResult>>;
  read(sessionId: string, afterId: string | undefined, count: number): Promise<TranscriptEntry[]>;
  entry(sessionId: string, entryId: string): Promise<TranscriptEntry | undefined>;
  /** The id of the chat's last entry (undefined: none yet). */
  lastId(sessionId: string): Promise<string | undefined>;
  /** Tells the chat's event streams something that is not kept (where a waiting chat stands). */
  announce(sessionId: string, standing: Standing): Promise<void>;
  pendingEffects(sessionId: string, count: number): Promise<Array<{ id: string; effect: Effect }>>;
  ackEffect(sessionId: string, id: string): Promise<void>;
  dirtySessions(): Promise<string[]>;
  markClean(sessionId: string): Promise<void>;
  outboxDepth(): Promise<number>;
}

/** Where replies come from, look-ups from platform ids, and one-time claims. */
export interface LinkStore {
  /** The chats shown at a place (one for a thread; a 1:1 may show several), oldest first. */
  mirrorChats(place: string): Promise<string[]>;
  addMirrorChat(place: string, sessionId: string): Promise<void>;
  /** The chat is no longer shown there (its member left, or it moved to another queue's channel). */
  removeMirrorChat(place: string, sessionId: string): Promise<void>;
  /** Finds what a platform reference (e.g. a message id) points to. */
  lookup(key: string): Promise<string | undefined>;
  /** Keeps a look-up for good, or for `ttlSeconds` (per-message links that outlive no chat). */
  remember(key: string, value: string, ttlSeconds?: number): Promise<void>;
  /** True the first time a key is claimed within `ttlSeconds` (webhook retries, double clicks). */
  claimOnce(key: string, ttlSeconds: number): Promise<boolean>;
  /** Gives back a claim whose work failed, so a re-delivery is processed. */
  releaseClaim(key: string): Promise<void>;
  /** Keeps `value` for good unless a value is there already; the one kept (the first writer wins, across instances). */
  rememberOnce(key: string, value: string): Promise<string>;
}

/**
 * Availability (README "Availability"): what each platform last said of each agent, the
 * agents' own toggle, and which instance polls a platform now. Shared by every instance.
 */
export interface PresenceStore {
  /** Every agent's records and toggle, in one read. */
  read(): Promise<{ presence: Map<string, PresenceRecord[]>; hand: Map<string, HandSet> }>;
  /** Stores a platform's observations (agent id → record). */
  write(platform: string, records: ReadonlyMap<string, PresenceRecord>): Promise<void>;
  /** Forgets what a platform said (it lost consent): its agents go back to their toggle. */
  forget(platform: string): Promise<void>;
  /** Takes or keeps the right to poll `platform` for `ttlMs`; false while another instance has it. */
  lead(platform: string, owner: string, ttlMs: number): Promise<boolean>;
  resign(platform: string, owner: string): Promise<void>;
}

/** Agents' own canned replies (README "Agents' tools"), shared by every instance. */
export interface CannedStore {
  list(agentId: string): Promise<CannedReply[]>;
  /** Adds or replaces one by its shortcut; false when the agent already keeps `max` others. */
  save(agentId: string, reply: CannedReply, max: number): Promise<boolean>;
  /** False when there was none with that shortcut. */
  remove(agentId: string, shortcut: string): Promise<boolean>;
}

/**
 * Since when an active chat's end user waits for an agent's reply (response targets): one
 * wait at a time, started by their first unanswered message, ended by the reply.
 */
export interface ReplyWait {
  /** What started it (an entry id, or the accept); the timers carry it, so a late one finds it gone. */
  id: string;
  at: number;
  kind: 'first' | 'next';
}
export interface ReplyClockStore {
  /** Starts a wait unless one runs; the wait that runs either way. */
  start(sessionId: string, wait: ReplyWait): Promise<{ started: boolean; wait: ReplyWait }>;
  current(sessionId: string): Promise<ReplyWait | undefined>;
  /** True once per wait and stage (`warn`, `alert`): a timer that fires twice acts once. */
  claim(sessionId: string, stage: string, waitId: string): Promise<boolean>;
  /** An agent replied: no wait, and the next one is for a next reply. */
  answered(sessionId: string): Promise<void>;
  /** Whether an agent has replied in the chat yet. */
  replied(sessionId: string): Promise<boolean>;
  forget(sessionId: string): Promise<void>;
}

/** The store of record, as the use cases see it. */
export interface Store {
  presence: PresenceStore;
  canned: CannedStore;
  replyClock: ReplyClockStore;
  lists: ListStore;
  sessions: SessionStore;
  invites: InviteStore;
  transcript: TranscriptStore;
  links: LinkStore;
  deliveries: DeliveryStore;
}
