import { Counter, Gauge, type Registry } from 'prom-client';
import type { PollOutcome, PresenceObserver } from '../app/presence.js';
import type { AvailabilitySource, AvailabilityState } from '../domain/availability.js';

export interface PresenceGauges {
  /** Every agent's effective state and its source. */
  agents(): Promise<Array<{ state: AvailabilityState; source: AvailabilitySource }>>;
  /** Each polled platform's call budget a minute. */
  budgets(): Array<{ platform: string; perMinute: number }>;
}

/**
 * Availability's metrics (README "Availability"): agents by state and source, presence calls
 * by platform and outcome, and each platform's budget of calls a minute.
 */
export function presenceMetrics(registry: Registry, g: PresenceGauges): PresenceObserver {
  new Gauge({
    name: 'switchboard_agents',
    help: 'Agents by effective availability and what decided it (manual, or the platform whose presence did)',
    labelNames: ['state', 'source'],
    registers: [registry],
    async collect() {
      this.reset();
      const all = await g.agents().catch(() => undefined);
      if (!all) return;
      const counts = new Map<string, number>();
      for (const a of all) counts.set(`${a.state}\n${a.source}`, (counts.get(`${a.state}\n${a.source}`) ?? 0) + 1);
      for (const [k, n] of counts) {
        const [state, source] = k.split('\n');
        this.set({ state: state!, source: source! }, n);
      }
    },
  });
  const calls = new Counter({
    name: 'switchboard_presence_calls_total',
    help: 'Presence calls to a platform by outcome (ok, rate_limited, error, denied)',
    labelNames: ['platform', 'outcome'],
    registers: [registry],
  });
  new Gauge({
    name: 'switchboard_presence_budget_per_minute',
    help: 'Presence calls a platform may take a minute (PRESENCE_SLACK_PER_MINUTE for Slack)',
    labelNames: ['platform'],
    registers: [registry],
    collect() {
      for (const b of g.budgets()) this.set({ platform: b.platform }, b.perMinute);
    },
  });
  return {
    call(platform: string, outcome: PollOutcome) {
      calls.inc({ platform, outcome });
    },
  };
}
