import { createHmac } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import express, { type Express, type Request, type RequestHandler, type Router } from 'express';
import helmet from 'helmet';
import { sendError } from '../app/platformKit/answer.js';
import { bearer, equal } from './auth.js';

export const ADMIN_QUEUES = '/admin/queues';
const LOGIN = '/admin/login';
const COOKIE = 'sb_admin';
const SESSION_SECONDS = 8 * 3600;

export interface AdminOptions {
  token: string;
  queues: readonly Queue[];
  /** Mark the session cookie Secure (PUBLIC_URL is https). */
  secureCookie: boolean;
}

/**
 * The operator pages: `/admin/queues`, the BullMQ dashboard, for `Authorization: Bearer
 * <ADMIN_TOKEN>` or the session cookie that `/admin/login` (a form, so the token is never
 * in a URL) sets. Not mounted at all without ADMIN_TOKEN.
 */
export function mountAdmin(app: Express, o: AdminOptions): void {
  // The cookie holds a value derived from the token, never the token; a new token ends every session.
  const session = createHmac('sha256', o.token).update('switchboard admin session').digest('base64url');
  const authorized = (req: Request) => {
    const presented = bearer(req);
    if (presented !== undefined && equal(presented, o.token)) return true;
    const cookie = req
      .get('cookie')
      ?.split(/;\s*/)
      .find((c) => c.startsWith(`${COOKIE}=`))
      ?.slice(COOKIE.length + 1);
    return cookie !== undefined && equal(cookie, session);
  };
  const named: RequestHandler = (_req, res, next) => {
    res.locals.metricsRoute = ADMIN_QUEUES;
    next();
  };
  const guard: RequestHandler = (req, res, next) => {
    if (authorized(req)) return next();
    if (req.method === 'GET' && req.accepts(['json', 'html']) === 'html') return res.redirect(303, LOGIN);
    sendError(
      res,
      401,
      'unauthorized',
      `The operator pages need Authorization: Bearer <ADMIN_TOKEN>, or a login at ${LOGIN}.`,
    );
  };

  app.get(LOGIN, named, (_req, res) => {
    res.type('html').send(LOGIN_PAGE);
  });
  app.post(LOGIN, named, express.urlencoded({ extended: false, limit: '2kb' }), (req, res) => {
    const token: unknown = (req.body as Record<string, unknown> | undefined)?.token;
    if (typeof token !== 'string' || !equal(token, o.token))
      return sendError(res, 401, 'unauthorized', 'That is not the admin token.');
    res.cookie(COOKIE, session, {
      httpOnly: true,
      sameSite: 'strict',
      secure: o.secureCookie,
      path: '/admin',
      maxAge: SESSION_SECONDS * 1000,
    });
    res.redirect(303, ADMIN_QUEUES);
  });
  app.use(ADMIN_QUEUES, named, guard, dashboardCsp, dashboard(o.queues));
}

function dashboard(queues: readonly Queue[]): Router {
  const server = new ExpressAdapter();
  server.setBasePath(ADMIN_QUEUES);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter: server });
  return server.getRouter() as Router;
}

/** The dashboard's page uses inline styles (not scripts); nobody may frame it. */
const dashboardCsp = helmet.contentSecurityPolicy({
  useDefaults: false,
  directives: {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  },
});

const LOGIN_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Switchboard operators</title><link rel="stylesheet" href="/widget.css"></head>
<body><main class="chat">
<h1>Switchboard operators</h1>
<form method="post" action="${LOGIN}">
<label>Admin token <input name="token" type="password" required autocomplete="current-password"></label>
<button type="submit">Open the queue dashboard</button>
</form>
</main></body>
</html>
`;
