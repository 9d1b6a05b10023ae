import type { Redis } from 'ioredis';
import { type MessageRef, type Mirror, MirrorSchema } from '../../src/app/ports.js';
import type { LinkStore } from '../../src/app/store.js';
import { globalKeys, sessionKeys } from './keys.js';

/** A 1:1 keeps its most recent chats only. */
const MIRROR_CHATS = 50;

/** Mirrors, what was posted where, look-ups from platform ids, and one-time claims. */
export class RedisLinks implements LinkStore {
  private readonly g: ReturnType<typeof globalKeys>;
  constructor(private readonly redis: Redis, private readonly prefix: string) {
    this.g = globalKeys(prefix);
  }

  private k(id: string) {
    return sessionKeys(this.prefix, id);
  }

  async mirrors(sessionId: string): Promise<Mirror[]> {
    const all = await this.redis.hvals(this.k(sessionId).mirrors);
    return all.map((j) => MirrorSchema.parse(JSON.parse(j))).sort((a, b) => a.key.localeCompare(b.key));
  }

  async addMirror(sessionId: string, mirror: Mirror) {
    await this.redis.hset(this.k(sessionId).mirrors, mirror.key, JSON.stringify(mirror));
  }

  async mirrorChats(key: string): Promise<string[]> {
    return this.redis.zrange(this.g.mirrorChats(key), 0, -1);
  }

  async addMirrorChat(key: string, sessionId: string) {
    await this.redis.multi().zadd(this.g.mirrorChats(key), Date.now(), sessionId).zremrangebyrank(this.g.mirrorChats(key), 0, -(MIRROR_CHATS + 1)).exec();
  }

  async getRef(sessionId: string, key: string): Promise<MessageRef | undefined> {
    const j = await this.redis.hget(this.k(sessionId).refs, key);
    return j ? (JSON.parse(j) as MessageRef) : undefined;
  }

  async setRef(sessionId: string, key: string, ref: MessageRef) {
    await this.redis.hset(this.k(sessionId).refs, key, JSON.stringify(ref));
  }

  async lookup(key: string) {
    const [lasting, expiring] = await Promise.all([this.redis.hget(this.g.lookup, key), this.redis.get(this.g.expiring(key))]);
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
}
