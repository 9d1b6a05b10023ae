import type { Redis } from 'ioredis';

// Compare-and-delete: only the holder releases its lock.
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export async function acquireLock(redis: Redis, key: string, token: string, ttlMs: number): Promise<boolean> {
  return (await redis.set(key, token, 'PX', ttlMs, 'NX')) === 'OK';
}

export async function releaseLock(redis: Redis, key: string, token: string): Promise<void> {
  await redis.eval(RELEASE, 1, key, token);
}
