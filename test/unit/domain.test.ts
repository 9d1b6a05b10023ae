import { describe, expect, it } from 'vitest';
import {
  type Invite,
  mayAnswer,
  mayBeInvited,
  mayInvite,
  mayResend,
  maySearchInvitees,
  mayTransfer,
  mayViewInvites,
} from '../../src/domain/invite.js';
import { ACTIONS, can, classifyAgentReply, mayAccept, mayAct, mayJoinAsSupervisor } from '../../src/domain/policy.js';
import { matchesAgent, searchAgents } from '../../src/domain/search.js';
import { type Member, makeRef, type Session } from '../../src/domain/session.js';
import { testDirectory } from '../support/harness.js';

const dir = testDirectory();
const agent = (id: string) => {
  const a = dir.agent(id);
  if (!a) throw new Error(id);
  return a;
};
const session = (over: Partial<Session> = {}): Session => ({
  id: 'S1',
  ref: 'ABCDEF',
  queueId: 'it-support',
  status: 'active',
  endUser: { name: 'Zed' },
  ownerId: 'alice',
  createdAt: 1,
  ...over,
});
const member = (agentId: string, mode: Member['mode']): Member => ({ agentId, mode, joinedAt: 1, via: 'invite' });
const invite = (over: Partial<Invite> = {}): Invite => ({
  id: 'S1~a',
  sessionId: 'S1',
  inviterId: 'alice',
  inviteeId: 'bob',
  mode: 'participant',
  kind: 'invite',
  status: 'pending',
  attempt: 1,
  rootId: 'S1~a',
  createdAt: 1000,
  expiresAt: 2000,
  ...over,
});

describe('permission table', () => {
  it('gives the owner everything', () => {
    for (const a of ACTIONS) expect(can(member('alice', 'owner'), a)).toBe(true);
  });
  it('lets participants chat and invite but not end, note or transfer', () => {
    const p = member('bob', 'participant');
    expect(['chat', 'canned', 'attach', 'share', 'invite', 'read', 'leave'].every((a) => can(p, a as never))).toBe(
      true,
    );
    expect(['end', 'release', 'transfer', 'note', 'ticket', 'pin'].some((a) => can(p, a as never))).toBe(false);
  });
  it('lets monitors only read and leave', () => {
    const m = member('bob', 'monitor');
    expect(ACTIONS.filter((a) => can(m, a))).toEqual(['read', 'leave']);
  });
  it('gives a non-member nothing', () => {
    expect(ACTIONS.some((a) => can(undefined, a))).toBe(false);
  });
});

describe('session lifecycle rules', () => {
  it('lets an available agent of the queue accept a waiting chat', () => {
    expect(mayAccept(session({ status: 'waiting', ownerId: undefined }), agent('bob'), true).ok).toBe(true);
  });
  it.each([
    ['erin', true, 'waiting', 'other_queue'],
    ['frank', true, 'waiting', 'not_agent'],
    ['bob', false, 'waiting', 'away'],
    ['bob', true, 'active', 'not_waiting'],
  ] as const)('refuses %s (available=%s, %s) with %s', (id, available, status, code) => {
    const v = mayAccept(session({ status }), agent(id), available);
    expect(v.ok ? 'ok' : v.code).toBe(code);
  });
  it('only the owner ends', () => {
    expect(mayAct(session(), member('alice', 'owner'), 'end').ok).toBe(true);
    const v = mayAct(session(), member('bob', 'participant'), 'end');
    expect(v.ok ? 'ok' : v.code).toBe('forbidden');
  });
});

describe('thread replies', () => {
  it('relays owners and participants, keeps monitors to agents, refuses non-members', () => {
    expect(classifyAgentReply(session(), member('alice', 'owner'), false)).toEqual({ visibility: 'public' });
    expect(classifyAgentReply(session(), member('bob', 'participant'), false)).toEqual({ visibility: 'public' });
    const m = classifyAgentReply(session(), member('bob', 'monitor'), false);
    expect(m).toEqual({ visibility: 'agents', withheld: true });
    expect(classifyAgentReply(session(), undefined, false)).toMatchObject({ ok: false, code: 'not_member' });
  });
  it('allows notes to the owner only', () => {
    expect(classifyAgentReply(session(), member('alice', 'owner'), true)).toEqual({ visibility: 'private' });
    expect(classifyAgentReply(session(), member('bob', 'participant'), true)).toMatchObject({
      ok: false,
      code: 'forbidden',
    });
  });
});

