import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import { RecordingPlatform } from '../../adapters/recording/platform.js';
import type { PlatformFactory } from '../app/platformKit/module.js';
import { ConfigError, loadDirectory, loadEnv } from './config.js';
import { createLogger } from './log.js';
import { DIRECTORY_SECTIONS, platformFactories } from './platforms.js';
import { superviseWorkers } from './processes.js';
import { buildService } from './service.js';

async function main() {
  // A local .env, if there is one, fills what the environment leaves unset (Node's own parser).
  if (existsSync('.env')) process.loadEnvFile('.env');
  const env = loadEnv();
  const log = createLogger(env.LOG_LEVEL);
  if (cluster.isPrimary && env.processes > 1) return superviseWorkers(env.processes, log);
  const directory = await loadDirectory(env.DIRECTORY_FILE, DIRECTORY_SECTIONS);
  const factories: PlatformFactory[] = await platformFactories(env, log);
  if (factories.length === 0) {
    log.warn(
      'neither Slack nor Teams is configured: chats are kept by an in-memory recording platform; use the API (X-API-Key) to act as an agent',
    );
    factories.push(() => ({ platform: new RecordingPlatform() }));
  }
  const service = await buildService({ env, directory, platforms: factories, logger: log });
  const url = await service.listen();
  log.info(
    {
      url,
      role: env.ROLE,
      publicUrl: env.PUBLIC_URL,
      queues: directory.queues.length,
      agents: directory.agents.length,
    },
    'switchboard listening',
  );

  process.on('SIGHUP', () => {
    loadDirectory(env.DIRECTORY_FILE, DIRECTORY_SECTIONS).then(
      (next) => {
        service.reloadDirectory(next);
        log.info({ queues: next.queues.length, agents: next.agents.length }, 'directory reloaded');
      },
      (err: Error) => log.error({ err: err.message }, 'directory reload refused; keeping the current one'),
    );
  });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing running jobs');
    const force = setTimeout(() => process.exit(1), 25_000);
    force.unref();
    service.stop().then(
      () => process.exit(0),
      (err: Error) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(`switchboard: ${err.message}`);
    // 78 (EX_CONFIG): a supervising primary stops instead of restarting a worker that cannot start.
    process.exit(cluster.isWorker ? 78 : 1);
  }
  console.error('switchboard failed to start:', err);
  process.exit(1);
});
