import { say } from '../app/wording/index.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express, type RequestHandler } from 'express';
import type { Queue } from 'bullmq';
import type { RedisClient } from '../../adapters/redis/connection.js';
import type { AppContext } from '../app/context.js';
import type { Env } from '../main/config.js';
import { mountAdmin } from './admin.js';
import { apiRouter } from './api.js';
import { bodyLimit, PLATFORM_BODY_LIMIT } from './bodyLimit.js';
import { errorHandler, RETRY_UNAVAILABLE_SECONDS } from './errors.js';
import { sendError } from '../app/platformKit/answer.js';
import type { EventHub } from './eventHub.js';
import { ChatCreationLimiter } from './rateLimit.js';
import { endUserCors, securityHeaders } from './security.js';
import { requestTimer, routeBase, type ServiceMetrics } from './metrics.js';

/** The variables the HTTP layer reads. */
export type HttpEnv = Pick<Env, 'SESSION_CREATE_LIMIT' | 'SESSION_CREATE_QUEUE_LIMIT' | 'TRUST_PROXY' | 'REDIS_PREFIX' | 'ALLOWED_ORIGINS' | 'PUBLIC_URL' | 'ADMIN_TOKEN'>;

export interface HttpDeps {
  ctx: AppContext;
  env: HttpEnv;
  /** For the HTTP layer's own counters (rate limits), shared by every instance. */
  redis: RedisClient;
  hub: EventHub;
  metrics: ServiceMetrics;
  apiKeys: readonly string[];
  /** False for ROLE=worker: only health and metrics are served. */
  api: boolean;
  /** Redis and queue checks for /readyz. */
  ready: () => Promise<{ ok: boolean; checks: Record<string, string> }>;
  storeReady: () => boolean;
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
  app.set('trust proxy', d.env.TRUST_PROXY);

  app.use(requestTimer(d.metrics));
  const https = d.env.PUBLIC_URL.startsWith('https:');
  app.use(securityHeaders({ allowedOrigins: d.env.ALLOWED_ORIGINS, https }));

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

  if (d.env.ADMIN_TOKEN) mountAdmin(app, { token: d.env.ADMIN_TOKEN, queues: d.queues ?? [], secureCookie: https });

  d.mount?.(app);

  if (d.api) {
    const limiter = new ChatCreationLimiter(d.redis, d.env.REDIS_PREFIX, { perClient: d.env.SESSION_CREATE_LIMIT, perQueue: d.env.SESSION_CREATE_QUEUE_LIMIT });
    const unavailable: RequestHandler = (_req, res, next) => {
      if (d.storeReady()) return next();
      res.set('Retry-After', String(RETRY_UNAVAILABLE_SECONDS));
      sendError(res, 503, 'unavailable', say('refusal.unavailable'));
    };
    app.use('/api/v1', routeBase, endUserCors(d.env.ALLOWED_ORIGINS), unavailable, express.json({ limit: '16kb', strict: true }), apiRouter(d.ctx, d.hub, d.apiKeys, limiter));
    app.use('/api/v1', (_req, res) => sendError(res, 404, 'not_found', 'No such endpoint.'));
    app.use(express.static(publicDir, { index: 'index.html', maxAge: '5m', setHeaders: (res, path) => {
      res.locals.metricsRoute = 'static';
      // The embed snippet is loaded by <script> from other sites (helmet's default is same-origin).
      if (path.endsWith('embed.js')) res.set('Cross-Origin-Resource-Policy', 'cross-origin');
    } }));
  }
  // Whatever nobody served, API or not: the same JSON error, never Express's HTML page.
  app.use((_req, res) => sendError(res, 404, 'not_found', 'No such endpoint.'));
  app.use(errorHandler(d.ctx.log, d.storeReady));
  return app;
}
