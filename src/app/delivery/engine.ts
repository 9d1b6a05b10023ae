import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { DeliveryEngine } from '../context.js';
import type { MessageRef, Pace, PlatformPort } from '../ports.js';
import type { AppendResult } from '../store.js';
import { Bucket } from './bucket.js';
import { LEASE_MS, listDeadline, READ, RENEW_MS } from './clocks.js';
import type { Delivery, Queued } from './delivery.js';
import { Drainer, type Premark } from './drainer.js';
import type { DrainerHost, EngineHooks, EngineObserver, EngineOptions } from './host.js';
import { type DeliveryStore, instanceEntry, isInstanceEntry } from './store.js';

export type { EngineHooks, EngineObserver, EngineOptions };

/**
 * The delivery engine: one drainer per destination across all instances (a lease in
 * Redis), each sending at its platform's pace by waiting for its turn, never by failing
 * and retrying; a 429 slows that destination alone. A sweeper takes over the destinations of
 * a dead instance within about 2.5 s (every held lease is on its list); a slow backstop
 * scan finds anything left behind.
 */
export class Engine implements DeliveryEngine, DrainerHost {
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
  /** Drainers that were here when their destination was claimed again (see `start`). */
  private readonly claimedAgain = new WeakSet<Drainer>();
  private readonly timers: NodeJS.Timeout[] = [];
  closing = false;
  /**
   * This instance's own entry on the sweepers' list, renewed every RENEW_MS once it drains:
   * it stands for its drainers younger than that, which list their destinations only if they
   * outlive it (most fresh claims drain one line in a few milliseconds). `beatAt`: when the
   * last renewal that landed was sent; `beatScore`: its score.
   */
  readonly self = instanceEntry(this.owner);
  private beatAt = 0;
  private beatScore = 0;
  private beating: NodeJS.Timeout | undefined;

  constructor(
    readonly store: DeliveryStore,
    private readonly platforms: readonly PlatformPort[],
    readonly hooks: EngineHooks,
    readonly log: Logger,
    readonly observer?: EngineObserver,
    readonly options: EngineOptions = {},
  ) {}

