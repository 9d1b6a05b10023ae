import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordingPlatform } from '../../adapters/recording/platform.js';
import type { RedisClient } from '../../adapters/redis/connection.js';
import { RedisDeliveries } from '../../adapters/redis/deliveries.js';
import { Engine } from '../../src/app/delivery/engine.js';
import { cardDelivery } from '../support/fixtures.js';
import { cleanup, uniquePrefix, waitFor } from '../support/harness.js';
import { testRedis } from '../support/redis.js';

/** The engine's shutdown against a real Redis: each drainer finishes what it holds and hands over, promptly. */
let redis: RedisClient | undefined;
let prefix = '';
afterEach(async () => {
  await redis?.quit();
  await cleanup(prefix);
  redis = undefined;
});

describe('the delivery engine, stopping', () => {
  it('is not held up by the backoff of a post’s follow-up that keeps failing: its tries go quickly, then it is given up', async () => {
    prefix = uniquePrefix();
    redis = await testRedis();
    const platform = new RecordingPlatform();
    let tries = 0;
    const engine = new Engine(
      new RedisDeliveries(redis, prefix),
      [platform],
      {
        rootPosted: async () => {
          tries++;
          throw new Error('the store is refusing');
        },
        unreachable: async () => undefined,
      },
      pino({ level: 'silent' }),
    );
    const dest = 'recording:agent:carol';
    await engine.enqueue(dest, [{ ...cardDelivery('root1', 'a root'), mirror: 'm1' }]);
    // Posted, and its follow-up failed twice: the drainer is in its backoff (the next wait is 0.5 s, then 1 s, 2 s …).
    await waitFor(() => tries >= 2, 5000, 'the follow-up retried');
    expect(platform.of('send').map((c) => c.text)).toEqual(['a root']);
    const asked = Date.now();
    await engine.close();
    expect(Date.now() - asked).toBeLessThan(2_000);
    expect(tries).toBe(8);
  });
});
