import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sessions from '../../src/app/sessions.js';
import { type Harness, startHarness, waitFor } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
const channels = async () => (await h.service.redis.pubsub('CHANNELS', `${h.prefix}:*`)) as string[];

/** Opens a chat's event stream and cuts it `afterMs` later: before, during or after its set-up. */
function cutStream(url: string, afterMs: number): Promise<void> {
  return new Promise((resolve) => {
    const req = request(url);
    req.on('error', () => resolve());
    req.on('response', (res) => res.on('error', () => undefined));
    req.on('close', () => resolve());
    req.end();
    setTimeout(() => req.destroy(), afterMs);
  });
}

describe('event streams cut at any moment', () => {
  it('two storms of 2,000 streams cut during their set-up leave no timer, listener or subscription', async () => {
    const chats = await Promise.all(
      Array.from({ length: 200 }, () =>
        sessions.createSession(h.service.ctx, { queueId: 'it-support', user: { name: 'Zed' } }),
      ),
    );
    // Settle what the chats' creation started (deliveries, homes) before counting.
    await new Promise((r) => setTimeout(r, 1_500));
    const before = timers();
    expect(await channels()).toEqual([]);
    for (let storm = 0; storm < 2; storm++) {
      for (let batch = 0; batch < 20; batch++) {
        await Promise.all(
          Array.from({ length: 100 }, (_, i) => {
            const c = chats[(batch * 100 + i) % chats.length]!;
            return cutStream(`${h.url}/api/v1/sessions/${c.session.id}/events?token=${c.token}`, Math.random() * 25);
          }),
        );
      }
    }
    // Everything a stream held goes with it: the ping timers, the hub's listeners and the Redis subscriptions.
    await waitFor(async () => (await channels()).length === 0, 5_000, 'subscriptions released');
    await new Promise((r) => setTimeout(r, 500));
    expect(timers() - before).toBeLessThan(20);
    expect(await channels()).toEqual([]);
  }, 120_000);
});
