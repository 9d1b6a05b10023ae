import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { Refused } from '../../src/app/errors.js';
import { type ChatCreationLimiter, type ChatCreationLimits, RateLimited } from '../../src/app/rateLimit.js';
import type { RedisClient } from './connection.js';

/**
 * Limits new chats per client address and per queue, in Redis so every instance shares
 * the count. When Redis cannot answer, a new chat is refused with 503 like the rest of
 * the API (it could not be stored anyway): never a 500, never an unlimited window.
 */
export class RedisChatCreationLimiter implements ChatCreationLimiter {
  private readonly byClient: RateLimiterRedis | undefined;
  private readonly byQueue: RateLimiterRedis | undefined;

  constructor(redis: RedisClient, prefix: string, limits: ChatCreationLimits) {
    const make = (name: string, points: number) =>
      points > 0
        ? new RateLimiterRedis({
            storeClient: redis,
            keyPrefix: `${prefix}:rl:chats:${name}`,
            points,
            duration: 60,
            rejectIfRedisNotReady: true,
          })
        : undefined;
    this.byClient = make('client', limits.perClient);
    this.byQueue = make('queue', limits.perQueue);
  }

  async take(client: string, queueId: string): Promise<void> {
    await consume(this.byClient, client, 'client');
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
