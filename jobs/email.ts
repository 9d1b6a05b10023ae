import { Queue, Worker } from 'bullmq';
import { z } from 'zod';
import type { RedisClient } from '../adapters/redis/connection.js';
import { queuePrefix } from '../adapters/redis/keys.js';
import type { AppContext } from '../src/app/context.js';
import { sendContinuation } from '../src/app/endUsers/continuation.js';
import type { EmailJobs } from '../src/app/endUsers/port.js';

export const EMAIL_QUEUE = 'email';
const EmailJob = z.object({ sessionId: z.string().min(1) });

/**
 * Continuation emails as BullMQ delayed jobs (they survive restarts). A job per chat and
 * second: asking again for the same moment adds nothing; the handler decides whether to send.
 */
export class EmailQueue implements EmailJobs {
  readonly queue: Queue;

  constructor(connection: RedisClient, prefix: string) {
    this.queue = new Queue(EMAIL_QUEUE, { connection, prefix: queuePrefix(prefix) });
    // Connection errors are reported by the connection's owner; reconnects are automatic.
    this.queue.on('error', () => undefined);
  }

  async schedule(sessionId: string, at: number): Promise<void> {
    const second = Math.ceil(at / 1000);
    await this.queue.add(
      'continue',
      { sessionId },
      {
        jobId: `email-${sessionId}-${second}`,
        delay: Math.max(0, second * 1000 - Date.now()),
        attempts: 8,
        backoff: { type: 'exponential', delay: 5_000 },
        removeOnComplete: true,
        removeOnFail: 1000,
      },
    );
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

export function startEmailWorker(ctx: AppContext, connection: RedisClient, prefix: string): Worker {
  const worker = new Worker(
    EMAIL_QUEUE,
    async (job) => {
      const outcome = await sendContinuation(ctx, EmailJob.parse(job.data).sessionId);
      ctx.metrics.emailed?.(outcome);
      return outcome;
    },
    { connection, prefix: queuePrefix(prefix), concurrency: 5 },
  );
  worker.on('failed', (job, err) =>
    ctx.log.warn({ err: err.message, attempts: job?.attemptsMade }, 'email job failed; it is tried again'),
  );
  worker.on('error', (err) => ctx.log.warn({ err }, 'email worker error'));
  return worker;
}
