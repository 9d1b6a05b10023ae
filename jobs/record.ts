import { Queue, Worker } from 'bullmq';
import { z } from 'zod';
import type { RedisClient } from '../adapters/redis/connection.js';
import { queuePrefix } from '../adapters/redis/keys.js';
import type { AppContext, RecordJobs } from '../src/app/context.js';
import { runErasure } from '../src/app/record/erasure.js';
import { expireRecord } from '../src/app/record/retention.js';

export const RECORD_QUEUE = 'record';
/** When the retention sweep runs (cron, UTC): once a day, at a quiet hour. */
export const RETENTION_AT = '17 3 * * *';
const EraseJob = z.object({ erasureId: z.string().min(1) });

/**
 * The record's jobs: the daily retention sweep (a BullMQ job scheduler: one schedule for all
 * instances) and erasures (one job each, its id from the erasure's, so asking twice runs once).
 */
export class RecordQueue implements RecordJobs {
  readonly queue: Queue;
  constructor(connection: RedisClient, prefix: string) {
    this.queue = new Queue(RECORD_QUEUE, { connection, prefix: queuePrefix(prefix) });
    // Connection errors are reported by the connection's owner; reconnects are automatic.
    this.queue.on('error', () => undefined);
  }

  async erase(erasureId: string): Promise<void> {
    await this.queue.add(
      'erase',
      { erasureId },
      {
        jobId: `erase-${erasureId}`,
        attempts: 10,
        backoff: { type: 'exponential', delay: 5_000 },
        removeOnComplete: 1000,
        removeOnFail: 1000,
      },
    );
  }

  /** Daily at 03:17 UTC (not at every start); making it again changes nothing. */
  async scheduleRetention(): Promise<void> {
    await this.queue.upsertJobScheduler(
      'retention',
      { pattern: RETENTION_AT, tz: 'UTC' },
      {
        name: 'retention',
        opts: { attempts: 5, backoff: { type: 'exponential', delay: 60_000 }, removeOnComplete: 10, removeOnFail: 100 },
      },
    );
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

export function startRecordWorker(
  ctx: AppContext,
  connection: RedisClient,
  prefix: string,
  retentionDays: number,
): Worker {
  const worker = new Worker(
    RECORD_QUEUE,
    async (job) => {
      if (job.name === 'retention') return expireRecord(ctx, retentionDays);
      return runErasure(ctx, EraseJob.parse(job.data).erasureId);
    },
    { connection, prefix: queuePrefix(prefix), concurrency: 1 },
  );
  worker.on('failed', (job, err) =>
    ctx.log.warn(
      { err: err.message, job: job?.name, attempts: job?.attemptsMade },
      'record job failed; it is tried again',
    ),
  );
  worker.on('error', (err) => ctx.log.warn({ err }, 'record worker error'));
  return worker;
}
