import { type Job, Queue } from 'bullmq';
import type { Logger } from 'pino';
import { isCluster, type RedisClient } from '../adapters/redis/connection.js';
import { legacyQueuePrefix } from '../adapters/redis/keys.js';

/** What a job still to run looks like under the old prefix. */
const WAITING_STATES = ['delayed', 'waiting', 'prioritized', 'paused', 'waiting-children'] as const;

/**
 * Moves the jobs of a deployment from before BullMQ's prefix had a hash tag (`prefix:q`) to
 * the new one (`prefix:{q}`): each job still to run is added to the new queue with its id, its
 * data and the time it was due, then removed from the old. Ids make a repeat harmless, so an
 * instance that dies half-way leaves nothing orphaned: the next start carries on. Jobs running
 * under an older instance finish there. On a cluster there is nothing to move (the old layout
 * could not run there).
 */
export async function migrateQueues(
  connection: RedisClient,
  prefix: string,
  queues: ReadonlyArray<Queue>,
  log: Logger,
): Promise<number> {
  if (isCluster(connection)) return 0;
  let moved = 0;
  for (const target of queues) {
    const legacy = new Queue(target.name, { connection, prefix: legacyQueuePrefix(prefix) });
    legacy.on('error', () => undefined);
    try {
      if ((await legacy.getJobCountByTypes(...WAITING_STATES)) === 0) continue;
      for (const job of await legacy.getJobs([...WAITING_STATES], 0, -1)) {
        // A job an old instance picked up meanwhile finishes there.
        moved += await move(job, target).catch((err: Error) => {
          log.warn(
            { queue: target.name, job: job.id, err: err.message },
            'could not move a job from the old queue prefix',
          );
          return 0;
        });
      }
      log.info({ queue: target.name, moved }, 'moved jobs from the old queue prefix');
    } finally {
      await legacy.close();
    }
  }
  return moved;
}

async function move(job: Job, target: Queue): Promise<number> {
  const dueAt = job.timestamp + (job.opts.delay ?? 0);
  const { delay: _delay, jobId: _jobId, repeat: _repeat, ...opts } = job.opts;
  await target.add(job.name, job.data, {
    ...opts,
    ...(job.id ? { jobId: job.id } : {}),
    delay: Math.max(0, dueAt - Date.now()),
  });
  await job.remove();
  return 1;
}
