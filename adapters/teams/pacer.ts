import type { Redis } from 'ioredis';
import { RetryLaterError } from '../../src/app/ports.js';

// A token bucket per key, shared by every instance and the worker: `burst` at once, then `perSecond`.
// Returns 0 when a token was taken, else the milliseconds until one is free.
const TAKE = /* lua */ `
local now = tonumber(ARGV[1])
local rate = tonumber(ARGV[2]) / 1000
local burst = tonumber(ARGV[3])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or burst
local at = tonumber(b[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
if tokens < 1 then return math.ceil((1 - tokens) / rate) end
redis.call('HSET', KEYS[1], 'tokens', tokens - 1, 'at', now)
redis.call('PEXPIRE', KEYS[1], 60000)
return 0
`;

export interface Pacer {
  take(conversationId: string): Promise<void>;
}

/**
 * Teams allows about 7 messages per second per conversation (and fewer over longer windows).
 * A channel's threads share the channel's budget here, which is the conservative reading.
 */
export class ConversationPacer implements Pacer {
  constructor(private readonly redis: Redis, private readonly prefix: string, private readonly perSecond = 7, private readonly burst = 7) {}

  /** Takes a token or throws RetryLaterError, which holds the session's outbox, not the worker. */
  async take(conversationId: string): Promise<void> {
    const base = conversationId.split(';')[0] ?? conversationId;
    const wait = Number(await this.redis.eval(TAKE, 1, `${this.prefix}:pace:teams:${base}`, Date.now(), this.perSecond, this.burst));
    if (wait > 0) throw new RetryLaterError(`pacing Teams conversation ${base}`, wait);
  }
}
