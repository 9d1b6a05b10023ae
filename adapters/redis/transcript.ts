import type { Redis } from 'ioredis';
import { type Effect, Effect as EffectSchema } from '../../src/app/ports.js';
import type { AppendOptions, TranscriptStore, Writes } from '../../src/app/store.js';
import type { Session } from '../../src/domain/session.js';
import { globalKeys, sessionKeys } from './keys.js';
import { entriesOf, runSessionScript } from './sessionScript.js';

/** Each chat's transcript (a stream) and its outbox of effects for the platforms. */
export class RedisTranscript implements TranscriptStore {
  private readonly g: ReturnType<typeof globalKeys>;
  constructor(private readonly redis: Redis, private readonly prefix: string) {
    this.g = globalKeys(prefix);
  }

  private k(id: string) {
    return sessionKeys(this.prefix, id);
  }

  async append(sessionId: string, statuses: Session['status'][], w: Writes, opts: AppendOptions = {}) {
    const reply = await runSessionScript(this.redis, this.prefix, 'appendEntries', sessionId, { statuses, ...opts }, w);
    if (reply[0] === 0) return { ok: false as const, code: String(reply[1]) };
    return { ok: true as const, value: { ids: reply.slice(1) as string[], duplicate: reply[0] === 2 } };
  }

  async read(sessionId: string, afterId: string | undefined, count: number) {
    return entriesOf(await this.redis.xrange(this.k(sessionId).transcript, afterId ? `(${afterId}` : '-', '+', 'COUNT', count));
  }

  async entry(sessionId: string, entryId: string) {
    return entriesOf(await this.redis.xrange(this.k(sessionId).transcript, entryId, entryId))[0];
  }

  async pendingEffects(sessionId: string, count: number): Promise<Array<{ id: string; effect: Effect }>> {
    const raw = await this.redis.xrange(this.k(sessionId).outbox, '-', '+', 'COUNT', count);
    return raw.map(([id, fields]) => ({ id, effect: EffectSchema.parse(JSON.parse(fields[1] ?? '{}')) }));
  }

  async ackEffect(sessionId: string, id: string) {
    await this.redis.xdel(this.k(sessionId).outbox, id);
  }

  async dirtySessions() {
    return this.redis.smembers(this.g.dirty);
  }

  async markClean(sessionId: string) {
    await this.redis.srem(this.g.dirty, sessionId);
    // An effect may have landed between the last read and the SREM: put the mark back.
    if ((await this.redis.xlen(this.k(sessionId).outbox)) > 0) await this.redis.sadd(this.g.dirty, sessionId);
  }

  async outboxDepth() {
    const ids = await this.dirtySessions();
    if (ids.length === 0) return 0;
    const p = this.redis.pipeline();
    for (const id of ids) p.xlen(this.k(id).outbox);
    const res = (await p.exec()) ?? [];
    return res.reduce((n, [, v]) => n + (typeof v === 'number' ? v : 0), 0);
  }
}
