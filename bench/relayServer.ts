/**
 * The system under test, in its own process: the real service (buildService; ROLE from BENCH_ROLE, default all)
 * with the HTTP platform pointed at the bench's sink. Settings from the environment:
 * BENCH_SINK_URL, BENCH_REDIS_URL (the bench's private Redis), BENCH_CHANNELS (the
 * queue's pool of destinations), BENCH_PACE (`perSecond,burst` per destination; none: unpaced),
 * BENCH_RECORD (where the record is, as JSON: {"dataDir"} or {"databaseUrl"}; none: no record).
 */
import { pino } from 'pino';
import type { RecordTarget } from '../adapters/postgres/index.js';
import { loadEnv, parseDirectory } from '../src/main/config.js';
import { DIRECTORY_SECTIONS } from '../src/main/platforms.js';
import { buildService } from '../src/main/service.js';
import { HttpPlatform } from './httpPlatform.js';
import { serveChild } from './util.js';

const sink = new URL(process.env.BENCH_SINK_URL ?? 'http://127.0.0.1:1');
const [perSecond = 100_000, burst = 100_000] = (process.env.BENCH_PACE ?? '').split(',').filter(Boolean).map(Number);
const env = loadEnv({
  REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  REDIS_PREFIX: 'bench',
  LOG_LEVEL: 'silent',
  ROLE: process.env.BENCH_ROLE ?? 'all',
  PORT: '0',
  HOST: '127.0.0.1',
  SESSION_CREATE_LIMIT: '0',
  SESSION_CREATE_QUEUE_LIMIT: '0',
});
const directory = parseDirectory(
  JSON.stringify({ queues: [{ id: 'bench', name: 'Bench' }], agents: [] }),
  'bench.json',
  DIRECTORY_SECTIONS,
);
const platform = new HttpPlatform(sink, Number(process.env.BENCH_CHANNELS ?? 1), { perSecond, burst });
const record = process.env.BENCH_RECORD ? (JSON.parse(process.env.BENCH_RECORD) as RecordTarget) : false;
const service = await buildService({
  env,
  directory,
  logger: pino({ level: 'silent' }),
  platforms: [() => ({ platform })],
  record,
});
serveChild(await service.listen(0, '127.0.0.1'));

process.once('SIGTERM', () => {
  void service.stop().finally(() => process.exit(0));
});
