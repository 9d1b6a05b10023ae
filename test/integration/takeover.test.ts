import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordingPlatform } from '../../adapters/recording/platform.js';
import { destKeys } from '../../adapters/redis/keys.js';
import { cleanup, type Harness, json, startHarness, uniquePrefix, waitFor } from '../support/harness.js';
import { textsBy } from '../support/recording.js';

let hs: Harness[] = [];
afterEach(async () => {
  await Promise.all(hs.map((h) => h.service.stop().catch(() => undefined)));
  await Promise.all([...new Set(hs.map((h) => h.prefix))].map(cleanup));
  hs = [];
});

const userTexts = (p: RecordingPlatform, sessionId: string) => textsBy(p, sessionId, 'Zed');

/** An instance in its own process (test/support/hangingInstance.ts), with what it prints, and a chat started on it. */
async function hangingInstance(
  prefix: string,
  env: Record<string, string>,
  heard: (line: Record<string, string>) => void,
) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('../support/hangingInstance.ts', import.meta.url))],
    { env: { ...process.env, PREFIX: prefix, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines: Array<Record<string, string>> = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    const o = JSON.parse(l) as Record<string, string>;
    lines.push(o);
    heard(o);
  });
  try {
    const { url } = await waitFor(() => lines.find((l) => l.url), 15000, 'child instance');
    const created = await json(`${url}/api/v1/sessions`, {
      method: 'POST',
      body: { queue: 'it-support', user: { name: 'Zed' } },
    });
    return {
      child,
      lines,
      url: String(url),
      id: created.body.session.id as string,
      token: created.body.token as string,
    };
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}

describe('takeover (no keyspace notifications needed)', () => {
  it('a live instance takes over a killed one’s destination within 2.5 s, and reads back the post it left in flight instead of sending it again', async () => {
    const prefix = uniquePrefix();
    // The live instance's platform can read back what the killed one posted (as Slack's metadata does).
    const posted = new Set<string>();
    const live = new RecordingPlatform();
    live.findPosted = async (_dest, _root, deliveryId) =>
      posted.has(deliveryId) ? { ref: { id: 'read-back' }, place: '' } : null;
    const b = await startHarness({ prefix, recording: live, lockMs: 500 });
    hs.push(b);
    const { child, lines, url, id, token } = await hangingInstance(prefix, { HANG_AFTER: 'm2' }, (o) => {
      if (o.id) posted.add(o.id);
    });
    try {
      for (let i = 0; i < 6; i++) {
        expect(
          (
            await json(`${url}/api/v1/sessions/${id}/messages`, {
              method: 'POST',
              token,
              body: { text: `m${i}` },
            })
          ).status,
        ).toBe(202);
      }
      await waitFor(() => lines.some((l) => l.delivered === 'm2'), 10000, 'm2 posted and never acknowledged');
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const killed = Date.now();
      await waitFor(() => userTexts(live, id).includes('m5'), 8000, 'the rest on the live instance');
      const tookMs = Date.now() - killed;
      const before = lines.filter((l) => l.delivered).map((l) => l.delivered);
      expect(before).toEqual(['m0', 'm1', 'm2']);
      // Once each, in order: m2 was found on the platform, not posted again.
      expect(userTexts(live, id)).toEqual(['m3', 'm4', 'm5']);
      expect(tookMs).toBeLessThan(2_500 + 300);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a line whose commit claimed its destination is marked in flight by that commit: killed before posting, it is sent once by the instance that takes over', async () => {
    const prefix = uniquePrefix();
    const live = new RecordingPlatform();
    live.findPosted = async () => null; // nothing was posted: the taker says so and sends it
    const b = await startHarness({ prefix, recording: live, lockMs: 500 });
    hs.push(b);
    const { child, lines, url, id, token } = await hangingInstance(prefix, { HANG_ON: 'first' }, () => undefined);
    try {
      const say = async (at: string, text: string) =>
        (
          await json(`${at}/api/v1/sessions/${id}/messages`, {
            method: 'POST',
            token,
            body: { text },
          })
        ).body.message.id as string;
      // The root has gone and its destination is idle again: the line's commit claims it.
      const dest: string = await waitFor(
        async () =>
          (await b.service.ctx.store.sessions.bundle(id, 0))?.mirrors.find((m) => m.kind === 'channel' && m.place)
            ?.dest,
        10000,
        'the root posted',
      );
      await waitFor(async () => (await b.service.redis.exists(destKeys(prefix, dest).lease)) === 0, 5000, 'idle');
      const entry = await say(url, 'first');
      await waitFor(() => lines.some((l) => l.hanging === 'first'), 10000, 'the drainer at its post');
      // The commit wrote the mark (the drainer took no step of its own before the post).
      const mark = await b.service.ctx.store.deliveries.inflight(dest);
      expect(mark?.id).toMatch(new RegExp(`^${id.replace('.', '\\.')}/${entry}@`));
      expect(mark?.qids).toEqual(['0-1']);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      await say(b.url, 'second');
      await waitFor(() => userTexts(live, id).includes('second'), 8000, 'both lines on the live instance');
      expect(userTexts(live, id)).toEqual(['first', 'second']);
      expect(await b.service.ctx.store.deliveries.inflight(dest)).toBeUndefined();
    } finally {
      child.kill('SIGKILL');
    }
  });
});
