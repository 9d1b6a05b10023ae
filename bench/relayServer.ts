/**
 * The system under test for the relay bench, in its own process: the real service
 * (buildService, ROLE=all) with the HTTP platform pointed at the bench's fake endpoint.
 * Prints `READY <url>` once listening; stops cleanly on SIGTERM.
 */
import { pino } from 'pino';
import { loadEnv, parseDirectory } from '../src/config.js';
import { buildService } from '../src/service.js';
import { HttpPlatform } from './httpPlatform.js';
import { REDIS_URL } from './util.js';

const sink = new URL(process.env.BENCH_SINK_URL ?? 'http://127.0.0.1:1');
const env = loadEnv({
  REDIS_URL, REDIS_PREFIX: process.env.BENCH_PREFIX ?? 'bench', LOG_LEVEL: 'silent', ROLE: 'all', PORT: '0', HOST: '127.0.0.1',
  SESSION_CREATE_LIMIT: '0', SESSION_CREATE_QUEUE_LIMIT: '0',
});
const directory = parseDirectory(JSON.stringify({ queues: [{ id: 'bench', name: 'Bench' }], agents: [] }), 'bench.json');
const service = await buildService({
  env, directory, logger: pino({ level: 'silent' }),
  platforms: [() => ({ platform: new HttpPlatform(sink) })],
  outboxConcurrency: Number(process.env.BENCH_OUTBOX_CONCURRENCY ?? 64),
});
const url = await service.listen(0, '127.0.0.1');
process.stdout.write(`READY ${url}\n`);

process.once('SIGTERM', () => {
  void service.stop().finally(() => process.exit(0));
});
