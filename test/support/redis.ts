import { connect, type RedisClient, scanKeys } from '../../adapters/redis/connection.js';
import { REDIS_TARGET } from './harness.js';

/** A connection to the test Redis (a cluster when REDIS_CLUSTER_NODES is set), ready. */
export async function testRedis(): Promise<RedisClient> {
  const r = connect(REDIS_TARGET, 'store');
  if (r.status !== 'ready') await new Promise((resolve) => r.once('ready', resolve));
  return r;
}

/** Every key matching `pattern`, on every master. */
export async function keysMatching(r: RedisClient, pattern: string): Promise<string[]> {
  const out: string[] = [];
  await scanKeys(r, pattern, async (keys) => {
    out.push(...keys);
  });
  return out;
}
