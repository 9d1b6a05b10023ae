import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { DeliveryEngine } from '../../src/app/context.js';
import type { Delivery, Queued } from '../../src/app/delivery/delivery.js';
import type { Limits } from '../../src/app/delivery/schedule.js';
import type { MessageRef, Pace, PlatformPort, Posted } from '../../src/app/ports.js';
import type { AppendResult, DeliveryStore } from '../../src/app/store.js';
import { Bucket } from './bucket.js';
import { Drainer } from './drainer.js';
import { LEASE_MS, READ, RENEW_MS } from './timing.js';

export interface EngineHooks {
  /** A chat's root was posted on a mirror: replies typed under it now find the chat. */
  rootPosted(d: Delivery, posted: Posted): Promise<void>;
  /** A card's destination could not be reached (the agent has no account there). */
  unreachable(d: Delivery): Promise<void>;
}

export interface EngineObserver {
  delivered(d: Delivery): void;
  failed(err: unknown): void;
}

export interface EngineOptions {
  sweepMs?: number;
  backstopMs?: number;
  /** A merged post holds at most this (Slack: 40,000 characters of text; Teams: about 28 KB). */
  limits?: Limits;
}

/**
 * The delivery engine: one drainer per destination across all instances (a lease in
 * Redis), each sending at its platform's pace by waiting for its turn, never by failing
 * and retrying; a 429 slows that destination alone. A sweeper takes over the destinations of
 * a dead instance within two seconds; a slow backstop scan finds anything left behind.
 */
export class Engine implements DeliveryEngine {
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly drainers = new Map<string, Drainer>();
  /** Each destination's pace, kept after its drainer lets go: the next one must not burst again. */
  private readonly buckets = new Map<string, Bucket>();
  /**
   * Where chats' roots are, per destination: written once, read by every line. Kept across
   * drainers (a fast-path claim starts a new one for nearly every message), bounded.
   */
  private readonly roots = new Map<string, MessageRef>();

  rootRef(dest: string, key: string): MessageRef | undefined {
    return this.roots.get(`${dest} ${key}`);
  }

  keepRoot(dest: string, key: string, ref: MessageRef): void {
    if (!key.startsWith('root:') || ref.none) return;
    if (this.roots.size >= 50_000) this.roots.delete(this.roots.keys().next().value!);
    this.roots.set(`${dest} ${key}`, ref);
  }
  private readonly timers: NodeJS.Timeout[] = [];
  closing = false;

  constructor(
    readonly store: DeliveryStore,
    private readonly platforms: readonly PlatformPort[],
    readonly hooks: EngineHooks,
    readonly log: Logger,
    readonly observer?: EngineObserver,
    readonly options: EngineOptions = {},
  ) {}

  private unwatchExpiries: (() => Promise<void>) | undefined;

  /** Starts the takeovers: on a lease's expiry at once, the sweeper, and the backstop (workers only). */
  async run(): Promise<void> {
    this.unwatchExpiries = await this.store.watchExpiries((dest) => void this.takeOver(dest).catch((err: Error) => this.log.warn({ err: err.message, dest }, 'takeover failed')))
      .catch((err: Error) => {
        this.log.warn({ err: err.message }, 'cannot hear of expired leases; the sweeper takes over instead');
        return undefined;
      });
    const every = (ms: number, work: () => Promise<void>) => {
      const t = setInterval(() => void work().catch((err: Error) => this.log.warn({ err: err.message }, 'delivery sweep failed')), ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.options.sweepMs ?? 500, () => this.sweep());
    every(this.options.backstopMs ?? 15_000, () => this.backstop());
    // At start, and again once any lease a dead predecessor held has run out.
    void this.backstop().catch(() => undefined);
    const again = setTimeout(() => void this.backstop().catch(() => undefined), LEASE_MS + RENEW_MS);
    again.unref();
    this.timers.push(again);
  }

  bucket(dest: string, pace: Pace): Bucket {
    let b = this.buckets.get(dest);
    if (!b) this.buckets.set(dest, (b = new Bucket(pace)));
    return b;
  }

  platformOf(dest: string): PlatformPort | undefined {
    return this.platforms.find((p) => dest.startsWith(`${p.id}:`));
  }

  async enqueue(dest: string, items: Delivery[]): Promise<void> {
    if (items.length === 0) return;
    const r = await this.store.enqueue(dest, items, this.owner);
    if (r.claimed) this.start(dest, null);
  }

  started(claimed: AppendResult['claimed']): void {
    for (const c of claimed) this.start(c.dest, c.queued.length > 0 ? c.queued : null);
  }

  private start(dest: string, initial: Queued[] | null): void {
    const platform = this.platformOf(dest);
    if (this.closing || this.drainers.has(dest)) return;
    if (!platform) {
      this.log.error({ dest }, 'no platform for this destination: its deliveries wait');
      return;
    }
    const d = new Drainer(this, dest, platform);
    this.drainers.set(dest, d);
    void d.run(initial).catch((err: unknown) => this.log.error({ err, dest }, 'drainer failed')).finally(() => this.detach(dest, d));
  }

  /** A drainer that let its destination go is no longer the one for it. */
  detach(dest: string, d: Drainer): void {
    if (this.drainers.get(dest) === d) this.drainers.delete(dest);
  }

  /** Claims a destination nobody drains, and drains it; false when it is held or empty. */
  private async takeOver(dest: string): Promise<boolean> {
    if (this.closing || this.drainers.has(dest)) return true;
    const items = await this.store.claim(dest, this.owner, READ);
    if (items) this.start(dest, items);
    return items !== null;
  }

  /** Destinations whose drainer stopped renewing (its instance died, or handed over): taken over. */
  async sweep(): Promise<void> {
    for (const [dest, b] of this.buckets) if (b.full() && !this.drainers.has(dest)) this.buckets.delete(dest);
    for (const dest of await this.store.stale(Date.now())) {
      if (!(await this.takeOver(dest)) && !this.drainers.has(dest)) await this.store.unwatch(dest);
    }
  }

  /** Anything left behind where nobody drains (an expiry nobody heard of). */
  async backstop(): Promise<void> {
    for (const dest of await this.store.queued()) await this.takeOver(dest);
  }

  /** Stops taking work: each drainer finishes what it is sending and hands its destination over. */
  async close(): Promise<void> {
    this.closing = true;
    this.timers.forEach((t) => clearTimeout(t));
    await this.unwatchExpiries?.();
    await Promise.all([...this.drainers.values()].map((d) => d.stop()));
  }
}
