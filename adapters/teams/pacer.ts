import type { Redis } from 'ioredis';
import { TokenBucket } from '../redis/tokenBucket.js';

export interface Pacer {
  take(conversationId: string): Promise<void>;
}

/**
 * Teams allows about 7 messages per second per conversation (and fewer over longer windows).
 * A channel's threads share the channel's budget here, which is the conservative reading.
 */
export class ConversationPacer implements Pacer {
  private readonly bucket: TokenBucket;
  constructor(redis: Redis, prefix: string, perSecond = 7, burst = 7) {
    this.bucket = new TokenBucket(redis, prefix, 'teams', perSecond, burst);
  }
  take(conversationId: string): Promise<void> {
    return this.bucket.take(conversationId.split(';')[0] ?? conversationId);
  }
}