describe('directory search', () => {
  it.each([
    ['car', ['carol']],
    ['LEF', ['carol']],
    ['lefevre', ['carol']],
    ['Carol Lef', ['carol']],
    ['lef car', ['carol']],
    ['bob@ex', ['bob']],
    ['m', ['bob']],
    ['zzz', []],
    ['ol', []],
  ])('"%s" finds %j', (q, ids) => {
    const found = searchAgents(
      dir.agents.filter((a) => a.id !== 'frank' && a.id !== 'erin'),
      q,
    ).map((a) => a.id);
    expect(found).toEqual(ids);
  });
  it('is accent-insensitive both ways', () => {
    expect(matchesAgent({ ...agent('bob'), lastName: 'Müller' }, 'mull')).toBe(true);
    expect(matchesAgent(agent('carol'), 'lefè')).toBe(true);
  });
});

describe('invite eligibility', () => {
  const base = {
    session: session(),
    inviter: member('alice', 'owner'),
    inviterId: 'alice',
    inviteeAvailable: true,
    inviteeMember: undefined,
    pendingForInvitee: false,
  };
  it('accepts an available agent of the queue', () => {
    expect(mayInvite({ ...base, invitee: agent('bob') }).ok).toBe(true);
  });
  it.each([
    ['no ESChat_Agent', { invitee: agent('frank') }, 'not_agent'],
    ['away', { invitee: agent('bob'), inviteeAvailable: false }, 'away'],
    ['other queue', { invitee: agent('erin') }, 'other_queue'],
    ['self', { invitee: agent('alice') }, 'self'],
    ['already a member', { invitee: agent('bob'), inviteeMember: member('bob', 'monitor') }, 'already_member'],
    ['pending invite', { invitee: agent('bob'), pendingForInvitee: true }, 'already_invited'],
    ['monitor inviting', { invitee: agent('bob'), inviter: member('dan', 'monitor'), inviterId: 'dan' }, 'forbidden'],
    ['non-member inviting', { invitee: agent('bob'), inviter: undefined, inviterId: 'dan' }, 'not_member'],
    ['ended chat', { invitee: agent('bob'), session: session({ status: 'ended' }) }, 'not_active'],
  ])('refuses %s', (_n, over, code) => {
    const v = mayInvite({ ...base, ...over });
    expect(v.ok ? 'ok' : v.code).toBe(code);
  });
  it('explains ineligibility without an inviter for the picker', () => {
    const v = mayBeInvited({ ...base, invitee: agent('erin') });
    expect(v).toMatchObject({ ok: false, code: 'other_queue', params: { name: 'Erin' } });
  });
  it('lets the owner offer the chat to someone already in it (the natural hand-over), never to themselves', () => {
    const offer = { ...base, offerPending: false };
    expect(mayTransfer({ ...offer, invitee: agent('bob'), inviteeMember: member('bob', 'participant') }).ok).toBe(true);
    expect(mayTransfer({ ...offer, invitee: agent('bob'), inviteeMember: member('bob', 'monitor') }).ok).toBe(true);
    expect(mayTransfer({ ...offer, invitee: agent('alice'), inviteeMember: member('alice', 'owner') })).toMatchObject({
      ok: false,
      code: 'self',
      wording: 'self.transfer',
    });
    expect(mayTransfer({ ...offer, invitee: agent('bob'), inviteeAvailable: false })).toMatchObject({
      ok: false,
      code: 'away',
    });
  });
});

describe("who may search a chat's queue for invitees", () => {
  it('an owner or participant of the active chat who is an agent of its queue', () => {
    expect(maySearchInvitees(session(), agent('alice'), member('alice', 'owner')).ok).toBe(true);
    expect(maySearchInvitees(session(), agent('dan'), member('dan', 'participant')).ok).toBe(true);
  });
  it.each([
    ['a monitor', session(), 'bob', member('bob', 'monitor'), 'forbidden'],
    ['an agent of the queue who is not in the chat', session(), 'bob', undefined, 'not_member'],
    ['a supervisor of the queue who is not in the chat', session(), 'carol', undefined, 'not_member'],
    ['a participant from another queue', session(), 'erin', member('erin', 'participant'), 'other_queue'],
    ['someone without ESChat_Agent', session(), 'frank', member('frank', 'participant'), 'not_agent'],
    [
      'the owner of a waiting chat',
      session({ status: 'waiting', ownerId: undefined }),
      'alice',
      undefined,
      'not_active',
    ],
    ['the owner of an ended chat', session({ status: 'ended' }), 'alice', member('alice', 'owner'), 'not_active'],
  ] as const)('not %s', (_n, s, id, m, code) => {
    const v = maySearchInvitees(s, agent(id), m);
    expect(v.ok ? 'ok' : v.code).toBe(code);
  });
  it('not someone outside the directory', () => {
    expect(maySearchInvitees(session(), undefined, undefined)).toMatchObject({ ok: false, code: 'not_agent' });
  });
});

