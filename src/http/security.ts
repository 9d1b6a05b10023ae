import cors from 'cors';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

export interface SecurityOptions {
  /** Sites that may embed the widget (frame-ancestors) and call the end-user API from a browser (CORS). */
  allowedOrigins: readonly string[];
  /** Served over HTTPS (PUBLIC_URL): then HSTS and upgrade-insecure-requests too. */
  https: boolean;
}

/**
 * The usual headers on every answer: a CSP the widget passes (scripts and styles from this
 * origin only, no inline script), frame-ancestors limited to this origin and ALLOWED_ORIGINS,
 * nosniff, and no Referer (a file link's ?token= never leaves in one).
 */
export function securityHeaders(o: SecurityOptions): RequestHandler {
  return precomputed(
    helmet({
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
          'frame-ancestors': ["'self'", ...o.allowedOrigins],
          ...(o.https ? { 'upgrade-insecure-requests': [] } : {}),
        },
      },
      // X-Frame-Options knows no list of sites: with embedding sites, frame-ancestors alone decides.
      xFrameOptions: o.allowedOrigins.length > 0 ? false : { action: 'sameorigin' },
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: o.https ? { maxAge: 15_552_000, includeSubDomains: false } : false,
    }),
  );
}

/**
 * A middleware's headers worked out once, for one whose headers never depend on the request
 * (helmet with fixed options: no nonces here). Each request then gets the same writes in one
 * loop instead of a dozen middlewares in a row. One that does anything else (ends the answer,
 * fails, does not go on at once) is kept as it is.
 */
export function precomputed(middleware: RequestHandler): RequestHandler {
  const writes: Array<[name: string, value: string | string[] | undefined]> = [];
  let passed = false;
  const probe = {
    setHeader(name: string, value: string | number | readonly string[]) {
      writes.push([name, typeof value === 'number' ? String(value) : typeof value === 'string' ? value : [...value]]);
      return probe;
    },
    removeHeader(name: string) {
      writes.push([name, undefined]);
    },
  };
  const request = { headers: {}, method: 'GET', url: '/', secure: false };
  try {
    middleware(request as never, probe as never, (err?: unknown) => {
      passed = err === undefined;
    });
  } catch {
    passed = false;
  }
  if (!passed) return middleware;
  return (_req, res, next) => {
    for (const [name, value] of writes) {
      if (value === undefined) res.removeHeader(name);
      else res.setHeader(name, value);
    }
    next();
  };
}

/**
 * CORS for the end-user API: only ALLOWED_ORIGINS get an Access-Control-Allow-Origin, for
 * the headers the widget sends. X-API-Key is not among them: keys are for servers, not pages.
 */
export function endUserCors(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return cors({
    origin: (origin, done) => done(null, origin !== undefined && allowed.has(origin) ? origin : false),
    methods: ['GET', 'POST'],
    allowedHeaders: ['Content-Type', 'Authorization', 'Last-Event-ID'],
    exposedHeaders: ['Location', 'Retry-After'],
    maxAge: 600,
  });
}
