import type { Logger } from 'pino';
import { Nap } from '../nap.js';
import type { ArchiveFeed, ChatSnapshot, Claim, RecordStore } from './port.js';
import { RecordUnavailable } from './port.js';

/** What the archiver reports (Prometheus in production; the bench reads the lag). */
export interface ArchiveObserver {
  /** Entries written, each with how long after its commit. */
  archived(lagsMs: number[]): void;
  failed(): void;
}

export interface ArchiverOptions {
  /** Chats per pass (one transaction). */
  batch: number;
  /** Entries read per chat per pass (the rest in the next). */
  maxEntries: number;
  /** How long a claim holds before another archiver may take the chat (a dead one's). */
  claimMs: number;
  /** Rest after a pass that took less than a full batch: entries gather into fewer, larger transactions (the lag stays about this long). */
  idleMs: number;
  now: () => number;
}

const DEFAULTS: ArchiverOptions = { batch: 500, maxEntries: 2_000, claimMs: 30_000, idleMs: 1_000, now: Date.now };

/**
 * Writes what Redis commits into the record, off the relay's path: each pass claims the chats
 * longest due, reads their state and the entries after the record's cursor, and writes them in
 * one transaction (the record applies each entry once). A database that fails gives the
 * claims back and is tried again with a growing pause; nothing is lost, Redis keeps the marks.
 */
export class Archiver {
  private readonly o: ArchiverOptions;
  private running: Promise<void> | undefined;
  private stopping = false;
  private readonly nap = new Nap();
  private failures = 0;

  constructor(
    private readonly feed: ArchiveFeed,
    private readonly record: RecordStore,
    private readonly log: Logger,
    o: Partial<ArchiverOptions> = {},
    private readonly observer?: ArchiveObserver,
  ) {
    this.o = { ...DEFAULTS, ...o };
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** Stops after the pass in hand, waiting for it a few seconds at most (its claims come back at their deadline). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.nap.wake();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.running, new Promise((r) => (timer = setTimeout(r, 5_000)))]);
    clearTimeout(timer);
  }

  private async loop(): Promise<void> {
    let recovered = 0;
    while (!this.stopping) {
      try {
        const now = this.o.now();
        // Claims of archivers that died (or gave up) are due again.
        if (now - recovered > 5_000) {
          await this.feed.recover(now);
          recovered = now;
        }
        const n = await this.pass();
        if (this.failures > 0) this.log.info({ after: this.failures }, 'record: archiving again');
        this.failures = 0;
        if (n < this.o.batch) await this.sleep(this.o.idleMs);
      } catch (err) {
        this.failures++;
        this.observer?.failed();
        // Said once when it starts failing, then every 20th time: a database down for an hour is one story.
        if (this.failures === 1 || this.failures % 20 === 0)
          this.log.warn(
            { err: (err as Error).message, failures: this.failures },
            'record: archiving failed; Redis keeps what is due and it is tried again',
          );
        await this.sleep(Math.min(30_000, 250 * 2 ** Math.min(this.failures, 7)));
      }
    }
  }

  private async sleep(ms: number): Promise<void> {
    if (this.stopping) return;
    await this.nap.sleep(ms);
  }

  /** One pass: claims, reads, writes; how many chats it took. */
  async pass(): Promise<number> {
    const claims = await this.feed.claim(this.o.batch, this.o.now() + this.o.claimMs);
    if (claims.length === 0) return 0;
    const ids = claims.map((c) => c.id);
    try {
      await this.archive(claims);
    } catch (err) {
      await this.feed.giveBack(ids, this.o.now()).catch(() => undefined); // else they come back at their deadline
      throw err;
    }
    await this.feed.done(ids);
    return claims.length;
  }

  private async archive(claims: Claim[]): Promise<void> {
    const cursors = await this.record.cursors(claims.map((c) => c.id));
    const read = await Promise.all(
      claims.map(async (c) => {
        try {
          return { id: c.id, got: await this.feed.snapshot(c.id, cursors[c.id], this.o.maxEntries) };
        } catch (err) {
          // A chat Redis holds in a shape we cannot read would block every pass: it is left out, and said.
          this.log.error({ err, sessionId: c.id }, 'record: a chat could not be read for archiving; skipped');
          return { id: c.id, got: undefined };
        }
      }),
    );
    const snapshots: ChatSnapshot[] = read.flatMap((r) => (r.got ? [r.got.snapshot] : []));
    if (snapshots.length > 0) await this.record.archive(snapshots);
    const now = this.o.now();
    this.observer?.archived(snapshots.flatMap((s) => s.entries.map((e) => Math.max(0, now - e.ts))));
    // A chat with more entries than a pass takes is due again at once.
    const more = read.filter((r) => r.got?.more).map((r) => r.id);
    if (more.length > 0) await this.feed.mark(more, now);
  }

  /** Archives everything due now (an erasure first, tests): until nothing is left or `timeoutMs` passed. */
  async drain(timeoutMs = 10_000): Promise<void> {
    const until = this.o.now() + timeoutMs;
    while ((await this.pass()) > 0) {
      if (this.o.now() > until) throw new RecordUnavailable('the archive did not catch up in time');
    }
  }
}
