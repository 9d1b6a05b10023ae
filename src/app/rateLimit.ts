import { Refused } from './errors.js';
import { words } from './wording/index.js';

/** A 429 that says when to come back. */
export class RateLimited extends Refused {
  constructor(
    what: 'client' | 'queue',
    readonly retryAfterSeconds: number,
  ) {
    super(
      'rate_limited',
      words(what === 'client' ? 'refusal.rate_limited.client' : 'refusal.rate_limited.queue', {
        seconds: retryAfterSeconds,
      }),
      429,
    );
    this.with({ retryAfterSeconds });
  }
}

export interface ChatCreationLimits {
  /** New chats per client address per minute; 0 = no limit. */
  perClient: number;
  /** New chats per queue per minute; 0 = no limit. */
  perQueue: number;
}

/**
 * The port that limits new chats per client and per queue, shared by every instance
 * (adapters/redis/rateLimit.ts). When its store cannot answer, a new chat is refused with
 * 503 like the rest of the API: never a 500, never an unlimited window.
 */
export interface ChatCreationLimiter {
  /** Counts one new chat for `client` (a key from the client's address) in `queueId`, or throws RateLimited (429) / Refused unavailable (503). */
  take(client: string, queueId: string): Promise<void>;
}
