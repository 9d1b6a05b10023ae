import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';

const TOKEN = 'admin-token-for-tests-0123456789';
let on: Harness;
let off: Harness;
beforeAll(async () => {
  [on, off] = await Promise.all([startHarness({ env: { ADMIN_TOKEN: TOKEN } }), startHarness()]);
});
afterAll(async () => {
  await Promise.all([on.stop(), off.stop()]);
});

const get = (h: Harness, path: string, headers: Record<string, string> = {}) =>
  fetch(`${h.url}${path}`, { headers, redirect: 'manual' });
const login = (token: string) =>
  fetch(`${on.url}/admin/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
  });

describe('/admin/queues, the BullMQ dashboard', () => {
  it('is 401 without the token or with a wrong one', async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer wrong' },
      { authorization: `Basic ${TOKEN}` },
      { cookie: `sb_admin=${TOKEN}` },
    ];
    for (const headers of attempts) {
      const res = await get(on, '/admin/queues', headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    }
    expect((await get(on, `/admin/queues?token=${TOKEN}`)).status).toBe(401);
    expect((await get(on, '/admin/queues/api/queues')).status).toBe(401);
  });

  it("is 200 with Authorization: Bearer <ADMIN_TOKEN>, and lists the service's queues", async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const page = await get(on, '/admin/queues', auth);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    const api = await get(on, '/admin/queues/api/queues', auth);
    expect(api.status).toBe(200);
    const names = ((await api.json()) as { queues: Array<{ name: string }> }).queues.map((q) => q.name).sort();
    expect(names).toEqual(['homes', 'invites', 'outbox', 'record']);
  });

  it('opens in a browser through a login form that sets an HttpOnly, SameSite=Strict cookie (never the token itself)', async () => {
    const redirected = await get(on, '/admin/queues', { accept: 'text/html' });
    expect(redirected.status).toBe(303);
    expect(redirected.headers.get('location')).toBe('/admin/login');
    const form = await get(on, '/admin/login');
    expect(await form.text()).toContain('<form method="post" action="/admin/login">');

    expect((await login('wrong')).status).toBe(401);
    const ok = await login(TOKEN);
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/admin/queues');
    const cookie = ok.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^sb_admin=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/admin/);
    expect(cookie).not.toContain(TOKEN);
    const page = await get(on, '/admin/queues', { cookie: cookie.split(';')[0]! });
    expect(page.status).toBe(200);
  });

  it('is off (404) when ADMIN_TOKEN is unset', async () => {
    for (const path of ['/admin/queues', '/admin/queues/api/queues', '/admin/login']) {
      const res = await get(off, path, { authorization: `Bearer ${TOKEN}` });
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
    }
  });
});