describe('invite answers and resends', () => {
  it('accepts the matching button from the invitee only, before expiry', () => {
    expect(mayAnswer(invite(), 'bob', 'participate', 1500).ok).toBe(true);
    expect(mayAnswer(invite(), 'bob', 'reject', 1500).ok).toBe(true);
    expect(mayAnswer(invite(), 'dan', 'participate', 1500)).toMatchObject({ code: 'not_invitee' });
    expect(mayAnswer(invite(), 'bob', 'monitor', 1500)).toMatchObject({ code: 'wrong_mode' });
    expect(mayAnswer(invite(), 'bob', 'participate', 2000)).toMatchObject({ code: 'not_pending' });
    expect(mayAnswer(invite({ status: 'accepted' }), 'bob', 'participate', 1500)).toMatchObject({
      code: 'not_pending',
    });
  });
  it('resends rejected or expired invites, by the inviter or owner, up to the limit', () => {
    const s = session();
    expect(mayResend(invite({ status: 'rejected' }), s, 'alice', 3).ok).toBe(true);
    expect(mayResend(invite({ status: 'expired', inviterId: 'dan' }), s, 'alice', 3).ok).toBe(true);
    expect(mayResend(invite({ status: 'expired' }), s, 'dan', 3)).toMatchObject({ code: 'forbidden' });
    expect(mayResend(invite({ status: 'pending' }), s, 'alice', 3)).toMatchObject({ code: 'not_resendable' });
    expect(mayResend(invite({ status: 'accepted' }), s, 'alice', 3)).toMatchObject({ code: 'not_resendable' });
    expect(mayResend(invite({ status: 'expired', resentAs: 'x' }), s, 'alice', 3)).toMatchObject({
      code: 'already_resent',
    });
    expect(mayResend(invite({ status: 'expired', attempt: 3 }), s, 'alice', 3).ok).toBe(true);
    expect(mayResend(invite({ status: 'expired', attempt: 4 }), s, 'alice', 3)).toMatchObject({ code: 'limit' });
  });
});

describe('invite details', () => {
  it('are for the owner and those who invited', () => {
    const list = [invite({ inviterId: 'bob' })];
    expect(mayViewInvites(session(), list, 'alice').ok).toBe(true);
    expect(mayViewInvites(session(), list, 'bob').ok).toBe(true);
    expect(mayViewInvites(session(), list, 'dan')).toMatchObject({ ok: false, code: 'forbidden' });
  });
});

describe('supervisors', () => {
  it('join any active chat of their queues, and monitors step up', () => {
    expect(mayJoinAsSupervisor(session(), agent('carol'), undefined, 'monitor').ok).toBe(true);
    expect(mayJoinAsSupervisor(session(), agent('carol'), member('carol', 'monitor'), 'participant').ok).toBe(true);
    expect(mayJoinAsSupervisor(session(), agent('carol'), member('carol', 'participant'), 'monitor')).toMatchObject({
      code: 'already_member',
    });
    expect(
      mayJoinAsSupervisor(session({ ownerId: 'carol' }), agent('carol'), member('carol', 'owner'), 'monitor'),
    ).toMatchObject({ code: 'owner' });
    expect(mayJoinAsSupervisor(session(), agent('bob'), undefined, 'monitor')).toMatchObject({
      code: 'not_supervisor',
    });
    expect(mayJoinAsSupervisor(session({ status: 'waiting' }), agent('carol'), undefined, 'monitor')).toMatchObject({
      code: 'not_active',
    });
  });
});

describe('refs', () => {
  it('are six unambiguous characters', () => {
    const ref = makeRef(new Uint8Array([0, 1, 2, 3, 200, 255]));
    expect(ref).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
  });
});
