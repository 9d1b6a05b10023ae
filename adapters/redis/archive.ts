import type { Mirror } from '../../src/app/ports.js';
import type { ArchiveFeed, ChatSnapshot, Claim, Kept } from '../../src/app/record/port.js';
import type { Invite } from '../../src/domain/invite.js';
import type { Session } from '../../src/domain/session.js';
import type { TranscriptEntry } from '../../src/domain/transcript.js';
import type { RedisClient } from './connection.js';
import { scanKeys } from './connection.js';
import { globalKeys, sessionKeyList, sessionKeys } from './keys.js';

export { markCommitsForArchive } from './archiveMarks.js';

import { withScripts } from './scripts.js';

const HEAD_KEYS = ['json', 'token', 'mirrors', 'rev'] as const;

/** The archiver's side of Redis: due and claimed chats (lua/archiveClaim.lua, archiveRecover.lua), and each chat as it stands. */
export class RedisArchiveFeed implements ArchiveFeed {
  private readonly g: ReturnType<typeof globalKeys>;
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {
    this.g = globalKeys(prefix);
  }

  async claim(max: number, deadline: number): Promise<Claim[]> {
    const flat = (await withScripts(this.redis).archiveClaim(
      this.g.archiveDue,
      this.g.archiveClaimed,
      max,
      deadline,
    )) as string[];
    const out: Claim[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) out.push({ id: flat[i]!, markedAt: Number(flat[i + 1]) });
    return out;
  }

  async snapshot(id: string, kept: Kept | undefined, maxEntries: number) {
    const k = sessionKeys(this.prefix, id);
    // The entries first, then the state (pipelined): the state is never older than the entries
    // read, so an entry that ended the chat comes with the end's reason.
    const [raw, head] = await Promise.all([
      this.redis.xrange(k.transcript, kept ? `(${kept.through}` : '-', '+', 'COUNT', maxEntries + 1),
      this.redis.hmget(k.session, ...HEAD_KEYS),
    ]);
    const [json, token, mirrors, rev] = head;
    if (!json) return undefined;
    // Invites change only with the chat's revision: read when it moved.
    const invites =
      kept && kept.rev === Number(rev ?? 0)
        ? undefined
        : (await this.redis.hvals(k.invites)).map((j) => JSON.parse(j) as Invite);
    // Read back as written: the store validated every record when it wrote it (as a chat's bundle is read).
    const snapshot: ChatSnapshot = {
      session: JSON.parse(json) as Session,
      rev: Number(rev ?? 0),
      tokenHash: token ?? '',
      mirrors: JSON.parse(mirrors ?? '[]') as Mirror[],
      entries: raw
        .slice(0, maxEntries)
        .map(([id, fields]) => ({ id, ...JSON.parse(fields[1] ?? '{}') }) as TranscriptEntry),
      ...(invites ? { invites } : {}),
    };
    return { snapshot, more: raw.length > maxEntries };
  }

  async done(ids: readonly string[]) {
    if (ids.length > 0) await this.redis.zrem(this.g.archiveClaimed, ...ids);
  }

  async giveBack(ids: readonly string[], now: number) {
    if (ids.length > 0)
      await withScripts(this.redis).archiveRecover(this.g.archiveDue, this.g.archiveClaimed, now, ...ids);
  }

  async recover(now: number) {
    return Number(await withScripts(this.redis).archiveRecover(this.g.archiveDue, this.g.archiveClaimed, now));
  }

  async mark(ids: readonly string[], now: number) {
    if (ids.length > 0) await this.redis.zadd(this.g.archiveDue, 'NX', ...ids.flatMap((id) => [now, id]));
  }

  async backlog() {
    const [due, claimed] = await Promise.all([
      this.redis.zcard(this.g.archiveDue),
      this.redis.zcard(this.g.archiveClaimed),
    ]);
    return due + claimed;
  }

  async heads(ids: readonly string[]) {
    // One command each (auto-pipelined): the chats live in many slots.
    const found = await Promise.all(
      ids.map(async (id) => {
        const k = sessionKeys(this.prefix, id);
        const [rev, last] = await Promise.all([
          this.redis.hget(k.session, 'rev'),
          this.redis.xrevrange(k.transcript, '+', '-', 'COUNT', 1),
        ]);
        const exists = rev !== null || last.length > 0 || (await this.redis.exists(k.session)) === 1;
        return [id, exists ? { last: last[0]?.[0], rev: Number(rev ?? 0) } : undefined] as const;
      }),
    );
    return Object.fromEntries(found);
  }

  async scan(onBatch: (ids: string[]) => Promise<void>) {
    await scanKeys(this.redis, `${this.prefix}:s:*:h`, async (keys) => {
      const ids = keys.map((key) => sessionIdOfKey(this.prefix, key)).filter((id): id is string => id !== undefined);
      if (ids.length > 0) await onBatch(ids);
    });
  }

  async forget(id: string, ref: string) {
    const k = sessionKeys(this.prefix, id);
    await this.redis.del(...sessionKeyList(k), k.lock);
    // The ref now names no chat here (unless a newer chat took it).
    if ((await this.redis.hget(this.g.refs, ref)) === id) await this.redis.hdel(this.g.refs, ref);
    await this.redis.srem(this.g.dirty, id);
  }
}

/** `prefix:s:{tag}:id:h` or `prefix:s:{id}:h` (keys.ts) → the chat id. */
function sessionIdOfKey(prefix: string, key: string): string | undefined {
  const m = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:s:\\{([^}]+)\\}(?::([^:]+))?:h$`).exec(key);
  if (!m) return undefined;
  return m[2] ?? m[1];
}
