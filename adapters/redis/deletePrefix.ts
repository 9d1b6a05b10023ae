import { connect, isCluster, type RedisTarget, scanKeys } from './connection.js';

/**
 * Deletes every key of a deployment prefix (SCAN + UNLINK on every master, never KEYS):
 * tests, benchmarks, decommissioning.
 */
export async function deletePrefix(target: RedisTarget | string, prefix: string): Promise<void> {
  const r = connect(typeof target === 'string' ? { url: target } : target, 'store', { enableAutoPipelining: false });
  try {
    if (isCluster(r))
      await new Promise((resolve, reject) => {
        r.once('ready', resolve);
        r.once('error', reject);
      });
    // One key per UNLINK: on a cluster, keys of one node may still sit in different slots.
    await scanKeys(r, `${prefix}:*`, async (keys, node) => {
      await Promise.all(keys.map((k) => node.unlink(k)));
    });
  } finally {
    await r.quit();
  }
}
