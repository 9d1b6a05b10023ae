import { randomBytes } from 'node:crypto';
import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { AppContext, OutboxKicker } from '../src/app/context.js';
import { RetryLaterError } from '../src/app/ports.js';
import { deliverEffect } from '../src/app/relay.js';
import { queuePrefix } from './connection.js';
import { acquireLock, releaseLock } from './sessionLock.js';

export const OUTBOX_QUEUE = 'outbox';
const DrainJob = z.object({ sessionId: z.string().min(1) });

/** After this many failures of one effect (not counting rate limits) it goes to the dead letters. */
const MAX_FAILURES = 8;

export interface OutboxObserver {
  delivered(sessionId: string, effectId: string): void;
  failed(sessionId: string, err: unknown): void;
}

/** Asks for a drain of a session's outbox. Every kick is a job, so none is ever swallowed. */
export class OutboxQueue implements OutboxKicker {
  readonly queue: Queue;
  constructor(connection: Redis, prefix: string) {
    this.queue = new Queue(OUTBOX_QUEUE, { connection, prefix: queuePrefix(prefix) });
    // Connection errors are reported by the connection's owner; reconnects are automatic.
    this.queue.on('error', () => undefined);
  }
  async kick(sessionId: string): Promise<void> {
    await this.queue.add('drain', { sessionId }, { removeOnComplete: true, removeOnFail: 1000, attempts: 50, backoff: { type: 'exponential', delay: 250 } });
  }
  close(): Promise<void> {
    return this.queue.close();
  }
}

const jitter = (ms: number): number => Math.round(ms * (0.75 + Math.random() * 0.5));

/**
 * Drains session outboxes in order. One drainer per session at a time (a Redis lock);
 * a job that finds the lock taken or the session on hold comes back later.
 */
export class OutboxDrainer {
  readonly worker: Worker;
  private readonly holdKey = (sid: string) => `${this.prefix}:hold:{${sid}}`;
  private readonly lockKey = (sid: string) => `${this.prefix}:lock:{${sid}}`;
  private readonly failKey = (sid: string) => `${this.prefix}:fail:{${sid}}`;

  constructor(private readonly ctx: AppContext, private readonly redis: Redis, connection: Redis, private readonly prefix: string, private readonly observer?: OutboxObserver, concurrency = 32, private readonly lockMs = 30_000) {
    this.worker = new Worker(OUTBOX_QUEUE, (job, token) => this.process(job, token), { connection, prefix: queuePrefix(prefix), concurrency });
    this.worker.on('failed', (job, err) => ctx.log.warn({ err, jobId: job?.id, attempts: job?.attemptsMade }, 'outbox drain failed; will retry'));
    this.worker.on('error', (err) => ctx.log.warn({ err }, 'outbox worker error'));
  }

  private async later(job: Job, token: string | undefined, ms: number): Promise<never> {
    await job.moveToDelayed(Date.now() + ms, token);
    throw new DelayedError();
  }

  async process(job: Job, token: string | undefined): Promise<void> {
    const { sessionId } = DrainJob.parse(job.data);
    const hold = await this.redis.pttl(this.holdKey(sessionId));
    if (hold > 0) return this.later(job, token, hold + 5);
    const lock = randomBytes(8).toString('hex');
    if (!(await acquireLock(this.redis, this.lockKey(sessionId), lock, this.lockMs))) return this.later(job, token, jitter(40));
    try {
      await this.drain(sessionId, job, token, lock);
    } finally {
      await releaseLock(this.redis, this.lockKey(sessionId), lock);
    }
    await this.ctx.store.markClean(sessionId);
  }

  private async drain(sessionId: string, job: Job, token: string | undefined, lock: string): Promise<void> {
    for (;;) {
      const batch = await this.ctx.store.pendingEffects(sessionId, 50);
      if (batch.length === 0) return;
      for (const { id, effect } of batch) {
        try {
          await deliverEffect(this.ctx, effect);
        } catch (err) {
          await this.onFailure(sessionId, id, effect, err, job, token, lock);
          continue;
        }
        await this.ctx.store.ackEffect(sessionId, id);
        this.observer?.delivered(sessionId, id);
      }
      await this.redis.pexpire(this.lockKey(sessionId), this.lockMs);
    }
  }

  private async onFailure(sessionId: string, id: string, effect: unknown, err: unknown, job: Job, token: string | undefined, lock: string): Promise<void> {
    this.observer?.failed(sessionId, err);
    const failures = await this.redis.hincrby(this.failKey(sessionId), id, 1);
    await this.redis.pexpire(this.failKey(sessionId), 86_400_000);
    if (!(err instanceof RetryLaterError) && failures >= MAX_FAILURES) {
      // A poison effect must not block the session forever: park it where an operator can see it.
      this.ctx.log.error({ err, sessionId, effect }, 'outbox effect dead-lettered after repeated failures');
      await this.redis.xadd(`${this.prefix}:dead`, 'MAXLEN', '~', '10000', '*', 'sessionId', sessionId, 'effect', JSON.stringify(effect), 'error', String(err));
      await this.ctx.store.ackEffect(sessionId, id);
      return;
    }
    const wait = err instanceof RetryLaterError && err.retryAfterMs !== undefined
      ? err.retryAfterMs
      : jitter(Math.min(30_000, 250 * 2 ** Math.min(failures, 7)));
    // Hold the whole session so its other drain jobs wait too, keeping the order.
    await this.redis.set(this.holdKey(sessionId), '1', 'PX', Math.max(1, wait));
    await releaseLock(this.redis, this.lockKey(sessionId), lock);
    this.ctx.log.warn({ err: err instanceof Error ? err.message : String(err), sessionId, waitMs: wait, failures }, 'delivery deferred');
    return this.later(job, token, wait + 5);
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}

/** Re-kicks sessions whose outbox holds effects but whose job was lost (a crash between write and kick). */
export async function sweepOutboxes(ctx: AppContext): Promise<number> {
  let kicked = 0;
  for (const sid of await ctx.store.dirtySessions()) {
    if ((await ctx.store.pendingEffects(sid, 1)).length > 0) {
      await ctx.outbox.kick(sid);
      kicked++;
    } else {
      await ctx.store.markClean(sid);
    }
  }
  return kicked;
}
