import { randomBytes } from 'node:crypto';
import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { AppContext, OutboxKicker } from '../src/app/context.js';
import { type Effect, RetryLaterError } from '../src/app/ports.js';
import { deliverEffect } from '../src/app/relay.js';
import { globalKeys, queuePrefix, sessionKeys } from '../adapters/redis/keys.js';
import { acquireUnlessHeld, releaseLock } from './sessionLock.js';

export const OUTBOX_QUEUE = 'outbox';
const DrainJob = z.object({ sessionId: z.string().min(1) });

/** After this many failures of one effect (not counting rate limits) it goes to the dead letters. */
const MAX_FAILURES = 8;
const BATCH = 50;

export interface OutboxObserver {
  delivered(sessionId: string, effectId: string): void;
  failed(sessionId: string, err: unknown): void;
}

/** A drain that could not finish now: try again after this many milliseconds. */
type Outcome = 'done' | { laterMs: number };

const jitter = (ms: number): number => Math.round(ms * (0.75 + Math.random() * 0.5));

/**
 * Wakes a session's outbox. With a drainer in this process the drain starts at once; the
 * durable fallbacks are a BullMQ job (when the drain must wait or another instance holds
 * the session) and the sweep of dirty sessions (when this process dies mid-way).
 */
export class OutboxQueue implements OutboxKicker {
  readonly queue: Queue;
  local: OutboxDrainer | undefined;

  constructor(connection: Redis, prefix: string) {
    this.queue = new Queue(OUTBOX_QUEUE, { connection, prefix: queuePrefix(prefix) });
    // Connection errors are reported by the connection's owner; reconnects are automatic.
    this.queue.on('error', () => undefined);
  }

  async kick(sessionId: string): Promise<void> {
    if (this.local) {
      // Not awaited: the caller's answer (a 202) must not wait for the platform.
      this.local.drainSoon(sessionId).catch(() => undefined); // the sweep picks up what this misses
      return;
    }
    await this.enqueue(sessionId, 0);
  }

