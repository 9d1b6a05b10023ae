import type { LinkStore } from '../../src/app/store.js';
import type { RedisClient } from './connection.js';
import { globalKeys } from './keys.js';

/** A 1:1 keeps its most recent chats only. */
const MIRROR_CHATS = 50;

/** Where replies come from, look-ups from platform ids, and one-time claims. */
export class RedisLinks implements LinkStore {
  private readonly g: ReturnType<typeof globalKeys>;
  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.g = globalKeys(prefix);
  }

  async mirrorChats(place: string): Promise<string[]> {
    return this.redis.zrange(this.g.mirrorChats(place), 0, -1);
  }

  async addMirrorChat(place: string, sessionId: string) {
    const key = this.g.mirrorChats(place);
    await this.redis
      .multi()
      .zadd(key, Date.now(), sessionId)
      .zremrangebyrank(key, 0, -(MIRROR_CHATS + 1))
      .exec();
  }

  async removeMirrorChat(place: string, sessionId: string) {
    await this.redis.zrem(this.g.mirrorChats(place), sessionId);
  }

  async lookup(key: string) {
    const [lasting, expiring] = await Promise.all([
      this.redis.hget(this.g.lookup, key),
      this.redis.get(this.g.expiring(key)),
    ]);
    return lasting ?? expiring ?? undefined;
  }

  async remember(key: string, value: string, ttlSeconds?: number) {
    if (ttlSeconds) await this.redis.set(this.g.expiring(key), value, 'EX', ttlSeconds);
    else await this.redis.hset(this.g.lookup, key, value);
  }

  async claimOnce(key: string, ttlSeconds: number) {
    return (await this.redis.set(this.g.once(key), '1', 'EX', ttlSeconds, 'NX')) === 'OK';
  }

  async releaseClaim(key: string) {
    await this.redis.del(this.g.once(key));
  }

  async rememberOnce(key: string, value: string) {
    await this.redis.hsetnx(this.g.lookup, key, value);
    return (await this.redis.hget(this.g.lookup, key)) ?? value;
  }
}
