import { type Job, Queue, Worker } from 'bullmq';
import { z } from 'zod';
import type { RedisClient } from '../adapters/redis/connection.js';
import { queuePrefix } from '../adapters/redis/keys.js';
import type { AppContext, Timers } from '../src/app/context.js';
import { expireInvite } from '../src/app/invites.js';
import { idleDue, responseDue } from '../src/app/overdue.js';
import { endUnanswered, escalate } from '../src/app/sessions.js';

export const INVITES_QUEUE = 'invites';
const ExpireJob = z.object({ inviteId: z.string().min(1) });
const UnansweredJob = z.object({ sessionId: z.string().min(1) });
const ResponseJob = z.object({
  sessionId: z.string().min(1),
  stage: z.enum(['warn', 'alert']),
  since: z.string().min(1),
});
const IdleJob = z.object({ sessionId: z.string().min(1), stage: z.enum(['warn', 'end']), after: z.string().min(1) });

/** A job id per invite and per chat: adding it twice is harmless, and cancel finds it. */
const jobId = (inviteId: string): string => `expire-${inviteId}`;
const waitingJobId = (sessionId: string): string => `unanswered-${sessionId}`;
const escalationJobId = (sessionId: string): string => `escalate-${sessionId}`;
const responseJobId = (sessionId: string, stage: 'warn' | 'alert'): string => `respond-${stage}-${sessionId}`;
const idleJobId = (sessionId: string, stage: 'warn' | 'end'): string => `idle-${stage}-${sessionId}`;

const TIMER_OPTIONS = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 200 },
  removeOnComplete: true,
  removeOnFail: 1000,
} as const;

/**
 * Timers as BullMQ delayed jobs, in their own queue so no rate limit delays them: invite
 * expiry, and chats that wait too long (WAITING_TIMEOUT_SECONDS).
 */
export class InviteExpiryQueue implements Timers {
  readonly queue: Queue;

  constructor(connection: RedisClient, prefix: string) {
    this.queue = new Queue(INVITES_QUEUE, { connection, prefix: queuePrefix(prefix) });
    // Connection errors are reported by the connection's owner; reconnects are automatic.
    this.queue.on('error', () => undefined);
  }

  private async add(
    name: 'expire' | 'unanswered' | 'escalate' | 'respond' | 'idle',
    data: Record<string, string>,
    id: string,
    at: number,
  ): Promise<void> {
    await this.queue.add(name, data, { ...TIMER_OPTIONS, jobId: id, delay: Math.max(0, at - Date.now()) });
  }

  private async drop(id: string): Promise<void> {
    // A job that is already running cannot be removed; its handler finds the work done.
    await this.queue.remove(id).catch(() => 0);
  }

  schedule(inviteId: string, at: number): Promise<void> {
    return this.add('expire', { inviteId }, jobId(inviteId), at);
  }

  cancel(inviteId: string): Promise<void> {
    return this.drop(jobId(inviteId));
  }

  scheduleUnanswered(sessionId: string, at: number): Promise<void> {
    return this.add('unanswered', { sessionId }, waitingJobId(sessionId), at);
  }

  cancelUnanswered(sessionId: string): Promise<void> {
    return this.drop(waitingJobId(sessionId));
  }

  scheduleEscalation(sessionId: string, at: number): Promise<void> {
    return this.add('escalate', { sessionId }, escalationJobId(sessionId), at);
  }

  cancelEscalation(sessionId: string): Promise<void> {
    return this.drop(escalationJobId(sessionId));
  }

  scheduleResponse(sessionId: string, stage: 'warn' | 'alert', since: string, at: number): Promise<void> {
    return this.add('respond', { sessionId, stage, since }, responseJobId(sessionId, stage), at);
  }

  async cancelResponse(sessionId: string): Promise<void> {
    await Promise.all([this.drop(responseJobId(sessionId, 'warn')), this.drop(responseJobId(sessionId, 'alert'))]);
  }

  async scheduleIdle(sessionId: string, stage: 'warn' | 'end', after: string, at: number): Promise<void> {
    // A later reply moves the timer: the earlier one goes (a job id is taken while its job exists).
    await this.drop(idleJobId(sessionId, stage));
    await this.add('idle', { sessionId, stage, after }, idleJobId(sessionId, stage), at);
  }

  async cancelIdle(sessionId: string): Promise<void> {
    await Promise.all([this.drop(idleJobId(sessionId, 'warn')), this.drop(idleJobId(sessionId, 'end'))]);
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

export interface ExpiryObserver {
  expired(inviteId: string, latenessMs: number): void;
}

export function startInviteExpiryWorker(
  ctx: AppContext,
  connection: RedisClient,
  prefix: string,
  observer?: ExpiryObserver,
  concurrency = 50,
): Worker {
  const worker = new Worker(
    INVITES_QUEUE,
    async (job: Job) => {
      if (job.name === 'unanswered') return endUnanswered(ctx, UnansweredJob.parse(job.data).sessionId);
      if (job.name === 'escalate') return escalate(ctx, UnansweredJob.parse(job.data).sessionId);
      if (job.name === 'respond') {
        const j = ResponseJob.parse(job.data);
        return responseDue(ctx, j.sessionId, j.stage, j.since);
      }
      if (job.name === 'idle') {
        const j = IdleJob.parse(job.data);
        return idleDue(ctx, j.sessionId, j.stage, j.after);
      }
      const { inviteId } = ExpireJob.parse(job.data);
      const expired = await expireInvite(ctx, inviteId);
      if (expired) observer?.expired(inviteId, Date.now() - (job.timestamp + (job.opts.delay ?? 0)));
      return expired;
    },
    { connection, prefix: queuePrefix(prefix), concurrency },
  );
  worker.on('failed', (job, err) => ctx.log.error({ err, jobId: job?.id }, 'invite expiry job failed'));
  worker.on('error', (err) => ctx.log.warn({ err }, 'invite worker error'));
  return worker;
}
