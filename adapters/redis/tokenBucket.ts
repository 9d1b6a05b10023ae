import type { Redis } from 'ioredis';
import { RetryLaterError } from '../../src/app/ports.js';

// A token bucket per key, shared by every instance and the worker: `burst` at once, then
// `perSecond`. Returns 0 when a token was taken, else the milliseconds until one is free.
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

/**
 * A platform's posting budget per place (a Slack channel, a Teams conversation). Taking a
 * token either succeeds or throws RetryLaterError, which holds the session's outbox for that
 * long without holding up a worker or any other place.
 */
export class TokenBucket {
  constructor(private readonly redis: Redis, private readonly keyPrefix: string, private readonly perSecond: number, private readonly burst: number) {}

  async take(place: string): Promise<void> {
    const wait = Number(await this.redis.eval(TAKE, 1, `${this.keyPrefix}:${place}`, Date.now(), this.perSecond, this.burst));
    if (wait > 0) throw new RetryLaterError(`pacing ${place}`, wait);
  }
}
