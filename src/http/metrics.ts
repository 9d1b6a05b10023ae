import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AppMetrics } from '../app/context.js';

/** The service's Prometheus metrics, on a registry of its own (several apps can share a process in tests). */
export class ServiceMetrics implements AppMetrics {
  readonly registry = new Registry();
  readonly relayLatency = new Histogram({
    name: 'switchboard_relay_latency_seconds',
    help: 'From an effect entering the outbox to its delivery on every platform',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly invites = new Counter({ name: 'switchboard_invites_total', help: 'Invites by outcome', labelNames: ['outcome'], registers: [this.registry] });
  readonly deliveryFailures = new Counter({ name: 'switchboard_delivery_failures_total', help: 'Platform deliveries that failed and will be retried', registers: [this.registry] });
  readonly httpRequests = new Histogram({
    name: 'switchboard_http_request_duration_seconds', help: 'HTTP request duration', labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5], registers: [this.registry],
  });

  constructor(outboxDepth: () => Promise<number>) {
    collectDefaultMetrics({ register: this.registry, prefix: 'switchboard_' });
    new Gauge({
      name: 'switchboard_outbox_depth', help: 'Effects stored and not yet delivered', registers: [this.registry],
      async collect() {
        this.set(await outboxDepth().catch(() => -1));
      },
    });
  }

  inviteOutcome(outcome: string): void {
    this.invites.inc({ outcome });
  }

  /** Transcript entry ids are Redis stream ids, which start with the time they were written. */
  delivered(entryId: string | undefined): void {
    if (!entryId) return;
    const at = Number(entryId.split('-')[0]);
    if (Number.isFinite(at)) this.relayLatency.observe(Math.max(0, Date.now() - at) / 1000);
  }
}
