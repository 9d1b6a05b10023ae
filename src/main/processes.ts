import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';

/**
 * One process per core (WEB_CONCURRENCY): the primary forks the workers, which share the
 * listening socket, and hands them the signals. Each worker is a whole instance; instances
 * already share everything through Redis, so N processes behave as N instances would.
 */
export function superviseWorkers(count: number, log: Logger): void {
  let stopping = false;
  const restarts: number[] = [];
  const fork = (): Worker => cluster.fork();
  for (let i = 0; i < count; i++) fork();

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    // A crashed worker is replaced, but not in a tight loop: at most 5 restarts a minute.
    const now = Date.now();
    while (restarts.length > 0 && restarts[0]! < now - 60_000) restarts.shift();
    if (code === 78) {
      log.fatal({ pid: worker.process.pid }, 'a worker refused its configuration; stopping');
      process.exit(1);
    }
    if (restarts.length >= 5) {
      log.fatal({ pid: worker.process.pid, code, signal }, 'workers keep crashing; stopping');
      process.exit(1);
    }
    restarts.push(now);
    log.warn({ pid: worker.process.pid, code, signal }, 'a worker stopped; starting another');
    fork();
  });

  const forward = (signal: NodeJS.Signals) => () => {
    if (signal !== 'SIGHUP') {
      if (stopping) return;
      stopping = true;
    }
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  process.on('SIGHUP', forward('SIGHUP'));
  process.on('SIGTERM', forward('SIGTERM'));
  process.on('SIGINT', forward('SIGINT'));
  log.info({ processes: count }, 'switchboard starting one process per core');
}
