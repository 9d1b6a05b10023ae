import type { RedisClient } from './connection.js';
import type { InviteStore, StoreResult, Writes } from '../../src/app/store.js';
import { type Invite, InviteSchema, type InviteStatus } from '../../src/domain/invite.js';
import type { Member } from '../../src/domain/session.js';
import { inviteSessionId, sessionKeys } from './keys.js';
import { idsOf, runSessionScript } from './sessionScript.js';
import { byCreation } from './sessions.js';

/** Invites, kept in their chat's slot (an invite id embeds its session id). */
export class RedisInvites implements InviteStore {
  constructor(private readonly redis: RedisClient, private readonly prefix: string) {}

  async create(invites: Invite | Invite[], w: Writes, o: { offerBy?: string } = {}) {
    const list = Array.isArray(invites) ? invites : [invites];
    const first = list[0];
    if (!first) return { ok: false as const, code: 'nobody' };
    return idsOf(await runSessionScript(this.redis, this.prefix, 'createInvite', first.sessionId, {
      invites: list.map((i) => ({ invite: JSON.stringify(i), inviteId: i.id, inviteeId: i.inviteeId })),
      ...(first.previousId ? { previousId: first.previousId } : {}),
      ...(o.offerBy ? { offerBy: o.offerBy } : {}),
    }, w));
  }

  async settle(sessionId: string, inviteId: string, to: Exclude<InviteStatus, 'pending'>, now: number, member: Member | undefined, w: Writes, o: { reason?: string } = {}): Promise<StoreResult<{ invite: Invite; cancelled: string[] }>> {
    const reply = await runSessionScript(this.redis, this.prefix, 'settleInvite', sessionId, { inviteId, to, now, ...(member ? { member: JSON.stringify(member) } : {}), ...(o.reason ? { reason: o.reason } : {}) }, w);
    if (reply[0] === 1) return { ok: true, value: { invite: InviteSchema.parse(JSON.parse(reply[1] ?? '')), cancelled: reply.slice(2).map(String) } };
    return { ok: false, code: String(reply[1]) };
  }

  async get(inviteId: string) {
    const sid = inviteSessionId(inviteId);
    if (!sid) return undefined;
    const j = await this.redis.hget(sessionKeys(this.prefix, sid).invites, inviteId);
    return j ? InviteSchema.parse(JSON.parse(j)) : undefined;
  }

  async list(sessionId: string) {
    return (await this.redis.hvals(sessionKeys(this.prefix, sessionId).invites)).map((j) => InviteSchema.parse(JSON.parse(j))).sort(byCreation);
  }
}
