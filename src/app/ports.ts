import { z } from 'zod';
import type { Agent, Queue } from '../domain/directory.js';
import type { Invite } from '../domain/invite.js';
import type { Member, Session } from '../domain/session.js';
import type { FileRef, MessageEntry, TranscriptEntry } from '../domain/transcript.js';

/**
 * Work for the platforms, stored in the session's outbox in the same atomic step as the
 * state change that caused it, then delivered in order by the outbox worker.
 */
export const Effect = z.discriminatedUnion('type', [
  z.object({ type: z.literal('session.opened'), sessionId: z.string() }),
  z.object({ type: z.literal('session.changed'), sessionId: z.string() }),
  z.object({ type: z.literal('entry'), sessionId: z.string(), entryId: z.string() }),
  z.object({ type: z.literal('invite.changed'), sessionId: z.string(), inviteId: z.string() }),
  z.object({ type: z.literal('member.joined'), sessionId: z.string(), agentId: z.string() }),
]);
export type Effect = z.infer<typeof Effect>;

export type PlatformId = 'slack' | 'teams' | (string & {});

/** One place a session is shown: a channel thread, or an agent's 1:1 chat with the bot. */
export const MirrorSchema = z.object({
  key: z.string(),
  platform: z.string(),
  kind: z.enum(['channel', 'direct']),
  agentId: z.string().optional(),
  address: z.record(z.string(), z.string()),
});
export type Mirror = z.infer<typeof MirrorSchema>;

/** A platform's reference to a message it posted (channel + ts, conversation + activity id). */
export type MessageRef = Record<string, string>;

export interface MemberView extends Member {
  agent: Agent | undefined;
}

/** Everything a platform needs to draw a session: plain data, no store access. */
export interface SessionView {
  session: Session;
  queue: Queue;
  owner: Agent | undefined;
  members: MemberView[];
  invites: Invite[];
  /** The last few messages agents may see, oldest first. */
  recent: MessageEntry[];
  publicUrl: string;
}

export interface InviteView {
  invite: Invite;
  view: SessionView;
  inviter: Agent | undefined;
  invitee: Agent;
  /** INVITE_MAX_RESENDS, so cards know whether Resend is still offered. */
  maxResends: number;
}

/** What an agent's home or dashboard shows. */
export interface HomeView {
  agent: Agent;
  available: boolean;
  invites: InviteView[];
  chats: SessionView[];
  /** Active chats of the queues the agent supervises; empty for non-supervisors. */
  monitoring: SessionView[];
}

/** The chat platform port (DESIGN §2). Implementations must be idempotent per call. */
export interface PlatformPort {
  readonly id: PlatformId;
  /** Post the session's root message in its queue's channel; null when the queue has no channel here. */
  openChannelMirror(view: SessionView): Promise<Mirror | null>;
  /** Open an agent's 1:1 mirror; null when the agent cannot be reached on this platform. */
  openDirectMirror(view: SessionView, agent: Agent): Promise<Mirror | null>;
  /** Whether this platform is where the agent works (the adapter knows their id or can learn it). */
  reaches(agent: Agent): boolean;
  renderSession(mirror: Mirror, view: SessionView): Promise<void>;
  /** Post (or, for edit and delete, change) an entry; returns the posted message's ref. */
  postEntry(mirror: Mirror, view: SessionView, entry: TranscriptEntry, target: MessageRef | undefined): Promise<MessageRef | null>;
  /** A line in the thread about an invite's outcome (joined, rejected with Resend, expired with Resend...). */
  postInviteOutcome(mirror: Mirror, invite: InviteView): Promise<void>;
  /** Deliver the invite card; null when the invitee cannot be reached here. */
  sendInviteCard(invite: InviteView): Promise<MessageRef | null>;
  updateInviteCard(invite: InviteView, ref: MessageRef): Promise<void>;
  /** A short notice in a mirror, e.g. "could not deliver the invite". */
  postNotice(mirror: Mirror, view: SessionView, text: string): Promise<void>;
  publishHome(home: HomeView): Promise<void>;
  /** Lets a joining member into a channel mirror they cannot see yet (Slack: conversations.invite). */
  admit?(mirror: Mirror, agent: Agent): Promise<void>;
  /** Streams a file an agent shared, for the end user's download. */
  openFile?(file: FileRef): Promise<FileDownload>;
}

export interface FileDownload {
  body: ReadableStream<Uint8Array>;
  contentType: string;
  size?: number;
}

/** A platform asked us to slow down or failed for a while; the outbox retries later. */
export class RetryLaterError extends Error {
  constructor(message: string, readonly retryAfterMs: number | undefined) {
    super(message);
    this.name = 'RetryLaterError';
  }
}
