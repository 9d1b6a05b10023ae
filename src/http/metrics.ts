import type { Request, RequestHandler, Response } from 'express';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { AppMetrics } from '../app/context.js';

/** The label of every request no route template matched (404s, scans): one series, whatever the path. */
const OTHER_ROUTE = 'other';

/**
 * Names what served a request for the `route` label, never from the raw path: the
 * matched route template (`/api/v1/sessions/:id`), or a name a handler without a template
 * set in `res.locals.metricsRoute` (static files, mounted dashboards), or `other`.
 */
function routeLabel(req: Request, res: Response): string {
  const named: unknown = res.locals.metricsRoute;
  if (typeof named === 'string') return named;
  const path: unknown = req.route?.path;
  if (typeof path !== 'string') return OTHER_ROUTE;
  // An error leaves its router before it is answered, and takes req.baseUrl back with it.
  const base: unknown = res.locals.routeBase;
  return `${typeof base === 'string' ? base : req.baseUrl}${path}`;
}

/** Remembers where a router is mounted, for the label of its routes' answers. */
export const routeBase: RequestHandler = (req, res, next) => {
  res.locals.routeBase = req.baseUrl;
  next();
};

/** Times every request, labelled by method, route template and status. */
export function requestTimer(m: ServiceMetrics): RequestHandler {
  return (req, res, next) => {
    const end = m.httpRequests.startTimer({ method: req.method });
    res.on('finish', () => end({ route: routeLabel(req, res), status: String(res.statusCode) }));
    next();
  };
}

/** The service's Prometheus metrics, on a registry of its own (several apps can share a process in tests). */
export class ServiceMetrics implements AppMetrics {
  readonly registry = new Registry();
  readonly relayLatency = new Histogram({
    name: 'switchboard_relay_latency_seconds',
    help: 'From an effect entering the outbox to its delivery on every platform',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly invites = new Counter({
    name: 'switchboard_invites_total',
    help: 'Invites by outcome',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  readonly chatsUnanswered = new Counter({
    name: 'switchboard_chats_unanswered_total',
    help: 'Chats that waited WAITING_TIMEOUT_SECONDS and ended unanswered',
    registers: [this.registry],
  });
  /** Labels: a directory queue id, and `first` or `next` (bounded: the directory's queues). */
  readonly responseBreaches = new Counter({
    name: 'switchboard_response_breaches_total',
    help: "Active chats whose end user waited past the queue's response target",
    labelNames: ['queue', 'kind'],
    registers: [this.registry],
  });
  readonly deliveryFailures = new Counter({
    name: 'switchboard_delivery_failures_total',
    help: 'Platform deliveries that failed and will be retried',
    registers: [this.registry],
  });
  readonly takeoverResends = new Counter({
    name: 'switchboard_delivery_inflight_takeovers_total',
    help: 'Posts a dead drainer left in flight, by what the takeover did: found (read back), not_posted or unknown (sent again; unknown: Teams, a possible duplicate)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  readonly httpRequests = new Histogram({
    name: 'switchboard_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  });

  constructor(outboxDepth: () => Promise<number>) {
    collectDefaultMetrics({ register: this.registry, prefix: 'switchboard_' });
    new Gauge({
      name: 'switchboard_outbox_depth',
      help: 'Effects stored and not yet delivered',
      registers: [this.registry],
      async collect() {
        this.set(await outboxDepth().catch(() => -1));
      },
    });
  }

  inviteOutcome(outcome: string): void {
    this.invites.inc({ outcome });
  }

  unanswered(): void {
    this.chatsUnanswered.inc();
  }

  /** Continuation emails (README "Email"): sent, or why the job sent none. */
  readonly emails = new Counter({
    name: 'switchboard_continuation_emails_total',
    help: 'Continuation email jobs by outcome (sent, none, present, later)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  emailed(outcome: string): void {
    this.emails.inc({ outcome });
  }

  responseBreach(queue: string, kind: 'first' | 'next'): void {
    this.responseBreaches.inc({ queue, kind });
  }

  /** Called with every delivery's time from commit to platform (benches and tests listen here). */
  onDelivered: ((sample: DeliverySample) => void) | undefined;

  /**
   * Transcript entry ids and outbox effect ids are Redis stream ids, which start with the time
   * they were written: a line's entry, or the effect a delivery was planned from, is its commit.
   */
  delivered(d: { id: string; entry?: string | undefined }, dest: string, waited: boolean): void {
    const at = committedAt(d);
    if (at === undefined) return;
    const ms = Math.max(0, Date.now() - at);
    if (d.entry) this.relayLatency.observe(ms / 1000);
    this.onDelivered?.({ id: d.id, dest, ms, waited });
  }
}

export interface DeliverySample {
  id: string;
  dest: string;
  /** From commit to the platform's answer. */
  ms: number;
  /** It waited for the destination's pace or a 429. */
  waited: boolean;
}

/** When a delivery's cause was committed: its entry's id, else the effect id in its delivery id (`sid/1765…-0:…`). */
function committedAt(d: { id: string; entry?: string | undefined }): number | undefined {
  const id = d.entry ?? /\/(\d{13}-\d+):/.exec(d.id)?.[1];
  const at = id ? Number(id.split('-')[0]) : NaN;
  return Number.isFinite(at) ? at : undefined;
}
