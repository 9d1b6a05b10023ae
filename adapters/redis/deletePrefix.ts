import { Redis } from 'ioredis';

/** Deletes every key of a deployment prefix (SCAN + UNLINK, never KEYS): tests, benchmarks, decommissioning. */
export async function deletePrefix(url: string, prefix: string): Promise<void> {
  const r = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await r.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    await r.quit();
  }
}
