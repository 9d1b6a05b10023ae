import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { describe, expect, it } from 'vitest';
import { precomputed, securityHeaders } from '../../src/http/security.js';

/** The headers a middleware leaves on a fresh answer, and whether it went on. */
function run(m: RequestHandler): { headers: Record<string, unknown>; next: boolean } {
  const req = new IncomingMessage(new Socket());
  req.url = '/api/v1/queues';
  req.method = 'GET';
  const res = new ServerResponse(req);
  res.setHeader('X-Powered-By', 'Express');
  let next = false;
  m(req as never, res as never, () => {
    next = true;
  });
  return { headers: res.getHeaders(), next };
}

describe('security headers worked out once', () => {
  it.each([
    [[], false],
    [['https://shop.example'], false],
    [[], true],
    [['https://shop.example', 'http://localhost:8080'], true],
  ] as const)('are what helmet itself writes (origins %j, https %s)', (allowedOrigins, https) => {
    const fast = securityHeaders({ allowedOrigins, https });
    const got = run(fast);
    expect(got.next).toBe(true);
    expect(got.headers['content-security-policy']).toContain("default-src 'self'");
    expect(got.headers['x-powered-by']).toBeUndefined();
    // The same writes as helmet with the same options, header for header.
    const slow = helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          'style-src': ["'self'"],
          'img-src': ["'self'", 'data:'],
          'font-src': ["'self'"],
          'connect-src': ["'self'"],
          'object-src': ["'none'"],
          'base-uri': ["'self'"],
          'form-action': ["'self'"],
          'frame-ancestors': ["'self'", ...allowedOrigins],
          ...(https ? { 'upgrade-insecure-requests': [] } : {}),
        },
      },
      xFrameOptions: allowedOrigins.length > 0 ? false : { action: 'sameorigin' },
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: https ? { maxAge: 15_552_000, includeSubDomains: false } : false,
    });
    expect(got.headers).toEqual(run(slow).headers);
  });

  it('keeps a middleware that does not go on at once as it is', () => {
    const later: RequestHandler = (_req, res, next) => {
      res.setHeader('X-Later', '1');
      setImmediate(next);
    };
    const failing: RequestHandler = (_req, _res, next) => next(new Error('no'));
    expect(precomputed(later)).toBe(later);
    expect(precomputed(failing)).toBe(failing);
  });
});
