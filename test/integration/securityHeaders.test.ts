import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';

const SHOP = 'https://shop.example';
let embedding: Harness;
let plain: Harness;
beforeAll(async () => {
  [embedding, plain] = await Promise.all([
    startHarness({ env: { ALLOWED_ORIGINS: `${SHOP}, http://localhost:8080` } }),
    startHarness(),
  ]);
});
afterAll(async () => {
  await Promise.all([embedding.stop(), plain.stop()]);
});

/** The CSP as a map of directive → sources. */
const csp = (header: string | null) =>
  new Map(
    (header ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([k, ...v]) => [k!, v]),
  );

describe('security headers', () => {
  it.each(['/', '/index.html', '/widget.js', '/api/v1/queues', '/healthz', '/nope'])(
    '%s carries CSP, frame-ancestors, nosniff and a referrer policy',
    async (path) => {
      const res = await fetch(`${embedding.url}${path}`);
      const policy = csp(res.headers.get('content-security-policy'));
      expect(policy.get('default-src')).toEqual(["'self'"]);
      expect(policy.get('script-src')).toEqual(["'self'"]);
      expect(policy.get('object-src')).toEqual(["'none'"]);
      expect(policy.get('frame-ancestors')).toEqual(["'self'", SHOP, 'http://localhost:8080']);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-powered-by')).toBeNull();
      // X-Frame-Options cannot name sites: frame-ancestors decides alone when sites may embed.
      expect(res.headers.get('x-frame-options')).toBeNull();
      // Plain HTTP: no HSTS, no upgrade of requests.
      expect(res.headers.get('strict-transport-security')).toBeNull();
      expect(policy.has('upgrade-insecure-requests')).toBe(false);
    },
  );

  it('lets only this origin frame the widget when no site is allowed', async () => {
    const res = await fetch(`${plain.url}/`);
    expect(csp(res.headers.get('content-security-policy')).get('frame-ancestors')).toEqual(["'self'"]);
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  it('lets other sites load embed.js with a <script> (Cross-Origin-Resource-Policy), and nothing else', async () => {
    expect((await fetch(`${embedding.url}/embed.js`)).headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect((await fetch(`${embedding.url}/widget.js`)).headers.get('cross-origin-resource-policy')).toBe('same-origin');
  });

  it('the widget page needs nothing the CSP forbids: no inline script, handler or style', () => {
    const html = readFileSync(new URL('../../src/http/public/index.html', import.meta.url), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/\sstyle=|<style/i);
  });
});

describe('CORS on the end-user API', () => {
  const call = (path: string, init: RequestInit) => fetch(`${embedding.url}/api/v1${path}`, init);

  it('gives an allowed origin its Access-Control-Allow-Origin, and another origin none', async () => {
    const allowed = await call('/queues', { headers: { origin: SHOP } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(allowed.headers.get('vary')).toMatch(/origin/i);
    for (const origin of ['https://evil.example', 'https://shop.example.evil.example', 'http://shop.example', 'null']) {
      const other = await call('/queues', { headers: { origin } });
      expect(other.headers.get('access-control-allow-origin'), origin).toBeNull();
    }
  });

  it("answers an allowed preflight for the widget's headers, not for X-API-Key", async () => {
    const preflight = (origin: string, headers: string) =>
      call('/sessions', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': headers },
      });
    const ok = await preflight(SHOP, 'content-type,authorization');
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
    expect(ok.headers.get('access-control-allow-headers')?.toLowerCase().split(',')).toEqual(
      expect.arrayContaining(['content-type', 'authorization']),
    );
    expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).not.toContain('x-api-key');
    const other = await preflight('https://evil.example', 'content-type');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('gives no CORS headers at all when ALLOWED_ORIGINS is unset', async () => {
    const res = await fetch(`${plain.url}/api/v1/queues`, { headers: { origin: SHOP } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
