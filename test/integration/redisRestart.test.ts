import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RecordingPlatform } from '../../adapters/recording/platform.js';
import { type Harness, json, startHarness, waitFor } from '../support/harness.js';
import { textsBy } from '../support/recording.js';

/**
 * A private redis-server (never the shared one) shut down and restarted under load: nothing
 * lost, nothing shown twice, nothing reordered; 503 (never 500) while it is away; ready within
 * a second of it answering again.
 */
const hasRedisServer = spawnSync('sh', ['-c', 'command -v redis-server && command -v redis-cli']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'sb-redis-'));
let server: ChildProcess | undefined;
let h: Harness | undefined;
afterAll(async () => {
  if (h) await Promise.race([h.service.stop(), new Promise((r) => setTimeout(r, 3000))]);
  server?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
const start = (port: number) =>
  spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--save',
      '',
    ],
    { stdio: 'ignore' },
  );
const pong = (port: number) =>
  spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG';

describe.skipIf(!hasRedisServer)('Redis going away under load, and coming back', () => {
  it.each(['SHUTDOWN', 'kill -9'])(
    '%s: loses, doubles and reorders nothing; 503 only while it is away; ready within a second after',
    async (fault) => {
      const port = await freePort();
      server = start(port);
      await waitFor(() => pong(port), 10_000, 'redis-server');
      // Read-back as on Slack: exactly once across the fault is the promise there (Teams keeps a documented window).
      h = await startHarness({
        env: { REDIS_URL: `redis://127.0.0.1:${port}` },
        recording: new RecordingPlatform().withReadBack(),
      });
      const created = await json(`${h.url}/api/v1/sessions`, {
        method: 'POST',
        body: { queue: 'it-support', user: { name: 'Zed' } },
      });
      const id = created.body.session.id as string;
      const statuses: number[] = [];
      const N = 60;
      // One message every 50 ms, each retried (same clientMessageId) until it is taken.
      const sending = (async () => {
        for (let i = 0; i < N; i++) {
          for (;;) {
            const r = await json(`${h!.url}/api/v1/sessions/${id}/messages`, {
              method: 'POST',
              token: created.body.token,
              body: { text: `m${i}`, clientMessageId: `c${i}` },
            }).catch(() => ({ status: 0 }));
            statuses.push(r.status);
            if (r.status === 202) break;
            await new Promise((res) => setTimeout(res, 100));
          }
          await new Promise((res) => setTimeout(res, 50));
        }
      })();
      await new Promise((r) => setTimeout(r, 1_000));
      if (fault === 'SHUTDOWN') spawnSync('redis-cli', ['-p', String(port), 'shutdown']);
      else server!.kill('SIGKILL');
      await new Promise((r) => server!.once('exit', r));
      await new Promise((r) => setTimeout(r, 1_500));
      server = start(port);
      await waitFor(() => pong(port), 10_000, 'redis-server back');
      const back = Date.now();
      await waitFor(async () => (await json(`${h!.url}/readyz`)).status === 200, 10_000, 'ready again');
      const readyMs = Date.now() - back;
      await sending;
      const expected = Array.from({ length: N }, (_, i) => `m${i}`);
      await waitFor(() => textsBy(h!.recording, id, 'Zed').length >= N, 15_000, 'every message delivered');
      await new Promise((r) => setTimeout(r, 1_000));
      expect(textsBy(h.recording, id, 'Zed')).toEqual(expected);
      expect(statuses.filter((s) => s !== 202 && s !== 503)).toEqual([]);
      expect(statuses).toContain(503);
      expect(readyMs).toBeLessThan(1_000);
      process.stderr.write(
        `redis ${fault}: ${statuses.filter((s) => s === 503).length} × 503, ready ${readyMs} ms after redis answered\n`,
      );
      await Promise.race([h.service.stop(), new Promise((r) => setTimeout(r, 3000))]);
      h = undefined;
      server.kill('SIGKILL');
      await new Promise((r) => server!.once('exit', r));
      server = undefined;
      rmSync(join(dir, 'appendonlydir'), { recursive: true, force: true });
    },
    60_000,
  );
});
