import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';

let web: Harness;
let worker: Harness;
beforeAll(async () => {
  [web, worker] = await Promise.all([startHarness(), startHarness({ env: { ROLE: 'worker' } })]);
});
afterAll(async () => {
  await Promise.all([web.stop(), worker.stop()]);
});

async function expectJson404(base: string, method: string, path: string) {
  const res = await fetch(`${base}${path}`, {
    method,
    ...(method === 'POST' ? { headers: { 'content-type': 'text/plain' }, body: 'x' } : {}),
  });
  expect(res.status, `${method} ${path}`).toBe(404);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(await res.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
}

describe('404s', () => {
  it.each([
    ['GET', '/nope'],
    ['POST', '/nope'],
    ['GET', '/nope.html'],
    ['GET', '/slack/nope'],
    ['GET', '/slack/events'],
    ['DELETE', '/'],
    ['GET', '/api/v2/sessions'],
    ['GET', '/api/v1/nope'],
    ['PUT', '/api/v1/queues'],
  ])('%s %s is a JSON 404', async (method, path) => {
    await expectJson404(web.url, method, path);
  });

  it('still serves the widget files', async () => {
    for (const [path, type] of [
      ['/', 'text/html'],
      ['/index.html', 'text/html'],
      ['/widget.js', 'javascript'],
      ['/widget.css', 'text/css'],
    ] as const) {
      const res = await fetch(`${web.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toContain(type);
    }
  });

  it('is JSON on a worker-only instance too', async () => {
    await expectJson404(worker.url, 'GET', '/nope');
    await expectJson404(worker.url, 'GET', '/');
    expect((await fetch(`${worker.url}/healthz`)).status).toBe(200);
  });
});
