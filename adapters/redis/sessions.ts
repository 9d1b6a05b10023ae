import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { type Mirror, MirrorSchema } from '../../src/app/ports.js';
import type { EndOptions, SessionBundle, SessionStore, Writes } from '../../src/app/store.js';
import type { Invite } from '../../src/domain/invite.js';
import { type Member, MemberSchema, type Session, SessionSchema } from '../../src/domain/session.js';
import type { RedisClient } from './connection.js';
import { globalKeys, sessionKeys, tagOf } from './keys.js';
import { quiet, readRecord, readRecords } from './records.js';
import { withScripts } from './scripts.js';
import { entriesOf, idsOf, runSessionScript } from './sessionScript.js';

/** How many of a queue's last waits the estimate is made from. */
const RECENT_WAITS = 20;

/** How long an ended chat stays in Redis. */
export const RETAIN_ENDED_MS = 30 * 24 * 3600 * 1000;

export const byCreation = (a: Invite, b: Invite): number => a.createdAt - b.createdAt || a.id.localeCompare(b.id);

/** Chats, members and availability in Redis. */
export class RedisSessions implements SessionStore {
  private readonly g: ReturnType<typeof globalKeys>;
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly log: Logger = quiet,
  ) {
    this.g = globalKeys(prefix);
  }

  private k(id: string) {
    return sessionKeys(this.prefix, id);
  }

  private session(id: string, json: string): Session | undefined {
    return readRecord(SessionSchema, json, `session ${id}`, this.log);
  }

  /** `tag.random`: the chat's keys go to its home destination's slot. */
  newId(home: string | undefined): string {
    return `${tagOf(home ?? 'nowhere')}.${randomBytes(12).toString('base64url')}`;
  }

  async create(session: Session, tokenHash: string, home: string | undefined, w: Writes) {
    const r = idsOf(
      await runSessionScript(
        this.redis,
        this.prefix,
        'createSession',
        session.id,
        { session: JSON.stringify(session), token: tokenHash, ...(home ? { home } : {}) },
        w,
      ),
    );
    // The ref look-up lives in a slot of its own: written after the chat (the lists are the caller's).
    if (r.ok) await this.redis.hset(this.g.refs, session.ref, session.id);
    return r;
  }

  async get(id: string): Promise<Session | undefined> {
    const j = await this.redis.hget(this.k(id).session, 'json');
    return j ? this.session(id, j) : undefined;
  }

  async bundle(id: string, recent: number): Promise<SessionBundle | undefined> {
    const k = this.k(id);
    const res = await this.redis
      .multi()
      .hmget(k.session, 'json', 'mirrors', 'home')
      .hvals(k.members)
      .hvals(k.invites)
      .xrevrange(k.transcript, '+', '-', 'COUNT', recent)
      .exec();
    if (!res) return undefined;
    const [[, [json, mirrors, home]], [, members], [, invites], [, last]] = res as Array<[Error | null, unknown]> as [
      [null, Array<string | null>],
      [null, string[]],
      [null, string[]],
      [null, Array<[string, string[]]>],
    ];
    const session = json ? this.session(id, json) : undefined;
    if (!session) return undefined;
    // The hot read of every delivery: these records were validated when written, by this store.
    return {
      session,
      members: members.map((j) => JSON.parse(j) as Member),
      invites: invites.map((j) => JSON.parse(j) as Invite).sort(byCreation),
      recent: entriesOf(last ?? [], this.log).reverse(),
      mirrors: JSON.parse(mirrors ?? '[]') as Mirror[],
      home: home ?? undefined,
    };
  }

  async withToken(id: string) {
    const [json, tokenHash] = await this.redis.hmget(this.k(id).session, 'json', 'token');
    const session = json ? this.session(id, json) : undefined;
    return session && tokenHash ? { session, tokenHash } : undefined;
  }

  async idByRef(ref: string) {
    return (await this.redis.hget(this.g.refs, ref.toUpperCase())) ?? undefined;
  }

  async accept(sessionId: string, member: Member, now: number, w: Writes) {
    return idsOf(
      await runSessionScript(
        this.redis,
        this.prefix,
        'acceptSession',
        sessionId,
        { agentId: member.agentId, member: JSON.stringify(member), now },
        w,
      ),
    );
  }

  async end(sessionId: string, by: string, now: number, w: Writes, o: EndOptions = {}) {
    return idsOf(
      await runSessionScript(
        this.redis,
        this.prefix,
        'endSession',
        sessionId,
        { by, now, retainMs: RETAIN_ENDED_MS, ...o },
        w,
      ),
    );
  }

  async addMember(sessionId: string, member: Member, w: Writes) {
    return idsOf(
      await runSessionScript(
        this.redis,
        this.prefix,
        'addMember',
        sessionId,
        { agentId: member.agentId, mode: member.mode, member: JSON.stringify(member) },
        w,
      ),
    );
  }

  async removeMember(sessionId: string, agentId: string, w: Writes) {
    return idsOf(await runSessionScript(this.redis, this.prefix, 'removeMember', sessionId, { agentId }, w));
  }

  async requeue(sessionId: string, by: string, now: number, w: Writes, queueId?: string) {
    return idsOf(
      await runSessionScript(
        this.redis,
        this.prefix,
        'requeueSession',
        sessionId,
        { by, now, ...(queueId ? { queueId } : {}) },
        w,
      ),
    );
  }

  async escalate(sessionId: string, now: number, w: Writes) {
    return idsOf(await runSessionScript(this.redis, this.prefix, 'escalateSession', sessionId, { now }, w));
  }

  async removeMirror(sessionId: string, mirrorId: string) {
    await withScripts(this.redis).removeMirror(this.k(sessionId).session, mirrorId);
  }

  async members(sessionId: string): Promise<Member[]> {
    return readRecords(
      MemberSchema,
      await this.redis.hvals(this.k(sessionId).members),
      `member of ${sessionId}`,
      this.log,
    );
  }

  async setMirror(sessionId: string, mirror: Mirror) {
    await withScripts(this.redis).setMirror(this.k(sessionId).session, JSON.stringify(MirrorSchema.parse(mirror)));
  }

  async setAvailable(agentId: string, available: boolean, at?: number) {
    if (!available) {
      await this.redis.sadd(this.g.away, agentId);
      return;
    }
    // Two keys in two slots on a cluster (no MULTI across them): the time first, so an agent
    // no longer Away always has the time their grace restarts from.
    await this.redis.hset(this.g.availableAt, agentId, at ?? Date.now());
    await this.redis.srem(this.g.away, agentId);
  }

  async recordWait(queueId: string, ms: number) {
    const key = this.g.waits(queueId);
    await this.redis
      .multi()
      .lpush(key, Math.max(0, Math.round(ms)))
      .ltrim(key, 0, RECENT_WAITS - 1)
      .exec();
  }

  async recentWaits(queueId: string) {
    return (await this.redis.lrange(this.g.waits(queueId), 0, -1)).map(Number);
  }

  async lastAssigned(agentIds: string[]) {
    if (agentIds.length === 0) return new Map<string, number>();
    const at = await this.redis.hmget(this.g.assigned, ...agentIds);
    return new Map(agentIds.flatMap((id, i) => (at[i] ? [[id, Number(at[i])] as const] : [])));
  }

  async markAssigned(agentId: string, at: number) {
    await this.redis.hset(this.g.assigned, agentId, at);
  }

  async awayAgentIds() {
    return new Set(await this.redis.smembers(this.g.away));
  }
}
