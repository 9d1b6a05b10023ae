import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { connect, createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, json, startHarness, waitFor } from '../support/harness.js';

const hasRedisServer = spawnSync('sh', ['-c', 'command -v redis-server']).status === 0;
let revived: ChildProcess | undefined;

// A port that accepts nothing: Redis "unavailable" without touching the shared server.
let closed: Server;
let port = 0;
let h: Harness;
beforeAll(async () => {
  closed = createServer((s) => s.destroy());
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  port = (closed.address() as { port: number }).port;
  h = await startHarness({ env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
}, 30_000);
afterAll(async () => {
  await Promise.race([h.service.stop(), new Promise((r) => setTimeout(r, 3000))]);
  closed.close();
  revived?.kill('SIGKILL');
});

describe('Redis unavailable', () => {
  it('fails readiness and answers the API with 503, while staying alive', async () => {
    const ready = await json(`${h.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe('unavailable');
    const create = await json(`${h.url}/api/v1/sessions`, {
      method: 'POST',
      body: { queue: 'it-support', user: { name: 'Zed' } },
    });
    expect(create.status).toBe(503);
    expect(create.body.error.code).toBe('unavailable');
    const again = await fetch(`${h.url}/api/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ queue: 'it-support', user: { name: 'Zed' } }),
    });
    expect(again.status).toBe(503);
    expect(again.headers.get('retry-after')).toBe('1');
    expect((await json(`${h.url}/healthz`)).status).toBe(200);
  });
});

/** Whether a Redis server answers PING on this port (a connection of its own). */
function answers(p: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(p, '127.0.0.1', () => s.write('PING\r\n'));
    s.once('data', (d) => {
      s.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    s.once('error', () => resolve(false));
  });
}

describe.skipIf(!hasRedisServer)('Redis coming back', () => {
  it('makes the service ready again by itself', async () => {
    await new Promise<void>((r) => closed.close(() => r()));
    revived = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    await waitFor(() => answers(port), 10_000, 'redis-server up');
    const back = Date.now();
    await waitFor(async () => (await json(`${h.url}/readyz`)).status === 200, 20_000, 'ready again');
    // Within a second of Redis answering again (reconnects at most 500 ms apart).
    expect(Date.now() - back).toBeLessThan(1_000);
    const create = await json(`${h.url}/api/v1/sessions`, {
      method: 'POST',
      body: { queue: 'it-support', user: { name: 'Zed' } },
    });
    expect(create.status).toBe(201);
  }, 30_000);
});