  async enqueue(sessionId: string, delayMs: number): Promise<void> {
    await this.queue.add('drain', { sessionId }, { delay: delayMs, removeOnComplete: true, removeOnFail: 1000, attempts: 50, backoff: { type: 'exponential', delay: 250 } });
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

/**
 * Drains session outboxes in order. One drainer per session at a time (a Redis lock), a
 * session on hold (rate limit, outage) waits without holding up any other session.
 */
export class OutboxDrainer {
  readonly worker: Worker;
  /** Sessions draining in this process; a kick during a drain asks it to look once more. */
  private readonly active = new Map<string, { again: boolean }>();
  private readonly inFlight = new Set<Promise<void>>();
  private closing = false;
  private readonly holdKey = (sid: string) => sessionKeys(this.prefix, sid).hold;
  private readonly lockKey = (sid: string) => sessionKeys(this.prefix, sid).lock;
  private readonly failKey = (sid: string) => sessionKeys(this.prefix, sid).failures;

  constructor(
    private readonly ctx: AppContext,
    private readonly redis: Redis,
    connection: Redis,
    private readonly prefix: string,
    private readonly outbox: OutboxQueue,
    private readonly observer?: OutboxObserver,
    private readonly concurrency = 32,
    private readonly lockMs = 30_000,
  ) {
    this.worker = new Worker(OUTBOX_QUEUE, (job, token) => this.process(job, token), { connection, prefix: queuePrefix(prefix), concurrency });
    this.worker.on('failed', (job, err) => ctx.log.warn({ err, jobId: job?.id, attempts: job?.attemptsMade }, 'outbox drain failed; will retry'));
    this.worker.on('error', (err) => ctx.log.warn({ err }, 'outbox worker error'));
    outbox.local = this;
  }

  /** The fast path after a commit: drain here and now, or leave a job to do it later. */
  drainSoon(sessionId: string): Promise<void> {
    const running = this.active.get(sessionId);
    if (running) {
      running.again = true;
      return Promise.resolve();
    }
    // Past the worker's concurrency, the queue takes the rest: bursts must not starve this process.
    if (this.active.size >= this.concurrency) return this.outbox.enqueue(sessionId, 0);
    const p = this.drainHere(sessionId).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
    return p;
  }

  private async drainHere(sessionId: string): Promise<void> {
    const state = { again: true };
    this.active.set(sessionId, state);
    try {
      while (state.again) {
        state.again = false;
        const outcome = await this.attempt(sessionId);
        if (outcome !== 'done') {
          await this.outbox.enqueue(sessionId, outcome.laterMs);
          break;
        }
      }
    } catch (err) {
      this.ctx.log.warn({ err: (err as Error).message, sessionId }, 'drain failed; the job queue takes over');
      await this.outbox.enqueue(sessionId, 1_000).catch(() => undefined); // else the sweep will
    } finally {
      this.active.delete(sessionId);
    }
  }

  /** The BullMQ path: retries, delayed drains, other instances' kicks. */
  async process(job: Job, token: string | undefined): Promise<void> {
    const { sessionId } = DrainJob.parse(job.data);
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
    // The first read goes with the lock request (one round trip); it is used only if the lock is ours.
    const [got, first] = await Promise.all([
      acquireUnlessHeld(this.redis, this.holdKey(sessionId), this.lockKey(sessionId), lock, this.lockMs),
      this.ctx.store.transcript.pendingEffects(sessionId, BATCH),
    ]);
    if (got > 0) return { laterMs: got + 5 };
    if (got < 0) return { laterMs: jitter(40) };
    let outcome: Outcome;
    try {
      outcome = await this.drain(sessionId, first);
    } catch (err) {
      await releaseLock(this.redis, this.lockKey(sessionId), lock);
      throw err;
    }
    await Promise.all([releaseLock(this.redis, this.lockKey(sessionId), lock), outcome === 'done' ? this.ctx.store.transcript.markClean(sessionId) : undefined]);
    return outcome;
  }

  private async drain(sessionId: string, first: Array<{ id: string; effect: Effect }>): Promise<Outcome> {
    let batch = first;
    while (batch.length > 0) {
      for (const { id, effect } of batch) {
        // Shutting down: finish the effect in hand, leave the rest to the next drainer.
        if (this.closing) return { laterMs: 0 };
        try {
          await deliverEffect(this.ctx, effect);
        } catch (err) {
          const wait = await this.onFailure(sessionId, id, effect, err);
          if (wait !== undefined) return { laterMs: wait + 5 };
          continue;
        }
        await this.ctx.store.transcript.ackEffect(sessionId, id);
        this.observer?.delivered(sessionId, id);
      }
      [, batch] = await Promise.all([this.redis.pexpire(this.lockKey(sessionId), this.lockMs), this.ctx.store.transcript.pendingEffects(sessionId, BATCH)]);
    }
    return 'done';
  }

  /** Puts the session on hold and returns how long, or parks a poison effect and returns undefined. */
  private async onFailure(sessionId: string, id: string, effect: Effect, err: unknown): Promise<number | undefined> {
    this.observer?.failed(sessionId, err);
    const failures = await this.redis.hincrby(this.failKey(sessionId), id, 1);
    await this.redis.pexpire(this.failKey(sessionId), 86_400_000);
    if (!(err instanceof RetryLaterError) && failures >= MAX_FAILURES) {
      // A poison effect must not block the session forever: park it where an operator can see it.
      this.ctx.log.error({ err, sessionId, effect }, 'outbox effect dead-lettered after repeated failures');
      await this.redis.xadd(globalKeys(this.prefix).dead, 'MAXLEN', '~', '10000', '*', 'sessionId', sessionId, 'effect', JSON.stringify(effect), 'error', String(err));
      await this.ctx.store.transcript.ackEffect(sessionId, id);
      return undefined;
    }
    const wait = err instanceof RetryLaterError && err.retryAfterMs !== undefined
      ? err.retryAfterMs
      : jitter(Math.min(30_000, 250 * 2 ** Math.min(failures, 7)));
    // Hold the whole session so every drain of it waits too, keeping the order.
    await this.redis.set(this.holdKey(sessionId), '1', 'PX', Math.max(1, wait));
    this.ctx.log.warn({ err: err instanceof Error ? err.message : String(err), sessionId, waitMs: wait, failures }, 'delivery deferred');
    return wait;
  }

  /** Stops taking jobs and waits for every drain in progress, so nothing is left half sent. */
  async close(): Promise<void> {
    this.closing = true;
    await this.worker.close();
    await Promise.all([...this.inFlight]);
  }
}

/** Re-kicks sessions whose outbox holds effects but whose drain was lost (a crash between write and kick). */
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
