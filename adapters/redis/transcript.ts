import type { Logger } from 'pino';
/** A destination's lease: renewed while its drainer works, so a dead drainer's is taken over quickly. */
import { LEASE_MS } from '../../src/app/delivery/clocks.js';
import { type Effect, Effect as EffectSchema } from '../../src/app/ports.js';
import type { AppendOptions, AppendResult, StoreResult, TranscriptStore, Writes } from '../../src/app/store.js';
import type { Standing } from '../../src/domain/routing.js';
import type { Session } from '../../src/domain/session.js';
import { LISTEN_WINDOW_MS } from './chatEvents.js';
import { type RedisClient, usesShardedPubSub } from './connection.js';
import { appended } from './deliveryScripts.js';
import { eventsChannel, globalKeys, sessionKeys, sessionTag } from './keys.js';
import { quiet } from './records.js';
import { withScripts } from './scripts.js';
import { entriesOf, runSessionScript } from './sessionScript.js';

/** A chat's transcript: at most this many entries and bytes (the end user is told when it is full). */
export const TRANSCRIPT_LIMITS = { entries: 10_000, bytes: 5 * 1024 * 1024 };

/** Each chat's transcript (a stream) and its outbox of effects for the planner. */
export class RedisTranscript implements TranscriptStore {
  private readonly g: ReturnType<typeof globalKeys>;
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly log: Logger = quiet,
  ) {
    this.g = globalKeys(prefix);
  }

  private k(id: string) {
    return sessionKeys(this.prefix, id);
  }

  async append(
    sessionId: string,
    statuses: Session['status'][],
    w: Writes,
    opts: AppendOptions = {},
  ): Promise<StoreResult<AppendResult>> {
    const sentAt = Date.now();
    const params = {
      statuses,
      prefix: this.prefix,
      tag: sessionTag(sessionId),
      owner: opts.owner ?? '',
      leaseMs: LEASE_MS,
      // Before the script runs: the lease it sets outlives now + LEASE_MS (the drainer's premark clock).
      now: sentAt,
      listenedSince: sentAt - LISTEN_WINDOW_MS,
      maxEntries: TRANSCRIPT_LIMITS.entries,
      maxBytes: TRANSCRIPT_LIMITS.bytes,
      ...(opts.clientMessageId ? { clientMessageId: opts.clientMessageId } : {}),
      ...(opts.maxBacklog ? { maxBacklog: opts.maxBacklog } : {}),
      ...(opts.tokenHash ? { tokenHash: opts.tokenHash } : {}),
      // Each line's template as JSON, which the script queues as given (deliveryScripts.ts reads it back).
      ...(opts.lines
        ? {
            lines: opts.lines.map(
              (l) =>
                l && {
                  json: JSON.stringify(l.template),
                  ...(l.origin ? { origin: l.origin } : {}),
                  ...(l.template.op === 'post' ? { post: true } : {}),
                },
            ),
          }
        : {}),
    };
    const reply = await runSessionScript(this.redis, this.prefix, 'appendEntries', sessionId, params, w, false);
    const r = appended(reply, opts.lines);
    if (r.state === 'refused') return { ok: false, code: r.code };
    if (r.state === 'repeat') return { ok: true, value: { ids: [r.id], duplicate: true, claimed: [], planned: false } };
    // Work left by a drainer that died: the caller starts from the head of the queue instead.
    const claimed = r.claimed.map((c) => ({
      dest: c.dest,
      queued: c.first ? [c.queued] : [],
      ...(c.first && c.queued.d.op === 'post' ? { markedAt: sentAt } : {}),
    }));
    // Effects for the planner: the session is marked for its sweep (a crash before the mark is
    // found by the backstop's scan).
    const planned = r.outboxed > 0;
    if (planned) await this.redis.sadd(this.g.dirty, sessionId);
    return { ok: true, value: { ids: r.ids, duplicate: false, claimed, planned, status: r.status } };
  }

  async read(sessionId: string, afterId: string | undefined, count: number) {
    return entriesOf(
      await this.redis.xrange(this.k(sessionId).transcript, afterId ? `(${afterId}` : '-', '+', 'COUNT', count),
      this.log,
    );
  }

  async entry(sessionId: string, entryId: string) {
    return entriesOf(await this.redis.xrange(this.k(sessionId).transcript, entryId, entryId), this.log)[0];
  }

  async lastId(sessionId: string) {
    const [last] = await this.redis.xrevrange(this.k(sessionId).transcript, '+', '-', 'COUNT', 1);
    return last?.[0];
  }

  async announce(sessionId: string, standing: Standing) {
    // `~` instead of an entry id: the hub hands it on, and nothing resumes from it.
    const channel = eventsChannel(this.prefix, sessionId);
    const message = `~ ${JSON.stringify(standing)}`;
    await (usesShardedPubSub(this.redis)
      ? this.redis.spublish(channel, message)
      : this.redis.publish(channel, message));
  }

  async pendingEffects(sessionId: string, count: number): Promise<Array<{ id: string; effect: Effect }>> {
    const raw = await this.redis.xrange(this.k(sessionId).outbox, '-', '+', 'COUNT', count);
    return raw.map(([id, fields]) => ({ id, effect: EffectSchema.parse(JSON.parse(fields[1] ?? '{}')) }));
  }

  async ackEffect(sessionId: string, id: string) {
    const k = this.k(sessionId);
    await withScripts(this.redis).ackEffect(k.session, k.outbox, id);
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
    // One command each (auto-pipelined): a pipeline may not span slots on a cluster.
    const lengths = await Promise.all(ids.map((id) => this.redis.xlen(this.k(id).outbox)));
    return lengths.reduce((n, v) => n + v, 0);
  }
}
