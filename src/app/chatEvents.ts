import type { Standing } from '../domain/routing.js';
import type { TranscriptEntry } from '../domain/transcript.js';

/** What a chat's event stream hears: its transcript's new entries, and where it stands while waiting. */
export type ChatEvent = TranscriptEntry | Standing;
export type ChatEventListener = (event: ChatEvent) => void;

/**
 * The port the end user's event stream (SSE) listens through: the chat's new entries, on
 * whichever instance wrote them (adapters/redis/chatEvents.ts: Redis pub/sub).
 */
export interface ChatEvents {
  /** Listens to one chat until the returned function is called. */
  watch(sessionId: string, listener: ChatEventListener): Promise<() => Promise<void>>;
  /** How many chats this process listens to now. */
  readonly watchedSessions: number;
}
