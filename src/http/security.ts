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
  return helmet({
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
  });
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
