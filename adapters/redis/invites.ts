import type { Logger } from 'pino';
import type { InviteStore, StoreResult, Writes } from '../../src/app/store.js';
import { type Invite, InviteSchema, type InviteStatus } from '../../src/domain/invite.js';
import type { Member } from '../../src/domain/session.js';
import type { RedisClient } from './connection.js';
import { inviteSessionId, sessionKeys } from './keys.js';
import { quiet, readRecord, readRecords } from './records.js';
import { idsOf, runSessionScript } from './sessionScript.js';
import { byCreation } from './sessions.js';

/** Invites, kept in their chat's slot (an invite id embeds its session id). */
export class RedisInvites implements InviteStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly log: Logger = quiet,
  ) {}

  async create(invites: Invite | Invite[], w: Writes, o: { offerBy?: string } = {}) {
    const list = Array.isArray(invites) ? invites : [invites];
    const first = list[0];
    if (!first) return { ok: false as const, code: 'nobody' };
    return idsOf(
      await runSessionScript(
        this.redis,
        this.prefix,
        'createInvite',
        first.sessionId,
        {
          invites: list.map((i) => ({ invite: JSON.stringify(i), inviteId: i.id, inviteeId: i.inviteeId })),
          ...(first.previousId ? { previousId: first.previousId } : {}),
          ...(o.offerBy ? { offerBy: o.offerBy } : {}),
        },
        w,
      ),
    );
  }

  async settle(
    sessionId: string,
    inviteId: string,
    to: Exclude<InviteStatus, 'pending'>,
    now: number,
    member: Member | undefined,
    w: Writes,
    o: { reason?: string; unreached?: boolean } = {},
  ): Promise<StoreResult<{ invite: Invite; cancelled: string[] }>> {
    const reply = await runSessionScript(
      this.redis,
      this.prefix,
      'settleInvite',
      sessionId,
      {
        inviteId,
        to,
        now,
        ...(member ? { member: JSON.stringify(member) } : {}),
        ...(o.reason ? { reason: o.reason } : {}),
        ...(o.unreached ? { unreached: true } : {}),
      },
      w,
    );
    if (reply[0] === 1) {
      // It took: a record that reads back badly must not make it look as if it had not.
      const invite =
        readRecord(InviteSchema, reply[1] ?? '', `invite ${inviteId}`, this.log) ??
        (JSON.parse(reply[1] ?? '{}') as Invite);
      return { ok: true, value: { invite, cancelled: reply.slice(2).map(String) } };
    }
    return { ok: false, code: String(reply[1]) };
  }

  async get(inviteId: string) {
    const sid = inviteSessionId(inviteId);
    if (!sid) return undefined;
    const j = await this.redis.hget(sessionKeys(this.prefix, sid).invites, inviteId);
    return j ? readRecord(InviteSchema, j, `invite ${inviteId}`, this.log) : undefined;
  }

  async list(sessionId: string) {
    return readRecords(
      InviteSchema,
      await this.redis.hvals(sessionKeys(this.prefix, sessionId).invites),
      `invite of ${sessionId}`,
      this.log,
    ).sort(byCreation);
  }
}