  /**
   * Starts the takeovers (workers only): the sweeper, over the list every held lease is on
   * (no keyspace notifications needed), and the backstop's scan for anything left behind.
   */
  async run(): Promise<void> {
    this.beat();
    const every = (ms: number, work: () => Promise<void>) => {
      const t = setInterval(
        () => void work().catch((err: Error) => this.log.warn({ err: err.message }, 'delivery sweep failed')),
        ms,
      );
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
    if (!b) {
      b = new Bucket(pace);
      this.buckets.set(dest, b);
    }
    return b;
  }

  platformOf(dest: string): PlatformPort | undefined {
    return this.platforms.find((p) => dest.startsWith(`${p.id}:`));
  }

  async enqueue(dest: string, items: Delivery[]): Promise<void> {
    if (items.length === 0) return;
    const r = await this.store.enqueue(dest, items, this.owner);
    // Claimed: the queue may hold what a dead drainer left, so the new one starts from its head.
    if (r.claimed) this.start(dest, null, false);
    // Drained here: a drainer waiting for its turn looks at them now (a refresh goes first).
    else this.drainers.get(dest)?.poke();
  }

  /** Destinations an append claimed: each was idle and got a line, so a drainer starts on it. */
  started(claimed: AppendResult['claimed']): void {
    for (const c of claimed) {
      const [first] = c.queued;
      const premark = first && c.markedAt !== undefined ? { qid: first.qid, at: c.markedAt } : undefined;
      this.start(c.dest, c.queued.length > 0 ? c.queued : null, c.queued.length > 0, premark);
    }
  }

  /** Whether this instance's entry on the sweepers' list covers a drainer that starts now (see `self`). */
  listsYoung(): boolean {
    return Date.now() - this.beatAt < RENEW_MS;
  }

  /** Renews this instance's entry every RENEW_MS from now on, with a drainer's deadline. */
  private beat(): void {
    if (this.beating || this.closing) return;
    const renew = () => {
      const sent = Date.now();
      const score = listDeadline(sent);
      this.store.watch(this.self, score).then(
        () => {
          this.beatAt = sent;
          this.beatScore = score;
        },
        (err: Error) => this.log.warn({ err: err.message }, 'could not renew this instance on the sweepers’ list'),
      );
    };
    renew();
    this.beating = setInterval(renew, RENEW_MS);
    this.beating.unref();
  }

  /**
   * `fresh`: the claim found the queue empty (its first item is the one given), so nothing
   * can be in flight there; otherwise the drainer reads back what a predecessor left in flight.
   */
  private start(dest: string, initial: Queued[] | null, fresh: boolean, premark?: Premark): void {
    if (this.closing) return;
    const current = this.drainers.get(dest);
    if (current) {
      // Claimed while a drainer of ours is still here: its release may have reached Redis
      // before this claim, its answer not yet this process. Once it ends, a new one reads
      // the queue from its head (if it was not letting go, that finds the lease gone and stops).
      this.claimedAgain.add(current);
      return;
    }
    const platform = this.platformOf(dest);
    if (!platform) {
      this.log.error({ dest }, 'no platform for this destination: its deliveries wait');
      return;
    }
    this.beat();
    const d = new Drainer(this, dest, platform);
    this.drainers.set(dest, d);
    void d
      .run(initial, fresh, premark)
      .catch((err: unknown) => this.log.error({ err, dest }, 'drainer failed'))
      .finally(() => {
        this.detach(dest, d);
        if (this.claimedAgain.delete(d) && !this.drainers.has(dest)) this.start(dest, null, false);
      });
  }

  /** A drainer that let its destination go is no longer the one for it. */
  detach(dest: string, d: Drainer): void {
    if (this.drainers.get(dest) === d) this.drainers.delete(dest);
  }

  /** Claims a destination nobody drains, and drains it: 'held' when another drains it, 'empty' when nothing waits. */
  private async takeOver(dest: string): Promise<'taken' | 'held' | 'empty'> {
    if (this.closing || this.drainers.has(dest)) return 'held';
    const items = await this.store.claim(dest, this.owner, READ);
    if (typeof items === 'string') return items;
    this.start(dest, items, false);
    return 'taken';
  }

  /**
   * Every held lease is on the sweepers' list, renewed with it: an entry past its deadline is
   * a drainer that stopped (its instance died, or it lost Redis), taken over once its lease ran out.
   */
  async sweep(): Promise<void> {
    for (const [dest, b] of this.buckets) if (b.full() && !this.drainers.has(dest)) this.buckets.delete(dest);
    const now = Date.now();
    for (const dest of await this.store.stale(now)) {
      if (isInstanceEntry(dest)) {
        if (dest !== this.self) await this.instanceGone(dest, now);
        continue;
      }
      if (this.drainers.has(dest)) continue; // ours, alive: it renews its entry itself
      if ((await this.takeOver(dest)) === 'empty') await this.store.unwatch(dest, 'le', now);
    }
  }

  /**
   * An instance stopped renewing its entry: the destinations its young drainers held were on
   * the list only through it. Its entry's deadline is past the leases they held, so the scan
   * finds them free; once more a lease later, for a lease renewed while its timers lagged.
   */
  private async instanceGone(entry: string, now: number): Promise<void> {
    this.log.info({ instance: entry.slice(1) }, 'an instance stopped: taking over what it left');
    await this.backstop();
    await this.store.unwatch(entry, 'le', now);
    const again = setTimeout(() => void this.backstop().catch(() => undefined), LEASE_MS);
    again.unref();
    this.timers.push(again);
  }

  /** Anything left behind where nobody drains (an expiry nobody heard of). */
  async backstop(): Promise<void> {
    for (const dest of await this.store.queued()) await this.takeOver(dest);
  }

  /** Stops taking work: each drainer finishes what it is sending and hands its destination over. */
  async close(): Promise<void> {
    this.closing = true;
    this.timers.forEach((t) => {
      clearTimeout(t);
    });
    clearInterval(this.beating);
    await Promise.all([...this.drainers.values()].map((d) => d.stop()));
    // Each drainer handed its destination over itself: nothing is left for a sweeper to find.
    if (this.beatScore > 0) await this.store.unwatch(this.self, 'eq', this.beatScore).catch(() => undefined);
  }
}
