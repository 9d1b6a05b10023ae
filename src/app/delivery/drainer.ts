import { compareEntryIds } from '../../domain/transcript.js';
import { Nap } from '../nap.js';
import { AmbiguousError, type MessageRef, type PlatformPort, type Posted, RetryLaterError } from '../ports.js';
import type { Bucket } from './bucket.js';
import {
  jitter,
  listDeadline,
  MAX_DELIVERY_FAILURES,
  MAX_HOOK_TRIES,
  PREMARK_MS,
  READ,
  RENEW_MS,
  STOPPING_RETRY_MS,
} from './clocks.js';
import type { Delivery, Queued } from './delivery.js';
import type { DrainerHost } from './host.js';
import { merged } from './merge.js';
import { type Limits, nextRefresh, nextUnit, type Unit } from './schedule.js';

const backoff = (n: number): number => jitter(Math.min(30_000, 250 * 2 ** Math.min(n, 7)));

/** Thrown through a drainer when its instance is closing: it lets go of its destination. */
class Stop extends Error {}
/** Thrown through a drainer whose lease another took: it stops without touching the queue. */
class Lost extends Error {}

/** A top or a post spends the destination's posting budget (waits for its turn); updates do not. */
const paced = (unit: Unit | undefined): boolean => unit?.items[0]?.d.op === 'top' || unit?.items[0]?.d.op === 'post';

const sleepPlain = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The first line of a fresh claim, marked in flight by the commit that claimed (`at`: when that step began). */
export interface Premark {
  qid: string;
  at: number;
}

/** One destination's drainer, while this instance holds its lease. */
export class Drainer {
  private queue: Queued[] = [];
  private after: string | undefined;
  /** When each chat last went (a counter), so the one served longest ago goes next. */
  private readonly served = new Map<string, number>();
  private round = 0;
  private readonly bucket: Bucket;
  private readonly refCache = new Map<string, MessageRef | undefined>();
  private readonly failures = new Map<string, number>();
  /** When the last ack renewed the lease (each ack does), and this drainer's entry on the sweepers' list (0: none). */
  private ackedAt = 0;
  private listed = 0;
  private released = false;
  private stopping = false;
  private readonly nap = new Nap();
  /** Set while it waits for its turn, so that new work here ends the wait; `poked` says it did. */
  private pausing = false;
  private poked = false;
  /** Queue ids that waited behind the destination's pace or a 429 (said to the observer: rate-limited). */
  private readonly behindPace = new Set<string>();
  private done: Promise<void> = Promise.resolve();
  private premark: Premark | undefined;

  constructor(
    private readonly e: DrainerHost,
    private readonly dest: string,
    private readonly port: PlatformPort,
  ) {
    this.bucket = e.bucket(dest, port.pace(dest));
  }

  /** `fresh`: the queue began with `initial` (nothing can be in flight); else what a predecessor left in flight is read back first. */
  async run(initial: Queued[] | null, fresh = false, premark?: Premark): Promise<void> {
    this.premark = premark;
    let finish!: () => void;
    this.done = new Promise((r) => (finish = r));
    // On the sweepers' list from the start, a drainer that dies at any moment is taken over;
    // a fresh claim's is, through its instance's entry, until its first renewal lists it.
    if (!(fresh && this.e.listsYoung())) void this.list();
    const renew = setInterval(() => void this.keepAlive(), RENEW_MS);
    try {
      if (initial) this.take(initial);
      else if (!(await this.ack([], {}))) return;
      if (!fresh && !(await this.readBack())) return;
      while (!this.stopping) {
        if (this.queue.length === 0) {
          if (!(await this.ack([], {}))) return;
          continue;
        }
        const behind = this.bucket.waitMs() > 0;
        const unit = this.next(behind);
        if (!unit) continue;
        if (behind && paced(unit)) {
          for (const q of this.queue) this.behindPace.add(q.qid);
          // Its turn comes later: meanwhile a new refresh (this instance pokes) goes first.
          if (await this.pause(this.bucket.waitMs())) {
            if (!(await this.ack([], {}))) return;
            continue;
          }
        }
        let refs: Record<string, MessageRef> = {};
        if (unit.items.length > 0) {
          refs = await this.send(unit.items);
          this.servedNow(unit.items[0]!.d.sessionId);
        }
        if (!(await this.ack([...unit.items, ...unit.dropped], refs))) return;
      }
    } catch (err) {
      if (!(err instanceof Stop) && !(err instanceof Lost)) throw err;
      if (err instanceof Lost) this.e.detach(this.dest, this);
    } finally {
      clearInterval(renew);
      // Its own entry only: one the destination's next drainer wrote stays.
      if (this.released && this.listed > 0)
        await this.e.store.unwatch(this.dest, 'eq', this.listed).catch(() => undefined);
      finish();
    }
  }

