import type { RedisClient } from './connection.js';
import type { Store } from '../../src/app/store.js';
import { RedisDeliveries } from './deliveries.js';
import { RedisInvites } from './invites.js';
import { RedisLinks } from './links.js';
import { RedisLists } from './lists.js';
import { RedisSessions } from './sessions.js';
import { RedisTranscript } from './transcript.js';

/** The store of record on Redis: one object per port, sharing a connection and a key prefix. */
export const redisStore = (redis: RedisClient, prefix: string): Store => ({
  lists: new RedisLists(redis, prefix),
  sessions: new RedisSessions(redis, prefix),
  invites: new RedisInvites(redis, prefix),
  transcript: new RedisTranscript(redis, prefix),
  links: new RedisLinks(redis, prefix),
  deliveries: new RedisDeliveries(redis, prefix),
});
