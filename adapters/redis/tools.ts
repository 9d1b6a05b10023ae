import type { Logger } from 'pino';
import { z } from 'zod';
import type { CannedStore, ReplyClockStore, ReplyWait } from '../../src/app/store.js';
import { CannedReply } from '../../src/domain/canned.js';
import type { RedisClient } from './connection.js';
import { globalKeys } from './keys.js';
import { quiet, readRecords } from './records.js';

/** How long a chat's reply clock outlives its last change (an ended chat's is deleted at once). */
const CLOCK_TTL_SECONDS = 30 * 86_400;

/** Agents' own canned replies: a hash per agent, by shortcut. */
export class RedisCanned implements CannedStore {
  private readonly g: ReturnType<typeof globalKeys>;
  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly log: Logger = quiet,
  ) {
    this.g = globalKeys(prefix);
  }

  async list(agentId: string): Promise<CannedReply[]> {
    const all = readRecords(
      CannedReply,
      await this.redis.hvals(this.g.canned(agentId)),
      `canned reply of ${agentId}`,
      this.log,
    );
    return all.sort((a, b) => a.shortcut.localeCompare(b.shortcut));
  }

  async save(agentId: string, reply: CannedReply, max: number): Promise<boolean> {
    const key = this.g.canned(agentId);
    // One script: the count and the write cannot interleave with another instance's save.
    const r = await this.redis.eval(
      "if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) return 1",
      1,
      key,
      reply.shortcut,
      JSON.stringify(reply),
      String(max),
    );
    return r === 1;
  }

  async remove(agentId: string, shortcut: string): Promise<boolean> {
    return (await this.redis.hdel(this.g.canned(agentId), shortcut)) > 0;
  }
}

const Wait = z.object({ id: z.string(), at: z.number(), kind: z.enum(['first', 'next']) });

/** A chat's reply clock: `wait` (the running wait, set only when none runs) and `replied`. */
export class RedisReplyClock implements ReplyClockStore {
  private readonly g: ReturnType<typeof globalKeys>;
  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.g = globalKeys(prefix);
  }

  async start(sessionId: string, wait: ReplyWait) {
    const key = this.g.replyClock(sessionId);
    const [[, set], , [, json]] = (await this.redis
      .multi()
      .hsetnx(key, 'wait', JSON.stringify(wait))
      .expire(key, CLOCK_TTL_SECONDS)
      .hget(key, 'wait')
      .exec()) as Array<[Error | null, unknown]> as [[null, number], [null, number], [null, string | null]];
    return { started: set === 1, wait: this.parse(json) ?? wait };
  }

  async current(sessionId: string) {
    return this.parse(await this.redis.hget(this.g.replyClock(sessionId), 'wait'));
  }

  async claim(sessionId: string, stage: string, waitId: string) {
    const r = await this.redis.eval(
      "if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return 0 end redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) return 1",
      1,
      this.g.replyClock(sessionId),
      `done:${stage}`,
      waitId,
    );
    return r === 1;
  }

  async answered(sessionId: string) {
    const key = this.g.replyClock(sessionId);
    await this.redis.multi().hdel(key, 'wait').hset(key, 'replied', '1').expire(key, CLOCK_TTL_SECONDS).exec();
  }

  async replied(sessionId: string) {
    return (await this.redis.hget(this.g.replyClock(sessionId), 'replied')) === '1';
  }

  async forget(sessionId: string) {
    await this.redis.del(this.g.replyClock(sessionId));
  }

  private parse(json: string | null | undefined): ReplyWait | undefined {
    if (!json) return undefined;
    try {
      return Wait.parse(JSON.parse(json));
    } catch {
      return undefined;
    }
  }
}
