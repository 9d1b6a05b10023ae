import type { Logger } from 'pino';
import { z } from 'zod';
import type { PresenceStore } from '../../src/app/store.js';
import type { HandSet, PresenceRecord } from '../../src/domain/availability.js';
import type { RedisClient } from './connection.js';
import { globalKeys } from './keys.js';
import { quiet, readRecord } from './records.js';
import { withScripts } from './scripts.js';

const RecordSchema = z.object({
  platform: z.string(),
  online: z.boolean(),
  offlineSince: z.number().optional(),
  seenAt: z.number(),
  validUntil: z.number(),
});

/**
 * Availability in Redis: one hash of every platform's last word on every agent
 * (`platform:agentId` → JSON), the hand-set Away set and Available times, and a lease per
 * platform so one instance polls it at a time. Global keys, read whole (one per agent).
 */
export class RedisPresence implements PresenceStore {
  private readonly g: ReturnType<typeof globalKeys>;
  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly log: Logger = quiet,
  ) {
    this.g = globalKeys(prefix);
  }

  async read() {
    const [all, away, at] = await Promise.all([
      this.redis.hgetall(this.g.presence),
      this.redis.smembers(this.g.away),
      this.redis.hgetall(this.g.availableAt),
    ]);
    const presence = new Map<string, PresenceRecord[]>();
    for (const [field, json] of Object.entries(all)) {
      const colon = field.indexOf(':');
      const r = readRecord(RecordSchema, json, `presence ${field}`, this.log);
      if (colon < 0 || !r) continue;
      const agentId = field.slice(colon + 1);
      presence.set(agentId, [...(presence.get(agentId) ?? []), r]);
    }
    const hand = new Map<string, HandSet>();
    for (const id of away) hand.set(id, { away: true });
    for (const [id, ms] of Object.entries(at))
      hand.set(id, { away: hand.get(id)?.away ?? false, availableAt: Number(ms) });
    return { presence, hand };
  }

  async write(platform: string, records: ReadonlyMap<string, PresenceRecord>) {
    if (records.size === 0) return;
    await this.redis.hset(
      this.g.presence,
      Object.fromEntries([...records].map(([id, r]) => [`${platform}:${id}`, JSON.stringify(r)])),
    );
  }

  async forget(platform: string) {
    const fields = (await this.redis.hkeys(this.g.presence)).filter((f) => f.startsWith(`${platform}:`));
    if (fields.length > 0) await this.redis.hdel(this.g.presence, ...fields);
  }

  async lead(platform: string, owner: string, ttlMs: number) {
    const key = this.g.presenceLead(platform);
    if ((await this.redis.set(key, owner, 'PX', ttlMs, 'NX')) === 'OK') return true;
    return Number(await withScripts(this.redis).renewLease(key, owner, ttlMs)) === 1;
  }

  async resign(platform: string, owner: string) {
    await withScripts(this.redis).releaseLock(this.g.presenceLead(platform), owner);
  }
}
