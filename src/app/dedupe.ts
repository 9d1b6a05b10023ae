import type { AppContext } from './context.js';

/**
 * Platforms deliver again what they think was missed (webhook retries, re-deliveries).
 * The first delivery of a key runs the work; repeats within `ttlSeconds` are dropped. When
 * the work fails, the claim is given back, so the platform's next try is processed.
 */
export async function once<T>(
  ctx: AppContext,
  key: string,
  ttlSeconds: number,
  work: () => Promise<T>,
): Promise<T | undefined> {
  if (!(await ctx.store.links.claimOnce(key, ttlSeconds))) return undefined;
  try {
    return await work();
  } catch (err) {
    await ctx.store.links.releaseClaim(key).catch(() => undefined);
    throw err;
  }
}
