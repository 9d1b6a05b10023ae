import type { Redis } from 'ioredis';
import { withScripts } from '../adapters/redis/scripts.js';

/** Compare-and-delete (lua/releaseLock.lua): only the holder releases its lock. */
export async function releaseLock(redis: Redis, key: string, token: string): Promise<void> {
  await withScripts(redis).releaseLock(key, token);
}
