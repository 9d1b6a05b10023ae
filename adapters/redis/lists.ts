import type { Logger } from 'pino';
import type { ListStore } from '../../src/app/store.js';
import { InviteSchema } from '../../src/domain/invite.js';
import { type Listing, type ListName, listingsOf } from '../../src/domain/lists.js';
import { MemberSchema, SessionSchema } from '../../src/domain/session.js';
import type { RedisClient } from './connection.js';
import { globalKeys, legacyOpenSet, sessionKeys } from './keys.js';
import { quiet, readRecord, readRecords } from './records.js';
import { withScripts } from './scripts.js';

/** A listing as stored on the chat: [list key, item]. */
type Placed = [string, string];

/** Enough for any interleaving of a few writers on one chat; past it, the next change reindexes. */
const ATTEMPTS = 5;

/**
 * The lists as sorted sets, one per agent or queue (each in a slot of its own, so they are
 * written outside the chat's scripts). The chat remembers where it was put (`ix`) and as of
 * which revision (`ixrev`): a reindex compares, computes from the chat's state, adds and
 * removes, and records, only if the chat did not change meanwhile (else computes again).
 */
export class RedisLists implements ListStore {
  private readonly g: ReturnType<typeof globalKeys>;
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly log: Logger = quiet,
  ) {
    this.g = globalKeys(prefix);
  }

  private key(l: Pick<Listing, 'list' | 'of'>): string {
    return this.g.list(l.list, l.of);
  }

  async reindex(sessionId: string, seen?: Omit<Listing, 'score'>): Promise<void> {
    const k = sessionKeys(this.prefix, sessionId);
    // What this run itself put in (so a retry takes it out again if the chat moved on), and
    // a listing a reader found that the chat does not match.
    const added: Placed[] = seen ? [[this.key(seen), seen.item]] : [];
    for (let n = 0; n < ATTEMPTS; n++) {
      const [json, revision, ix, ixrev] = await this.redis.hmget(k.session, 'json', 'rev', 'ix', 'ixrev');
      const rev = revision ?? '0';
      if (!json && seen) await this.redis.zrem(this.key(seen), seen.item);
      // Up to date, unless this run already put something in (computed from a state since
      // gone: another run recorded the newer state meanwhile) that must come out again.
      if (!json || (rev === ixrev && added.length === 0)) return;
      const [members, invites] = await Promise.all([this.redis.hvals(k.members), this.redis.hvals(k.invites)]);
      // A record that no longer parses is read without what fails, or left out: never the whole chat's lists.
      const session = readRecord(SessionSchema, json, `session ${sessionId}`, this.log);
      if (!session) return;
      const want = listingsOf(
        session,
        readRecords(MemberSchema, members, `member of ${sessionId}`, this.log),
        readRecords(InviteSchema, invites, `invite of ${sessionId}`, this.log),
      );
      const placed: Placed[] = want.map((l) => [this.key(l), l.item]);
      const keep = new Set(placed.map((p) => p.join('\n')));
      const before = [...(JSON.parse(ix ?? '[]') as Placed[]), ...added];
      await Promise.all([
        ...before.filter((p) => !keep.has(p.join('\n'))).map(([key, item]) => this.redis.zrem(key, item)),
        ...want.map((l) => this.redis.zadd(this.key(l), l.score, l.item)),
      ]);
      added.push(...placed);
      if (Number(await withScripts(this.redis).markIndexed(k.session, rev, JSON.stringify(placed))) === 1) return;
    }
  }

  /**
   * Upgrading from before the lists: the open chats were one sorted set (`prefix:open`).
   * Each is indexed, then the set goes. Safe to repeat, and to run on several instances.
   */
  async adoptOpenSet(): Promise<number> {
    const legacy = legacyOpenSet(this.prefix);
    const ids = await this.redis.zrange(legacy, 0, -1);
    for (const id of ids) await this.reindex(id);
    if (ids.length > 0) await this.redis.zrem(legacy, ...ids);
    return ids.length;
  }

  async read(list: ListName, of: string): Promise<string[]> {
    return this.redis.zrange(this.key({ list, of }), 0, -1);
  }

  async count(list: ListName, of: string) {
    return this.redis.zcard(this.key({ list, of }));
  }

  async position(list: ListName, of: string, item: string) {
    const rank = await this.redis.zrank(this.key({ list, of }), item);
    return rank === null ? undefined : rank + 1;
  }

  async reserve(of: string, item: string, max: number) {
    const r = Number(await withScripts(this.redis).reserveSlot(this.key({ list: 'owns', of }), item, max, Date.now()));
    return r === 0 ? false : r === 1 ? 'reserved' : 'there';
  }

  async unreserve(of: string, item: string) {
    await this.redis.zrem(this.key({ list: 'owns', of }), item);
  }
}
