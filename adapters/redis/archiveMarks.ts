import type { RedisClient } from './connection.js';
import { globalKeys } from './keys.js';

/** The connections whose commits mark their chat for the archiver (a service with a record). */
const marking = new WeakMap<RedisClient, string>();

/** From now on, every state change and message committed through `redis` marks its chat due for the record. */
export function markCommitsForArchive(redis: RedisClient, prefix: string): void {
  marking.set(redis, prefix);
}

/**
 * After a commit (lua/*.lua through runSessionScript): one ZADD NX, not awaited, so the relay
 * never waits on the record. Sent after the script answered, so an archiver that sees the
 * mark also sees the commit. Should the process die between the two, the reconciliation
 * finds the chat (record/reconcile.ts).
 */
export function markCommitted(redis: RedisClient, sessionId: string): void {
  const prefix = marking.get(redis);
  if (prefix === undefined) return;
  redis.zadd(globalKeys(prefix).archiveDue, 'NX', Date.now(), sessionId).catch(() => undefined);
}
