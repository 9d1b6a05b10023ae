import {
  type AvailabilitySource,
  observe,
  ownerGoneLongEnough,
  type PresenceRecord,
  pollOrder,
  spacingMs,
  waitsForAnswer,
} from '../domain/availability.js';
import { type Agent, isAgent } from '../domain/directory.js';
import { type Availabilities, availabilities, modeOf, resolve } from './availability.js';
import type { AppContext } from './context.js';
import { releaseAway } from './lifecycle.js';
import { PresenceDenied, type PresenceSource, RetryLaterError } from './ports.js';

export type PollOutcome = 'ok' | 'rate_limited' | 'error' | 'denied';

/** What /metrics hears of the poller. */
export interface PresenceObserver {
  call(platform: string, outcome: PollOutcome): void;
}

/** The longest a failing platform is left alone before the next try. */
const MAX_BACKOFF_MS = 5 * 60_000;
/** How often a platform that refused permission is asked again (an admin may have consented since). */
const DENIED_RETRY_MS = 15 * 60_000;
/** A record outlives a few rounds (at least this long): past that, polling has stopped and it is ignored. */
const MIN_VALID_MS = 10 * 60_000;
/** How long a poller keeps the right to poll beyond its next step (another instance takes over after). */
const LEAD_SLACK_MS = 30_000;

/**
 * Polls one platform's presence for the agents in `presence` mode (README "Availability"):
 * one call every 60/perMinute seconds, each for up to `batch` agents, so a round over every
 * agent spreads over the interval; agents with an owned chat or a pending invite lead each
 * round. One instance polls at a time (a lease in Redis); observations go to Redis, shared by
 * every instance. A 429 or an error adds no observation and slows down; a refusal of
 * permission forgets what the platform said (its agents are back on their own toggle).
 */
