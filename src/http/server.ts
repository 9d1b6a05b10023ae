import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Queue } from 'bullmq';
import express, { type Express, type RequestHandler } from 'express';
import type { ChatEvents } from '../app/chatEvents.js';
import type { AppContext } from '../app/context.js';
import { sendError } from '../app/platformKit/answer.js';
import type { ChatCreationLimiter } from '../app/rateLimit.js';
import { say } from '../app/wording/index.js';
import { mountAdmin } from './admin.js';
import { apiRouter } from './api.js';
import { bodyLimit, PLATFORM_BODY_LIMIT } from './bodyLimit.js';
import { errorHandler, RETRY_UNAVAILABLE_SECONDS } from './errors.js';
import { requestTimer, routeBase, type ServiceMetrics } from './metrics.js';
import { endUserCors, securityHeaders } from './security.js';

/** The HTTP edge's own settings (the root reads them from the environment: README "Configuration"). */
export interface HttpSettings {
  /** Express's `trust proxy` (TRUST_PROXY): which X-Forwarded-For hops to believe. */
  trustProxy: boolean | number | string[];
  /** Sites that may embed the widget and call the API from a browser (ALLOWED_ORIGINS). */
  allowedOrigins: readonly string[];
  /** Where the service is reached (PUBLIC_URL): https turns on HSTS and a Secure admin cookie. */
  publicUrl: string;
  /** The operator pages' token (ADMIN_TOKEN); without it they are not mounted. */
  adminToken?: string | undefined;
}

export interface HttpDeps {
  ctx: AppContext;
  settings: HttpSettings;
  /** The chats' event streams hear their new entries through this port. */
  events: ChatEvents;
  /** New chats per client and per queue, counted where every instance sees the count. */
  limiter: ChatCreationLimiter;
  metrics: ServiceMetrics;
  apiKeys: readonly string[];
  /** False for ROLE=worker: only health and metrics are served. */
  api: boolean;
  /** Redis and queue checks for /readyz. */
  ready: () => Promise<{ ok: boolean; checks: Record<string, string> }>;
  storeReady: () => boolean;
  /** Whether an error means the store could not be reached (then 503, not 500). */
  storeUnreachable: (err: unknown) => boolean;
  /** Platform receivers (Bolt, CloudAdapter) mount their routes here, before the JSON parser. */
  mount?: ((app: Express) => void) | undefined;
  /** The BullMQ queues the operator dashboard shows (/admin/queues, with ADMIN_TOKEN). */
  queues?: readonly Queue[];
}

const publicDir = join(dirname(fileURLToPath(import.meta.url)), 'public');

export function createHttpApp(d: HttpDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Unless TRUST_PROXY says so, X-Forwarded-For is the client's claim and req.ip the socket's address.
  app.set('trust proxy', d.settings.trustProxy);

  app.use(requestTimer(d.metrics));
  const https = d.settings.publicUrl.startsWith('https:');
  app.use(securityHeaders({ allowedOrigins: d.settings.allowedOrigins, https }));

  // The end user's API first: its requests (the hot ones) pass no platform receiver's router.
  if (d.api) {
    const unavailable: RequestHandler = (_req, res, next) => {
      if (d.storeReady()) return next();
      res.set('Retry-After', String(RETRY_UNAVAILABLE_SECONDS));
      sendError(res, 503, 'unavailable', say('refusal.unavailable'));
    };
    app.use(
      '/api/v1',
      routeBase,
      endUserCors(d.settings.allowedOrigins),
      unavailable,
      express.json({ limit: '16kb', strict: true }),
      apiRouter(d.ctx, d.events, d.apiKeys, d.limiter),
    );
    app.use('/api/v1', (_req, res) => sendError(res, 404, 'not_found', 'No such endpoint.'));
  }

  // Before any platform receiver sees a body; /api/v1 has its own, smaller, parser limits.
  const platformLimit = bodyLimit(PLATFORM_BODY_LIMIT);
  app.use((req, res, next) => (req.path.startsWith('/api/v1/') ? next() : platformLimit(req, res, next)));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const r = await d.ready().catch((err: Error) => ({ ok: false, checks: { error: err.message } }));
    res.status(r.ok ? 200 : 503).json({ status: r.ok ? 'ready' : 'unavailable', checks: r.checks });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(d.metrics.registry.contentType).send(await d.metrics.registry.metrics());
  });

  if (d.settings.adminToken)
    mountAdmin(app, { token: d.settings.adminToken, queues: d.queues ?? [], secureCookie: https });

  d.mount?.(app);

  if (d.api) {
    app.use(
      express.static(publicDir, {
        index: 'index.html',
        maxAge: '5m',
        setHeaders: (res, path) => {
          res.locals.metricsRoute = 'static';
          // The embed snippet is loaded by <script> from other sites (helmet's default is same-origin).
          if (path.endsWith('embed.js')) res.set('Cross-Origin-Resource-Policy', 'cross-origin');
        },
      }),
    );
  }
  // Whatever nobody served, API or not: the same JSON error, never Express's HTML page.
  app.use((_req, res) => sendError(res, 404, 'not_found', 'No such endpoint.'));
  app.use(errorHandler(d.ctx.log, d.storeReady, d.storeUnreachable));
  return app;
}
