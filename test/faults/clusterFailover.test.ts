import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { sessionKeys } from '../../adapters/redis/keys.js';
import { slackModule } from '../../adapters/slack/index.js';
import { loadEnv } from '../../src/main/config.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { type Harness, json, REDIS_CLUSTER_NODES, startHarness, waitFor } from '../support/harness.js';
import { SIGNING_SECRET } from '../support/slackRequests.js';
import { allDelivered, type Chat, FAULTS, figures, openChat, SKIP_REASON, sendLoad } from './load.js';

/**
 * A master of a six-node Redis Cluster (three masters, three replicas) killed with SIGKILL under
 * about 50 msg/s: its replica is promoted; the fake Slack shows every message once, in order;
 * requests answer 503 (never 500) only while the slots are unreachable; ready within about a
 * second of the cluster being ok. Runs in `npm run test:faults` (scripts/test-faults.sh).
 */
if (!FAULTS || !REDIS_CLUSTER_NODES) console.warn(`skipped: ${SKIP_REASON}`);
let fake: FakeSlack | undefined;
let h: Harness | undefined;
afterAll(async () => {
  await h?.stop();
  await fake?.close();
});

const cli = (port: number, ...args: string[]) =>
  spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).stdout;
interface Master {
  id: string;
  port: number;
  slots: Array<[number, number]>;
}
/** The live masters and their slot ranges, as `port` sees them. */
function masters(port: number): Master[] {
  return cli(port, 'cluster', 'nodes')
    .trim()
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => f[2]!.includes('master') && !f[2]!.includes('fail'))
    .map((f) => ({
      id: f[0]!,
      port: Number(/:(\d+)@/.exec(f[1]!)![1]),
      slots: f
        .slice(8)
        .filter((r) => /^\d/.test(r))
        .map((r) => {
          const [a, b] = r.split('-');
          return [Number(a), Number(b ?? a)] as [number, number];
        }),
    }));
}
const owner = (ms: Master[], slot: number) => ms.find((m) => m.slots.some(([a, b]) => slot >= a && slot <= b));

describe.runIf(FAULTS && REDIS_CLUSTER_NODES)('a Redis Cluster master killed under load', () => {
  it('a replica takes over; nothing lost, doubled or reordered; 503 only while the slots are unreachable; ready within a second after', async () => {
    fake = await FakeSlack.start();
    const slackEnv = { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.url };
    h = await startHarness({ env: slackEnv, platforms: [slackModule(loadEnv(slackEnv))], recording: false });
    const ports = REDIS_CLUSTER_NODES!.split(',').map((s) => Number(s.split(':')[1]));
    const urls = () => [h!.url];
    const chats: Chat[] = [];
    for (let n = 0; n < 5; n++) chats.push(await openChat(urls, n));
    const slot = Number(cli(ports[0]!, 'cluster', 'keyslot', sessionKeys(h.prefix, chats[0]!.id).session).trim());
    const victim = owner(masters(ports[0]!), slot)!;
    const survivor = ports.find((p) => p !== victim.port)!;
    let readyAt = 0;
    // 5 chats × 10 msg/s, until 2 s after the service is ready again.
    const sending = sendLoad(chats, 30, 100, urls, () => readyAt > 0 && Date.now() - readyAt > 2_000);
    await new Promise((r) => setTimeout(r, 2_000));
    const pid = Number(/process_id:(\d+)/.exec(cli(victim.port, 'info', 'server'))![1]);
    process.kill(pid, 'SIGKILL');
    const killedAt = Date.now();
    // The cluster is ok again once a live master (the promoted replica) serves the slot.
    await waitFor(
      () => {
        const ms = masters(survivor);
        const o = owner(ms, slot);
        return (
          o &&
          o.port !== victim.port &&
          /cluster_state:ok/.test(cli(o.port, 'cluster', 'info')) &&
          ms.every((m) => /cluster_state:ok/.test(cli(m.port, 'cluster', 'info')))
        );
      },
      60_000,
      'the replica promoted and the cluster ok',
    );
    const okAt = Date.now();
    let lastReady: unknown;
    await waitFor(
      async () => {
        const r = await json(`${h!.url}/readyz`).catch(() => ({ status: 0, body: {} }));
        lastReady = r.body;
        return r.status === 200;
      },
      30_000,
      'ready again',
    ).catch((e: Error) => {
      throw new Error(`${e.message}; /readyz said ${JSON.stringify(lastReady)}`);
    });
    readyAt = Date.now();
    const { answers, counts } = await sending;
    await waitFor(() => allDelivered(fake!, chats, counts), 60_000, 'every message at the fake Slack');
    await new Promise((r) => setTimeout(r, 2_000)); // anything sent twice would show by now
    const f = figures(fake, chats, counts);
    const n503 = answers.filter((a) => a.status === 503);
    const other = answers.filter((a) => a.status !== 202 && a.status !== 503);
    process.stderr.write(
      `cluster master killed (port ${victim.port}, slot ${slot}): sent ${f.sent}, delivered ${f.delivered}, lost ${f.lost}, duplicated ${f.duplicated}, reordered ${f.reordered}; ${n503.length} × 503 (${n503.length ? `${n503[0]!.at - killedAt}–${n503.at(-1)!.at - killedAt} ms after the kill` : 'none'}), other: [${other.map((a) => a.status).join(',')}]; cluster ok ${((okAt - killedAt) / 1000).toFixed(1)} s after the kill, ready ${((readyAt - okAt) / 1000).toFixed(2)} s after that\n`,
    );
    expect({ lost: f.lost, duplicated: f.duplicated, reordered: f.reordered }).toEqual({
      lost: 0,
      duplicated: 0,
      reordered: 0,
    });
    expect(f.delivered).toBe(f.sent);
    expect(other).toEqual([]);
    // 503 only between the kill and the cluster being ok again (plus a request's own time).
    expect(n503.filter((a) => a.at < killedAt || a.at > okAt + 1_000)).toEqual([]);
    expect(readyAt - okAt).toBeLessThan(1_500);
  }, 180_000);
});
