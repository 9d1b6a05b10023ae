import type { Redis } from 'ioredis';
import { type Effect, type MessageRef, type Mirror, MirrorSchema } from '../../src/app/ports.js';
import type { AppendOptions, OutboxStore, SessionBundle, SessionStore, StoreResult, Writes } from '../../src/app/store.js';
import { Effect as EffectSchema } from '../../src/app/ports.js';
import { type Invite, InviteSchema, type InviteStatus } from '../../src/domain/invite.js';
import { type Member, MemberSchema, type Session, SessionSchema } from '../../src/domain/session.js';
import { EntryBody, type TranscriptEntry } from '../../src/domain/transcript.js';
import { eventsChannel, globalKeys, inviteSessionId, keyList, sessionKeys } from './keys.js';
import * as lua from './scripts.js';

/** How long an ended chat stays in Redis. */
export const RETAIN_ENDED_MS = 30 * 24 * 3600 * 1000;

const byCreation = (a: Invite, b: Invite): number => a.createdAt - b.createdAt || a.id.localeCompare(b.id);

type ScriptName = 'createSession' | 'acceptSession' | 'endSession' | 'addMember' | 'appendEntries' | 'createInvite' | 'settleInvite';
type ScriptReply = [number, ...string[]];

/** The Redis store of record: sessions, members, invites, transcript, outbox, refs, availability. */
export class RedisStore implements SessionStore, OutboxStore {
  private readonly g: ReturnType<typeof globalKeys>;

  constructor(readonly redis: Redis, readonly prefix: string) {
    this.g = globalKeys(prefix);
    for (const name of ['createSession', 'acceptSession', 'endSession', 'addMember', 'appendEntries', 'createInvite', 'settleInvite'] as const) {
      if (!(name in redis)) redis.defineCommand(name, { lua: lua[name], numberOfKeys: keyList(sessionKeys(prefix, 'x')).length });
    }
  }

  private async run(name: ScriptName, sessionId: string, params: Record<string, unknown>, w: Writes = {}): Promise<ScriptReply> {
    const entries = (w.entries ?? []).map((e) => JSON.stringify(EntryBody.parse(e)));
    const effects = (w.effects ?? []).map((e) => JSON.stringify(e));
    const args = [
      ...keyList(sessionKeys(this.prefix, sessionId)),
      sessionId,
      eventsChannel(this.prefix, sessionId),
      JSON.stringify(params),
      String(entries.length), ...entries,
      String(effects.length), ...effects,
    ];
    // Mark the session dirty first (same pipeline, same order): a crash after the script
    // leaves a harmless mark, never a stranded effect.
    const marked = effects.length || entries.length ? this.redis.sadd(this.g.dirty, sessionId) : undefined;
    const fn = (this.redis as unknown as Record<ScriptName, (...a: string[]) => Promise<ScriptReply>>)[name];
    const [reply] = await Promise.all([fn.call(this.redis, ...args), marked]);
    return reply;
  }

  private static ids(reply: ScriptReply): StoreResult<string[]> {
    return reply[0] === 1 ? { ok: true, value: reply.slice(1) as string[] } : { ok: false, code: String(reply[1]) };
  }

  private k(sessionId: string) {
    return sessionKeys(this.prefix, sessionId);
  }

  async createSession(session: Session, tokenHash: string, w: Writes) {
    const r = RedisStore.ids(await this.run('createSession', session.id, { session: JSON.stringify(session), token: tokenHash }, w));
    if (r.ok) {
      await this.redis.multi().hset(this.g.refs, session.ref, session.id).zadd(this.g.open, session.createdAt, session.id).exec();
    }
    return r;
  }

  async getSession(id: string): Promise<Session | undefined> {
    const j = await this.redis.hget(this.k(id).session, 'json');
    return j ? SessionSchema.parse(JSON.parse(j)) : undefined;
  }

