import { Redis, type RedisOptions } from 'ioredis';

/**
 * BullMQ needs its own connections with maxRetriesPerRequest null: a blocked worker must
 * wait out a Redis restart instead of failing its commands.
 */
export function bullConnection(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, ...extra });
}
