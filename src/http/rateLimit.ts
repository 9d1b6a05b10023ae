import type { RedisClient } from '../../adapters/redis/connection.js';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { Refused } from '../app/errors.js';
import { words } from '../app/wording/index.js';
import { clientKey } from './clientAddress.js';

/** A 429 that says when to come back. */
export class RateLimited extends Refused {
  constructor(what: 'client' | 'queue', readonly retryAfterSeconds: number) {
    super('rate_limited', words(what === 'client' ? 'refusal.rate_limited.client' : 'refusal.rate_limited.queue', { seconds: retryAfterSeconds }), 429);
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
 * Limits new chats per client address and per queue, in Redis so every instance shares
 * the count. When Redis cannot answer, a new chat is refused with 503 like the rest of
 * the API (it could not be stored anyway): never a 500, never an unlimited window.
 */
export class ChatCreationLimiter {
  private readonly byClient: RateLimiterRedis | undefined;
  private readonly byQueue: RateLimiterRedis | undefined;

  constructor(redis: RedisClient, prefix: string, limits: ChatCreationLimits) {
    const make = (name: string, points: number) => (points > 0
      ? new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:rl:chats:${name}`, points, duration: 60, rejectIfRedisNotReady: true })
      : undefined);
    this.byClient = make('client', limits.perClient);
    this.byQueue = make('queue', limits.perQueue);
  }

  /** Counts one new chat, or throws RateLimited (429) / Refused unavailable (503). */
  async take(ip: string | undefined, queueId: string): Promise<void> {
    await consume(this.byClient, clientKey(ip), 'client');
    await consume(this.byQueue, queueId, 'queue');
  }
}

async function consume(limiter: RateLimiterRedis | undefined, key: string, what: 'client' | 'queue'): Promise<void> {
  if (!limiter) return;
  try {
    await limiter.consume(key);
  } catch (res) {
    if (res instanceof RateLimiterRes) {
      const seconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
      throw new RateLimited(what, seconds);
    }
    throw Refused.of('unavailable');
  }
}