  async sessionBundle(id: string, recent: number): Promise<SessionBundle | undefined> {
    const k = this.k(id);
    const res = await this.redis.multi()
      .hget(k.session, 'json').hvals(k.members).hvals(k.invites).xrevrange(k.transcript, '+', '-', 'COUNT', recent).hvals(k.mirrors)
      .exec();
    if (!res) return undefined;
    const [[, json], [, members], [, invites], [, last], [, mirrors]] = res as Array<[Error | null, unknown]> as [
      [null, string | null], [null, string[]], [null, string[]], [null, Array<[string, string[]]>], [null, string[]],
    ];
    if (!json) return undefined;
    // The hot read of every delivery: these records were validated when written, by this store.
    return {
      session: SessionSchema.parse(JSON.parse(json)),
      members: members.map((j) => JSON.parse(j) as Member),
      invites: invites.map((j) => JSON.parse(j) as Invite).sort(byCreation),
      recent: RedisStore.entries(last).reverse(),
      mirrors: mirrors.map((j) => JSON.parse(j) as Mirror).sort((a, b) => a.key.localeCompare(b.key)),
    };
  }

  async sessionWithToken(id: string) {
    const [json, tokenHash] = await this.redis.hmget(this.k(id).session, 'json', 'token');
    return json && tokenHash ? { session: SessionSchema.parse(JSON.parse(json)), tokenHash } : undefined;
  }

  async sessionIdByRef(ref: string) {
    return (await this.redis.hget(this.g.refs, ref.toUpperCase())) ?? undefined;
  }

  async openSessionIds() {
    return this.redis.zrange(this.g.open, 0, -1);
  }

  async accept(sessionId: string, member: Member, now: number, w: Writes) {
    return RedisStore.ids(await this.run('acceptSession', sessionId, { agentId: member.agentId, member: JSON.stringify(member), now }, w));
  }

  async end(sessionId: string, by: string, now: number, w: Writes) {
    const r = RedisStore.ids(await this.run('endSession', sessionId, { by, now, retainMs: RETAIN_ENDED_MS }, w));
    if (r.ok) await this.redis.zrem(this.g.open, sessionId);
    return r;
  }

  async addMember(sessionId: string, member: Member, w: Writes) {
    return RedisStore.ids(await this.run('addMember', sessionId, { agentId: member.agentId, mode: member.mode, member: JSON.stringify(member) }, w));
  }

  async members(sessionId: string): Promise<Member[]> {
    const all = await this.redis.hvals(this.k(sessionId).members);
    return all.map((j) => MemberSchema.parse(JSON.parse(j)));
  }

  async append(sessionId: string, statuses: Session['status'][], w: Writes, opts: AppendOptions = {}) {
    const reply = await this.run('appendEntries', sessionId, { statuses, ...opts }, w);
    if (reply[0] === 0) return { ok: false as const, code: String(reply[1]) };
    return { ok: true as const, value: { ids: reply.slice(1) as string[], duplicate: reply[0] === 2 } };
  }

  private static entries(raw: Array<[string, string[]]>): TranscriptEntry[] {
    return raw.map(([id, fields]) => ({ id, ...EntryBody.parse(JSON.parse(fields[1] ?? '{}')) }));
  }

  async readEntries(sessionId: string, afterId: string | undefined, count: number) {
    const start = afterId ? `(${afterId}` : '-';
    return RedisStore.entries(await this.redis.xrange(this.k(sessionId).transcript, start, '+', 'COUNT', count));
  }

  async entry(sessionId: string, entryId: string) {
    const raw = await this.redis.xrange(this.k(sessionId).transcript, entryId, entryId);
    return RedisStore.entries(raw)[0];
  }

  async createInvite(invite: Invite, w: Writes) {
    return RedisStore.ids(await this.run('createInvite', invite.sessionId, {
      invite: JSON.stringify(invite), inviteId: invite.id, inviteeId: invite.inviteeId,
      ...(invite.previousId ? { previousId: invite.previousId } : {}),
    }, w));
  }

  async settleInvite(sessionId: string, inviteId: string, to: Exclude<InviteStatus, 'pending'>, now: number, member: Member | undefined, w: Writes): Promise<StoreResult<Invite>> {
    const reply = await this.run('settleInvite', sessionId, { inviteId, to, now, ...(member ? { member: JSON.stringify(member) } : {}) }, w);
    if (reply[0] === 1) return { ok: true, value: InviteSchema.parse(JSON.parse(reply[1] ?? '')) };
    return { ok: false, code: String(reply[1]) };
  }

