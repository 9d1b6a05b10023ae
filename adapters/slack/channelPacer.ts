import type { Redis } from 'ioredis';
import { TokenBucket } from '../redis/tokenBucket.js';

/** Slack allows about one message per second per channel, with short bursts. */
export class ChannelPacer {
  private readonly bucket: TokenBucket;
  constructor(redis: Redis, prefix: string, perSecond = 1, burst = 4) {
    this.bucket = new TokenBucket(redis, prefix, 'slack', perSecond, burst);
  }
  take(channel: string): Promise<void> {
    return this.bucket.take(channel);
  }
}
