import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordingPlatform } from '../../adapters/recording/platform.js';
import type { RedisClient } from '../../adapters/redis/connection.js';
import { RedisDeliveries } from '../../adapters/redis/deliveries.js';
import { Engine } from '../../src/app/delivery/engine.js';
import type { DeliveryStore } from '../../src/app/delivery/store.js';
import { cardDelivery } from '../support/fixtures.js';
import { cleanup, uniquePrefix, waitFor } from '../support/harness.js';
import { testRedis } from '../support/redis.js';

/** The engine's claims against a real Redis, with no sweeper or backstop running: nothing but the claim starts a drainer. */
let redis: RedisClient | undefined;
let engine: Engine | undefined;
let prefix = '';
afterEach(async () => {
  await engine?.close();
  await redis?.quit();
  await cleanup(prefix);
  engine = undefined;
  redis = undefined;
});

describe('the delivery engine, claiming', () => {
  it('drains what is claimed while its drainer here is letting go (its release done in Redis, the answer not yet back)', async () => {
    prefix = uniquePrefix();
    redis = await testRedis();
    const real = new RedisDeliveries(redis, prefix);
    // The release's answer is held back a moment, as a busy event loop or a slow link can.
    let releasing: (() => void) | undefined;
    const released = new Promise<void>((r) => (releasing = r));
    const slowAck: DeliveryStore['ack'] = async (...args) => {
      const r = await real.ack(...args);
      if (r.released && releasing) {
        releasing();
        releasing = undefined;
        await new Promise((w) => setTimeout(w, 300));
      }
      return r;
    };
    const store = new Proxy(real, {
      get: (t, k) => (k === 'ack' ? slowAck : (Reflect.get(t, k) as unknown)),
    }) as DeliveryStore;
    const platform = new RecordingPlatform();
    engine = new Engine(
      store,
      [platform],
      { rootPosted: async () => undefined, unreachable: async () => undefined },
      pino({ level: 'silent' }),
    );
    const dest = 'recording:agent:carol';

    await engine.enqueue(dest, [cardDelivery('one', 'first card')]);
    await released;
    await engine.enqueue(dest, [cardDelivery('two', 'second card')]); // claims: the lease is free in Redis
    await waitFor(() => platform.of('send').some((c) => c.text === 'second card'), 3000, 'the second card');
    expect(platform.of('send').map((c) => c.text)).toEqual(['first card', 'second card']);
  });
});
