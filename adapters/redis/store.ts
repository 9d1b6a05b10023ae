import type { Logger } from 'pino';
import type { Store } from '../../src/app/store.js';
import type { RedisClient } from './connection.js';
import { RedisDeliveries } from './deliveries.js';
import { RedisInvites } from './invites.js';
import { RedisLinks } from './links.js';
import { RedisLists } from './lists.js';
import { RedisPresence } from './presence.js';
import { quiet } from './records.js';
import { RedisSessions } from './sessions.js';
import { RedisCanned, RedisReplyClock } from './tools.js';
import { RedisTranscript } from './transcript.js';

/**
 * The store of record on Redis: one object per port, sharing a connection and a key prefix.
 * `log` hears of records read back that no longer parse (they are skipped or mended, see records.ts).
 */
export const redisStore = (redis: RedisClient, prefix: string, log: Logger = quiet): Store => ({
  lists: new RedisLists(redis, prefix, log),
  sessions: new RedisSessions(redis, prefix, log),
  invites: new RedisInvites(redis, prefix, log),
  transcript: new RedisTranscript(redis, prefix, log),
  links: new RedisLinks(redis, prefix),
  deliveries: new RedisDeliveries(redis, prefix),
  presence: new RedisPresence(redis, prefix, log),
  canned: new RedisCanned(redis, prefix, log),
  replyClock: new RedisReplyClock(redis, prefix),
});
