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
  z.object({ type: z.literal('entry'), sessionId: z.string(), entryId: z.string() }),
  z.object({ type: z.literal('invite.changed'), sessionId: z.string(), inviteId: z.string() }),
  z.object({ type: z.literal('member.joined'), sessionId: z.string(), agentId: z.string() }),
]);
export type Effect = z.infer<typeof Effect>;

/** A platform's reference to a message it posted (channel + ts, conversation + activity id). */
export type MessageRef = Record<string, string>;

/** One place a chat is shown: a channel thread, or an agent's 1:1 with the bot. */
export const MirrorSchema = z.object({
  key: z.string(),
  platform: z.string(),
  kind: z.enum(['channel', 'direct']),
  agentId: z.string().optional(),
  /** The root message; lines go under it. */
  root: z.record(z.string(), z.string()),
});
export type Mirror = z.infer<typeof MirrorSchema>;

/** Whether a platform reaches an agent: a known account, one it may find, or none. */
export type Reach = 'yes' | 'maybe' | 'no';

/**
 * The chat platform port (DESIGN §2): what the relay asks of Slack, Teams or any other
 * platform. It posts, updates and removes surfaces; it decides nothing and draws nothing of
 * its own. Implementations must be safe to call again after a failure.
 */
export interface PlatformPort {
  readonly id: string;
  /** Whether lines can sit under a root in a 1:1 (else each line there names its chat). */
  readonly threads: boolean;
  reaches(agent: Agent): Reach;
  /** Posts a chat's root in its queue's channel, or in an agent's 1:1; null when there is no such place here. */
  openMirror(root: Surface, to: { queue: Queue; sessionId: string } | { agent: Agent; sessionId: string }): Promise<Mirror | null>;
  /** A line under a mirror's root. */
  post(mirror: Mirror, surface: Surface): Promise<MessageRef>;
  /** A card in the agent's 1:1 (an invite); null when the agent cannot be reached here. */
  send(agent: Agent, surface: Surface): Promise<MessageRef | null>;
  update(ref: MessageRef, surface: Surface): Promise<void>;
  remove(ref: MessageRef): Promise<void>;
  /** The agent's home (Slack's App Home); platforms without one ignore it. */
  publishHome(agent: Agent, surface: Surface): Promise<void>;
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