  /**
   * What goes next. Refreshes (a root, a card) have their own lane: they spend no posting
   * budget, so while the next line waits for its turn, a refresh whose message is out goes first.
   */
  private next(behind: boolean): Unit | undefined {
    // Behind: the next post would have to wait, so a chat's waiting lines go as one.
    const unit = nextUnit(this.queue, this.served, behind ? this.limits() : { maxItems: 1, maxChars: Infinity });
    if (!behind || !paced(unit)) return unit;
    return nextRefresh(this.queue) ?? unit;
  }

  /** New deliveries were queued here (by this instance): a wait for a turn ends, to look at them. */
  poke(): void {
    if (!this.pausing) return;
    this.poked = true;
    this.nap.wake();
  }

  /** Waits `ms` for a turn; true when poked before. */
  private async pause(ms: number): Promise<boolean> {
    if (this.stopping) throw new Stop();
    this.pausing = true;
    this.poked = false;
    await this.nap.sleep(ms);
    this.pausing = false;
    if (this.stopping) throw new Stop();
    return this.poked;
  }

  /**
   * After a takeover: a post the previous drainer marked in flight and never acknowledged is
   * looked for on the platform (Slack: its delivery id in the message's metadata) before it
   * is sent again. Where the platform cannot tell (Teams), it is sent again: the duplicate window.
   */
  private async readBack(): Promise<boolean> {
    const mark = await this.e.store.inflight(this.dest);
    if (!mark) return true;
    const items = this.queue.filter((q) => mark.qids.includes(q.qid));
    const first = items[0];
    if (!first || (first.d.op !== 'top' && first.d.op !== 'post')) return true;
    const root = first.d.under ? await this.ref(first.d.under) : undefined;
    const found = await this.port.findPosted?.(this.dest, root, mark.id, mark.at).catch(() => undefined);
    if (!found) {
      this.e.observer?.resent?.(found === null ? 'not_posted' : 'unknown');
      this.e.log.info(
        { dest: this.dest, delivery: mark.id, known: found === null },
        'took over a post in flight: sending it again',
      );
      return true;
    }
    if (first.d.op === 'top' && first.d.mirror && found.place)
      await this.hook(() => this.e.hooks.rootPosted(first.d, found));
    this.e.observer?.resent?.('found');
    return this.ack(items, this.recorded(items, found, true));
  }

  /** Asked to stop (shutdown): the send in hand finishes, the rest is handed over. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.nap.wake();
    await this.done;
  }

  private servedNow(sessionId: string): void {
    this.served.delete(sessionId);
    this.served.set(sessionId, ++this.round);
    // Chats long gone from the queue are forgotten (the map keeps insertion order: oldest first).
    if (this.served.size > 10_000) for (const k of [...this.served.keys()].slice(0, 5_000)) this.served.delete(k);
  }

  private take(items: Queued[]): void {
    for (const q of items) if (!this.queue.some((x) => x.qid === q.qid)) this.queue.push(q);
    const last = items.at(-1)?.qid;
    if (last && (!this.after || compareEntryIds(last, this.after) > 0)) this.after = last;
  }

  /** Acknowledges, records refs, reads what came since; false when the destination was released or lost. */
  private async ack(done: Queued[], refs: Record<string, MessageRef>): Promise<boolean> {
    const ids = new Set(done.map((q) => q.qid));
    this.queue = this.queue.filter((q) => !ids.has(q.qid));
    for (const id of ids) this.behindPace.delete(id);
    if (this.stopping) {
      // Shutting down: what was sent is acknowledged, the rest is handed to the next drainer.
      await this.retried(
        () => this.e.store.ack(this.dest, this.e.owner, { done, refs, after: this.after, held: 'handover', count: 0 }),
        3,
      );
      this.e.detach(this.dest, this);
      await this.e.store.watch(this.dest, Date.now());
      return false;
    }
    const r = await this.retried(() =>
      this.e.store.ack(this.dest, this.e.owner, {
        done,
        refs,
        after: this.after,
        held: this.queue.length > 0,
        count: READ,
      }),
    );
    // Released or lost: a claim made from now on (by a commit here) starts a new drainer.
    if (r.lost || r.released) this.e.detach(this.dest, this);
    if (r.released) this.released = true;
    if (r.lost || r.released) return false;
    this.ackedAt = Date.now();
    this.take(r.next);
    return true;
  }

