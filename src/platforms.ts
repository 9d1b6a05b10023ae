import type { Logger } from 'pino';
import type { Env } from './config.js';
import type { PlatformFactory } from './service.js';

/** The platforms the environment enables. Adapters are loaded only when configured. */
export async function platformFactories(env: Env, log: Logger): Promise<PlatformFactory[]> {
  const out: PlatformFactory[] = [];
  void env;
  void log;
  return out;
}
