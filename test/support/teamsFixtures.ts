/** Fixed data for the Teams card tests: a directory, a session in each state, invites in each status. */
import type { HomeView, InviteView, MemberView, SessionView } from '../../src/app/ports.js';
import type { Agent, Queue } from '../../src/domain/directory.js';
import type { Invite, InviteMode, InviteStatus } from '../../src/domain/invite.js';
import type { Session } from '../../src/domain/session.js';
import type { MessageEntry } from '../../src/domain/transcript.js';

export const T0 = Date.UTC(2025, 0, 15, 9, 0, 0); // 2025-01-15T09:00:00Z
export const MIN = 60_000;
export const TTL = 2 * MIN;
export const MAX_RESENDS = 3;

export const queue: Queue = {
  id: 'it-support',
  name: 'IT Support',
  teams: { channelId: '19:itsupport@thread.tacv2', serviceUrl: 'https://smba.trafficmanager.net/amer/', tenantId: 'tenant-1' },
};

const agent = (id: string, firstName: string, lastName: string, extra: Partial<Agent> = {}): Agent => ({
  id,
  firstName,
  lastName,
  email: `${id}@example.com`,
  permissions: ['ESChat_Agent'],
  roles: ['agent'],
  queues: ['it-support'],
  ...extra,
});

export const alice = agent('alice', 'Alice', 'Ng', { teams: { aadObjectId: 'aad-alice' } });
export const bob = agent('bob', 'Bob', 'Li', { teams: { aadObjectId: 'aad-bob' } });
export const carol = agent('carol', 'Carol', 'Díaz', { roles: ['agent', 'supervisor'], teams: { aadObjectId: 'aad-carol' } });
export const dave = agent('dave', 'Dave', 'Stone'); // no Teams id known
export const agents: Agent[] = [alice, bob, carol, dave];
export const agentById = (id: string): Agent | undefined => agents.find((a) => a.id === id);

export const waitingSession: Session = {
  id: 'sess-1',
  ref: 'K7Q2XD',
  queueId: 'it-support',
  status: 'waiting',
  endUser: { name: 'Jane Customer', email: 'jane@customer.test' },
  createdAt: T0,
};
export const activeSession: Session = { ...waitingSession, status: 'active', ownerId: 'alice', acceptedAt: T0 + MIN };
export const endedSession: Session = { ...activeSession, status: 'ended', endedAt: T0 + 30 * MIN, endedBy: 'alice' };

const member = (a: Agent, mode: MemberView['mode'], joinedAt: number, via: MemberView['via']): MemberView => ({ agentId: a.id, mode, joinedAt, via, agent: a });
export const ownerMember = member(alice, 'owner', T0 + MIN, 'accept');

export const recent: MessageEntry[] = [
  { id: `${T0 + 10_000}-0`, kind: 'message', ts: T0 + 10_000, visibility: 'public', author: 'user', text: 'My laptop will not boot.' },
  { id: `${T0 + 70_000}-0`, kind: 'message', ts: T0 + 70_000, visibility: 'public', author: 'agent', agentId: 'alice', authorName: 'Alice Ng', text: 'Hi Jane, what do you see on screen?' },
  { id: `${T0 + 90_000}-0`, kind: 'message', ts: T0 + 90_000, visibility: 'public', author: 'user', text: 'A *blinking* cursor <at>everyone</at>' },
];

export function invite(status: InviteStatus, over: Partial<Invite> = {}): Invite {
  const createdAt = T0 + 5 * MIN;
  const inv: Invite = {
    id: 'inv-1',
    sessionId: 'sess-1',
    inviterId: 'alice',
    inviteeId: 'bob',
    mode: 'participant',
    status,
    attempt: 1,
    rootId: 'inv-1',
    createdAt,
    expiresAt: createdAt + TTL,
    ...over,
  };
  if (status !== 'pending' && inv.respondedAt === undefined) inv.respondedAt = status === 'expired' ? inv.expiresAt : createdAt + 30_000;
  return inv;
}

export function sessionView(session: Session, over: Partial<SessionView> = {}): SessionView {
  return {
    session,
    queue,
    owner: session.ownerId ? agentById(session.ownerId) : undefined,
    members: session.status === 'waiting' ? [] : [ownerMember],
    invites: [],
    recent,
    publicUrl: 'https://switchboard.example.com',
    ...over,
  };
}

export const waitingView = sessionView(waitingSession);
export const activeView = sessionView(activeSession);
export const endedView = sessionView(endedSession);

/** An active chat with a history of invites: bob joined, dave rejected then pending again, carol expired. */
export const activeWithInvites = sessionView(activeSession, {
  members: [ownerMember, member(bob, 'participant', T0 + 6 * MIN, 'invite')],
  invites: [
    invite('accepted', { id: 'inv-1', inviteeId: 'bob' }),
    invite('rejected', { id: 'inv-2', rootId: 'inv-2', inviteeId: 'dave', mode: 'monitor', resentAs: 'inv-3' }),
    invite('pending', { id: 'inv-3', rootId: 'inv-2', previousId: 'inv-2', inviteeId: 'dave', mode: 'monitor', attempt: 2, createdAt: T0 + 8 * MIN, expiresAt: T0 + 10 * MIN }),
    invite('expired', { id: 'inv-4', rootId: 'inv-4', inviteeId: 'carol', inviterId: 'bob' }),
  ],
});

export function inviteView(inv: Invite, view: SessionView = activeView, maxResends = MAX_RESENDS): InviteView {
  return {
    invite: inv,
    view,
    inviter: agentById(inv.inviterId),
    invitee: agentById(inv.inviteeId) ?? bob,
    maxResends,
  };
}

export const STATUSES: InviteStatus[] = ['pending', 'accepted', 'rejected', 'expired', 'cancelled'];
export const MODES: InviteMode[] = ['participant', 'monitor'];
/** "now" for invite cards: while the fixture invite is pending and not yet expired. */
export const NOW = T0 + 6 * MIN;

/** sess-1 with carol (supervisor) monitoring. */
export const carolMonitors = sessionView(activeSession, { members: [ownerMember, member(carol, 'monitor', T0 + 7 * MIN, 'supervisor')] });

export const home: HomeView = {
  agent: carol,
  available: true,
  invites: [inviteView(invite('pending', { id: 'inv-9', inviteeId: 'carol', mode: 'monitor' }))],
  chats: [carolMonitors],
  monitoring: [carolMonitors, sessionView({ ...activeSession, id: 'sess-2', ref: 'ABCD23', endUser: { name: 'Max Mustermann' } })],
};
