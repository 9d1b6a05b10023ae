import { createHash } from 'node:crypto';
import type { EndUserStore } from '../../src/app/endUsers/port.js';
import type { RedisClient } from './connection.js';
import { setIfChat } from './sessionScript.js';

/** How long a stream's last sighting is kept (a chat stays in Redis no longer than this matters). */
const SEEN_TTL_MS = 30 * 86_400_000;

/** The end users' side keys; the host site's user id is hashed into the key, never stored as a name. */
export class RedisEndUsers implements EndUserStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private verifiedKey(userId: string): string {
    return `${this.prefix}:eu:v:${createHash('sha256').update(userId).digest('hex')}`;
  }

  async verifiedChat(userId: string) {
    return (await this.redis.get(this.verifiedKey(userId))) ?? undefined;
  }

  async setVerifiedChat(userId: string, sessionId: string, ttlMs: number) {
    await this.redis.set(this.verifiedKey(userId), sessionId, 'PX', ttlMs);
  }

  async replaceToken(sessionId: string, tokenHash: string) {
    return setIfChat(this.redis, this.prefix, sessionId, 'token', tokenHash);
  }

  async seen(sessionId: string, at: number) {
    await this.redis.set(`${this.prefix}:eu:seen:${sessionId}`, String(at), 'PX', SEEN_TTL_MS);
  }

  async lastSeen(sessionId: string) {
    const v = await this.redis.get(`${this.prefix}:eu:seen:${sessionId}`);
    return v ? Number(v) : undefined;
  }

  async claimEmail(sessionId: string, ms: number) {
    return (await this.redis.set(`${this.prefix}:eu:mail:${sessionId}`, '1', 'PX', ms, 'NX')) === 'OK';
  }

  async releaseEmail(sessionId: string) {
    await this.redis.del(`${this.prefix}:eu:mail:${sessionId}`);
  }

  async mailedUpTo(sessionId: string) {
    return (await this.redis.get(`${this.prefix}:eu:upto:${sessionId}`)) ?? undefined;
  }

  async setMailedUpTo(sessionId: string, entryId: string) {
    await this.redis.set(`${this.prefix}:eu:upto:${sessionId}`, entryId, 'PX', SEEN_TTL_MS);
  }
}