  async invite(inviteId: string) {
    const sid = inviteSessionId(inviteId);
    if (!sid) return undefined;
    const j = await this.redis.hget(this.k(sid).invites, inviteId);
    return j ? InviteSchema.parse(JSON.parse(j)) : undefined;
  }

  async invites(sessionId: string) {
    return (await this.redis.hvals(this.k(sessionId).invites)).map((j) => InviteSchema.parse(JSON.parse(j))).sort(byCreation);
  }

  async setAvailable(agentId: string, available: boolean) {
    if (available) await this.redis.srem(this.g.away, agentId);
    else await this.redis.sadd(this.g.away, agentId);
  }

  async awayAgentIds() {
    return new Set(await this.redis.smembers(this.g.away));
  }

  async mirrors(sessionId: string): Promise<Mirror[]> {
    const all = await this.redis.hvals(this.k(sessionId).mirrors);
    return all.map((j) => MirrorSchema.parse(JSON.parse(j))).sort((a, b) => a.key.localeCompare(b.key));
  }

  async addMirror(sessionId: string, mirror: Mirror) {
    await this.redis.hset(this.k(sessionId).mirrors, mirror.key, JSON.stringify(mirror));
  }

  async mirrorChats(key: string): Promise<string[]> {
    return this.redis.zrange(this.g.mirrorChats(key), 0, -1);
  }

  async addMirrorChat(key: string, sessionId: string) {
    // A 1:1 keeps its most recent chats only.
    await this.redis.multi().zadd(this.g.mirrorChats(key), Date.now(), sessionId).zremrangebyrank(this.g.mirrorChats(key), 0, -51).exec();
  }

  async getRef(sessionId: string, key: string): Promise<MessageRef | undefined> {
    const j = await this.redis.hget(this.k(sessionId).refs, key);
    return j ? (JSON.parse(j) as MessageRef) : undefined;
  }

  async setRef(sessionId: string, key: string, ref: MessageRef) {
    await this.redis.hset(this.k(sessionId).refs, key, JSON.stringify(ref));
  }

  async lookup(key: string) {
    const [lasting, expiring] = await Promise.all([this.redis.hget(this.g.lookup, key), this.redis.get(this.g.expiring(key))]);
    return lasting ?? expiring ?? undefined;
  }

  async remember(key: string, value: string, ttlSeconds?: number) {
    if (ttlSeconds) await this.redis.set(this.g.expiring(key), value, 'EX', ttlSeconds);
    else await this.redis.hset(this.g.lookup, key, value);
  }

  async claimOnce(key: string, ttlSeconds: number) {
    return (await this.redis.set(this.g.once(key), '1', 'EX', ttlSeconds, 'NX')) === 'OK';
  }

  async releaseClaim(key: string) {
    await this.redis.del(this.g.once(key));
  }

  // ---- outbox ----

  async pendingEffects(sessionId: string, count: number): Promise<Array<{ id: string; effect: Effect }>> {
    const raw = await this.redis.xrange(this.k(sessionId).outbox, '-', '+', 'COUNT', count);
    return raw.map(([id, fields]) => ({ id, effect: EffectSchema.parse(JSON.parse(fields[1] ?? '{}')) }));
  }

  async ackEffect(sessionId: string, id: string) {
    await this.redis.xdel(this.k(sessionId).outbox, id);
  }

  async dirtySessions() {
    return this.redis.smembers(this.g.dirty);
  }

  async markClean(sessionId: string) {
    await this.redis.srem(this.g.dirty, sessionId);
    // An effect may have landed between the last read and the SREM: put the mark back.
    if ((await this.redis.xlen(this.k(sessionId).outbox)) > 0) await this.redis.sadd(this.g.dirty, sessionId);
  }

  async outboxDepth() {
    const ids = await this.dirtySessions();
    if (ids.length === 0) return 0;
    const p = this.redis.pipeline();
    for (const id of ids) p.xlen(this.k(id).outbox);
    const res = (await p.exec()) ?? [];
    return res.reduce((n, [, v]) => n + (typeof v === 'number' ? v : 0), 0);
  }
}