  /**
   * A step on Redis that must not be given up on (an acknowledgement after a post went out):
   * retried while Redis is unreachable. If the lease runs out meanwhile, the answer says so
   * (lost), and whoever takes over reads the post back first.
   */
  private async retried<T>(work: () => Promise<T>, tries = Infinity): Promise<T> {
    for (let n = 1; ; n++) {
      try {
        return await work();
      } catch (err) {
        if (n >= tries || (this.stopping && n >= 3)) throw err;
        if (n === 1 || n % 20 === 0)
          this.e.log.warn(
            { err: (err as Error).message, dest: this.dest, tries: n },
            'delivery step failed on Redis; retrying',
          );
        await sleepPlain(Math.min(1_000, 50 * 2 ** Math.min(n, 5)));
      }
    }
  }

  /** Says the post is leaving; throws Lost when the lease is no longer ours (then it must not go). */
  private async mark(items: Queued[], since: number): Promise<void> {
    const pre = this.premark;
    this.premark = undefined;
    // Marked by the commit that claimed, and no takeover can have begun: one step fewer before the post.
    if (pre && items.length === 1 && items[0]!.qid === pre.qid && Date.now() - pre.at < PREMARK_MS) return;
    const m = { id: items[0]!.d.id, at: since, qids: items.map((q) => q.qid) };
    if (!(await this.retried(() => this.e.store.markInflight(this.dest, this.e.owner, m)))) throw new Lost();
    this.ackedAt = Date.now();
  }

  /** On the sweepers' list until the lease's deadline and one renewal more: past it, the drainer stopped. */
  private async list(): Promise<void> {
    const score = listDeadline(Date.now());
    this.listed = score;
    await this.e.store
      .watch(this.dest, score)
      .catch((err: Error) => this.e.log.warn({ err: err.message, dest: this.dest }, 'could not list a delivery lease'));
  }

  /** Keeps the lease while a drain lasts (renewed unless an ack just did it), and its entry on the list. */
  private async keepAlive(): Promise<void> {
    try {
      if (this.released) return;
      if (Date.now() - this.ackedAt >= RENEW_MS && !(await this.e.store.renew(this.dest, this.e.owner))) return;
      await this.list();
    } catch (err) {
      this.e.log.warn({ err: (err as Error).message, dest: this.dest }, 'could not renew a delivery lease');
    }
  }

  private limits(): Limits {
    return this.e.options.limits ?? { maxItems: 50, maxChars: 12_000 };
  }

  private async turnFor(): Promise<void> {
    const wait = this.bucket.waitMs();
    if (wait > 0) await this.sleep(wait);
    this.bucket.take();
  }

  private async sleep(ms: number): Promise<void> {
    if (this.stopping) throw new Stop();
    await this.nap.sleep(ms);
    if (this.stopping) throw new Stop();
  }

  // ---- sending ----

  private async ref(key: string): Promise<MessageRef | undefined> {
    const root = this.e.rootRef(this.dest, key);
    if (root) return root;
    if (!this.refCache.has(key)) {
      const found = (await this.e.store.refs(this.dest, [key]))[0];
      this.refCache.set(key, found);
      if (found) this.e.keepRoot(this.dest, key, found);
    }
    return this.refCache.get(key);
  }

