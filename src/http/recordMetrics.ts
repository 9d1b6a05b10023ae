import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ArchiveObserver } from '../app/record/archiver.js';

/**
 * The record's metrics (README "The record"): how long after its commit an entry reached the
 * database, archive passes that failed, and how many chats wait to be archived.
 */
export function recordMetrics(registry: Registry, backlog: () => Promise<number>): ArchiveObserver {
  const lag = new Histogram({
    name: 'switchboard_archive_lag_seconds',
    help: "From an entry's commit in Redis to its row in the record",
    buckets: [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 5, 7.5, 10, 30, 60, 300],
    registers: [registry],
  });
  const failures = new Counter({
    name: 'switchboard_archive_failures_total',
    help: 'Archive passes that failed (the database is down or refused) and will be retried',
    registers: [registry],
  });
  new Gauge({
    name: 'switchboard_archive_backlog',
    help: 'Chats with changes not yet in the record',
    registers: [registry],
    async collect() {
      this.set(await backlog().catch(() => -1));
    },
  });
  return {
    archived(lagsMs) {
      for (const ms of lagsMs) lag.observe(ms / 1000);
    },
    failed() {
      failures.inc();
    },
  };
}