export class PresencePoller {
  private round: string[] = [];
  private backoffMs = 0;
  private denied: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly source: PresenceSource,
    private readonly owner: string,
    private readonly observer?: PresenceObserver,
  ) {}

  get platform(): string {
    return this.source.platform;
  }

  /** The agents this poller asks about: presence mode, and maybe on this platform. */
  agents(): Agent[] {
    return this.ctx.directory
      .get()
      .agents.filter((a) => isAgent(a) && modeOf(this.ctx, a) === 'presence' && this.source.covers(a));
  }

  start(): void {
    const n = this.agents().length;
    if (n > 0)
      this.ctx.log.info(
        { platform: this.platform, agents: n, callsPerMinute: this.source.perMinute },
        'presence polling',
      );
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.ctx.store.presence.resign(this.platform, this.owner).catch(() => undefined);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.tick().then(
        (next) => this.schedule(next),
        (err: Error) => {
          this.ctx.log.warn(
            { err: err.message, platform: this.platform },
            'presence polling failed; trying again later',
          );
          this.schedule(this.slower());
        },
      );
    }, ms);
    this.timer.unref();
  }

  private get spacing(): number {
    return spacingMs(this.source.perMinute);
  }

  private slower(atLeast = 0): number {
    this.backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(atLeast, this.backoffMs * 2, this.spacing * 2));
    return this.backoffMs;
  }

  /** One step: the next call if this instance polls; returns how long until the next step. */
  async tick(): Promise<number> {
    const agents = this.agents();
    if (agents.length === 0) return this.spacing;
    if (!(await this.ctx.store.presence.lead(this.platform, this.owner, this.spacing + LEAD_SLACK_MS)))
      return this.spacing;
    const next = await this.step(agents);
    // Keeps the lease through a long wait (a back-off), so no other instance starts polling meanwhile.
    await this.ctx.store.presence.lead(this.platform, this.owner, next + LEAD_SLACK_MS);
    return next;
  }

  private async step(agents: Agent[]): Promise<number> {
    const byId = new Map(agents.map((a) => [a.id, a]));
    this.round = this.round.filter((id) => byId.has(id));
    if (this.round.length === 0) this.round = pollOrder(agents, await this.busy(agents)).map((a) => a.id);
    const batch = this.round.splice(0, this.source.batch).map((id) => byId.get(id)!);
    let seen: Map<string, boolean>;
    try {
      seen = await this.source.check(batch);
    } catch (err) {
      return this.failed(err as Error, batch);
    }
    this.observer?.call(this.platform, 'ok');
    this.backoffMs = 0;
    if (this.denied)
      this.ctx.log.info({ platform: this.platform }, 'presence is readable again: presence-mode agents follow it');
    this.denied = undefined;
    const rounds = Math.ceil(agents.length / this.source.batch);
    await this.record(seen, Math.max(MIN_VALID_MS, 3 * rounds * this.spacing));
    return this.spacing;
  }

  private async failed(err: Error, batch: Agent[]): Promise<number> {
    if (err instanceof PresenceDenied) {
      this.observer?.call(this.platform, 'denied');
      this.round = [];
      await this.ctx.store.presence.forget(this.platform);
      if (this.denied !== err.message) {
        this.ctx.log.warn(
          { platform: this.platform, reason: err.message },
          'presence cannot be read: presence-mode agents stay manual (their own Available/Away) until it can',
        );
      }
      this.denied = err.message;
      return DENIED_RETRY_MS;
    }
    // Nobody is marked Away for a failure: the batch is asked again first, later.
    this.round.unshift(...batch.map((a) => a.id));
    const limited = err instanceof RetryLaterError;
    this.observer?.call(this.platform, limited ? 'rate_limited' : 'error');
    const wait = this.slower(limited ? (err.retryAfterMs ?? 0) : 0);
    this.ctx.log.warn(
      { platform: this.platform, err: err.message, retryInMs: wait },
      limited ? 'presence polling rate limited; slowing down' : 'presence polling failed; slowing down',
    );
    return wait;
  }

  /** Agents with a chat they own or an invite to answer: asked first. */
  private async busy(agents: Agent[]): Promise<Set<string>> {
    const lists = this.ctx.store.lists;
    const counts = await Promise.all(
      agents.map(async (a) => (await lists.count('owns', a.id)) + (await lists.count('invites', a.id))),
    );
    return new Set(agents.filter((_, i) => counts[i]! > 0).map((a) => a.id));
  }

  /** Stores the observations; acts on the changes they make (homes, routing, the owner-away requeue). */
  private async record(seen: Map<string, boolean>, validForMs: number): Promise<void> {
    if (seen.size === 0) return;
    const ctx = this.ctx;
    const before = await availabilities(ctx);
    const now = ctx.now();
    const written = new Map<string, PresenceRecord>();
    for (const [id, online] of seen) {
      const prev = before.presence.get(id)?.find((r) => r.platform === this.platform);
      written.set(id, observe(prev, this.platform, online, now, validForMs));
    }
    await ctx.store.presence.write(this.platform, written);
    const presence = new Map(before.presence);
    for (const [id, r] of written)
      presence.set(id, [...(presence.get(id) ?? []).filter((x) => x.platform !== this.platform), r]);
    const after = resolve(ctx, presence, before.hand);
    const changed: string[] = [];
    for (const id of written.keys()) {
      const [b, a] = [before.of(id), after.of(id)];
      if (b.state === a.state && b.source === a.source) continue;
      changed.push(id);
      if (b.state !== a.state)
        ctx.log.info({ agentId: id, state: a.state, source: a.source }, 'availability changed by presence');
      // Back: the waiting chats of their auto queues come to them, oldest first.
      if (a.state === 'available' && b.state === 'away') ctx.router.agent(id);
    }
    if (changed.length > 0) await ctx.homes.refresh(changed);
    await this.requeueGone([...written.keys()], after, now);
  }

  /** OWNER_AWAY_REQUEUE_SECONDS: an owner offline that long, with an end user waiting for an answer, has the chat go back to its queue. */
  private async requeueGone(ids: string[], after: Availabilities, now: number): Promise<void> {
    const ctx = this.ctx;
    const { graceMs, requeueMs } = ctx.settings.availability;
    if (requeueMs <= 0) return;
    for (const id of ids) {
      const e = after.of(id);
      if (e.state !== 'away' || e.source === 'manual') continue;
      if (!ownerGoneLongEnough(after.presence.get(id) ?? [], graceMs, requeueMs, after.hand.get(id)?.availableAt, now))
        continue;
      for (const sessionId of await ctx.store.lists.read('owns', id)) await this.requeueOne(sessionId, id, e.source);
    }
  }

  private async requeueOne(sessionId: string, ownerId: string, source: AvailabilitySource): Promise<void> {
    const b = await this.ctx.store.sessions.bundle(sessionId, 50);
    if (b?.session.status !== 'active' || b.session.ownerId !== ownerId || !waitsForAnswer(b.recent)) return;
    try {
      await releaseAway(this.ctx, sessionId, ownerId, source);
      this.ctx.log.info(
        { sessionId, agentId: ownerId, source },
        'owner offline while the end user waits: chat back in its queue',
      );
    } catch (err) {
      this.ctx.log.warn(
        { sessionId, agentId: ownerId, err: (err as Error).message },
        'could not release the chat of an owner offline',
      );
    }
  }
}
