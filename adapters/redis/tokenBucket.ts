import type { Redis } from 'ioredis';
import { RetryLaterError } from '../../src/app/ports.js';
import { globalKeys } from './keys.js';
import { withScripts } from './scripts.js';

/**
 * A platform's posting budget per place (a Slack channel, a Teams conversation), shared by
 * every instance (lua/takeToken.lua). Taking a token either succeeds or throws
 * RetryLaterError, which holds the session's outbox for that long.
 */
export class TokenBucket {
  constructor(private readonly redis: Redis, private readonly prefix: string, private readonly platform: string, private readonly perSecond: number, private readonly burst: number) {}

  async take(place: string): Promise<void> {
    const wait = Number(await withScripts(this.redis).takeToken(globalKeys(this.prefix).pace(this.platform, place), Date.now(), this.perSecond, this.burst));
    if (wait > 0) throw new RetryLaterError(`pacing ${place}`, wait);
  }
}
