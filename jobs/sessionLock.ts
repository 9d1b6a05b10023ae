import type { RedisClient } from '../adapters/redis/connection.js';
import { withScripts } from '../adapters/redis/scripts.js';

/** Compare-and-delete (lua/releaseLock.lua): only the holder releases its lock. */
export async function releaseLock(redis: RedisClient, key: string, token: string): Promise<void> {
  await withScripts(redis).releaseLock(key, token);
}
