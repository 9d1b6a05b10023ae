import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordingPlatform } from '../../adapters/recording/platform.js';
import type { RedisClient } from '../../adapters/redis/connection.js';
import { RedisDeliveries } from '../../adapters/redis/deliveries.js';
import { queuedOf, type StreamItem } from '../../adapters/redis/deliveryScripts.js';
import { destKeys, globalKeys } from '../../adapters/redis/keys.js';
import { Engine } from '../../src/app/delivery/engine.js';
import type { DeliveryStore } from '../../src/app/delivery/store.js';
import { cardDelivery } from '../support/fixtures.js';
import { cleanup, uniquePrefix, waitFor } from '../support/harness.js';
import { testRedis } from '../support/redis.js';

/**
 * The sweepers' list against a real Redis: a fresh claim's drainer is on it only through its
 * instance's entry until its first renewal, and is still taken over when that instance dies.
 */
let redis: RedisClient | undefined;
const engines: Engine[] = [];
let prefix = '';
afterEach(async () => {
  await Promise.all(engines.map((e) => e.close()));
  engines.length = 0;
  await redis?.quit();
  await cleanup(prefix);
  redis = undefined;
});

const hooks = { rootPosted: async () => undefined, unreachable: async () => undefined };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the sweepers’ list', () => {
  it('takes over a destination whose fresh drainer died before listing it, through its instance’s entry, within 2.5 s', async () => {
    prefix = uniquePrefix();
    redis = await testRedis();
    const real = new RedisDeliveries(redis, prefix);
    const active = globalKeys(prefix).active;
    const dest = 'recording:agent:carol';

    // The live instance sweeps; its start-up scans (at once, and a lease later) are over before the claim.
    const live = new RecordingPlatform();
    const b = new Engine(real, [live], hooks, pino({ level: 'silent' }));
    engines.push(b);
    await b.run();
    await sleep(2_200);

    // The instance that dies: from `dead` on, nothing it asks of Redis gets there (a process killed).
    let dead = false;
    const store = new Proxy(real, {
      get: (t, k) => {
        const v = Reflect.get(t, k) as unknown;
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => (dead ? new Promise(() => undefined) : v.apply(t, args));
      },
    }) as DeliveryStore;
    const hanging = new RecordingPlatform();
    hanging.postTop = () => new Promise(() => undefined); // it dies mid-post
    const a = new Engine(store, [hanging], hooks, pino({ level: 'silent' }));
    await a.run();
    await waitFor(async () => (await redis!.zscore(active, a.self)) !== null, 3000, 'the instance on the list');
    // A fresh claim (as a commit makes it): the lease is A's, the card the queue's only entry.
    expect((await real.enqueue(dest, [cardDelivery('c1', 'the card')], a.owner)).claimed).toBe(true);
    const queued = ((await redis.xrange(destKeys(prefix, dest).queue, '-', '+')) as StreamItem[]).map(queuedOf);
    a.started([{ dest, queued, markedAt: undefined }]);
    dead = true;
    const diedAt = Date.now();

    // The young drainer never listed its destination: only the instance's entry stands for it.
    expect(await redis.zscore(active, dest)).toBeNull();
    await waitFor(
      () => live.of('send').some((c) => c.text === 'the card'),
      5_000,
      'the card sent by the live instance',
    );
    expect(Date.now() - diedAt).toBeLessThan(2_500 + 700);
    // Its entry is gone with it; the destination's is the live drainer's, and goes when it lets go.
    await waitFor(async () => (await redis!.zscore(active, a.self)) === null, 3000, 'the dead instance off the list');
  }, 15_000);

  it('a fresh claim’s drainer that finishes at once writes nothing to the list, and a closed instance takes its entry off', async () => {
    prefix = uniquePrefix();
    redis = await testRedis();
    const real = new RedisDeliveries(redis, prefix);
    const active = globalKeys(prefix).active;
    const platform = new RecordingPlatform();
    const e = new Engine(real, [platform], hooks, pino({ level: 'silent' }));
    engines.push(e);
    await e.run();
    await waitFor(async () => (await redis!.zscore(active, e.self)) !== null, 3000, 'the instance on the list');
    const dest = 'recording:agent:dan';
    const writes: string[] = [];
    const watch = real.watch.bind(real);
    real.watch = async (d, score) => {
      writes.push(d);
      return watch(d, score);
    };
    expect((await real.enqueue(dest, [cardDelivery('c2', 'quick')], e.owner)).claimed).toBe(true);
    const queued = ((await redis.xrange(destKeys(prefix, dest).queue, '-', '+')) as StreamItem[]).map(queuedOf);
    e.started([{ dest, queued, markedAt: undefined }]);
    await waitFor(async () => (await redis!.exists(destKeys(prefix, dest).lease)) === 0, 3000, 'released');
    expect(platform.of('send').map((c) => c.text)).toEqual(['quick']);
    expect(writes.filter((d) => d === dest)).toEqual([]);
    await e.close();
    engines.length = 0;
    expect(await redis.zscore(active, e.self)).toBeNull();
  });
});
