import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, json, startHarness } from '../support/harness.js';

let h: Harness;
let chat: { id: string; token: string };
beforeAll(async () => {
  h = await startHarness();
  const r = await json(`${h.url}/api/v1/sessions`, {
    method: 'POST',
    body: { queue: 'it-support', user: { name: 'Zed' } },
  });
  chat = { id: r.body.session.id, token: r.body.token };
});
afterAll(async () => {
  await h.stop();
});

const send = async (path: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}) => {
  const res = await fetch(`${h.url}/api/v1/sessions/${chat.id}${path}`, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...init.headers },
    ...(init.body ? { body: JSON.stringify(init.body) } : {}),
  });
  const body = res.headers.get('content-type')?.includes('json')
    ? ((await res.json()) as { error?: { code: string; message: string } })
    : {};
  return { status: res.status, body };
};

describe('API keys only in X-API-Key', () => {
  it.each(['token', 'api_key', 'apiKey', 'key'])(
    'a key in the URL (?%s=) is refused with 401 on an agent action',
    async (param) => {
      const r = await send(`/accept?${param}=test-key`, { method: 'POST', body: { agentId: 'alice' } });
      expect(r.status).toBe(401);
      expect(r.body.error).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('X-API-Key') });
    },
  );

  it('a key as a Bearer token is refused with 401 on an agent action', async () => {
    const r = await send('/accept', {
      method: 'POST',
      headers: { authorization: 'Bearer test-key' },
      body: { agentId: 'alice' },
    });
    expect(r.status).toBe(401);
  });

  it('a key in the URL or as a Bearer token opens no chat either', async () => {
    for (const [path, headers] of [
      ['?token=test-key', {}],
      ['/messages?token=test-key', {}],
      ['/events?token=test-key', {}],
      ['', { authorization: 'Bearer test-key' }],
      ['/events', { authorization: 'Bearer test-key' }],
    ] as const) {
      const r = await send(path, { headers });
      expect(r.status, `${path} ${JSON.stringify(headers)}`).toBe(401);
    }
  });

  it('a wrong X-API-Key is 401, and the right one works', async () => {
    expect((await send('', { headers: { 'x-api-key': 'nope' } })).status).toBe(401);
    expect((await send('', { headers: { 'x-api-key': 'test-key' } })).status).toBe(200);
    const accepted = await send('/accept', {
      method: 'POST',
      headers: { 'x-api-key': 'test-key' },
      body: { agentId: 'alice' },
    });
    expect(accepted.status).toBe(200);
  });

  it("the end user's token goes in the Authorization header, and in ?token= only where a browser opens a URL (event stream, file link)", async () => {
    expect((await send('', { headers: { authorization: `Bearer ${chat.token}` } })).status).toBe(200);
    expect((await send(`?token=${chat.token}`)).status).toBe(401);
    expect((await send(`/messages?token=${chat.token}`)).status).toBe(401);
    const stream = await fetch(`${h.url}/api/v1/sessions/${chat.id}/events?token=${chat.token}`);
    expect(stream.status).toBe(200);
    await stream.body?.cancel();
  });
});
