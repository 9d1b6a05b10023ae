import type { KeyValue } from '../../src/app/platformKit/keyValue.js';
import type { RedisClient } from './connection.js';

const REMOVE_IF = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

/** The platforms' key-value port on Redis: each key under the deployment's prefix, each operation one command. */
export class RedisKeyValue implements KeyValue {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private k(key: string): string {
    return `${this.prefix}:${key}`;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(this.k(key))) ?? undefined;
  }
  async put(key: string, value: string): Promise<void> {
    await this.redis.set(this.k(key), value);
  }
  async putNew(key: string, value: string, ttlMs?: number): Promise<boolean> {
    const r = ttlMs
      ? await this.redis.set(this.k(key), value, 'PX', ttlMs, 'NX')
      : await this.redis.set(this.k(key), value, 'NX');
    return r === 'OK';
  }
  async take(key: string): Promise<string | undefined> {
    return (await this.redis.getdel(this.k(key))) ?? undefined;
  }
  async remove(key: string): Promise<void> {
    await this.redis.del(this.k(key));
  }
  async removeIf(key: string, value: string): Promise<boolean> {
    return (await this.redis.eval(REMOVE_IF, 1, this.k(key), value)) === 1;
  }
  async members(key: string): Promise<string[]> {
    return this.redis.smembers(this.k(key));
  }
  async addMember(key: string, member: string): Promise<void> {
    await this.redis.sadd(this.k(key), member);
  }
  async removeMember(key: string, member: string): Promise<boolean> {
    return (await this.redis.srem(this.k(key), member)) > 0;
  }
}
