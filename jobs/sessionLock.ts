import type { Redis } from 'ioredis';

// Compare-and-delete: only the holder releases its lock.
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export async function releaseLock(redis: Redis, key: string, token: string): Promise<void> {
  await redis.eval(RELEASE, 1, key, token);
}

// Takes the session's drain lock unless the session is on hold. Returns 0 when taken, the
// hold's remaining ms when on hold, -1 when another drainer holds the lock.
const ACQUIRE_UNLESS_HELD = `
local hold = redis.call('PTTL', KEYS[1])
if hold > 0 then return hold end
if redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2], 'NX') then return 0 end
return -1`;

export async function acquireUnlessHeld(redis: Redis, holdKey: string, lockKey: string, token: string, ttlMs: number): Promise<number> {
  return Number(await redis.eval(ACQUIRE_UNLESS_HELD, 2, holdKey, lockKey, token, ttlMs));
}
