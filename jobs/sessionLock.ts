import type { Redis } from 'ioredis';
import { withScripts } from '../adapters/redis/scripts.js';

/** Compare-and-delete (lua/releaseLock.lua): only the holder releases its lock. */
export async function releaseLock(redis: Redis, key: string, token: string): Promise<void> {
  await withScripts(redis).releaseLock(key, token);
}

/**
 * Takes the session's drain lock unless the session is on hold (lua/acquireUnlessHeld.lua).
 * Returns 0 when taken, the hold's remaining ms when on hold, -1 when another drainer holds it.
 */
export async function acquireUnlessHeld(redis: Redis, holdKey: string, lockKey: string, token: string, ttlMs: number): Promise<number> {
  return Number(await withScripts(redis).acquireUnlessHeld(holdKey, lockKey, token, ttlMs));
}
