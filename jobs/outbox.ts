import { randomBytes } from 'node:crypto';
import { DelayedError, type Job, Queue, Worker } from 'bullmq';
import { z } from 'zod';
import type { RedisClient } from '../adapters/redis/connection.js';
import { globalKeys, queuePrefix, sessionKeys } from '../adapters/redis/keys.js';
import type { AppContext, OutboxKicker } from '../src/app/context.js';
import { jitter, MAX_PLAN_FAILURES } from '../src/app/delivery/clocks.js';
import { plan } from '../src/app/delivery/planner.js';
import type { Effect } from '../src/app/ports.js';
import { releaseLock } from './sessionLock.js';

export const OUTBOX_QUEUE = 'outbox';
const PlanJob = z.object({ sessionId: z.string().min(1) });

/** How many of a session's effects one plan reads at a time. */
const BATCH = 50;
const LOCK_MS = 10_000;

type Outcome = 'done' | { laterMs: number };

/**
 * Wakes a session's outbox. With a planner in this process (a worker: the composition root
 * says so with `planHere`) it plans at once; the durable fallbacks are a BullMQ job (a
 * web-only instance, another instance holds the session, or this one failed) and the sweep of
 * dirty sessions (this process died mid-way).
 */
export class OutboxQueue implements OutboxKicker {
  readonly queue: Queue;
  private local: OutboxWorker | undefined;

  constructor(connection: RedisClient, prefix: string) {
    this.queue = new Queue(OUTBOX_QUEUE, { connection, prefix: queuePrefix(prefix) });
    // Connection errors are reported by the connection's owner; reconnects are automatic.
    this.queue.on('error', () => undefined);
  }

  /** From now on, kicks are planned in this process by `worker` (the queue stays its fallback). */
  planHere(worker: OutboxWorker): void {
    this.local = worker;
  }

  async kick(sessionId: string): Promise<void> {
    if (this.local) {
      // Not awaited: the caller's answer must not wait for the planner.
      this.local.planSoon(sessionId).catch(() => undefined); // the sweep picks up what this misses
      return;
    }
    await this.enqueue(sessionId, 0);
  }

