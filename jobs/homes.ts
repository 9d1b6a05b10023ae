import { Queue, Worker } from 'bullmq';
import { z } from 'zod';
import type { RedisClient } from '../adapters/redis/connection.js';
import { queuePrefix } from '../adapters/redis/keys.js';
import type { AppContext, HomeRefresher } from '../src/app/context.js';
import { publishHomes } from '../src/app/delivery/planner.js';

export const HOMES_QUEUE = 'homes';
const WINDOW_MS = 500;
const HomeJob = z.object({ agentId: z.string().min(1) });

/**
 * Agents' homes are republished off the session outbox, coalesced: one job per agent per
 * half-second window (the job id), so a burst of changes costs one publish and a slow
 * platform never holds up message delivery.
 */
export class HomeQueue implements HomeRefresher {
  readonly queue: Queue;
  constructor(connection: RedisClient, prefix: string) {
    this.queue = new Queue(HOMES_QUEUE, { connection, prefix: queuePrefix(prefix) });
    // Connection errors are reported by the connection's owner; reconnects are automatic.
    this.queue.on('error', () => undefined);
  }
  async refresh(agentIds: string[]): Promise<void> {
    const slot = Math.floor(Date.now() / WINDOW_MS) + 1;
    await Promise.all(
      [...new Set(agentIds)].map((agentId) =>
        this.queue.add(
          'publish',
          { agentId },
          {
            jobId: `home-${agentId}-${slot}`,
            delay: slot * WINDOW_MS - Date.now(),
            removeOnComplete: true,
            removeOnFail: 100,
            attempts: 3,
            backoff: { type: 'exponential', delay: 1000 },
          },
        ),
      ),
    );
  }
  close(): Promise<void> {
    return this.queue.close();
  }
}

export function startHomeWorker(ctx: AppContext, connection: RedisClient, prefix: string): Worker {
  const worker = new Worker(
    HOMES_QUEUE,
    async (job) => {
      const { agentId } = HomeJob.parse(job.data);
      const agent = ctx.directory.get().agent(agentId);
      if (agent) await publishHomes(ctx, [agent]);
    },
    { connection, prefix: queuePrefix(prefix), concurrency: 8 },
  );
  worker.on('error', (err) => ctx.log.warn({ err }, 'home worker error'));
  return worker;
}