  /** Sends a unit until it takes (waiting out rate limits, checking ambiguous failures), or parks it as dead. */
  private async send(items: Queued[]): Promise<Record<string, MessageRef>> {
    const first = items[0]!;
    const since = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        const refs = await this.attempt(items, since);
        for (const q of items) this.e.observer?.delivered(q.d, this.dest, this.behindPace.delete(q.qid));
        return refs;
      } catch (err) {
        if (err instanceof Stop || err instanceof Lost) throw err;
        this.e.observer?.failed(err);
        if (err instanceof RetryLaterError) {
          for (const q of this.queue) this.behindPace.add(q.qid);
          this.bucket.empty();
          this.e.log.info({ dest: this.dest, waitMs: err.retryAfterMs }, 'destination slowed down');
          await this.sleep(err.retryAfterMs ?? backoff(attempt));
          continue;
        }
        const n = (this.failures.get(first.qid) ?? 0) + 1;
        this.failures.set(first.qid, n);
        if (err instanceof AmbiguousError && (first.d.op === 'top' || first.d.op === 'post')) {
          // The request left: was it stored? Read back before sending again, so nothing shows twice.
          await this.sleep(err.retryAfterMs ?? backoff(attempt));
          const root = first.d.under ? await this.ref(first.d.under) : undefined;
          const found = await this.port.findPosted?.(this.dest, root, first.d.id, since).catch(() => undefined);
          if (found) {
            // A root found stored links its chat, as if its post had answered.
            if (first.d.op === 'top' && first.d.mirror && found.place)
              await this.hook(() => this.e.hooks.rootPosted(first.d, found));
            return this.recorded(items, found, true);
          }
          if (n < MAX_DELIVERY_FAILURES) continue;
        }
        if (n >= MAX_DELIVERY_FAILURES) {
          this.e.log.error(
            { err, dest: this.dest, delivery: first.d.id },
            'delivery parked as dead after repeated failures',
          );
          for (const q of items) await this.e.store.deadLetter(this.dest, q, String(err));
          // A card that cannot go out is said in the chat, as when its invitee is unknown here.
          if (first.d.op === 'top') await this.hook(() => this.e.hooks.unreachable(first.d));
          return {};
        }
        this.e.log.warn(
          { err: (err as Error).message, dest: this.dest, delivery: first.d.id, failures: n },
          'delivery failed; retrying',
        );
        await this.sleep(backoff(n));
      }
    }
  }

  private async attempt(items: Queued[], since: number): Promise<Record<string, MessageRef>> {
    const d = items[0]!.d;
    switch (d.op) {
      case 'top': {
        await this.turnFor();
        await this.mark(items, since);
        const posted = await this.port.postTop(this.dest, d.surface!, d.id);
        if (!posted) {
          await this.hook(() => this.e.hooks.unreachable(d));
          this.refCache.set(d.ref, { none: '1' });
          return { [d.ref]: { none: '1' } };
        }
        if (d.mirror) await this.hook(() => this.e.hooks.rootPosted(d, posted));
        return this.recorded(items, posted, false);
      }
      case 'post': {
        const root = d.under ? await this.ref(d.under) : undefined;
        if (!root || root.none) return {}; // the root never went out: nothing to post under
        await this.turnFor();
        await this.mark(items, since);
        const ref = await this.port.postUnder(root, merged(items.map((q) => q.d.surface!)), d.id);
        return this.recorded(items, { ref, place: '' }, false);
      }
      case 'update':
      case 'remove': {
        const target = await this.ref(d.ref);
        if (!target || target.none) return {};
        if (target.group) return this.regroup(target, d);
        if (d.op === 'update') await this.port.update(target, d.surface!);
        else await this.port.remove(target);
        return {};
      }
    }
  }

  /**
   * After a post took: retried on its own (a failure here must not post again). Its waits
   * (up to a minute in all) shrink to a moment once the instance is stopping, so a shutdown
   * is not held up by them; the tries stay the same.
   */
  private async hook(work: () => Promise<void>): Promise<void> {
    for (let n = 1; ; n++) {
      try {
        return await work();
      } catch (err) {
        if (n >= MAX_HOOK_TRIES) {
          this.e.log.error({ err, dest: this.dest }, 'could not record what a post did');
          return;
        }
        this.e.log.warn({ err: (err as Error).message, dest: this.dest }, 'recording what a post did failed; retrying');
        if (this.stopping) await sleepPlain(STOPPING_RETRY_MS);
        else await this.nap.sleep(backoff(n)); // a stop wakes it
      }
    }
  }

  /** What was posted, for later updates: one message for several merged lines is a group. */
  private recorded(items: Queued[], posted: Posted, found: boolean): Record<string, MessageRef> {
    const refs: Record<string, MessageRef> = {};
    const kept = items.filter((q) => q.d.keep);
    if (items.length === 1) {
      for (const q of kept) refs[q.d.ref] = posted.ref;
    } else if (kept.length > 0) {
      const group = `group:${items[0]!.d.id}`;
      refs[group] = { ...posted.ref, surfaces: JSON.stringify(items.map((q) => [q.d.ref, q.d.surface])) };
      for (const q of kept) refs[q.d.ref] = { ...posted.ref, group };
    }
    for (const [k, v] of Object.entries(refs)) {
      this.refCache.set(k, v);
      this.e.keepRoot(this.dest, k, v);
    }
    if (found) this.e.log.info({ dest: this.dest }, 'an ambiguous failure had been stored: not sent again');
    return refs;
  }

  /** An edit or deletion of one line of a merged post: the post is redrawn with that line changed. */
  private async regroup(target: MessageRef, d: Delivery): Promise<Record<string, MessageRef>> {
    const group = await this.ref(target.group!);
    if (!group?.surfaces) return {};
    const parts = (JSON.parse(group.surfaces) as Array<[string, Delivery['surface']]>).map(
      ([ref, s]): [string, Delivery['surface']] => [ref, ref === d.ref ? d.surface : s],
    );
    const { surfaces: _, ...ref } = group;
    await this.port.update(ref, merged(parts.map(([, s]) => s!)));
    const next = { ...group, surfaces: JSON.stringify(parts) };
    this.refCache.set(target.group!, next);
    return { [target.group!]: next };
  }
}