  async enqueue(sessionId: string, delayMs: number): Promise<void> {
    await this.queue.add(
      'plan',
      { sessionId },
      {
        delay: delayMs,
        removeOnComplete: true,
        removeOnFail: 1000,
        attempts: 50,
        backoff: { type: 'exponential', delay: 250 },
      },
    );
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

/**
 * The outbox's worker: turns each session's outbox effects into deliveries (the planner,
 * src/app/delivery/planner.ts), in order, one at a time per session (a Redis lock), from
 * BullMQ's jobs and from this process's own kicks (`OutboxQueue.planHere`). Planning never
 * waits on a platform: it only queues deliveries on their destinations, where the delivery
 * engine takes over.
 */
export class OutboxWorker {
  readonly worker: Worker;
  private readonly active = new Map<string, { again: boolean }>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly failures = new Map<string, number>();
  private closing = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly redis: RedisClient,
    connection: RedisClient,
    private readonly prefix: string,
    private readonly outbox: OutboxQueue,
    private readonly concurrency = 32,
  ) {
    this.worker = new Worker(OUTBOX_QUEUE, (job, token) => this.process(job, token), {
      connection,
      prefix: queuePrefix(prefix),
      concurrency,
    });
    this.worker.on('failed', (job, err) =>
      ctx.log.warn({ err, jobId: job?.id, attempts: job?.attemptsMade }, 'planning failed; will retry'),
    );
    this.worker.on('error', (err) => ctx.log.warn({ err }, 'planner worker error'));
  }

  /** The fast path after a commit: plan here and now, or leave a job to do it later. */
  planSoon(sessionId: string): Promise<void> {
    const running = this.active.get(sessionId);
    if (running) {
      running.again = true;
      return Promise.resolve();
    }
    if (this.active.size >= this.concurrency || this.closing) return this.outbox.enqueue(sessionId, 0);
    const p = this.planHere(sessionId).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
    return p;
  }

  private async planHere(sessionId: string): Promise<void> {
    const state = { again: true };
    this.active.set(sessionId, state);
    try {
      while (state.again && !this.closing) {
        state.again = false;
        const outcome = await this.attempt(sessionId);
        if (outcome !== 'done') {
          await this.outbox.enqueue(sessionId, outcome.laterMs);
          break;
        }
      }
    } catch (err) {
      this.ctx.log.warn({ err: (err as Error).message, sessionId }, 'planning failed; the job queue takes over');
      await this.outbox.enqueue(sessionId, 1_000).catch(() => undefined); // else the sweep will
    } finally {
      this.active.delete(sessionId);
    }
  }

  /** The BullMQ path: retries, delayed plans, other instances' kicks. */
  async process(job: Job, token: string | undefined): Promise<void> {
    const { sessionId } = PlanJob.parse(job.data);
    const running = this.active.get(sessionId);
    if (running) {
      running.again = true;
      return;
    }
    const outcome = await this.attempt(sessionId);
    if (outcome === 'done') return;
    await job.moveToDelayed(Date.now() + outcome.laterMs, token);
    throw new DelayedError();
  }

  private async attempt(sessionId: string): Promise<Outcome> {
    const lock = randomBytes(8).toString('hex');
    const key = sessionKeys(this.prefix, sessionId).lock;
    const [got, first] = await Promise.all([
      this.redis.set(key, lock, 'PX', LOCK_MS, 'NX'),
      this.ctx.store.transcript.pendingEffects(sessionId, BATCH),
    ]);
    if (got !== 'OK') return { laterMs: jitter(40) };
    try {
      let batch = first;
      while (batch.length > 0) {
        for (const { id, effect } of batch) {
          if (this.closing) return { laterMs: 0 };
          if (!(await this.planOne(sessionId, id, effect))) return { laterMs: jitter(1_000) };
        }
        [, batch] = await Promise.all([
          this.redis.pexpire(key, LOCK_MS),
          this.ctx.store.transcript.pendingEffects(sessionId, BATCH),
        ]);
      }
    } finally {
      await releaseLock(this.redis, key, lock);
    }
    // After a crash between a change and its reindex, the change's effects bring the chat here.
    if (first.length > 0) await this.ctx.store.lists.reindex(sessionId);
    await this.ctx.store.transcript.markClean(sessionId);
    return 'done';
  }

  /** Plans one effect and acknowledges it; false to try later (a poison effect is parked as dead). */
  private async planOne(sessionId: string, id: string, effect: Effect): Promise<boolean> {
    try {
      await plan(this.ctx, id, effect);
    } catch (err) {
      const n = (this.failures.get(id) ?? 0) + 1;
      this.failures.set(id, n);
      if (n < MAX_PLAN_FAILURES) {
        this.ctx.log.warn(
          { err: (err as Error).message, sessionId, effect: effect.type, failures: n },
          'planning an effect failed; will retry',
        );
        return false;
      }
      this.ctx.log.error({ err, sessionId, effect }, 'outbox effect dead-lettered after repeated failures');
      await this.redis.xadd(
        globalKeys(this.prefix).dead,
        'MAXLEN',
        '~',
        '10000',
        '*',
        'sessionId',
        sessionId,
        'effect',
        JSON.stringify(effect),
        'error',
        String(err),
      );
    }
    this.failures.delete(id);
    await this.ctx.store.transcript.ackEffect(sessionId, id);
    return true;
  }

  /** Stops taking jobs and waits for every plan in progress. */
  async close(): Promise<void> {
    this.closing = true;
    await this.worker.close();
    await Promise.all([...this.inFlight]);
  }
}

/** Re-kicks sessions whose outbox holds effects but whose planning was lost (a crash between write and kick). */
export async function sweepOutboxes(ctx: AppContext): Promise<number> {
  let kicked = 0;
  for (const sid of await ctx.store.transcript.dirtySessions()) {
    if ((await ctx.store.transcript.pendingEffects(sid, 1)).length > 0) {
      await ctx.outbox.kick(sid);
      kicked++;
    } else {
      await ctx.store.transcript.markClean(sid);
    }
  }
  return kicked;
}
