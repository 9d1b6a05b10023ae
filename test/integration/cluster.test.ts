import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, isCluster, masters, probe, type RedisClient } from '../../adapters/redis/connection.js';
import { destKeys, sessionKeys } from '../../adapters/redis/keys.js';
import {
  type Harness,
  json,
  REDIS_CLUSTER_NODES,
  REDIS_TARGET,
  readyz,
  startHarness,
  waitFor,
} from '../support/harness.js';
import { keysMatching, testRedis } from '../support/redis.js';

/** What only a cluster can show: the client kind, readiness, and the slot layout. Runs in `npm run test:cluster`. */
describe.runIf(REDIS_CLUSTER_NODES)('on a Redis Cluster', () => {
  let h: Harness;
  let redis: RedisClient;
  beforeAll(async () => {
    h = await startHarness();
    redis = await testRedis();
  });
  afterAll(async () => {
    await redis.quit();
    await h.stop();
  });

  it('talks to it as a cluster, and /readyz checks cluster_state', async () => {
    expect(isCluster(h.service.redis)).toBe(true);
    // Ready once every master and BullMQ's connection answer and the workers run: a moment after start.
    const ready = await readyz(h.url);
    expect(ready.body.checks).toMatchObject({ redis: 'ok', queues: 'ok' });
  });

  it('counts a master this client has not used yet as reachable: the probe opens it', async () => {
    // BullMQ's keys share one slot, so its connection may never have talked to the other masters.
    const lone = connect(REDIS_TARGET, 'queues');
    try {
      if (lone.status !== 'ready') await new Promise((resolve) => lone.once('ready', resolve));
      await lone.set(`${h.prefix}:{lone}:k`, '1', 'PX', 10_000);
      expect(masters(lone).some((n) => n.status === 'wait')).toBe(true);
      expect(await probe(lone, 2000)).toBe('ok');
      expect(masters(lone).every((n) => n.status === 'ready')).toBe(true);
    } finally {
      lone.disconnect();
    }
  });

  it("keeps a chat's keys, and its channel's queue, in one slot; BullMQ's keys in another", async () => {
    const created = await json(`${h.url}/api/v1/sessions`, {
      method: 'POST',
      body: { queue: 'it-support', user: { name: 'Zed' }, text: 'hi' },
    });
    const id = created.body.session.id as string;
    await waitFor(() => h.recording.of('post').length > 0, 5000, 'the first line');
    const slotOf = async (key: string) => Number(await redis.cluster('KEYSLOT', key));
    const k = sessionKeys(h.prefix, id);
    const slots = new Set(await Promise.all([k.session, k.members, k.transcript, k.outbox, k.events].map(slotOf)));
    expect(slots.size).toBe(1);
    expect(await slotOf(destKeys(h.prefix, 'recording:channel:it-support').queue)).toBe([...slots][0]);
    const bull = await keysMatching(redis, `${h.prefix}:{q}:*`);
    expect(bull.length).toBeGreaterThan(0);
    expect(new Set(await Promise.all(bull.map(slotOf))).size).toBe(1);
  });
});
