import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ChatEventListener, ChatEvents } from '../../src/app/chatEvents.js';
import { EntryBody, type TranscriptEntry } from '../../src/domain/transcript.js';
import type { RedisClient } from './connection.js';
import { eventsChannel } from './keys.js';
import { setIfChat } from './sessionScript.js';

const StandingSchema = z.object({
  kind: z.literal('standing'),
  queuePosition: z.number().int().min(1),
  estimatedWaitSeconds: z.number().int().min(1).optional(),
});

/**
 * A chat is listened to while some instance renewed its field `l` (when, in ms) within
 * LISTEN_WINDOW_MS: a chat line is published only then (lua/appendEntries.lua), since nobody
 * would hear it; a stream that opens later replays the transcript. The window is three
 * renewals long: publishing for a while after the last stream closed costs little, missing
 * a stream that listens would not, and 10,000 open streams cost one renewal every 30 ms.
 */
const LISTEN_RENEW_MS = 5 * 60_000;
export const LISTEN_WINDOW_MS = 3 * LISTEN_RENEW_MS;

/**
 * Fans Redis pub/sub out to this process's SSE clients: one subscriber connection,
 * one channel per watched session, subscribed while anyone here watches it. On a Redis 7
 * cluster the channels are shard channels (SSUBSCRIBE), each served by its slot's master.
 */
export class RedisChatEvents implements ChatEvents {
  private readonly listeners = new Map<string, Set<ChatEventListener>>();
  private readonly renewing: NodeJS.Timeout;

  constructor(
    private readonly sub: RedisClient,
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly log: Logger,
    private readonly sharded = false,
  ) {
    (sub as Redis).on(sharded ? 'smessage' : 'message', (channel: string, message: string) =>
      this.dispatch(channel, message),
    );
    this.renewing = setInterval(() => {
      for (const sessionId of this.listeners.keys()) void this.listening(sessionId).catch(() => undefined);
    }, LISTEN_RENEW_MS);
    this.renewing.unref();
  }

  private channelOf(sessionId: string): string {
    return eventsChannel(this.prefix, sessionId);
  }

  /** Says the chat is listened to (see LISTEN_WINDOW_MS); a chat no longer there is left alone. */
  private async listening(sessionId: string): Promise<void> {
    await setIfChat(this.redis, this.prefix, sessionId, 'l', String(Date.now()));
  }

  private readonly sessionOf = new Map<string, string>();

  private dispatch(channel: string, message: string) {
    const sessionId = this.sessionOf.get(channel);
    const set = sessionId ? this.listeners.get(sessionId) : undefined;
    if (!set) return;
    const space = message.indexOf(' ');
    let body: unknown;
    try {
      body = JSON.parse(message.slice(space + 1));
    } catch {
      body = undefined;
    }
    const id = message.slice(0, space);
    if (id === '~') {
      // Not a transcript entry: where a waiting chat stands now.
      const standing = StandingSchema.safeParse(body);
      if (!standing.success) return this.log.warn({ channel }, 'unreadable standing on pub/sub');
      for (const l of set) l(standing.data);
      return;
    }
    const parsed = EntryBody.safeParse(body);
    if (!parsed.success) return this.log.warn({ channel }, 'unreadable event on pub/sub');
    const entry = { id, ...parsed.data } as TranscriptEntry;
    for (const l of set) l(entry);
  }

  async watch(sessionId: string, listener: ChatEventListener): Promise<() => Promise<void>> {
    let set = this.listeners.get(sessionId);
    if (!set) {
      set = new Set();
      this.listeners.set(sessionId, set);
      const channel = this.channelOf(sessionId);
      this.sessionOf.set(channel, sessionId);
      set.add(listener);
      try {
        await (this.sharded ? this.sub.ssubscribe(channel) : this.sub.subscribe(channel));
        // Subscribed, then said: what is published from now on is heard here, and what was
        // not published before is in the transcript the stream replays after this.
        await this.listening(sessionId);
      } catch (err) {
        // Not subscribed, or not said: nothing of this watch is kept.
        set.delete(listener);
        if (set.size === 0 && this.listeners.get(sessionId) === set) {
          this.listeners.delete(sessionId);
          this.sessionOf.delete(channel);
          await (this.sharded ? this.sub.sunsubscribe(channel) : this.sub.unsubscribe(channel)).catch(() => undefined);
        }
        throw err;
      }
    } else set.add(listener);
    return async () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(sessionId) === set) {
        this.listeners.delete(sessionId);
        const channel = this.channelOf(sessionId);
        this.sessionOf.delete(channel);
        await (this.sharded ? this.sub.sunsubscribe(channel) : this.sub.unsubscribe(channel)).catch(() => undefined);
      }
    };
  }

  get watchedSessions(): number {
    return this.listeners.size;
  }

  close(): void {
    clearInterval(this.renewing);
  }
}
