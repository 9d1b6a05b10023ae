import { z } from 'zod';
import type { Agent, Queue } from '../domain/directory.js';
import type { FileRef } from '../domain/transcript.js';
import type { Surface } from './surfaces/surface.js';

/**
 * Work for the platforms, stored in the session's outbox in the same atomic step as the
 * state change that caused it, then delivered in order by the outbox worker.
 */
export const Effect = z.discriminatedUnion('type', [
  z.object({ type: z.literal('session.opened'), sessionId: z.string() }),
  z.object({ type: z.literal('session.changed'), sessionId: z.string() }),
  /** `only`: the mirrors the entry is still to reach (the others were served when it was stored). */
  z.object({
    type: z.literal('entry'),
    sessionId: z.string(),
    entryId: z.string(),
    only: z.array(z.string()).optional(),
  }),
  z.object({ type: z.literal('invite.changed'), sessionId: z.string(), inviteId: z.string() }),
  z.object({ type: z.literal('member.joined'), sessionId: z.string(), agentId: z.string() }),
  /** A member left (or the owner handed the chat back): their own 1:1 copy stops. */
  z.object({ type: z.literal('member.left'), sessionId: z.string(), agentId: z.string() }),
  /** The chat waited too long: its queue's supervisors get a card with Accept. */
  z.object({ type: z.literal('session.escalated'), sessionId: z.string() }),
  /** The chat went to another queue: its root moves to that queue's channels. */
  z.object({ type: z.literal('session.moved'), sessionId: z.string(), from: z.string() }),
]);
export type Effect = z.infer<typeof Effect>;

/** A platform's reference to a message it posted (channel + ts, conversation + activity id). */
export type MessageRef = Record<string, string>;

/** One place a chat is shown: its queue's channel, or an agent's 1:1 with the bot. */
export const MirrorSchema = z.object({
  /**
   * The platform's id for a channel mirror; `platform:agentId:joinedAt` for an agent's 1:1:
   * one copy per time they join, so a copy from before they left is never written to again.
   */
  id: z.string(),
  platform: z.string(),
  kind: z.enum(['channel', 'direct']),
  agentId: z.string().optional(),
  /** The destination its messages are queued on. */
  dest: z.string(),
  /** Where replies typed there come from (a thread, a 1:1), once its root is posted. */
  place: z.string().optional(),
});
export type Mirror = z.infer<typeof MirrorSchema>;

/** Whether a platform reaches an agent: a known account, one it may find, or none. */
export type Reach = 'yes' | 'maybe' | 'no';

/** How many posts a destination takes: per second, and in a burst. */
export type Pace = { perSecond: number; burst: number };

/** A message a platform posted, and where replies to it come from. */
export interface Posted {
  ref: MessageRef;
  place: string;
}

/**
 * The chat platform port (docs/ARCHITECTURE.md, docs/adr/0004-intents-and-surfaces.md): what the delivery engine asks of Slack, Teams or any
 * other platform. Messages go to destinations (a channel, an agent's 1:1), each paced and
 * drained in order; the port posts, updates and removes surfaces there, and decides
 * nothing. Each call may fail with RetryLaterError (slow down), AmbiguousError (the request
 * left; it may or may not have been stored) or any other error (it was not).
 */
export interface PlatformPort {
  readonly id: string;
  /** Whether lines can sit under a root in a 1:1 (else each line there names its chat). */
  readonly threads: boolean;
  reaches(agent: Agent): Reach;
  /** The destinations of a queue's channel on this platform (a pool may list several). */
  channels(queue: Queue): string[];
  /** An agent's 1:1 with the bot, as a destination. */
  direct(agent: Agent): string;
  /** How many posts a destination takes: per second, and in a burst. */
  pace(dest: string): Pace;
  /** A new top-level message (a chat's root, a card in a 1:1); null when the destination cannot be reached. */
  postTop(dest: string, surface: Surface, deliveryId: string): Promise<Posted | null>;
  /** A line under a root. */
  postUnder(root: MessageRef, surface: Surface, deliveryId: string): Promise<MessageRef>;
  update(ref: MessageRef, surface: Surface): Promise<void>;
  remove(ref: MessageRef): Promise<void>;
  /**
   * After an ambiguous failure: the message carrying this delivery id, if the platform
   * stored it (under `root`, or at the top of `dest` since `since`); null when it did not;
   * undefined when the platform cannot tell.
   */
  findPosted?(
    dest: string,
    root: MessageRef | undefined,
    deliveryId: string,
    since: number,
  ): Promise<Posted | null | undefined>;
  /** The agent's home (an App Home); platforms without one ignore it. */
  publishHome(agent: Agent, surface: Surface): Promise<void>;
  /** Lets a joining member into a channel they cannot see yet (e.g. conversations.invite). */
  admit?(dest: string, agent: Agent): Promise<void>;
  /** Streams a file an agent shared, for the end user's download. */
  openFile?(file: FileRef): Promise<FileDownload>;
  /** Whether the queue's place on this platform can take new chats now (e.g. its Slack workspace is installed). */
  available?(queue: Queue): Promise<boolean>;
}

export interface FileDownload {
  body: ReadableStream<Uint8Array>;
  contentType: string;
  size?: number;
}

/** A platform asked us to slow down, or was unreachable before the request left: retry later. */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
    this.name = 'RetryLaterError';
  }
}

/** The request left and no answer says whether it took (a timeout, a 5xx): check before sending again. */
export class AmbiguousError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'AmbiguousError';
  }
}

/**
 * A platform's presence (README "Availability"), asked by the presence poller
 * (src/app/presence.ts): who of these agents it shows online. One call per `batch` agents,
 * at most `perMinute` calls a minute.
 */
export interface PresenceSource {
  readonly platform: string;
  readonly perMinute: number;
  readonly batch: number;
  /** Whether the agent may have an account here to ask about. */
  covers(agent: Agent): boolean;
  /**
   * Online or not, per agent id; agents it cannot place are left out. Throws RetryLaterError
   * (slow down), PresenceDenied (no permission: its agents stay manual), or any error.
   */
  check(agents: readonly Agent[]): Promise<Map<string, boolean>>;
}

/** The platform refuses presence (no consent, a missing scope): polling it is pointless until someone fixes that. */
export class PresenceDenied extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PresenceDenied';
  }
}
